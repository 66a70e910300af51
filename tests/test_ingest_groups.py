"""Files of one layout are read and checked together (evalkit.ingest._read_files): each still gets its own lines,
rejects, encoding and accounting, exactly as when it is the only file of its quarter."""

from __future__ import annotations

import duckdb
from conftest import TEST_KEY, write_drop

from evalkit.ingest import ingest_quarter

HEADER = "course_id;citizen_id;paragraph;start_date\n"
FILES = {
    "101_courses.csv": (HEADER + "c1;X1;82a;2021-01-01\nc2;X2;82a;2021-01-02;extra\nc3;X3;82b;2021-01-03\n"
                        "c3;X3;82b;2021-01-03\n", "utf-8"),
    "147_courses.csv": (HEADER + "d1;Y1;82a;2021-01-01\nd2;Y2;82a;2021-01-02;x;y\nd3;Y3;82b;2021-13-03\n"
                        "d4;Y4;82b;2021-01-05\n", "utf-8"),
    # same layout, but Windows-1252: found in the group scan, then read on its own through the converting pipe
    "151_courses.csv": (HEADER + "e1;Zø;82a;2021-01-01\ne2;Z2;82a;2021-01-01;z\n", "cp1252"),
    "153_courses.csv": (HEADER + "f1;W1;82a;2021-01-01\nf2;W2;82q;2021-01-01\n", "utf-8-sig"),
    "157_courses.csv": ("citizen_id;course_id;paragraph;start_date\nV1;h1;82a;2021-01-01\nV2;h2;82a;2021-01-01;q\n",
                        "utf-8"),
}


def ingest(tmp_path, names):
    raw = tmp_path / "raw"
    for name in names:
        text, encoding = FILES[name]
        write_drop(raw, "2021Q1", name, text, encoding=encoding)
    out = tmp_path / "out"
    ingest_quarter(raw, "2021Q1", out, TEST_KEY.encode())
    return {
        table: duckdb.execute(f"SELECT * EXCLUDE (quarter) FROM '{out}/{table}.parquet' ORDER BY ALL").fetchall()
        for table in ("courses", "quarantine", "ingest_log")
    }


def test_files_read_together_give_what_each_gives_alone(tmp_path):
    together = ingest(tmp_path / "together", FILES)
    alone = {table: [] for table in together}
    for name in FILES:
        for table, found in ingest(tmp_path / name, [name]).items():
            alone[table] += found
    assert together == {table: sorted(found) for table, found in alone.items()}
    quarantined = {(row[0], row[3], row[6]) for row in together["quarantine"]}
    assert ("2021Q1/147_courses.csv", 3, "malformed_line") in quarantined  # lines counted per file
    assert ("2021Q1/101_courses.csv", 5, "exact_duplicate") in quarantined
    log = {row[0]: row[3:8] for row in together["ingest_log"]}
    assert log["2021Q1/151_courses.csv"] == ("windows-1252", ";", 2, 1, 1)
    assert log["2021Q1/153_courses.csv"][0] == "utf-8-sig"
