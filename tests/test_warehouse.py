"""The warehouse: newest quarter wins by key, re-delivery is idempotent, accounting is re-checked."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from conftest import TEST_KEY, write_drop
from warehouse_factory import build_from_raw

from evalkit.contract import AccountingError
from evalkit.ingest import ingest_quarter
from evalkit.ingest.pseudonym import KeyError_, key_fingerprint
from evalkit.warehouse.build import MANIFEST, build_warehouse

HEADER = "course_id,citizen_id,paragraph,start_date,end_date,end_reason\n"


def build(tmp_path, name="evalkit.duckdb"):
    db = tmp_path / "processed" / name
    build_from_raw(tmp_path / "raw", db, TEST_KEY.encode(), processed_dir=tmp_path / "processed")
    return duckdb.connect(str(db), read_only=True)


def test_a_later_quarter_replaces_the_earlier_version_of_a_row(tmp_path):
    raw = tmp_path / "raw"
    write_drop(
        raw,
        "2021Q2",
        "851_courses.csv",
        HEADER + "c1,K-1,82a,2021-04-01,,\nc2,K-2,82b,2021-05-01,2021-06-01,completed\n",
    )
    write_drop(raw, "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,2021-08-15,completed\n")
    con = build(tmp_path)
    assert con.execute("SELECT course_id, end_date::VARCHAR, quarter FROM courses ORDER BY course_id").fetchall() == [
        ("c1", "2021-08-15", "2021Q3"),
        ("c2", "2021-06-01", "2021Q2"),
    ]
    superseded = "SELECT table_name, kommunekode, key, quarter, replaced_by_quarter FROM superseded"
    assert con.execute(superseded).fetchall() == [("courses", "851", "c1", "2021Q2", "2021Q3")]


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
    assert tables == {
        "courses",
        "services",
        "shadow",
        "milestones",
        "housing_support",
        "contacts",
        "staff_hours",
        "quarantine",
        "ingest_log",
        "superseded",
        "delivery_changes",
        "data_quality",
        "build_manifest",
    }


def test_accounting_that_does_not_add_up_fails_the_build(tmp_path):
    write_drop(
        tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\nc2,K-2,82z,2021-04-01,,\n"
    )
    build(tmp_path).close()
    quarter = tmp_path / "processed" / "quarters" / "2021Q3"
    # Lose the quarantined row: the rebuilt warehouse must notice that the file's rows no longer add up.
    duckdb.execute(f"COPY (SELECT * FROM '{quarter}/quarantine.parquet' WHERE false) TO '{quarter}/quarantine.parquet'")
    with pytest.raises(AccountingError, match="2021Q3/851_courses.csv: read 2, loaded 1, quarantined 1"):
        build_warehouse([quarter], tmp_path / "processed" / "again.duckdb")
    assert not (tmp_path / "processed" / "again.duckdb").exists()


def test_data_quality_counts_what_each_delivery_brought_and_changed(tmp_path):
    raw = tmp_path / "raw"
    write_drop(
        raw,
        "2021Q2",
        "851_courses.csv",
        HEADER + "c1,K-1,82a,2021-04-01,,\n"
        "c2,K-2,82b,2021-04-01,2021-05-01,completed\nc4,K-4,82a,2021-04-01,,\nc5,K-5,82z,2021-04-01,,\n",
    )
    write_drop(
        raw,
        "2021Q3",
        "851_courses.csv",
        HEADER + "c1,K-1,82a,2021-04-01,2021-08-01,completed\n"
        "c2,K-2,82b,2021-04-01,2021-05-01,completed\nc3,K-3,82a,2021-07-01,,\nc4,K-4,82b,2021-04-01,,\n",
    )
    con = build(tmp_path)
    quality = con.execute(
        "SELECT quarter, rows_delivered, rows_loaded, rows_quarantined, new_rows, changed_rows, unchanged_rows,"
        " courses_closed, replaced_by_newer_quarter FROM data_quality ORDER BY quarter"
    ).fetchall()
    assert quality == [
        ("2021Q2", 4, 3, 1, 3, 0, 0, 0, 3),  # c1, c2, c4 new; all three replaced in 2021Q3; c5 quarantined
        ("2021Q3", 4, 4, 0, 1, 2, 1, 1, 0),  # c3 new; c1 (closed) and c4 (corrected) changed; c2 repeated
    ]


# Three quarters that replace, repeat, change, close and add rows of several tables, each with a quarantined row.
DELIVERIES = {
    "2021Q1": {
        "851_courses.csv": HEADER + "c1,K-1,82a,2021-01-10,,\nc2,K-2,82b,2021-02-01,,\nc3,K-3,82q,2021-02-01,,\n",
        "851_services.csv": "service_id,citizen_id,paragraph,start_date,hours_per_week\ns1,K-1,85,2021-03-01,2\n",
        "860_courses.csv": HEADER + "c1,K-9,82a,2021-01-05,,\n",
    },
    "2021Q2": {
        "851_courses.csv": HEADER + "c1,K-1,82a,2021-01-10,2021-05-01,completed\nc2,K-2,82b,2021-02-01,,\n"
        "c4,K-4,82a,2021-04-01,,\nc5,K-5,82a,2021-13-01,,\n",
        "851_shadow.csv": "course_id,shadow_paragraph,shadow_hours_per_week\nc1,85,3\n",
        "851_milestones.csv": "programme,cpr,step,date\nbfa,K-1,target_group,2021-04-02\n",
    },
    "2021Q3": {
        "851_courses.csv": HEADER + "c1,K-1,82a,2021-01-10,2021-05-02,completed\nc2,K-2,82b,2021-02-01,"
        "2021-08-01,dropped_out\nc6,K-6,82b,2021-07-01,,\n",
        "851_services.csv": "service_id,citizen_id,paragraph,start_date,hours_per_week\ns1,K-1,85,2021-03-01,4\n"
        "s2,K-1,85,2021-09-01,x\n",
        "851_milestones.csv": "programme,cpr,step,date\nbfa,K-1,target_group,2021-04-02\n",
    },
}


def ingest_all(tmp_path) -> list:
    for quarter, files in DELIVERIES.items():
        for name, text in files.items():
            write_drop(tmp_path / "raw", quarter, name, text)
    dirs = []
    for quarter in DELIVERIES:
        ingest_quarter(tmp_path / "raw", quarter, tmp_path / "q" / quarter, TEST_KEY.encode())
        dirs.append(tmp_path / "q" / quarter)
    return dirs


def contents(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {name: sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}


def test_newer_quarters_update_the_warehouse_to_exactly_what_a_full_build_gives(tmp_path):
    dirs = ingest_all(tmp_path)
    updated = tmp_path / "updated.duckdb"
    assert build_warehouse(dirs[:1], updated).startswith("built in full")
    assert build_warehouse(dirs[:2], updated).startswith("updated with 2021Q2")
    assert build_warehouse(dirs, updated).startswith("updated with 2021Q3")
    full = tmp_path / "full.duckdb"
    assert build_warehouse(dirs, full).startswith("built in full")
    expected = contents(full)
    # the case is not trivial: keys replaced twice, repeats, changes, a course closed, quarantined rows
    assert ("courses", "851", "c1", "2021Q1", "2021Q3") in expected["superseded"]
    assert {r[6] for r in expected["delivery_changes"] if r[:3] == ("2021Q3", "851", "courses")} == {1}
    assert len(expected["quarantine"]) == 3
    assert contents(updated) == expected
    assert build_warehouse(dirs, updated) == "updated with nothing (only newer quarters were added)"


@pytest.mark.parametrize(
    "change, reason",
    [
        ("late quarter", "2021Q2 is older than the newest quarter already in the warehouse, 2021Q3"),
        ("re-ingested", "quarters were ingested again: 2021Q1"),
        ("removed", "quarters were removed: 2021Q3"),
        ("code", "the warehouse code changed"),
    ],
)
def test_anything_but_newer_quarters_rebuilds_in_full(tmp_path, change, reason):
    dirs = ingest_all(tmp_path)
    db = tmp_path / "evalkit.duckdb"
    build_warehouse([dirs[0], dirs[2]] if change == "late quarter" else dirs, db)
    if change == "re-ingested":
        ingest_quarter(tmp_path / "raw", "2021Q1", dirs[0], TEST_KEY.encode())
    if change == "code":
        with duckdb.connect(str(db)) as con:
            con.execute(f"UPDATE {MANIFEST} SET code = 'older'")
    given = dirs[:2] if change == "removed" else dirs
    assert build_warehouse(given, db) == f"built in full from {len(given)} quarters ({reason})"
    full = tmp_path / "full.duckdb"
    build_warehouse(given, full)
    assert contents(db) == contents(full)


def test_a_failed_update_leaves_the_warehouse_as_it_was(tmp_path):
    dirs = ingest_all(tmp_path)
    db = tmp_path / "evalkit.duckdb"
    build_warehouse(dirs[:2], db)
    before = contents(db)
    duckdb.execute(f"COPY (SELECT * FROM '{dirs[2]}/quarantine.parquet' WHERE false) TO '{dirs[2]}/quarantine.parquet'")
    with pytest.raises(AccountingError, match="2021Q3/851_services.csv: read 2, loaded 1, quarantined 1"):
        build_warehouse(dirs, db)
    assert contents(db) == before


def test_quarters_made_with_different_keys_are_never_built_together(tmp_path):
    dirs = ingest_all(tmp_path)
    ingest_quarter(tmp_path / "raw", "2021Q2", dirs[1], b"another key of at least thirty-two bytes")
    with pytest.raises(KeyError_, match="quarters 2021Q1, 2021Q3 were pseudonymised with another key"):
        build_warehouse(
            dirs, tmp_path / "evalkit.duckdb", key=key_fingerprint(b"another key of at least thirty-two bytes")
        )
    with pytest.raises(KeyError_, match="quarters 2021Q2 were pseudonymised with another key"):
        build_warehouse(dirs, tmp_path / "evalkit.duckdb")
    assert not (tmp_path / "evalkit.duckdb").exists()
