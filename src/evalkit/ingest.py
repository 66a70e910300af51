"""Ingest one quarter's delivery folder: every file validated in DuckDB, good rows pseudonymised into Parquet,
bad rows into the quarantine with their reason, and an ingest-log row per file whose counts must add up.

One quarter is one job: a new quarter re-ingests only itself, and a national drop of hundreds of files stays one
DuckDB session instead of hundreds of processes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import contract
from .contract import CITIZEN, TABLES, Table
from .dialect import WINDOWS_1252, XLSX, FileProblem, read_header, utf8_source
from .messages import sql_reason
from .pseudonym import hmac_pads, hmac_sql
from .validation import MACROS, duplicate_problems_sql, problems_select, typed_select

# Files a delivery folder may hold besides the data: notes and the lock files office programs leave behind.
_IGNORED_SUFFIXES = {".md", ".txt"}
DATA_SUFFIXES = (".csv", ".xlsx")
_CPR_LIKE = re.compile(r"\b\d{6}-?\d{4}\b")

QUARANTINE = "quarantine"
INGEST_LOG = "ingest_log"
OUTPUTS = tuple(TABLES) + (QUARANTINE, INGEST_LOG)


class IngestError(Exception):
    """The quarter cannot be ingested; the message lists every file problem found."""


class AccountingError(Exception):
    """Rows read differ from rows loaded plus rows quarantined for some file."""


def scrub(text: str) -> str:
    """Remove anything shaped like a CPR number from a message (DuckDB errors may quote a raw line)."""
    return _CPR_LIKE.sub("<cpr removed>", text)


@dataclass(frozen=True)
class Delivery:
    """A delivered file: where it is, which municipality and table it holds."""

    path: Path
    display: str  # path relative to the raw folder, as written to the log and the quarantine
    quarter: str
    kommunekode: str
    table: Table


@dataclass
class FileOutcome:
    delivery: Delivery
    encoding: str
    delimiter: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    ignored_columns: list[str] = field(default_factory=list)


def is_ignorable(path: Path) -> bool:
    return path.name.startswith((".", "~$")) or path.suffix.lower() in _IGNORED_SUFFIXES


def classify(path: Path, quarter: str, display: str) -> Delivery:
    """Read municipality and table from `<kommunekode>_<table>.csv`, or say what is wrong with the name."""
    if path.suffix.lower() not in DATA_SUFFIXES:
        raise FileProblem(display, "not_data_file")
    match = contract.FILE_PATTERN.match(path.stem.lower())
    if not match:
        raise FileProblem(display, "bad_name")
    kommunekode, table_name = match.groups()
    if table_name not in TABLES:
        raise FileProblem(display, "unknown_table", table=table_name, tables=", ".join(TABLES))
    return Delivery(path, display, quarter, kommunekode, TABLES[table_name])


def quarter_deliveries(raw_dir: Path, quarter: str) -> list[Delivery]:
    """Every data file of a quarter folder; raises IngestError listing all badly named files at once."""
    if not contract.QUARTER_PATTERN.match(quarter):
        raise IngestError(f"{quarter}: a delivery folder must be named YYYYQN, e.g. 2021Q3")
    folder = raw_dir / quarter
    if not folder.is_dir():
        raise IngestError(f"{folder}: no such delivery folder")
    deliveries, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or is_ignorable(path):
            continue
        try:
            deliveries.append(classify(path, quarter, f"{quarter}/{path.name}"))
        except FileProblem as problem:
            problems.append(str(problem))
    problems += [str(problem) for problem in second_files(deliveries)]
    if problems:
        raise IngestError("\n".join(problems))
    return deliveries


def second_files(deliveries: list[Delivery]) -> list[FileProblem]:
    """A problem for each file whose folder already has a file for the same municipality and table."""
    first: dict[tuple, Delivery] = {}
    problems = []
    for delivery in deliveries:
        slot = (delivery.path.parent.resolve(), delivery.kommunekode, delivery.table.name)
        if slot in first:
            problems.append(
                FileProblem(delivery.display, "second_file", other=first[slot].display, table=delivery.table.name,
                            kommunekode=delivery.kommunekode)
            )
        else:
            first[slot] = delivery
    return problems


def discover_quarters(raw_dir: Path) -> list[str]:
    """The delivery folders (YYYYQN) under raw_dir, oldest first; anything else there is not a delivery."""
    if not raw_dir.is_dir():
        return []
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() and contract.QUARTER_PATTERN.match(p.name))


def _column_map(delivery: Delivery, names: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Name for each header position (contract name or `ignored_<i>`) and the ignored header names."""
    lookup = contract.header_lookup(delivery.table)
    positions, ignored, seen = [], [], {}
    for index, name in enumerate(names):
        canonical = lookup.get(contract.normalise_header(name))
        if canonical is None:
            positions.append(f"ignored_{index}")
            ignored.append(name.strip())
            continue
        if canonical in seen:
            raise FileProblem(
                delivery.display, "duplicate_column", first=seen[canonical], second=name.strip(), column=canonical
            )
        seen[canonical] = name.strip()
        positions.append(canonical)
    missing = [c for c in delivery.table.header_required if c not in seen]
    if missing:
        aliases = "; ".join(
            f"{c} (or {', '.join(delivery.table.column(c).aliases)})" if delivery.table.column(c).aliases else c
            for c in missing
        )
        raise FileProblem(delivery.display, "missing_columns", columns=aliases, table=delivery.table.name)
    return positions, ignored


def _read_raw(con: duckdb.DuckDBPyConnection, source: str, delimiter: str, positions: list[str]) -> None:
    """All cells as text into `raw_file`, malformed lines into DuckDB's reject tables."""
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans; DROP TABLE IF EXISTS raw_rows")
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in positions) + "}"
    con.execute(
        f"""CREATE TEMP TABLE raw_rows AS SELECT * FROM read_csv($source, delim=$delimiter, header=true,
            auto_detect=false, columns={columns}, quote='"', escape='"', store_rejects=true,
            strict_mode=true)""",
        {"source": source, "delimiter": delimiter},
    )


def _number_lines(con: duckdb.DuckDBPyConnection) -> None:
    """`raw_file` = raw rows with their file line (header = line 1), skipping over rejected lines."""
    # DuckDB keeps file order in a table created from a scan, so rowid is the row's rank among parsed rows;
    # each rejected line before it pushes it one line further down.
    con.execute("DROP VIEW IF EXISTS raw_file; DROP TABLE IF EXISTS raw_file")
    if con.execute("SELECT count(*) FROM reject_errors").fetchone()[0] == 0:
        con.execute("CREATE TEMP VIEW raw_file AS SELECT rowid + 2 AS line, * FROM raw_rows")
        return
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE rejected_lines AS
        SELECT line, line - 2 - (row_number() OVER (ORDER BY line) - 1) AS slot
        FROM (SELECT DISTINCT line FROM reject_errors);
        CREATE OR REPLACE TEMP TABLE raw_file AS
        SELECT rowid + 2 + (SELECT count(*) FROM rejected_lines r WHERE r.slot <= raw_rows.rowid) AS line, *
        FROM raw_rows;
        """
    )


def _has_encoding_rejects(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM reject_errors WHERE error_type = 'INVALID ENCODING'").fetchone()[0] > 0


def ingest_file(session: Session, delivery: Delivery) -> FileOutcome:
    """Validate one file into the session's staging tables; return its row accounting."""
    con = session.con
    header = read_header(delivery.path, delivery.display)
    positions, ignored = _column_map(delivery, header.names)
    encoding = header.encoding
    try:
        with utf8_source(delivery.path, encoding) as source:
            _read_raw(con, source, header.delimiter, positions)
        if encoding != XLSX and _has_encoding_rejects(con):
            encoding = WINDOWS_1252
            with utf8_source(delivery.path, WINDOWS_1252) as source:
                _read_raw(con, source, header.delimiter, positions)
    except duckdb.Error as error:
        raise FileProblem(delivery.display, "unreadable_csv", detail=scrub(str(error))) from error
    _number_lines(con)

    table = delivery.table
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_select(table, set(positions))}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE file_problems AS
            SELECT * FROM ({problems_select(table, set(positions))})
            UNION ALL SELECT * FROM ({duplicate_problems_sql(table)})
            UNION ALL
            SELECT line, NULL, NULL, 'malformed_line',
                   {sql_reason("malformed_line", "en", detail="string_agg(DISTINCT error_message, '; ')")},
                   {sql_reason("malformed_line", "da", detail="string_agg(DISTINCT error_message, '; ')")}
            FROM reject_errors GROUP BY line"""
    )
    _stage_rows(session, delivery)
    return _account(con, delivery, encoding, header.delimiter, ignored)


def _stage_rows(session: Session, delivery: Delivery) -> None:
    table = delivery.table
    selected, params = [], {"kommunekode": delivery.kommunekode, "quarter": delivery.quarter,
                            "source_file": delivery.display}
    for column in table.columns:
        if column.kind == CITIZEN:
            params |= session.pads
            selected.append(f"CASE WHEN {column.name} IS NOT NULL THEN {hmac_sql(column.name)} END")
        elif column.name == "birth_year":
            selected.append("coalesce(birth_year, cpr_birth_year)")
        else:
            selected.append(column.name)
    session.con.execute(
        f"""INSERT INTO stage_{table.name}
            SELECT $kommunekode, {', '.join(selected)}, $quarter, $source_file, line
            FROM typed ANTI JOIN file_problems USING (line)""",
        params,
    )
    session.con.execute(
        f"""INSERT INTO {QUARANTINE}
            SELECT $quarter, $source_file, $kommunekode, $table_name, line, column_name, value, reason_code,
                   reason, reason_da
            FROM file_problems ORDER BY line""",
        {"kommunekode": delivery.kommunekode, "quarter": delivery.quarter, "source_file": delivery.display,
         "table_name": table.name},
    )


def _account(
    con: duckdb.DuckDBPyConnection, delivery: Delivery, encoding: str, delimiter: str, ignored: list[str]
) -> FileOutcome:
    """Count the file's rows three ways from what was actually written, and insist they add up."""
    rows_read = con.execute(
        "SELECT (SELECT count(*) FROM raw_file) + (SELECT count(DISTINCT line) FROM reject_errors)"
    ).fetchone()[0]
    rows_loaded = con.execute(
        f"SELECT count(*) FROM stage_{delivery.table.name} WHERE source_file = $f", {"f": delivery.display}
    ).fetchone()[0]
    rows_quarantined = con.execute(
        f"SELECT count(DISTINCT source_line) FROM {QUARANTINE} WHERE source_file = $f", {"f": delivery.display}
    ).fetchone()[0]
    outcome = FileOutcome(delivery, encoding, delimiter, rows_read, rows_loaded, rows_quarantined, ignored)
    con.execute(
        f"INSERT INTO {INGEST_LOG} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            delivery.quarter,
            delivery.display,
            delivery.kommunekode,
            delivery.table.name,
            encoding,
            delimiter,
            rows_read,
            rows_loaded,
            rows_quarantined,
            ", ".join(ignored),
        ],
    )
    if rows_read != rows_loaded + rows_quarantined:
        raise AccountingError(
            f"{delivery.display}: {rows_read} rows read but {rows_loaded} loaded + {rows_quarantined} "
            "quarantined; no row may be lost or counted twice"
        )
    return outcome


class Session:
    """One DuckDB session with a staging table per contract table, the quarantine and the ingest log."""

    def __init__(self, key: bytes):
        self.con = duckdb.connect()
        inner, outer = hmac_pads(key)
        self.pads = {"hmac_inner": inner, "hmac_outer": outer}
        self.con.execute(MACROS)
        for table in TABLES.values():
            self.con.execute(contract.ddl(f"stage_{table.name}", contract.warehouse_columns(table)))
        self.con.execute(contract.ddl(QUARANTINE, contract.QUARANTINE_COLUMNS))
        self.con.execute(contract.ddl(INGEST_LOG, contract.INGEST_LOG_COLUMNS))

    def write_parquet(self, out_dir: Path) -> None:
        """Each staging table, the quarantine and the ingest log as `<name>.parquet` in out_dir."""
        out_dir.mkdir(parents=True, exist_ok=True)
        sources = {name: f"stage_{name}" for name in TABLES} | {QUARANTINE: QUARANTINE, INGEST_LOG: INGEST_LOG}
        for name, source in sources.items():
            target = out_dir / f"{name}.parquet"
            partial = out_dir / f".{name}.parquet.partial"
            quoted = str(partial).replace("'", "''")
            self.con.execute(f"COPY {source} TO '{quoted}' (FORMAT parquet)")
            os.replace(partial, target)

    def close(self) -> None:
        self.con.close()


def ingest_quarter(raw_dir: Path, quarter: str, out_dir: Path, key: bytes) -> list[FileOutcome]:
    """Ingest every file of raw_dir/quarter into out_dir/<table>.parquet (+ quarantine, ingest_log).

    All badly named or unreadable files are reported together in one IngestError, and nothing is written then:
    a half-ingested quarter would silently drop a municipality's numbers.
    """
    deliveries = quarter_deliveries(raw_dir, quarter)
    session = Session(key)
    outcomes, problems = [], []
    try:
        for delivery in deliveries:
            try:
                outcomes.append(ingest_file(session, delivery))
            except FileProblem as problem:
                problems.append(str(problem))
        if problems:
            raise IngestError("\n".join(problems))
        session.write_parquet(out_dir)
    finally:
        session.close()
    return outcomes
