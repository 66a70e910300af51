"""Tiny warehouses for tests, with the warehouse's own schema (evalkit.contract) and hand-written rows.

Rows are dicts with only the columns a test cares about; the rest are NULL and the provenance is filled in.
Citizen keys can be any text (the tables never look inside them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from evalkit import contract
from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import discover_quarters
from evalkit.warehouse.build import SUPERSEDED_COLUMNS
from evalkit.warehouse.build import build_warehouse as build_real_warehouse

# The warehouse's own table definitions, so a factory-built warehouse cannot drift from a real one.
SCHEMA = {name: dict(contract.warehouse_columns(table)) for name, table in contract.TABLES.items()}


QUARTER = "2021Q4"


def _create(con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, str]) -> None:
    con.execute(contract.ddl(name, columns.items()))


def build_warehouse(
    path: str | Path, tables: Mapping[str, Iterable[Mapping]] = (), delivered_empty: Iterable[tuple[str, str]] = ()
) -> Path:
    """Write a warehouse with these rows (table -> rows, each with its kommunekode).

    delivered_empty: (kommunekode, table) pairs that delivered a file with no usable rows (ingest_log only).
    """
    tables = dict(tables)
    unknown = set(tables) - set(SCHEMA)
    assert not unknown, f"not contract tables: {unknown}"
    path = Path(path)
    con = duckdb.connect(str(path))
    try:
        log: dict[tuple[str, str], int] = {}
        for table, schema in SCHEMA.items():
            _create(con, table, schema)
            for line, row in enumerate(tables.get(table, ()), start=2):
                extra = set(row) - set(schema)
                assert not extra, f"{table} has no column(s) {extra}"
                kommunekode = row["kommunekode"]
                values = {
                    **row,
                    "quarter": QUARTER,
                    "source_file": f"{QUARTER}/{kommunekode}_{table}.csv",
                    "source_line": line,
                }
                con.execute(
                    f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    list(values.values()),
                )
                log[(kommunekode, table)] = log.get((kommunekode, table), 0) + 1
        for kommunekode, table in delivered_empty:
            log.setdefault((kommunekode, table), 0)
        _create(con, "ingest_log", dict(contract.INGEST_LOG_COLUMNS))
        for (kommunekode, table), rows in sorted(log.items()):
            con.execute(
                "INSERT INTO ingest_log VALUES (?, ?, ?, ?, 'utf-8', ';', ?, ?, 0, NULL, ?, 0, 0, NULL, 1, '')",
                [QUARTER, f"{QUARTER}/{kommunekode}_{table}.csv", kommunekode, table, rows, rows, rows + 1],
            )
        _create(con, "quarantine", dict(contract.QUARANTINE_COLUMNS))
        _create(con, "superseded", dict(SUPERSEDED_COLUMNS))
    finally:
        con.close()
    return path


def build_from_raw(raw_dir: Path, db_path: Path, key: bytes, processed_dir: Path | None = None) -> None:
    """Ingest every quarter of raw_dir and build the real warehouse from them: the pipeline without Snakemake."""
    processed_dir = processed_dir or db_path.parent
    quarter_dirs = []
    for quarter in discover_quarters(Path(raw_dir)):
        out_dir = processed_dir / "quarters" / quarter
        ingest_quarter(Path(raw_dir), quarter, out_dir, key)
        quarter_dirs.append(out_dir)
    build_real_warehouse(quarter_dirs, db_path)
