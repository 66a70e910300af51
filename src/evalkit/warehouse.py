"""Build the one DuckDB database every figure reads, from the per-quarter Parquet files of the ingest.

Per contract table the newest quarter's version of each key wins (a re-delivered identical file changes nothing;
a later quarter's row replaces the earlier one); the replaced rows are listed in `superseded`. The database is
written to a temporary file and moved into place, so a failed build never leaves a half-written warehouse.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from . import contract, duck
from .contract import TABLES
from .duck import sql_literal
from .ingest import INGEST_LOG, QUARANTINE, AccountingError, discover_quarters, ingest_quarter

SUPERSEDED_COLUMNS = (
    ("table_name", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("key", "VARCHAR"),
    ("quarter", "VARCHAR"),
    ("replaced_by_quarter", "VARCHAR"),
)


def _sources(quarter_dirs: list[Path], name: str) -> str:
    files = [sql_literal(str(d / f"{name}.parquet")) for d in quarter_dirs]
    return "read_parquet([" + ", ".join(files) + "])"


def _load(con: duckdb.DuckDBPyConnection, name: str, columns, quarter_dirs: list[Path]) -> None:
    con.execute(contract.ddl(name, columns))
    if quarter_dirs:
        names = ", ".join(c for c, _ in columns)
        con.execute(f"INSERT INTO {name} SELECT {names} FROM {_sources(quarter_dirs, name)}")


DELIVERY_CHANGES_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("new_rows", "BIGINT"),
    ("changed_rows", "BIGINT"),
    ("unchanged_rows", "BIGINT"),
    ("courses_closed", "BIGINT"),
)


def _record_changes(con: duckdb.DuckDBPyConnection, table: contract.Table) -> None:
    """Per delivery: rows whose key is new, rows that change or repeat the previous quarter's version, and (for
    courses) courses delivered open before and ended now."""
    key = ", ".join(table.warehouse_key)
    content = ", ".join(name for name, _ in contract.warehouse_columns(table)
                        if name not in {"quarter", "source_file", "source_line"})
    closed = (
        "count(*) FILTER (WHERE previous IS NOT NULL AND previous_end_date IS NULL AND end_date IS NOT NULL)"
        if table.name == "courses" else "0"
    )
    previous_end = "lag(end_date) OVER versions" if table.name == "courses" else "NULL"
    con.execute(
        f"""
        INSERT INTO delivery_changes
        SELECT quarter, kommunekode, '{table.name}',
               count(*) FILTER (WHERE previous IS NULL),
               count(*) FILTER (WHERE previous <> current),
               count(*) FILTER (WHERE previous = current),
               {closed}
        FROM (
            SELECT quarter, kommunekode, {"end_date," if table.name == "courses" else ""}
                   hash({content}) AS current, lag(hash({content})) OVER versions AS previous,
                   {previous_end} AS previous_end_date
            FROM {table.name}
            WINDOW versions AS (PARTITION BY {key} ORDER BY quarter)
        )
        GROUP BY quarter, kommunekode
        """
    )


def _newest_wins(con: duckdb.DuckDBPyConnection, table: contract.Table) -> None:
    key = ", ".join(table.warehouse_key)
    key_text = " || '|' || ".join(f"CAST({k} AS VARCHAR)" for k in table.warehouse_key[1:])
    con.execute(
        f"""
        CREATE TEMP TABLE ranked AS
        SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY quarter DESC) AS version,
               first(quarter) OVER (PARTITION BY {key} ORDER BY quarter DESC) AS newest_quarter
        FROM {table.name};
        INSERT INTO superseded
        SELECT '{table.name}', kommunekode, {key_text}, quarter, newest_quarter FROM ranked WHERE version > 1;
        DELETE FROM {table.name};
        INSERT INTO {table.name} SELECT * EXCLUDE (version, newest_quarter) FROM ranked WHERE version = 1
            ORDER BY kommunekode, quarter, source_file, source_line;
        DROP TABLE ranked;
        """
    )


# One row per delivered (quarter, municipality, table): what came in, what was loaded, quarantined, replaced.
DATA_QUALITY_SQL = """
CREATE TABLE data_quality AS
WITH delivered AS (
    SELECT quarter, kommunekode, table_name, count(*) AS files, sum(rows_read) AS rows_delivered,
           sum(rows_loaded) AS rows_loaded, sum(rows_quarantined) AS rows_quarantined
    FROM ingest_log GROUP BY ALL
),
replaced AS (
    SELECT quarter, kommunekode, table_name, count(*) AS replaced_by_newer_quarter
    FROM superseded GROUP BY ALL
)
SELECT d.quarter, d.kommunekode, d.table_name, d.files, d.rows_delivered, d.rows_loaded, d.rows_quarantined,
       coalesce(c.new_rows, 0) AS new_rows, coalesce(c.changed_rows, 0) AS changed_rows,
       coalesce(c.unchanged_rows, 0) AS unchanged_rows, coalesce(c.courses_closed, 0) AS courses_closed,
       coalesce(r.replaced_by_newer_quarter, 0) AS replaced_by_newer_quarter
FROM delivered d
LEFT JOIN delivery_changes c USING (quarter, kommunekode, table_name)
LEFT JOIN replaced r USING (quarter, kommunekode, table_name)
ORDER BY d.quarter, d.kommunekode, d.table_name
"""


def check_accounting(con: duckdb.DuckDBPyConnection) -> None:
    """Every file's rows read = loaded + quarantined, recounted from the rows themselves; raise otherwise."""
    loaded = " UNION ALL ".join(
        f"SELECT source_file, count(*) AS n FROM {name} GROUP BY source_file" for name in TABLES
    )
    bad = con.execute(
        f"""
        WITH loaded AS ({loaded}),
        quarantined AS (SELECT source_file, count(DISTINCT source_line) AS n FROM {QUARANTINE} GROUP BY source_file)
        SELECT l.source_file, l.rows_read, l.rows_loaded, l.rows_quarantined,
               coalesce(q.n, 0) AS quarantine_rows
        FROM {INGEST_LOG} l LEFT JOIN quarantined q USING (source_file)
        WHERE l.rows_read <> l.rows_loaded + l.rows_quarantined OR l.rows_quarantined <> coalesce(q.n, 0)
        """
    ).fetchall()
    if bad:
        lines = [
            f"{f}: read {r}, loaded {lo}, quarantined {q} (quarantine table holds {qt} lines)"
            for f, r, lo, q, qt in bad
        ]
        raise AccountingError("row accounting does not add up:\n" + "\n".join(lines))
    # Rows of a superseded file are no longer in the tables, so loaded rows are checked against the log
    # before the newest-quarter rule is applied (see build_warehouse).
    mismatched = con.execute(
        f"""
        WITH loaded AS ({loaded})
        SELECT l.source_file, l.rows_loaded, coalesce(sum(d.n), 0)
        FROM {INGEST_LOG} l LEFT JOIN loaded d USING (source_file)
        GROUP BY l.source_file, l.rows_loaded HAVING l.rows_loaded <> coalesce(sum(d.n), 0)
        """
    ).fetchall()
    if mismatched:
        raise AccountingError(
            "rows in the tables differ from the ingest log:\n"
            + "\n".join(f"{f}: log says {n} loaded, tables hold {m}" for f, n, m in mismatched)
        )


def build_warehouse(quarter_dirs: list[Path], db_path: Path) -> None:
    """Create db_path from the ingest output folders of the given quarters."""
    quarter_dirs = sorted(quarter_dirs, key=lambda d: d.name)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    partial = db_path.with_name(f".{db_path.name}.partial")
    partial.unlink(missing_ok=True)
    con = duck.connect(str(partial))
    try:
        for table in TABLES.values():
            _load(con, table.name, contract.warehouse_columns(table), quarter_dirs)
        _load(con, QUARANTINE, contract.QUARANTINE_COLUMNS, quarter_dirs)
        _load(con, INGEST_LOG, contract.INGEST_LOG_COLUMNS, quarter_dirs)
        check_accounting(con)
        con.execute(contract.ddl("superseded", SUPERSEDED_COLUMNS))
        con.execute(contract.ddl("delivery_changes", DELIVERY_CHANGES_COLUMNS))
        for table in TABLES.values():
            _record_changes(con, table)
            _newest_wins(con, table)
        con.execute(DATA_QUALITY_SQL)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(partial, db_path)


def build_from_raw(raw_dir: Path, db_path: Path, key: bytes, processed_dir: Path | None = None) -> None:
    """Ingest every quarter of raw_dir and build the warehouse: the pipeline without Snakemake (tests, notebooks)."""
    processed_dir = processed_dir or db_path.parent
    quarter_dirs = []
    for quarter in discover_quarters(Path(raw_dir)):
        out_dir = processed_dir / "quarters" / quarter
        ingest_quarter(Path(raw_dir), quarter, out_dir, key)
        quarter_dirs.append(out_dir)
    build_warehouse(quarter_dirs, db_path)
