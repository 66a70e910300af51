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
from .dialect import WINDOWS_1252, XLSX, FileProblem, Header, read_header, surely_not_utf8, utf8_sources
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
    first_row: int = 0  # rowid of the source's first parsed row in the scan's table


def _read_raw(con: duckdb.DuckDBPyConnection, name: str, sources: list[str], delimiter: str,
              width: int) -> dict[str, _Scanned]:
    """All cells as text into table `name` (columns `c0`..., by position, and each row's `filename`), malformed
    lines into DuckDB's reject tables.

    Files are read by position, not by header name, so that files of any table and column order that share a
    separator and a number of columns are read in one scan; `_raw_view` maps each file's positions to its contract
    columns. DuckDB numbers rejected lines per file. Statements go together in as few calls as possible: for small
    files the cost of a call is the cost.
    """
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    files = "[" + ", ".join(sql_literal(source) for source in sources) + "]"
    con.execute(
        f"""DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans;
            CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_csv({files}, delim={sql_literal(delimiter)},
            header=true, auto_detect=false, columns={columns}, quote='"', escape='"', store_rejects=true,
            strict_mode=true, filename=true)"""
    )
    found = con.execute(
        f"""WITH parsed AS (SELECT filename, count(*) AS n, min(rowid) AS first, max(rowid) AS last
                            FROM {name} GROUP BY filename),
            rejected AS (SELECT s.file_path AS filename, count(DISTINCT e.line) AS n,
                                bool_or(e.error_type = 'INVALID ENCODING') AS bad_encoding
                         FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id)
                         GROUP BY s.file_path)
            SELECT filename, coalesce(p.n, 0), coalesce(r.n, 0), coalesce(r.bad_encoding, false),
                   coalesce(p.first, 0), coalesce(p.last - p.first + 1 = p.n, true)
            FROM parsed AS p FULL JOIN rejected AS r USING (filename)"""
    ).fetchall()
    # Lines are numbered from each file's first row: DuckDB keeps a file's rows together, in file order, in a
    # table created from a scan; should that ever change, stop rather than misnumber lines.
    if not all(together for *_, together in found):
        raise RuntimeError("DuckDB interleaved the rows of the files of one scan; lines cannot be numbered")
    return {source: _Scanned(parsed, rejected, bad, first) for source, parsed, rejected, bad, first, _ in found}


@dataclass(frozen=True)
class _RawScan:
    """A scan's table of raw rows: its number of columns, the contract tables of its files, any rejected line."""

    name: str
    width: int
    tables: frozenset[str]
    rejects: bool


@dataclass
class _Batch:
    """The scans of one `ingest_files` call, whose tables hold the raw rows until the batch is validated."""

    scans: list[_RawScan] = field(default_factory=list)

    def next_name(self) -> str:
        return f"raw_scan_{len(self.scans)}"


def _batch_raw(table: Table) -> str:
    return f"batch_raw_{table.name}"


def _keep_scan(con: duckdb.DuckDBPyConnection, batch: _Batch, name: str, layouts: dict[str, _Layout], width: int,
               scanned: dict[str, _Scanned]) -> dict[int, int]:
    """Record which rows of scan `name` belong to which file (the given sources, each with its contract columns
    and first row) and the file's rejected lines, in `batch_rejects` and as slots in `rejected_lines`. Returns rows
    read per file."""
    values = ", ".join(
        f"({sql_literal(name)}, {sql_literal(source)}, {layout.file_no}, {sql_literal(layout.delivery.table.name)}, "
        f"[{', '.join('NULL' if at is None else str(at) for at in layout.places)}]::INTEGER[], "
        f"{scanned.get(source, _Scanned()).first_row})"
        for source, layout in layouts.items()
    )
    statements = [f"INSERT INTO batch_sources VALUES {values}"]
    rejects = any(scanned.get(source, _Scanned()).rejected for source in layouts)
    if rejects:
        sources = f"(SELECT filename, file_no FROM batch_sources WHERE scan = {sql_literal(name)})"
        # A rejected line's slot is the number of parsed rows before it: every row from that rank on is pushed
        # one line further down.
        statements += [
            f"""INSERT INTO rejected_lines
                SELECT file_no, line - 2 - (row_number() OVER (PARTITION BY file_no ORDER BY line) - 1)
                FROM (SELECT DISTINCT s.file_path AS filename, e.line
                      FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id))
                JOIN {sources} USING (filename)""",
            f"""INSERT INTO batch_rejects
                SELECT file_no, e.line, e.error_message
                FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id)
                JOIN {sources} AS f ON f.filename = s.file_path""",
        ]
    con.execute(";\n".join(statements))
    tables = frozenset(layout.delivery.table.name for layout in layouts.values())
    batch.scans.append(_RawScan(name, width, tables, rejects))
    return {layout.file_no: scanned.get(source, _Scanned()).parsed + scanned.get(source, _Scanned()).rejected
            for source, layout in layouts.items()}


def _raw_view(batch: _Batch, table: Table) -> str:
    """SELECT file_no, line (header = line 1) and the table's contract columns, as text, from every scan of the
    batch holding files of the table: each file's cells taken from its own positions (`places[k]` is the 1-based
    position of the k-th contract column, NULL when the file lacks it)."""
    parts = []
    for scan in batch.scans:
        if table.name not in scan.tables:
            continue
        rank = "r.rowid - s.first_row"
        line = f"{rank} + 2"
        if scan.rejects:
            line += f" + (SELECT count(*) FROM rejected_lines AS j WHERE j.file_no = s.file_no AND j.slot <= {rank})"
        cells = ", ".join(
            f"CASE s.places[{k}] " + " ".join(f"WHEN {i + 1} THEN r.c{i}" for i in range(scan.width))
            + f" END AS {column.name}"
            for k, column in enumerate(table.columns, start=1)
        )
        parts.append(
            f"""SELECT s.file_no, {line} AS line, {cells}
                FROM {scan.name} AS r JOIN batch_sources AS s ON s.scan = {sql_literal(scan.name)}
                    AND s.filename = r.filename AND s.table_name = {sql_literal(table.name)}"""
        )
    return "\nUNION ALL\n".join(parts)


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

    @property
    def places(self) -> list[int | None]:
        """For each contract column of the table, its 1-based position in the file, or None if absent."""
        where = {name: index + 1 for index, name in enumerate(self.positions)}
        return [where.get(column.name) for column in self.delivery.table.columns]

    def read(self, encoding: str, rows_read: int) -> _Read:
        return _Read(self.file_no, self.delivery, encoding, self.header.delimiter, rows_read, self.ignored)


def _layout(delivery: Delivery, file_no: int) -> _Layout:
    header = read_header(delivery.path, delivery.display)
    positions, ignored = _column_map(delivery, header.names)
    return _Layout(file_no, delivery, header, positions, ignored)


# Pipes open at once in one scan: each has a converting thread behind it.
_PIPES_PER_SCAN = 64


class _Unreadable(Exception):
    """DuckDB could not read a scan's files; the message is DuckDB's."""


def _read_scan(session: Session, batch: _Batch,
               group: list[tuple[_Layout, str]]) -> tuple[list[_Read], list[tuple[_Layout, str]]]:
    """Read files of one separator and number of columns in one scan, each as the given encoding (converted
    through a pipe if not UTF-8). Returns the reads, and the files found not to be UTF-8 after all, to read again
    as Windows-1252. Raises _Unreadable when DuckDB cannot read one of the files."""
    con, first, name = session.con, group[0][0], batch.next_name()
    width = len(first.positions)
    with utf8_sources([(layout.delivery.path, encoding) for layout, encoding in group]) as paths:
        sources = dict(zip(paths, group, strict=True))
        try:
            scanned = _read_raw(con, name, list(sources), first.header.delimiter, width)
        except duckdb.Error as error:
            raise _Unreadable(str(error)) from error
    not_utf8 = {source for source, found in scanned.items() if found.bad_encoding}
    # a pipe's name outlives the pipe: the rows carry it in `filename`
    keep = {source: layout for source, (layout, _) in sources.items() if source not in not_utf8}
    if keep:
        rows = _keep_scan(con, batch, name, keep, width, scanned)
    else:
        rows = {}
        con.execute(f"DROP TABLE {name}")
    reads = [layout.read(encoding, rows[layout.file_no]) for source, (layout, encoding) in sources.items()
             if source in keep]
    return reads, [(sources[source][0], WINDOWS_1252) for source in sorted(not_utf8)]


def _read_one(session: Session, batch: _Batch, layout: _Layout, encoding: str) -> _Read:
    """Read one file on its own: an Excel workbook, or a file of a group DuckDB could not read, so that the error
    names its file."""
    try:
        reads, again = _read_scan(session, batch, [(layout, encoding)])
        if again:
            reads, _ = _read_scan(session, batch, again)
    except _Unreadable as error:
        raise FileProblem(layout.delivery.display, "unreadable_csv", detail=scrub(str(error))) from error
    return reads[0]


def _read_files(session: Session, batch: _Batch,
                deliveries: list[Delivery]) -> tuple[list[_Read], list[FileProblem]]:
    """Read every file into the batch's scans; those that cannot be used are returned as problems.

    A national quarter is hundreds of files of a few dozen rows each, so files that share a separator and a
    number of columns are read in one scan, whatever their table and column order: the cost of a query, not of
    a row, would otherwise dominate. Windows-1252 files are read together, in one scan of several converting pipes.
    """
    layouts, problems = [], []
    for file_no, delivery in enumerate(deliveries):
        try:
            layouts.append(_layout(delivery, file_no))
        except FileProblem as problem:
            problems.append(problem)
    reads: list[_Read] = []
    one_by_one = [(layout, XLSX) for layout in layouts if layout.header.encoding == XLSX]
    # Windows-1252 files found before a scan, where that is certain: rejecting each of their lines as not UTF-8
    # costs DuckDB more than reading them.
    text = [layout for layout in layouts if layout.header.encoding != XLSX]
    surely = {layout.file_no for layout in text
              if surely_not_utf8(layout.delivery.path, layout.header.delimiter, len(layout.positions))}
    converted = [(layout, WINDOWS_1252) for layout in text if layout.file_no in surely]
    for group in _by_shape([(layout, layout.header.encoding) for layout in text if layout.file_no not in surely]):
        try:
            done, again = _read_scan(session, batch, group)
        except _Unreadable:
            one_by_one += group
            continue
        reads += done
        converted += again
    for group in _by_shape(converted):
        for start in range(0, len(group), _PIPES_PER_SCAN):
            try:
                reads += _read_scan(session, batch, group[start:start + _PIPES_PER_SCAN])[0]
            except _Unreadable:
                one_by_one += group[start:start + _PIPES_PER_SCAN]
    for layout, encoding in one_by_one:
        try:
            reads.append(_read_one(session, batch, layout, encoding))
        except FileProblem as problem:
            problems.append(problem)
    order = {delivery.display: index for index, delivery in enumerate(deliveries)}
    problems.sort(key=lambda problem: order.get(problem.path, -1))  # as the files come, like the messages
    return sorted(reads, key=lambda read: read.file_no), problems


def _by_shape(files: list[tuple[_Layout, str]]) -> list[list[tuple[_Layout, str]]]:
    """Files grouped by what one scan needs in common: separator and number of columns."""
    groups: dict[tuple, list[tuple[_Layout, str]]] = {}
    for layout, encoding in files:
        groups.setdefault((layout.header.delimiter, len(layout.positions)), []).append((layout, encoding))
    return list(groups.values())


def ingest_files(session: Session, deliveries: list[Delivery]) -> tuple[list[FileOutcome], list[FileProblem]]:
    """Validate files into the session's staging tables: their row accounting, and the files that cannot be used.

    Each file keeps its own header, dialect and line numbers, but the checks, the staging and the accounting run
    once for all files of a contract table: a national quarter is hundreds of files of a few dozen rows each, and
    the cost of a query, not of a row, would otherwise dominate.
    """
    con, batch = session.con, _Batch()
    con.execute(
        """CREATE OR REPLACE TEMP TABLE batch_sources (scan VARCHAR, filename VARCHAR, file_no INTEGER,
                                                       table_name VARCHAR, places INTEGER[], first_row BIGINT);
           CREATE OR REPLACE TEMP TABLE rejected_lines (file_no INTEGER, slot BIGINT);
           CREATE OR REPLACE TEMP TABLE batch_rejects (file_no INTEGER, line BIGINT, error_message VARCHAR)"""
    )
    try:
        reads, problems = _read_files(session, batch, deliveries)
        outcomes: dict[int, FileOutcome] = {}
        for table in TABLES.values():
            files = [read for read in reads if read.delivery.table is table]
            if files:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {_batch_raw(table)} AS {_raw_view(batch, table)}")
                outcomes |= _validate_batch(session, table, files)
                con.execute(f"DROP VIEW {_batch_raw(table)}")
    finally:
        for scan in batch.scans:
            con.execute(f"DROP TABLE IF EXISTS {scan.name}")
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


def _insert_rows(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[str | int, ...]]) -> None:
    """Insert rows in one statement, as literals: executemany costs a statement per row, and binding thousands of
    parameters costs more than the insert itself."""
    if rows:
        values = (", ".join(str(v) if isinstance(v, int) else sql_literal(v) for v in row) for row in rows)
        con.execute(f"INSERT INTO {name} VALUES " + ", ".join(f"({row})" for row in values))


def _stage_rows(session: Session, table: Table) -> None:
    selected, keys, params = [], "", {}
    for column in table.columns:
        if column.kind == CITIZEN:
            # A citizen recurs in many rows and tables of a quarter: each distinct value is hashed once.
            params = session.pads
            session.con.execute(
                f"""INSERT INTO citizen_keys
                    SELECT value, {hmac_sql("value")}
                    FROM (SELECT DISTINCT {column.name} AS value FROM typed WHERE valid AND {column.name} IS NOT NULL)
                    ANTI JOIN citizen_keys USING (value)""",
                params,
            )
            selected.append("citizen_keys.key")
            keys = f"LEFT JOIN citizen_keys ON citizen_keys.value = {column.name}"
        elif column.name == "birth_year":
            selected.append("coalesce(birth_year, cpr_birth_year)")
        else:
            selected.append(column.name)
    session.con.execute(
        f"""INSERT INTO stage_{table.name}
            SELECT f.kommunekode, {', '.join(selected)}, f.quarter, f.source_file, line
            FROM (SELECT * FROM typed ANTI JOIN file_problems USING (file_no, line)) JOIN batch_files AS f
                USING (file_no) {keys}
            ORDER BY file_no, line"""
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
        # One thread: Snakemake runs an ingest job per core, and a second thread per job only competes for them
        # (20 quarters at 1M courses, two jobs at a time: 23 s with one thread, 26 s with two; one quarter alone
        # is no slower).
        self.con.execute("SET threads = 1")
        inner, outer = hmac_pads(key)
        self.pads = {"hmac_inner": inner, "hmac_outer": outer}
        self.con.execute(MACROS)
        # what each citizen id of the quarter hashes to; in memory only, like the raw cells it comes from
        self.con.execute("CREATE TEMP TABLE citizen_keys (value VARCHAR, key VARCHAR)")
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
