"""The warehouse: newest quarter wins by key, re-delivery is idempotent, accounting is re-checked."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.ingest import AccountingError
from evalkit.warehouse import build_from_raw, build_warehouse

HEADER = "course_id,citizen_id,paragraph,start_date,end_date,end_reason\n"


def build(tmp_path, name="evalkit.duckdb"):
    db = tmp_path / "processed" / name
    build_from_raw(tmp_path / "raw", db, TEST_KEY.encode(), processed_dir=tmp_path / "processed")
    return duckdb.connect(str(db), read_only=True)


def test_a_later_quarter_replaces_the_earlier_version_of_a_row(tmp_path):
    raw = tmp_path / "raw"
    write_drop(raw, "2021Q2", "851_courses.csv",
               HEADER + "c1,K-1,82a,2021-04-01,,\nc2,K-2,82b,2021-05-01,2021-06-01,completed\n")
    write_drop(raw, "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,2021-08-15,completed\n")
    con = build(tmp_path)
    assert con.execute(
        "SELECT course_id, end_date::VARCHAR, quarter FROM courses ORDER BY course_id"
    ).fetchall() == [("c1", "2021-08-15", "2021Q3"), ("c2", "2021-06-01", "2021Q2")]
    superseded = "SELECT table_name, kommunekode, key, quarter, replaced_by_quarter FROM superseded"
    assert con.execute(superseded).fetchall() == [
        ("courses", "851", "c1", "2021Q2", "2021Q3")
    ]


def test_the_same_key_in_two_municipalities_is_two_rows(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\n")
    write_drop(tmp_path / "raw", "2021Q3", "860_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\n")
    con = build(tmp_path)
    assert con.execute("SELECT kommunekode FROM courses ORDER BY 1").fetchall() == [("851",), ("860",)]


def test_redelivering_an_identical_file_in_a_later_quarter_changes_no_figure(tmp_path):
    raw = tmp_path / "raw"
    write_drop(raw, "2021Q2", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,2021-05-01,completed\n")
    once = build(tmp_path, "once.duckdb").execute("SELECT * EXCLUDE (quarter, source_file) FROM courses").fetchall()
    shutil.copytree(raw / "2021Q2", raw / "2021Q3")
    twice = build(tmp_path, "twice.duckdb").execute("SELECT * EXCLUDE (quarter, source_file) FROM courses").fetchall()
    assert once == twice and len(twice) == 1


def test_milestone_keys_use_the_citizen_key(tmp_path):
    header = "programme,cpr,step,date\n"
    write_drop(tmp_path / "raw", "2012Q3", "101_milestones.csv", header + "bfa,0101801234,target_group,2012-08-01\n")
    write_drop(tmp_path / "raw", "2012Q4", "101_milestones.csv", header + "bfa,010180-1234,target_group,2012-09-01\n")
    con = build(tmp_path)
    assert con.execute("SELECT date::VARCHAR, quarter FROM milestones").fetchall() == [("2012-09-01", "2012Q4")]


def test_an_empty_raw_folder_gives_an_empty_warehouse_with_every_table(tmp_path):
    (tmp_path / "raw").mkdir()
    con = build(tmp_path)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == {"courses", "services", "shadow", "milestones", "housing_support", "contacts", "staff_hours",
                      "quarantine", "ingest_log", "superseded", "delivery_changes", "data_quality"}


def test_accounting_that_does_not_add_up_fails_the_build(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv",
               HEADER + "c1,K-1,82a,2021-04-01,,\nc2,K-2,82z,2021-04-01,,\n")
    build(tmp_path).close()
    quarter = tmp_path / "processed" / "quarters" / "2021Q3"
    # Lose the quarantined row: the rebuilt warehouse must notice that the file's rows no longer add up.
    duckdb.execute(f"COPY (SELECT * FROM '{quarter}/quarantine.parquet' WHERE false) TO '{quarter}/quarantine.parquet'")
    with pytest.raises(AccountingError, match="2021Q3/851_courses.csv: read 2, loaded 1, quarantined 1"):
        build_warehouse([quarter], tmp_path / "processed" / "again.duckdb")
    assert not (tmp_path / "processed" / "again.duckdb").exists()


def test_data_quality_counts_what_each_delivery_brought_and_changed(tmp_path):
    raw = tmp_path / "raw"
    write_drop(raw, "2021Q2", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\n"
               "c2,K-2,82b,2021-04-01,2021-05-01,completed\nc4,K-4,82a,2021-04-01,,\nc5,K-5,82z,2021-04-01,,\n")
    write_drop(raw, "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,2021-08-01,completed\n"
               "c2,K-2,82b,2021-04-01,2021-05-01,completed\nc3,K-3,82a,2021-07-01,,\nc4,K-4,82b,2021-04-01,,\n")
    con = build(tmp_path)
    quality = con.execute(
        "SELECT quarter, rows_delivered, rows_loaded, rows_quarantined, new_rows, changed_rows, unchanged_rows,"
        " courses_closed, replaced_by_newer_quarter FROM data_quality ORDER BY quarter"
    ).fetchall()
    assert quality == [
        ("2021Q2", 4, 3, 1, 3, 0, 0, 0, 3),  # c1, c2, c4 new; all three replaced in 2021Q3; c5 quarantined
        ("2021Q3", 4, 4, 0, 1, 2, 1, 1, 0),  # c3 new; c1 (closed) and c4 (corrected) changed; c2 repeated
    ]
