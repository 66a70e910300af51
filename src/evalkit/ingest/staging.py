"""Staging and accounting: the files read into a session are checked, their good rows pseudonymised into the
staging tables and their bad rows quarantined with the reason, and each file's rows are counted three ways."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..contract import CITIZEN, INGEST_LOG, QUARANTINE, TABLES, AccountingError, Table
from .checks import (
    DECIMAL_EVIDENCE,
    decimal_evidence_select,
    duplicate_problems_sql,
    problems_select,
    typed_select,
)
from .delivery import Delivery, scrub
from .dialect import FileProblem
from .messages import sql_reason
from .pseudonym import hmac_sql
from .scan import Batch, Read, batch_raw, insert_rows, raw_select, read_files
from .session import Session


@dataclass
class FileOutcome:
    delivery: Delivery
    encoding: str
    delimiter: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    ignored_columns: list[str] = field(default_factory=list)
    lines: int = 0  # physical lines of the file (rows of a workbook's sheet), counted apart from the CSV parse
    lines_blank: int = 0  # empty lines and lines of nothing but separators and spaces
    lines_in_cells: int = 0  # the further lines of quoted cells that span lines
    sheet: str | None = None  # the sheet of a workbook that was read
    header_line: int = 1  # the line (sheet row) of the header; a workbook's rows above it are titles, not read
    sheets_not_read: tuple[str, ...] = ()

    def lines_accounted(self) -> bool:
        """Every physical line is above the header, the header, a loaded or quarantined row, blank, or inside a
        multi-line cell."""
        return self.lines == (
            self.header_line + self.rows_loaded + self.rows_quarantined + self.lines_blank + self.lines_in_cells
        )


def ingest_files(session: Session, deliveries: list[Delivery]) -> tuple[list[FileOutcome], list[FileProblem]]:
    """Validate files into the session's staging tables: their row accounting, and the files that cannot be used.

    Each file keeps its own header, dialect and line numbers, but the checks, the staging and the accounting run
    once for all files of a contract table: a national quarter is hundreds of files of a few dozen rows each, and
    the cost of a query, not of a row, would otherwise dominate.
    """
    con, batch = session.con, Batch(session.scratch)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE batch_sources (scan VARCHAR, filename VARCHAR, file_no INTEGER,
                                                       table_name VARCHAR, places INTEGER[], first_row BIGINT);
           CREATE OR REPLACE TEMP TABLE line_steps (file_no INTEGER, from_row BIGINT, shift BIGINT);
           CREATE OR REPLACE TEMP TABLE blank_rows (file_no INTEGER, row BIGINT);
           CREATE OR REPLACE TEMP TABLE batch_rejects (file_no INTEGER, line BIGINT, error_message VARCHAR)"""
    )
    try:
        reads, problems = read_files(con, batch, deliveries)
        outcomes: dict[int, FileOutcome] = {}
        for table in TABLES.values():
            files = [read for read in reads if read.delivery.table is table]
            if files:
                # a table, not a view: the checks read the rows two or three times, and each would plan it again
                con.execute(f"CREATE OR REPLACE TEMP TABLE {batch_raw(table)} AS {raw_select(batch, table)}")
                outcomes |= _validate_batch(session, table, files)
                con.execute(f"DROP TABLE {batch_raw(table)}")
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


def _validate_batch(session: Session, table: Table, batch: list[Read]) -> dict[int, FileOutcome]:
    con = session.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE batch_files (file_no INTEGER, quarter VARCHAR, source_file VARCHAR, "
        "kommunekode VARCHAR)"
    )
    insert_rows(
        con, "batch_files", [(r.file_no, r.delivery.quarter, r.delivery.display, r.delivery.kommunekode) for r in batch]
    )
    # Absent columns are NULL in the batch's raw table, exactly as an empty cell of a present one.
    every = {c.name for c in table.columns}
    evidence = decimal_evidence_select(table)
    if evidence:
        con.execute(DECIMAL_EVIDENCE)
    con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_select(table, every, batch_raw(table))}")
    if evidence and con.execute(f"INSERT INTO decimal_evidence {evidence}").fetchone()[0]:
        decided = f"(SELECT * FROM {batch_raw(table)} SEMI JOIN decimal_evidence USING (file_no))"
        con.execute("DELETE FROM typed WHERE file_no IN (SELECT file_no FROM decimal_evidence)")
        con.execute(f"INSERT INTO typed {typed_select(table, every, decided)}")
    # Listing the problems costs DuckDB more to plan than to run on a small quarter: only where a row has some.
    invalid = con.execute("SELECT count(*) FROM typed WHERE NOT valid").fetchone()[0]
    listed = f"SELECT * FROM ({problems_select(table, every, batch_raw(table))}) UNION ALL " if invalid else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE file_problems AS
            {listed}SELECT * FROM ({duplicate_problems_sql(table)})
            UNION ALL
            SELECT file_no, line, NULL, NULL, 'malformed_line',
                   {sql_reason("malformed_line", "en", detail="string_agg(DISTINCT error_message, '; ')")},
                   {sql_reason("malformed_line", "da", detail="string_agg(DISTINCT error_message, '; ')")}
            FROM batch_rejects SEMI JOIN batch_files USING (file_no) GROUP BY file_no, line"""
    )
    _stage_rows(session, table)
    return _account(con, table, batch)


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
    selected += [name for name, _ in table.derived]
    session.con.execute(
        f"""INSERT INTO stage_{table.name}
            SELECT f.kommunekode, {", ".join(selected)}, f.quarter, f.source_file, line
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


def _account(con: duckdb.DuckDBPyConnection, table: Table, batch: list[Read]) -> dict[int, FileOutcome]:
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
        outcomes[read.file_no] = FileOutcome(
            delivery,
            read.encoding,
            read.header.delimiter,
            read.rows_read,
            rows_loaded,
            rows_quarantined,
            read.ignored,
            read.lines.lines,
            read.lines.lines_blank,
            read.lines.lines_in_cells,
            # a sheet may be named by whatever it holds, a CPR number too
            None if read.header.sheet is None else scrub(read.header.sheet),
            read.header.line,
            tuple(scrub(name) for name in read.header.sheets_not_read),
        )
    insert_rows(
        con,
        INGEST_LOG,
        [
            (
                o.delivery.quarter,
                o.delivery.display,
                o.delivery.kommunekode,
                o.delivery.table.name,
                o.encoding,
                o.delimiter,
                o.rows_read,
                o.rows_loaded,
                o.rows_quarantined,
                ", ".join(o.ignored_columns),
                o.lines,
                o.lines_blank,
                o.lines_in_cells,
                o.sheet,
                o.header_line,
                ", ".join(o.sheets_not_read),
            )
            for o in outcomes.values()
        ],
    )
    for o in outcomes.values():
        if o.rows_read != o.rows_loaded + o.rows_quarantined:
            raise AccountingError(
                "rows", file=o.delivery.display, read=o.rows_read, loaded=o.rows_loaded, quarantined=o.rows_quarantined
            )
        if not o.lines_accounted():
            raise AccountingError(
                "lines",
                file=o.delivery.display,
                lines=o.lines,
                loaded=o.rows_loaded,
                quarantined=o.rows_quarantined,
                blank=o.lines_blank,
                in_cells=o.lines_in_cells,
                above=o.header_line - 1,
            )
    return outcomes
