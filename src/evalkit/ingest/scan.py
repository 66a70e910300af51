"""The batched scan: every file of a quarter read as text into DuckDB, files that share a separator and a
number of columns in one scan, each file's cells mapped from its own column positions to its contract columns."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import contract
from ..contract import Table
from ..duck import sql_literal
from .delivery import Delivery, scrub
from .dialect import (
    WINDOWS_1252,
    XLSX,
    FileProblem,
    Header,
    is_utf8,
    joined_source,
    read_header,
    surely_not_utf8,
    utf8_sources,
)
from .lines import Lines, count_lines
from .messages import Columns


def _column_map(delivery: Delivery, names: tuple[str, ...], lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """Name for each header position (contract name or `ignored_<i>`, by `lookup`, the table's
    `contract.header_lookup`) and the ignored header names."""
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
        columns = Columns.of(delivery.table, missing)
        raise FileProblem(delivery.display, "missing_columns", columns=columns, table=delivery.table.name)
    return positions, ignored


@dataclass(frozen=True)
class _Scanned:
    """What one scan found in one source: parsed rows, rejected lines, and whether any was not UTF-8."""

    parsed: int = 0
    rejected: int = 0
    bad_encoding: bool = False
    first_row: int = 0  # rowid of the source's first parsed row in the scan's table
    rejects: tuple[tuple[int, str], ...] = ()  # (DuckDB's line number, error) of each rejected line


def _read_raw(
    con: duckdb.DuckDBPyConnection, name: str, sources: list[str], delimiter: str, width: int
) -> dict[str, _Scanned]:
    """All cells as text into table `name` (columns `c0`..., by position, and each row's `filename`), malformed
    lines into DuckDB's reject tables.

    Files are read by position, not by header name, so that files of any table and column order that share a
    separator and a number of columns are read in one scan; `raw_select` maps each file's positions to its contract
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
    rejects: dict[str, list[tuple[int, str]]] = {}
    if any(rejected for _, _, rejected, *_ in found):
        for source, line, message in con.execute(
            """SELECT s.file_path, e.line, e.error_message
               FROM reject_errors AS e JOIN reject_scans AS s USING (scan_id, file_id)"""
        ).fetchall():
            rejects.setdefault(source, []).append((line, message))
    return {
        source: _Scanned(parsed, rejected, bad, first, tuple(rejects.get(source, ())))
        for source, parsed, rejected, bad, first, _ in found
    }


@dataclass(frozen=True)
class _Numbered:
    """A file's records matched to its physical lines: where the numbering of its parsed rows shifts
    (`steps`: from the rank of a parsed row on, its line is rank + 2 + shift), which parsed rows are blank, its
    rejected lines by their true line number, and its line accounting."""

    steps: list[tuple[int, int]]
    blank_ranks: list[int]
    rejects: list[tuple[int, str]]
    rows: int
    lines: int
    lines_blank: int
    lines_in_cells: int


def _lines(data: bytes, header: Header) -> Lines:
    """The records of a file as read (a workbook's sheet, converted to CSV from its header row on, by sheet row)."""
    lines = count_lines(data, header.delimiter)
    return lines.as_sheet_rows(header.line) if header.encoding == XLSX else lines


def _number(lines: Lines, scanned: _Scanned, display: str) -> _Numbered:
    """Match the scan's records of one file, in order, to the records the line count found, and refuse the
    file where a quoted cell swallowed lines or the two do not agree."""
    if lines.open_quote is not None:
        raise FileProblem(display, "unclosed_quote", line=lines.open_quote, end=lines.physical)
    # unit u is record u + 1 (the header is record 0); DuckDB numbers it u + 2 among the file's records and empty
    # lines, and leaves out the empty ones and those it rejects
    units = lines.records - 1
    empty = {record - 1 for record in lines.empty if record}
    blank = {record - 1 for record in lines.blank if record}
    rejected: dict[int, list[str]] = {}
    for line, message in scanned.rejects:
        unit = line - 2
        if not 0 <= unit < units or unit in empty:
            raise FileProblem(display, "lines_unreconciled", records=units, parsed=scanned.parsed)
        rejected.setdefault(unit, []).append(message)
    spanning = [unit for unit in rejected if unit + 1 in lines.spans]
    if spanning:
        record = min(spanning) + 1
        raise FileProblem(
            display, "unclosed_quote", line=lines.first(record), end=lines.first(record) + lines.spans[record]
        )
    skipped = sorted(empty | set(rejected))
    if units - len(skipped) != scanned.parsed:
        raise FileProblem(display, "lines_unreconciled", records=units - len(empty), parsed=scanned.parsed)
    # A parsed unit's line is its rank among the parsed ones + 2 + a shift (the lines skipped or spanned before
    # it), which changes only after a skipped unit or one that spans lines.
    steps, shift = [], 0
    after = sorted({0} | {unit + 1 for unit in skipped} | {record for record in lines.spans})
    for unit in after:
        if unit >= units or unit in empty or unit in rejected:
            continue
        before = bisect_left(skipped, unit)
        if lines.first(unit + 1) - (unit - before + 2) != shift:
            shift = lines.first(unit + 1) - (unit - before + 2)
            steps.append((unit - before, shift))
    return _Numbered(
        steps=steps,
        blank_ranks=[unit - bisect_left(skipped, unit) for unit in sorted(blank - empty) if unit not in rejected],
        rejects=[
            (lines.first(unit + 1), message)
            for unit, messages in rejected.items()
            if unit not in blank
            for message in messages
        ],
        rows=units - len(blank),
        lines=lines.physical,
        lines_blank=len(blank),
        lines_in_cells=lines.in_cells,
    )


@dataclass(frozen=True)
class _RawScan:
    """A scan's table of raw rows: its number of columns, the contract tables of its files with the column
    positions (`_Layout.places`) each of their files has, and whether any of its files has rows off their plain
    numbering (`shifted`) or blank rows, and whether its files were read as one stream (`joined`: their rows
    told apart by where each file's rows begin, not by file name)."""

    name: str
    width: int
    places: dict[str, frozenset[tuple[int | None, ...]]]
    shifted: bool
    blanks: bool
    joined: bool = False


@dataclass
class Batch:
    """The scans of one `ingest_files` call, whose tables hold the raw rows until the batch is validated."""

    scratch: Path
    scans: list[_RawScan] = field(default_factory=list)

    def next_name(self) -> str:
        return f"raw_scan_{len(self.scans)}"


def batch_raw(table: Table) -> str:
    return f"batch_raw_{table.name}"


def insert_rows(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[object, ...]]) -> None:
    """Insert rows in one statement, one list parameter per column: executemany costs a statement per row, and
    DuckDB binds a VALUES list of literals (or a parameter per value) value by value, which for a few hundred
    rows costs ten times the insert itself."""
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        con.execute(f"INSERT INTO {name} SELECT {', '.join(f'unnest(${i + 1})' for i in range(len(columns)))}", columns)


def _keep_scan(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    name: str,
    layouts: dict[str, _Layout],
    width: int,
    scanned: dict[str, _Scanned],
    numbered: dict[str, _Numbered],
    joined: bool = False,
) -> None:
    """Record which rows of scan `name` belong to which file (the given sources, each with its contract columns
    and first row; a file without rows has none to map, and in a joined scan would share its first row with the
    file after it), where their line numbers shift, which are blank, and the files' rejected lines."""
    insert_rows(
        con,
        "batch_sources",
        [
            (
                name,
                source,
                layout.file_no,
                layout.delivery.table.name,
                layout.places,
                scanned.get(source, _Scanned()).first_row,
            )
            for source, layout in layouts.items()
            if scanned.get(source, _Scanned()).parsed
        ],
    )
    steps, blanks, rejects = [], [], []
    for source, layout in layouts.items():
        first_row, lines = scanned.get(source, _Scanned()).first_row, numbered[source]
        steps += [(layout.file_no, first_row + rank, shift) for rank, shift in lines.steps]
        blanks += [(layout.file_no, first_row + rank) for rank in lines.blank_ranks]
        rejects += [(layout.file_no, line, message) for line, message in lines.rejects]
    for table, rows in (("line_steps", steps), ("blank_rows", blanks), ("batch_rejects", rejects)):
        insert_rows(con, table, rows)
    places: dict[str, set[tuple[int | None, ...]]] = {}
    for layout in layouts.values():
        places.setdefault(layout.delivery.table.name, set()).add(tuple(layout.places))
    frozen = {table: frozenset(found) for table, found in places.items()}
    batch.scans.append(_RawScan(name, width, frozen, bool(steps), bool(blanks), joined))


def raw_select(batch: Batch, table: Table) -> str:
    """SELECT file_no, line (header = line 1) and the table's contract columns, as text, from every scan of the
    batch holding files of the table, blank rows left out: each file's cells taken from its own positions
    (`places[k]` is the 1-based position of the k-th contract column, NULL when the file lacks it). Where all the
    table's files of a scan have their columns in the same places, as files written by one program do, the cells
    are taken straight from those positions."""
    parts = []
    for scan in batch.scans:
        if table.name not in scan.places:
            continue
        line, joins, where = "r.rowid - s.first_row + 2", "", [f"s.table_name = {sql_literal(table.name)}"]
        if scan.joined:
            sources = f"(SELECT * FROM batch_sources WHERE scan = {sql_literal(scan.name)})"
            joins += f"ASOF JOIN {sources} AS s ON r.rowid >= s.first_row"
        else:
            joins += f"JOIN batch_sources AS s ON s.scan = {sql_literal(scan.name)} AND s.filename = r.filename"
        if scan.shifted:
            joins += " ASOF LEFT JOIN line_steps AS j ON j.file_no = s.file_no AND r.rowid >= j.from_row"
            line += " + coalesce(j.shift, 0)"
        if scan.blanks:
            joins += " LEFT JOIN blank_rows AS b ON b.file_no = s.file_no AND b.row = r.rowid"
            where.append("b.row IS NULL")
        if len(scan.places[table.name]) == 1:
            [places] = scan.places[table.name]
            cells = ", ".join(
                f"{'NULL::VARCHAR' if at is None else f'r.c{at - 1}'} AS {column.name}"
                for at, column in zip(places, table.columns, strict=True)
            )
        else:
            cells = ", ".join(
                f"CASE s.places[{k}] "
                + " ".join(f"WHEN {i + 1} THEN r.c{i}" for i in range(scan.width))
                + f" END AS {column.name}"
                for k, column in enumerate(table.columns, start=1)
            )
        parts.append(
            f"""SELECT s.file_no, {line} AS line, {cells}
                FROM {scan.name} AS r {joins} WHERE {" AND ".join(where)}"""
        )
    return "\nUNION ALL\n".join(parts)


@dataclass
class Read:
    """A file read into the batch: what its row accounting and log line need."""

    file_no: int
    delivery: Delivery
    encoding: str
    header: Header
    lines: _Numbered
    ignored: list[str]

    @property
    def rows_read(self) -> int:
        return self.lines.rows


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

    @property
    def citizen_positions(self) -> frozenset[int]:
        """The 0-based positions of the file's citizen columns."""
        citizens = {column.name for column in self.delivery.table.columns if column.kind == contract.CITIZEN}
        return frozenset(index for index, name in enumerate(self.positions) if name in citizens)

    def read(self, encoding: str, lines: _Numbered) -> Read:
        return Read(self.file_no, self.delivery, encoding, self.header, lines, self.ignored)


def _layout(delivery: Delivery, file_no: int, lookups: dict[str, dict[str, str]]) -> _Layout:
    header = read_header(delivery.path, delivery.display, delivery.table)
    table = delivery.table.name
    if table not in lookups:
        lookups[table] = contract.header_lookup(delivery.table)
    positions, ignored = _column_map(delivery, header.names, lookups[table])
    return _Layout(file_no, delivery, header, positions, ignored)


# Only small files are worth joining into a stream: DuckDB's cost per file (about 0.35 ms) is many rows' worth of
# a small file, while every byte through the stream's pipe costs system time (break-even near 90 kB; at 10M
# courses, files of ~400 kB, the stream made a quarter's job 9 % slower).
_JOIN_MAX_BYTES = 64 * 1024
# Pipes open at once in one scan: each has a converting thread behind it.
_PIPES_PER_SCAN = 64


class _Unreadable(Exception):
    """DuckDB could not read a scan's files; the message is DuckDB's."""


def _read_scan(
    con: duckdb.DuckDBPyConnection, batch: Batch, group: list[tuple[_Layout, str]]
) -> tuple[list[Read], list[tuple[_Layout, str]], list[FileProblem]]:
    """Read files of one separator and number of columns in one scan, each as the given encoding (converted
    through a pipe if not UTF-8), and number their rows by their physical lines. Returns the reads, the files
    found not to be UTF-8 after all (to read again as Windows-1252), and the files whose lines cannot be
    accounted for. Raises _Unreadable when DuckDB cannot read one of the files."""
    first, name = group[0][0], batch.next_name()
    width = len(first.positions)
    files = [(layout.delivery.path, encoding, layout.header, layout.citizen_positions) for layout, encoding in group]
    with utf8_sources(files, batch.scratch) as (paths, copies):
        sources = dict(zip(paths, group, strict=True))
        try:
            scanned = _read_raw(con, name, list(sources), first.header.delimiter, width)
        except duckdb.Error as error:
            raise _Unreadable(str(error)) from error
    not_utf8 = {source for source, found in scanned.items() if found.bad_encoding}
    # a pipe's name outlives the pipe: the rows carry it in `filename`
    keep, numbered, problems = {}, {}, []
    for index, (source, (layout, _)) in enumerate(sources.items()):
        if source in not_utf8:
            continue
        data = b"".join(copies[index]) if index in copies else layout.delivery.path.read_bytes()
        try:
            numbered[source] = _number(
                _lines(data, layout.header), scanned.get(source, _Scanned()), layout.delivery.display
            )
        except FileProblem as problem:
            problems.append(problem)
            continue
        keep[source] = layout
    if keep:
        _keep_scan(con, batch, name, keep, width, scanned, numbered)
    else:
        con.execute(f"DROP TABLE {name}")
    reads = [
        layout.read(encoding, numbered[source]) for source, (layout, encoding) in sources.items() if source in keep
    ]
    return reads, [(sources[source][0], WINDOWS_1252) for source in sorted(not_utf8)], problems


class _Unjoined(Exception):
    """Files read as one stream whose rows cannot be told apart in it as surely as in a scan of their own."""


def _read_joined(con: duckdb.DuckDBPyConnection, batch: Batch, group: list[tuple[_Layout, str]]) -> list[Read]:
    """Read files of one separator and number of columns, none holding a quote, as one stream in one scan
    (dialect.joined_source): DuckDB's cost is per file far more than per row. Each file's rows, rejected lines and
    line numbers are found by where its lines lie in the stream, and its rows must come out exactly as its line
    count says: a file's rows are those after the rows of the files before it. Raises _Unjoined where the
    stream's rows do not add up or DuckDB cannot read it; the files' own scans then find which is at fault."""
    first, name = group[0][0], batch.next_name()
    files = [(layout.delivery.path, encoding, layout.header, layout.citizen_positions) for layout, encoding in group]
    with joined_source(files, batch.scratch) as (stream, copies):
        try:
            whole = _read_raw(con, name, [stream], first.header.delimiter, len(first.positions)).get(stream, _Scanned())
        except duckdb.Error as error:
            raise _Unjoined(str(error)) from error
    scanned, numbered, keep, line, row = {}, {}, {}, 2, whole.first_row
    try:
        if whole.bad_encoding:
            raise _Unjoined("not UTF-8")
        for index, (layout, _) in enumerate(group):
            data = b"".join(copies[index]) if index in copies else layout.delivery.path.read_bytes()
            lines = _lines(data, layout.header)
            after_header = lines.physical - 1
            rejects = tuple((at - line + 2, error) for at, error in whole.rejects if line <= at < line + after_header)
            rejected = len({at for at, _ in rejects})
            parsed = after_header - sum(1 for record in lines.empty if record) - rejected
            source = str(layout.delivery.path)
            scanned[source] = _Scanned(parsed, rejected, False, row, rejects)
            numbered[source] = _number(lines, scanned[source], layout.delivery.display)
            keep[source] = layout
            line, row = line + after_header, row + parsed
        if row - whole.first_row != whole.parsed or sum(len(s.rejects) for s in scanned.values()) != len(whole.rejects):
            raise _Unjoined("the stream's rows do not add up to its files' rows")
    except (_Unjoined, FileProblem) as error:
        con.execute(f"DROP TABLE {name}")
        raise _Unjoined(str(error)) from error
    _keep_scan(con, batch, name, keep, len(first.positions), scanned, numbered, joined=True)
    return [layout.read(encoding, numbered[str(layout.delivery.path)]) for layout, encoding in group]


def _read_one(con: duckdb.DuckDBPyConnection, batch: Batch, layout: _Layout, encoding: str) -> Read:
    """Read one file on its own: an Excel workbook, or a file of a group DuckDB could not read, so that the error
    names its file."""
    try:
        reads, again, problems = _read_scan(con, batch, [(layout, encoding)])
        if again:
            reads, _, problems = _read_scan(con, batch, again)
    except _Unreadable as error:
        raise FileProblem(layout.delivery.display, "unreadable_csv", detail=scrub(str(error))) from error
    if problems:
        raise problems[0]
    return reads[0]


def read_files(
    con: duckdb.DuckDBPyConnection, batch: Batch, deliveries: list[Delivery]
) -> tuple[list[Read], list[FileProblem]]:
    """Read every file into the batch's scans; those that cannot be used are returned as problems.

    A national quarter is hundreds of files of a few dozen rows each, so files that share a separator and a
    number of columns are read in one scan, whatever their table and column order: the cost of a query, not of
    a row, would otherwise dominate. Files without a quote are read as one stream per scan (DuckDB's cost per
    file is many times its cost per row of such files); the others file by file, Windows-1252 files together in
    one scan of several converting pipes.
    """
    layouts, problems, lookups = [], [], {}
    for file_no, delivery in enumerate(deliveries):
        try:
            layouts.append(_layout(delivery, file_no, lookups))
        except FileProblem as problem:
            problems.append(problem)
    reads: list[Read] = []
    one_by_one = [(layout, XLSX) for layout in layouts if layout.header.encoding == XLSX]
    text = [layout for layout in layouts if layout.header.encoding != XLSX]
    # Windows-1252 files found before a scan, where that is certain: rejecting each of their lines as not UTF-8
    # costs DuckDB more than reading them. Files without a quote, UTF-8 or surely not, are read as one stream.
    surely, joinable = set(), set()
    for layout in text:
        data = layout.delivery.path.read_bytes()
        if surely_not_utf8(data, layout.header.delimiter, len(layout.positions)):
            surely.add(layout.file_no)
        if len(data) <= _JOIN_MAX_BYTES and b'"' not in data and (layout.file_no in surely or is_utf8(data)):
            joinable.add(layout.file_no)
    encodings = {
        layout.file_no: WINDOWS_1252 if layout.file_no in surely else layout.header.encoding for layout in text
    }
    for group in _by_shape([(layout, encodings[layout.file_no]) for layout in text if layout.file_no in joinable]):
        try:
            reads += _read_joined(con, batch, group)
        except _Unjoined:
            joinable -= {layout.file_no for layout, _ in group}
    text = [layout for layout in text if layout.file_no not in joinable]
    converted = [(layout, WINDOWS_1252) for layout in text if layout.file_no in surely]
    for group in _by_shape([(layout, layout.header.encoding) for layout in text if layout.file_no not in surely]):
        try:
            done, again, refused = _read_scan(con, batch, group)
        except _Unreadable:
            one_by_one += group
            continue
        reads += done
        converted += again
        problems += refused
    for group in _by_shape(converted):
        for start in range(0, len(group), _PIPES_PER_SCAN):
            try:
                done, _, refused = _read_scan(con, batch, group[start : start + _PIPES_PER_SCAN])
                reads += done
                problems += refused
            except _Unreadable:
                one_by_one += group[start : start + _PIPES_PER_SCAN]
    for layout, encoding in one_by_one:
        try:
            reads.append(_read_one(con, batch, layout, encoding))
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
