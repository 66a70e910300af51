"""Files are read and checked together (evalkit.ingest._read_files): every file of one separator and number of
columns in one scan, whatever its table, column order or column names, and the Windows-1252 files in one scan of
converting pipes. Each still gets its own lines, rejects, encoding and accounting, exactly as when it is the only
file of its quarter."""

from __future__ import annotations

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.ingest import ingest_quarter
from evalkit.ingest.dialect import surely_not_utf8

HEADER = "course_id;citizen_id;paragraph;start_date\n"
FILES = {
    "101_courses.csv": (
        HEADER + "c1;X1;82a;2021-01-01\nc2;X2;82a;2021-01-02;extra\nc3;X3;82b;2021-01-03\nc3;X3;82b;2021-01-03\n",
        "utf-8",
    ),
    "147_courses.csv": (
        HEADER + "d1;Y1;82a;2021-01-01\nd2;Y2;82a;2021-01-02;x;y\nd3;Y3;82b;2021-13-03\nd4;Y4;82b;2021-01-05\n",
        "utf-8",
    ),
    # same layout, but Windows-1252: found in the group scan, then read on its own through the converting pipe
    "151_courses.csv": (HEADER + "e1;Zø;82a;2021-01-01\ne2;Z2;82a;2021-01-01;z\n", "cp1252"),
    "153_courses.csv": (HEADER + "f1;W1;82a;2021-01-01\nf2;W2;82q;2021-01-01\n", "utf-8-sig"),
    "157_courses.csv": (
        "citizen_id;course_id;paragraph;start_date\nV1;h1;82a;2021-01-01\nV2;h2;82a;2021-01-01;q\n",
        "utf-8",
    ),
    # Danish names, and other tables of four columns: read in the same scan as the courses above
    "161_courses.csv": ("forloeb_id;cpr;paragraf;startdato\ng1;U1;82a;01.02.2021\ng2;U2;82b;31.02.2021\n", "utf-8"),
    "161_shadow.csv": (
        "forloeb_id;skyggeparagraf;skygge_timer_pr_uge;skygge_aarlig_udgift\ng1;§ 85;2,5;1.000,50\ng2;ingen;;\n",
        "utf-8",
    ),
    "163_milestones.csv": (
        "step;date;programme;citizen_id\ntarget_group;2021-01-04;brug_for_alle;U3\n"
        "team_meeting;2021-01-05\nteam_meeting;2021-01-06;brug_for_alle;U3\n",
        "utf-8",
    ),
    # a column the contract does not know: five columns, a scan of its own
    "165_courses.csv": ("course_id;note;citizen_id;paragraph;start_date\nk1;fri tekst;T1;82a;2021-01-01\n", "utf-8"),
    # Windows-1252 with a quoted cell over two lines: found not UTF-8 by DuckDB, then read through a pipe
    "167_courses.csv": (
        'forloeb_id;cpr;paragraf;startdato\nm1;S1;"82a";"2021-\n01-01"\nm2;Sø;82a;2021-01-01\nm3;S3;82a;2021-01-01;x\n',
        "cp1252",
    ),
    # Windows-1252 seen before any scan, read through a pipe in the same scan as the file above
    "169_courses.csv": (
        "forloeb_id;cpr;paragraf;startdato\nn1;Å1;82a;2021-01-01\nn2;Å2;82a;2021-01-01;x\nn3;Å3;82b;2021-01-03\n",
        "cp1252",
    ),
    # only the header is not UTF-8: DuckDB reads the rows as UTF-8, and the file is logged so
    "171_courses.csv": ("fødselsår;course_id;citizen_id;paragraph;start_date\n1980;p1;R1;82a;2021-01-01\n", "cp1252"),
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
        for table in ("courses", "shadow", "milestones", "quarantine", "ingest_log")
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
    assert ("2021Q1/161_courses.csv", 3, "not_date") in quarantined
    assert ("2021Q1/163_milestones.csv", 3, "malformed_line") in quarantined
    assert ("2021Q1/167_courses.csv", 5, "malformed_line") in quarantined  # after a cell over two lines
    assert ("2021Q1/169_courses.csv", 3, "malformed_line") in quarantined
    log = {row[0]: row[3:8] for row in together["ingest_log"]}
    assert log["2021Q1/151_courses.csv"] == ("windows-1252", ";", 2, 1, 1)
    assert log["2021Q1/153_courses.csv"][0] == "utf-8-sig"
    assert log["2021Q1/161_shadow.csv"] == ("utf-8", ";", 2, 2, 0)
    assert log["2021Q1/165_courses.csv"] == ("utf-8", ";", 1, 1, 0)
    assert log["2021Q1/167_courses.csv"] == ("windows-1252", ";", 3, 1, 2)
    assert log["2021Q1/169_courses.csv"] == ("windows-1252", ";", 3, 2, 1)
    assert log["2021Q1/171_courses.csv"] == ("utf-8", ";", 1, 1, 0)


@pytest.mark.parametrize(
    ("text", "sure"),
    [
        ("a;b;c\nx;ø;z\n", True),
        ("a;b;ø\nx;y;z\n", False),  # only the header: DuckDB reads the rows as UTF-8
        ("a;b;c\nx;y;z\nx;y;z;ø\n", False),  # only a malformed line: DuckDB judges
        ('a;b;c\n"x\ny";ø;z\n', False),  # after a quote lines may join: DuckDB judges
        ("a;b;c\nx;y;z\n", False),
    ],
)
def test_a_file_is_taken_for_windows_1252_before_a_scan_only_when_duckdb_surely_would(tmp_path, text, sure):
    path = tmp_path / "851_courses.csv"
    path.write_bytes(text.encode("cp1252"))
    assert surely_not_utf8(path.read_bytes(), ";", 3) is sure


# Files without a quote, read as one stream: line endings of both kinds, a missing last newline, empty and blank
# lines, malformed lines, a byte-order mark, files without rows between others, Windows-1252 and mixed line endings
# (both converted), and another table of the same number of columns in the middle.
STREAMED = {
    "201_courses.csv": (
        HEADER + "a1;X1;82a;2021-01-01\r\n\r\na2;X2;82a;2021-01-02;extra\r\na3;X3;82b;2021-01-03",
        "utf-8",
    ),
    "203_courses.csv": (HEADER, "utf-8"),
    "205_courses.csv": (HEADER + "\n\nb1;Y1;82a;2021-01-01\n;;;\nb2;Y2\n\nb3;Y3;82q;2021-01-03\n\n", "utf-8-sig"),
    "207_courses.csv": ("forloeb_id;cpr;paragraf;startdato", "utf-8"),
    "209_milestones.csv": ("step;date;programme;citizen_id\ntarget_group;2021-01-04;brug_for_alle;U3\n\n", "utf-8"),
    "211_courses.csv": (HEADER + "c1;Zø;82a;2021-01-01\nc2;Z2;82a;2021-01-01;z\n\nc3;Z3;82a;2021-01-01\n", "cp1252"),
    "213_courses.csv": (HEADER + "d1;W1;82a;2021-01-01\r\nd2;W2;82a;2021-01-01\nd3;W3;82a;2021-01-01\r", "utf-8"),
    "215_courses.csv": (HEADER + "e1;V1;82a;2021-01-01\ne1;V1;82a;2021-01-01\n", "utf-8"),
}


def test_files_read_as_one_stream_give_what_their_own_scans_give(tmp_path, monkeypatch):
    from evalkit.ingest import scan

    for name in STREAMED:
        FILES[name] = STREAMED[name]
    try:
        joined = ingest(tmp_path / "joined", STREAMED)

        def unjoined(*_):
            raise scan._Unjoined("read each file in a scan of its own")

        monkeypatch.setattr(scan, "_read_joined", unjoined)
        scanned = ingest(tmp_path / "scanned", STREAMED)
    finally:
        for name in STREAMED:
            del FILES[name]
    assert joined == scanned
    quarantined = {(row[0], row[3], row[6]) for row in joined["quarantine"]}
    assert ("2021Q1/201_courses.csv", 4, "malformed_line") in quarantined
    assert ("2021Q1/205_courses.csv", 6, "malformed_line") in quarantined
    assert ("2021Q1/205_courses.csv", 8, "unknown_code") in quarantined
    assert ("2021Q1/211_courses.csv", 3, "malformed_line") in quarantined
    assert ("2021Q1/215_courses.csv", 3, "exact_duplicate") in quarantined
    log = {row[0]: row[3:8] for row in joined["ingest_log"]}
    assert log["2021Q1/203_courses.csv"] == ("utf-8", ";", 0, 0, 0)
    assert log["2021Q1/211_courses.csv"] == ("windows-1252", ";", 3, 2, 1)
    assert log["2021Q1/213_courses.csv"] == ("utf-8", ";", 3, 3, 0)


def test_a_stream_whose_rows_do_not_add_up_is_read_again_file_by_file(tmp_path, monkeypatch):
    from dataclasses import astuple

    from evalkit.ingest import scan

    read_raw, streams = scan._read_raw, []

    def losing_a_row(con, name, sources, delimiter, width):
        found = read_raw(con, name, sources, delimiter, width)
        if sources[0].endswith("/joined.csv"):  # the stream, not a file's own scan
            streams.append(name)
            con.execute(f"DELETE FROM {name} WHERE rowid = (SELECT max(rowid) FROM {name})")
            return {source: scan._Scanned(s.parsed - 1, *astuple(s)[1:]) for source, s in found.items()}
        return found

    for name in STREAMED:
        FILES[name] = STREAMED[name]
    try:
        expected = ingest(tmp_path / "joined", STREAMED)
        monkeypatch.setattr(scan, "_read_raw", losing_a_row)
        found = ingest(tmp_path / "lossy", STREAMED)
    finally:
        for name in STREAMED:
            del FILES[name]
    assert streams and found == expected
