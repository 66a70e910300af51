"""The limit the ingest is measured against: DuckDB's own read_csv of the same files into tables, no validation.

    python bench/raw_scan.py RAW_DIR

Files are grouped by table, header line and encoding, so every group has one layout and is one read_csv over its
file list (all columns as text, header and separator given): the fastest way DuckDB reads these files. A header
that is not UTF-8 marks a Windows-1252 file, read with DuckDB's `latin-1`; that is exact for the scale drops, whose
Windows-1252 files have Danish letters in the header. Nothing is checked, parsed, hashed or written to disk.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import duckdb


def layout(path: Path) -> tuple[str, bytes, str, str]:
    """(table, header bytes, encoding, separator) of a `<kommunekode>_<table>.csv` file."""
    with open(path, "rb") as handle:
        header = handle.readline().removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    try:
        text, encoding = header.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = header.decode("latin-1"), "latin-1"
    delimiter = max(";,\t", key=text.count)
    return path.stem.split("_", 1)[1], header, encoding, delimiter


def scan(raw_dir: Path) -> int:
    groups: dict[tuple, list[str]] = defaultdict(list)
    for path in sorted(raw_dir.glob("*/*.csv")):
        groups[layout(path)].append(str(path))
    con = duckdb.connect()
    rows = 0
    for number, ((table, _, encoding, delimiter), files) in enumerate(sorted(groups.items())):
        con.execute(
            f"CREATE TABLE {table}_{number} AS SELECT * FROM read_csv($files, header=true, all_varchar=true, "
            "delim=$delimiter, encoding=$encoding)",
            {"files": files, "delimiter": delimiter, "encoding": encoding},
        )
        rows += con.execute(f"SELECT count(*) FROM {table}_{number}").fetchone()[0]
    return rows


if __name__ == "__main__":
    print(f"raw scan: {scan(Path(sys.argv[1]))} rows")
