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

from . import contract, duck
from .contract import CITIZEN, TABLES, Table
from .dialect import WINDOWS_1252, XLSX, FileProblem, Header, read_header, utf8_source
from .duck import sql_literal
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


@dataclass(frozen=True)
class _Scanned:
    """What one scan found in one source: parsed rows, rejected lines, and whether any was not UTF-8."""

    parsed: int = 0
    rejected: int = 0
    bad_encoding: bool = False


def _read_raw(con: duckdb.DuckDBPyConnection, sources: list[str], delimiter: str,
              positions: list[str]) -> dict[str, _Scanned]:
    """All cells as text into `raw_rows` (with each row's `filename`), malformed lines into DuckDB's reject tables.

    Several files of one layout are read in one scan: DuckDB numbers rejected lines per file and keeps file order.
    Statements go together in as few calls as possible: for small files the cost of a call is the cost.
    """
    columns = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in positions) + "}"
    files = "[" + ", ".join(sql_literal(source) for source in sources) + "]"
    con.execute(
        f"""DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans; DROP TABLE IF EXISTS raw_rows;
            CREATE TEMP TABLE raw_rows AS SELECT * FROM read_csv({files}, delim={sql_literal(delimiter)}, header=true,
            auto_detect=false, columns={columns}, quote='"', escape='"', store_rejects=true,
            strict_mode=true, filename=true)"""
    )
    found = con.execute(
        """WITH parsed AS (SELECT filename, count(*) AS n FROM raw_rows GROUP BY filename),
           rejected AS (SELECT s.file_path AS filename, count(DISTINCT e.line) AS n,
                               bool_or(e.error_type = 'INVALID ENCODING') AS bad_encoding
                        FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id)
                        GROUP BY s.file_path)
           SELECT filename, coalesce(p.n, 0), coalesce(r.n, 0), coalesce(r.bad_encoding, false)
           FROM parsed AS p FULL JOIN rejected AS r USING (filename)"""
    ).fetchall()
    return {source: _Scanned(parsed, rejected, bad) for source, parsed, rejected, bad in found}


def _batch_raw(table: Table) -> str:
    return f"batch_raw_{table.name}"


def _append_raw(con: duckdb.DuckDBPyConnection, table: Table, file_nos: dict[str, int], present: set[str],
                scanned: dict[str, _Scanned]) -> dict[int, int]:
    """Append the rows of `raw_rows` read from the given sources to the batch's raw table, with their file number
    and file line (header = line 1), and their rejected lines to `batch_rejects`. Returns rows read per file."""
    values = ", ".join(f"({sql_literal(source)}, {n})" for source, n in file_nos.items())
    cells = ", ".join(c.name if c.name in present else "NULL" for c in table.columns)
    # DuckDB keeps file order in a table created from a scan, so a row's rank within its file is its rank among
    # the file's parsed rows; each rejected line before it pushes it one line further down.
    ranked = """(SELECT *, row_number() OVER (PARTITION BY filename ORDER BY raw_rows.rowid) - 1 AS rank
                 FROM raw_rows JOIN source_files USING (filename))"""
    statements = [
        f"CREATE OR REPLACE TEMP TABLE source_files AS SELECT * FROM (VALUES {values}) AS t(filename, file_no)"
    ]
    if not any(scanned.get(source, _Scanned()).rejected for source in file_nos):
        statements.append(f"INSERT INTO {_batch_raw(table)} SELECT file_no, rank + 2, {cells} FROM {ranked}")
    else:
        statements += [
            """CREATE OR REPLACE TEMP TABLE rejected_lines AS
               SELECT file_no, line, line - 2 - (row_number() OVER (PARTITION BY file_no ORDER BY line) - 1) AS slot
               FROM (SELECT DISTINCT s.file_path AS filename, e.line
                     FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id))
               JOIN source_files USING (filename)""",
            f"""INSERT INTO {_batch_raw(table)}
                SELECT file_no,
                       rank + 2 + (SELECT count(*) FROM rejected_lines AS r
                                   WHERE r.file_no = f.file_no AND r.slot <= f.rank),
                       {cells}
                FROM {ranked} AS f""",
            """INSERT INTO batch_rejects
               SELECT file_no, e.line, e.error_message
               FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id)
               JOIN source_files ON source_files.filename = s.file_path""",
        ]
    con.execute(";\n".join(statements))
    return {n: scanned.get(source, _Scanned()).parsed + scanned.get(source, _Scanned()).rejected
            for source, n in file_nos.items()}


@dataclass
class _Read:
    """A file read into the batch: what its row accounting and log line need."""

    file_no: int
    delivery: Delivery
    encoding: str
    delimiter: str
    rows_read: int
    ignored: list[str]


@dataclass
class _Layout:
    """A file's header as read, and the contract column at each position."""

    file_no: int
    delivery: Delivery
    header: Header
    positions: list[str]
    ignored: list[str]

    def read(self, encoding: str, rows_read: int) -> _Read:
        return _Read(self.file_no, self.delivery, encoding, self.header.delimiter, rows_read, self.ignored)


def _layout(delivery: Delivery, file_no: int) -> _Layout:
    header = read_header(delivery.path, delivery.display)
    positions, ignored = _column_map(delivery, header.names)
    return _Layout(file_no, delivery, header, positions, ignored)


def _read_one(session: Session, layout: _Layout, encoding: str) -> _Read:
    """Read one file on its own: through a converting pipe (Windows-1252, Excel), or to find out which file of a
    group DuckDB could not read."""
    con, delivery = session.con, layout.delivery
    try:
        with utf8_source(delivery.path, encoding) as source:
            scanned = _read_raw(con, [source], layout.header.delimiter, layout.positions)
        if encoding != XLSX and any(found.bad_encoding for found in scanned.values()):
            encoding = WINDOWS_1252
            with utf8_source(delivery.path, WINDOWS_1252) as source:
                scanned = _read_raw(con, [source], layout.header.delimiter, layout.positions)
    except duckdb.Error as error:
        raise FileProblem(delivery.display, "unreadable_csv", detail=scrub(str(error))) from error
    # a pipe's name outlives the pipe: the rows carry it in `filename`
    rows = _append_raw(con, delivery.table, {source: layout.file_no}, set(layout.positions), scanned)
    return layout.read(encoding, rows[layout.file_no])


def _read_group(session: Session, group: list[_Layout]) -> tuple[list[_Read], list[tuple[_Layout, str]]]:
    """Read UTF-8 files of one layout (table, encoding, separator, columns) in one scan. Returns the reads, and
    the files to read one by one instead, with the encoding to try: those found not to be UTF-8 after all, or
    all of them when DuckDB cannot read the group (so that the error names its file)."""
    con, first = session.con, group[0]
    sources = {str(layout.delivery.path): layout for layout in group}
    try:
        scanned = _read_raw(con, list(sources), first.header.delimiter, first.positions)
    except duckdb.Error:
        return [], [(layout, layout.header.encoding) for layout in group]
    not_utf8 = {source for source, found in scanned.items() if found.bad_encoding}
    keep = {source: layout.file_no for source, layout in sources.items() if source not in not_utf8}
    rows = _append_raw(con, first.delivery.table, keep, set(first.positions), scanned) if keep else {}
    reads = [layout.read(layout.header.encoding, rows[layout.file_no]) for source, layout in sources.items()
             if source in keep]
    return reads, [(sources[source], WINDOWS_1252) for source in sorted(not_utf8)]


def _read_files(session: Session, deliveries: list[Delivery]) -> tuple[list[_Read], list[FileProblem]]:
    """Read every file into the batch's raw tables; those that cannot be used are returned as problems.

    A national quarter is hundreds of files of a few dozen rows each, so the UTF-8 files that share a layout are
    read in one scan: the cost of a query, not of a row, would otherwise dominate.
    """
    layouts, problems = [], []
    for file_no, delivery in enumerate(deliveries):
        try:
            layouts.append(_layout(delivery, file_no))
        except FileProblem as problem:
            problems.append(problem)
    groups: dict[tuple, list[_Layout]] = {}
    one_by_one: list[tuple[_Layout, str]] = []
    for layout in layouts:
        if layout.header.encoding == XLSX:
            one_by_one.append((layout, XLSX))
            continue
        key = (layout.delivery.table.name, layout.header.encoding, layout.header.delimiter, tuple(layout.positions))
        groups.setdefault(key, []).append(layout)
    reads = []
    for group in groups.values():
        done, alone = _read_group(session, group)
        reads += done
        one_by_one += alone
    for layout, encoding in one_by_one:
        try:
            reads.append(_read_one(session, layout, encoding))
        except FileProblem as problem:
            problems.append(problem)
    order = {delivery.display: index for index, delivery in enumerate(deliveries)}
    problems.sort(key=lambda problem: order.get(problem.path, -1))  # as the files come, like the messages
    return sorted(reads, key=lambda read: read.file_no), problems


def ingest_files(session: Session, deliveries: list[Delivery]) -> tuple[list[FileOutcome], list[FileProblem]]:
    """Validate files into the session's staging tables: their row accounting, and the files that cannot be used.

    Each file keeps its own header, dialect and line numbers, but the checks, the staging and the accounting run
    once for all files of a contract table: a national quarter is hundreds of files of a few dozen rows each, and
    the cost of a query, not of a row, would otherwise dominate.
    """
    con = session.con
    for table in TABLES.values():
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_batch_raw(table)} (file_no INTEGER, line BIGINT, "
                    + ", ".join(f"{c.name} VARCHAR" for c in table.columns) + ")")
    con.execute("CREATE OR REPLACE TEMP TABLE batch_rejects (file_no INTEGER, line BIGINT, error_message VARCHAR)")
    reads, problems = _read_files(session, deliveries)
    outcomes: dict[int, FileOutcome] = {}
    for table in TABLES.values():
        batch = [read for read in reads if read.delivery.table is table]
        if batch:
            outcomes |= _validate_batch(session, table, batch)
    return [outcomes[read.file_no] for read in reads], problems


def ingest_file(session: Session, delivery: Delivery) -> FileOutcome:
    """Validate one file into the session's staging tables; return its row accounting."""
    outcomes, problems = ingest_files(session, [delivery])
    if problems:
        raise problems[0]
    return outcomes[0]


def _validate_batch(session: Session, table: Table, batch: list[_Read]) -> dict[int, FileOutcome]:
    con = session.con
    con.execute("CREATE OR REPLACE TEMP TABLE batch_files (file_no INTEGER, quarter VARCHAR, source_file VARCHAR, "
                "kommunekode VARCHAR)")
    _insert_rows(con, "batch_files",
                 [(r.file_no, r.delivery.quarter, r.delivery.display, r.delivery.kommunekode) for r in batch])
    # Absent columns are NULL in the batch's raw table, exactly as an empty cell of a present one.
    every = {c.name for c in table.columns}
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_select(table, every, _batch_raw(table))}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE file_problems AS
            SELECT * FROM ({problems_select(table, every, _batch_raw(table))})
            UNION ALL SELECT * FROM ({duplicate_problems_sql(table)})
            UNION ALL
            SELECT file_no, line, NULL, NULL, 'malformed_line',
                   {sql_reason("malformed_line", "en", detail="string_agg(DISTINCT error_message, '; ')")},
                   {sql_reason("malformed_line", "da", detail="string_agg(DISTINCT error_message, '; ')")}
            FROM batch_rejects SEMI JOIN batch_files USING (file_no) GROUP BY file_no, line"""
    )
    _stage_rows(session, table)
    return _account(con, table, batch)


def _insert_rows(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple]) -> None:
    """Insert rows in one statement: executemany costs a statement per row, which adds up over a national drop."""
    if rows:
        marks = "(" + ", ".join("?" * len(rows[0])) + ")"
        con.execute(f"INSERT INTO {name} VALUES " + ", ".join([marks] * len(rows)), [v for row in rows for v in row])


def _stage_rows(session: Session, table: Table) -> None:
    selected, params = [], {}
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
            SELECT f.kommunekode, {', '.join(selected)}, f.quarter, f.source_file, line
            FROM (SELECT * FROM typed ANTI JOIN file_problems USING (file_no, line)) JOIN batch_files AS f
                USING (file_no)
            ORDER BY file_no, line""",
        params,
    )
    session.con.execute(
        f"""INSERT INTO {QUARANTINE}
            SELECT f.quarter, f.source_file, f.kommunekode, '{table.name}', line, column_name, value, reason_code,
                   reason, reason_da
            FROM file_problems JOIN batch_files AS f USING (file_no) ORDER BY file_no, line"""
    )


def _account(con: duckdb.DuckDBPyConnection, table: Table, batch: list[_Read]) -> dict[int, FileOutcome]:
    """Count each file's rows three ways from what was actually written, and insist they add up."""
    counted = dict(
        (source_file, (loaded, quarantined))
        for source_file, loaded, quarantined in con.execute(
            f"""WITH loaded AS (SELECT source_file, count(*) AS n FROM stage_{table.name}
                                SEMI JOIN batch_files USING (source_file) GROUP BY source_file),
                quarantined AS (SELECT source_file, count(DISTINCT source_line) AS n FROM {QUARANTINE}
                                SEMI JOIN batch_files USING (source_file) GROUP BY source_file)
                SELECT f.source_file, coalesce(l.n, 0), coalesce(q.n, 0)
                FROM batch_files AS f LEFT JOIN loaded AS l USING (source_file)
                LEFT JOIN quarantined AS q USING (source_file)"""
        ).fetchall()
    )
    outcomes = {}
    for read in batch:
        delivery = read.delivery
        rows_loaded, rows_quarantined = counted[delivery.display]
        outcomes[read.file_no] = FileOutcome(delivery, read.encoding, read.delimiter, read.rows_read, rows_loaded,
                                             rows_quarantined, read.ignored)
    _insert_rows(
        con,
        INGEST_LOG,
        [
            (o.delivery.quarter, o.delivery.display, o.delivery.kommunekode, o.delivery.table.name, o.encoding,
             o.delimiter, o.rows_read, o.rows_loaded, o.rows_quarantined, ", ".join(o.ignored_columns))
            for o in outcomes.values()
        ],
    )
    for o in outcomes.values():
        if o.rows_read != o.rows_loaded + o.rows_quarantined:
            raise AccountingError(
                f"{o.delivery.display}: {o.rows_read} rows read but {o.rows_loaded} loaded + {o.rows_quarantined} "
                "quarantined; no row may be lost or counted twice"
            )
    return outcomes


class Session:
    """One DuckDB session with a staging table per contract table, the quarantine and the ingest log."""

    def __init__(self, key: bytes):
        self.con = duck.connect()
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
            self.con.execute(f"COPY {source} TO {sql_literal(str(partial))} (FORMAT parquet)")
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
    try:
        outcomes, problems = ingest_files(session, deliveries)
        if problems:
            raise IngestError("\n".join(str(problem) for problem in problems))
        session.write_parquet(out_dir)
    finally:
        session.close()
    return outcomes
