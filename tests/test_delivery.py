"""Delivery semantics, each proven by running the pipeline twice: whatever a secretariat drops, no row is lost or
counted twice, and the figure tables say so."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
import yaml
from conftest import write_drop
from test_workflow import ROOT, snakemake

HEADER = "course_id;citizen_id;paragraph;start_date;end_date;end_reason\n"
COURSES_Q2 = HEADER + "c1;K-1;82a;01-04-2021;;\nc2;K-2;82b;01-04-2021;30-06-2021;completed\n"


@pytest.fixture
def pipeline(tmp_path):
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config |= {
        "raw_dir": str(tmp_path / "raw"),
        "processed_dir": str(tmp_path / "processed"),
        "results_dir": str(tmp_path / "results"),
        "reports": [
            {
                "id": "test",
                "municipalities": ["851"],
                "period": {"start": "2021-04-01", "end": "2021-09-30"},
                "follow_up_until": "2021-12-31",
            }
        ],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))

    def run() -> dict:
        snakemake(path, "tables")
        with open(tmp_path / "results" / "tables" / "completion.csv", encoding="utf-8") as handle:
            rows = {row["kommunekode"]: row for row in csv.DictReader(handle)}
        return rows["851"]

    write_drop(tmp_path / "raw", "2021Q2", "851_courses.csv", COURSES_Q2)
    return tmp_path, run


def warehouse(tmp_path):
    return duckdb.connect(str(tmp_path / "processed" / "evalkit.duckdb"), read_only=True)


def test_the_same_file_delivered_again_gives_identical_results(pipeline):
    tmp_path, run = pipeline
    first = run()
    shutil.copytree(tmp_path / "raw" / "2021Q2", tmp_path / "raw" / "2021Q3")
    tables = tmp_path / "results" / "tables"
    before = {p.name: p.read_bytes() for p in tables.glob("*.csv")}
    second = run()
    assert first == second and (second["ended"], second["completed"]) == ("1", "1")
    assert {p.name: p.read_bytes() for p in tables.glob("*.csv")} == before


def test_a_corrected_redelivery_of_a_quarter_wins(pipeline):
    tmp_path, run = pipeline
    assert (run()["ended"], run()["completed"]) == ("1", "1")
    write_drop(
        tmp_path / "raw",
        "2021Q2",
        "851_courses.csv",
        COURSES_Q2.replace("30-06-2021;completed", "30-06-2021;dropped_out"),
    )
    corrected = run()
    assert (corrected["ended"], corrected["completed"]) == ("1", "0")


def test_a_file_rewritten_in_place_with_the_same_size_is_ingested_again(pipeline):
    # The folder's own time does not change when a file in it is rewritten: the delivery fingerprint must see it.
    tmp_path, run = pipeline
    assert run()["ended"] == "1"
    corrected = COURSES_Q2.replace("30-06-2021;completed", "30-10-2021;completed")  # now ends after the period
    assert len(corrected) == len(COURSES_Q2)
    write_drop(tmp_path / "raw", "2021Q2", "851_courses.csv", corrected)
    assert run()["ended"] == "0"


def test_a_later_quarter_closing_an_open_course_counts_it_once_as_ended(pipeline):
    tmp_path, run = pipeline
    assert run()["ended"] == "1"
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c1;K-1;82a;01-04-2021;15-08-2021;completed\n")
    after = run()
    assert (after["ended"], after["completed"], after["citizens_with_course"]) == ("2", "2", "2")
    assert warehouse(tmp_path).execute("SELECT count(*) FROM courses WHERE course_id = 'c1'").fetchone() == (1,)


def test_a_removed_file_takes_its_rows_out_of_the_results(pipeline):
    tmp_path, run = pipeline
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c3;K-3;82a;01-07-2021;01-08-2021;moved\n")
    assert run()["ended"] == "2"
    (tmp_path / "raw" / "2021Q3" / "851_courses.csv").unlink()
    assert run()["ended"] == "1"


def test_a_file_with_bad_rows_counts_the_rest_and_quarantines_the_bad_with_accounting_holding(pipeline):
    tmp_path, run = pipeline
    run()
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_courses.csv",
        HEADER + "c3;K-3;82a;01-07-2021;01-08-2021;moved\nc4;K-4;82a;01-07-2021;31-06-2021;moved\n"
        "c5;K-5;82a;01-07-2021;01-08-2021;completed;extra\n",
    )
    after = run()
    assert (after["ended"], after["completed"]) == ("2", "1")
    con = warehouse(tmp_path)
    assert con.execute(
        "SELECT source_line, reason_code FROM quarantine WHERE quarter = '2021Q3' ORDER BY 1"
    ).fetchall() == [(3, "not_date"), (4, "malformed_line")]
    assert con.execute(
        "SELECT rows_read, rows_loaded, rows_quarantined FROM ingest_log WHERE quarter = '2021Q3'"
    ).fetchall() == [(3, 1, 2)]
