"""Hostile and broken input, generated: the reader never crashes, never loses a row silently, and a formula-like
cell never reaches a file meant for Excel users as a formula."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import IngestError

HEADER = ["course_id", "citizen_id", "paragraph", "start_date", "end_date", "end_reason", "offer"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that stresses a CSV reader: separators, quotes, line breaks, formula starts, Danish letters and the
# characters Windows-1252 has and latin-1 lacks.
HOSTILE_CHARS = ';,"\n\r\t =+-@æøåÆØÅ€–“”’ '
HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(HOSTILE_CHARS), st.sampled_from(["82a", "2021-04-01", "010190-1234"])), max_size=8
).map("".join)
CELL = st.one_of(
    HOSTILE_TEXT,
    st.text(max_size=20),
    st.sampled_from(["=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@x", "82a", "K-1", "", "completed"]),
    st.integers(0, 20_000).map(lambda n: "x" * n),  # huge fields
)


def ingest(content: bytes) -> tuple[int, int, int, int]:
    """(rows read, blank lines, loaded, quarantined) for one delivered courses file with this content; blank rows
    (nothing but separators and spaces) are not rows, and every physical line is accounted for."""
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "raw"
        (raw / "2021Q3").mkdir(parents=True)
        (raw / "2021Q3" / "851_courses.csv").write_bytes(content)
        out = Path(folder) / "out"
        [outcome] = ingest_quarter(raw, "2021Q3", out, b"key")
        loaded = duckdb.execute(f"SELECT count(*) FROM '{out}/courses.parquet'").fetchone()[0]
        quarantined = duckdb.execute(f"SELECT count(DISTINCT source_line) FROM '{out}/quarantine.parquet'").fetchone()[
            0
        ]
        assert (outcome.rows_loaded, outcome.rows_quarantined) == (loaded, quarantined)
        assert outcome.lines_accounted()
        return outcome.rows_read, outcome.lines_blank, loaded, quarantined


@SETTINGS
@given(st.binary(max_size=3000))
def test_random_bytes_either_load_with_accounting_or_fail_with_a_file_message(content):
    try:
        read, _, loaded, quarantined = ingest(b"course_id;citizen_id;paragraph;start_date\n" + content)
    except IngestError as error:
        assert "851_courses.csv: " in str(error)
        return
    assert read == loaded + quarantined


@SETTINGS
@given(
    rows=st.lists(st.lists(CELL, min_size=len(HEADER), max_size=len(HEADER)), max_size=25),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_every_row_of_any_quoted_csv_is_loaded_or_quarantined(rows, delimiter, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    content = buffer.getvalue().encode(encoding, errors="replace")
    read, blank, loaded, quarantined = ingest(content)
    assert read + blank == len(rows)
    assert loaded + quarantined == read


@SETTINGS
@given(st.lists(HOSTILE_TEXT, min_size=1, max_size=8))
def test_ragged_lines_are_quarantined_not_dropped(cells):
    good = "c1;K-1;82a;2021-04-01;;;x"
    # A blank line is no row (CSV readers skip it), so the ragged line always has something on it.
    ragged = ";".join(c.replace("\n", " ").replace("\r", " ").replace('"', "") for c in cells) + "x"
    content = "\n".join([";".join(HEADER), good, ragged, good.replace("c1", "c2")]) + "\n"
    read, _, loaded, quarantined = ingest(content.encode())
    assert read == 3 and loaded + quarantined == 3 and loaded >= 2
