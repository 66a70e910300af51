"""Reading a delivered file's dialect (encoding, separator, header) and handing DuckDB a UTF-8 CSV stream of it.

DuckDB reads UTF-8 natively; Windows-1252 (what Danish Excel writes) needs DuckDB's `encodings` extension, which
cannot be downloaded on an offline machine, and its `latin-1` reader rejects the bytes 0x80-0x9F where
Windows-1252 keeps `€`, `–` and curly quotes. So such a file, and likewise an Excel workbook, is converted on the
fly and handed to DuckDB through a named pipe: nothing converted (a CPR number, say) ever lands on disk.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import contract
from ..contract import Table
from .messages import Columns, file_problem

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
WINDOWS_1252 = "windows-1252"
XLSX = "xlsx"
DELIMITERS = (";", ",", "\t")
_HEADER_BYTES = 1 << 16
_CHUNK = 1 << 20


class FileProblem(Exception):
    """A file that cannot be used at all: `str()` names the file and what is wrong (messages.FILE_PROBLEMS)."""

    def __init__(self, path: str, code: str, **params: object):
        self.path, self.code, self.params = path, code, params
        super().__init__(f"{path}: {self.problem()}")

    def problem(self, language: str = "en") -> str:
        return file_problem(self.code, language, **self.params)


def _cp1252_or_latin1(error: UnicodeDecodeError):
    # The five bytes Windows-1252 leaves undefined map to the same code points as in latin-1 (as browsers do),
    # so no byte is ever dropped.
    return error.object[error.start : error.start + 1].decode("latin-1"), error.start + 1


codecs.register_error("evalkit_cp1252", _cp1252_or_latin1)


@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]
    delimiter: str
    encoding: str  # UTF8, UTF8_BOM or XLSX; a CSV found not to be UTF-8 is re-read as WINDOWS_1252
    sheet: str | None = None  # the workbook sheet read
    line: int = 1  # the line, or sheet row, of the header: the rows above it are a workbook's titles, not read
    sheets_not_read: tuple[str, ...] = ()


def read_header(path: Path, display: str, table: Table) -> Header:
    """Header names and separator, from the file's first line (a header never spans lines), or the sheet and row
    of a workbook that name the table's columns."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_header(path, display, table)
    with open(path, "rb") as handle:
        head = handle.read(_HEADER_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in head.split(b"\n", 1)[0]:
        raise FileProblem(display, "not_text")
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        head = head[len(codecs.BOM_UTF8) :]
    first = re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0]  # a file may end its lines with a lone \r
    if not first.strip():
        raise FileProblem(display, "empty")
    try:
        text = first.decode(UTF8)
    except UnicodeDecodeError:
        text = first.decode(WINDOWS_1252, errors="evalkit_cp1252")
    delimiter = max(DELIMITERS, key=text.count)
    names = next(csv.reader([text], delimiter=delimiter))
    return Header(names=tuple(names), delimiter=delimiter, encoding=UTF8_BOM if bom else UTF8)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode(UTF8)
        return True
    except UnicodeDecodeError:
        return False


def surely_not_utf8(data: bytes, delimiter: str, width: int) -> bool:
    """Whether DuckDB's UTF-8 reader would certainly find a file of these bytes not to be UTF-8: some line after the
    header, with no quote before it (a quote may join lines) and exactly `width` fields (so nothing else is wrong
    with it), is not UTF-8. Such a file can go straight to the converting pipe; any other is left for DuckDB to
    judge, as a header or a malformed line that is not UTF-8 does not make DuckDB reject the file."""
    if is_utf8(data):
        return False
    separator = delimiter.encode()
    header, *lines = data.split(b"\n")
    if b'"' in header:
        return False
    for line in lines:
        line = line.removesuffix(b"\r")
        if b'"' in line or b"\r" in line:
            return False
        if line.count(separator) == width - 1:
            try:
                line.decode(UTF8)
            except UnicodeDecodeError:
                return True
    return False


def _line_as_utf8(line: bytes) -> bytes:
    try:
        line.decode(UTF8)
        return line
    except UnicodeDecodeError:
        return line.decode(WINDOWS_1252, errors="evalkit_cp1252").encode(UTF8)


def _lines_as_utf8(path: Path, _: Header, __: frozenset[int]) -> Iterator[bytes]:
    """The file as UTF-8 with one kind of line ending: each line kept where it is UTF-8 and decoded as Windows-1252
    where it is not (one line pasted from another program must not turn `§` into `Â§` in all the others), and, in
    a file that ends its lines in more than one way, `\r\n` and a lone `\r` ended as `\n` (DuckDB reads one kind
    of line ending per file)."""
    mixed, rest = mixed_line_endings(path.read_bytes()), b""
    with open(path, "rb") as raw:
        while chunk := raw.read(_CHUNK):
            chunk = rest + chunk
            # a chunk ending in `\r` may be half of a `\r\n`: keep it for the next
            cut = chunk.rfind(b"\n") + 1 if not chunk.endswith(b"\r") else len(chunk) - 1
            chunk, rest = chunk[:cut], chunk[cut:]
            yield _normalised(chunk, mixed)
    yield _normalised(rest, mixed)


# A two-byte UTF-8 sequence (Danish letters, `§`, `é`); Windows-1252 text almost never has one.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]")


def _normalised(chunk: bytes, mixed: bool) -> bytes:
    if mixed:
        chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        chunk.decode(UTF8)
        return chunk
    except UnicodeDecodeError:
        pass
    if not _UTF8_SEQUENCE.search(chunk):  # no line is UTF-8 beyond ASCII: all of it is Windows-1252
        return chunk.decode(WINDOWS_1252, errors="evalkit_cp1252").encode(UTF8)
    return b"\n".join(_line_as_utf8(line) for line in chunk.split(b"\n"))


def mixed_line_endings(data: bytes) -> bool:
    """Whether a file's bytes end its lines in more than one way (`\r\n`, `\n`, a lone `\r`)."""
    returns = data.count(b"\r")
    if not returns:
        return False
    both = data.count(b"\r\n")
    return returns != both or data.count(b"\n") != both


def _trimmed(cells: list[str]) -> list[str]:
    """A sheet row's cells without the empty ones at its end (Excel's used range reaches past the data)."""
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _xlsx_rows(path: Path, header: Header, ten_digits: frozenset[int] = frozenset()) -> Iterator[list[str]]:
    """The header's sheet from the header row on, one list of text cells per sheet row, as wide as the header (an
    empty row has none, and a row with cells past the header keeps them, so that it is reported). A number of nine
    digits in a column at one of the `ten_digits` positions (a CPR number Excel took for a number, losing its
    leading zero) gets the zero back."""
    import openpyxl  # only needed for workbooks

    width = len(header.names)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook[header.sheet].iter_rows(min_row=header.line, values_only=True):
            cells = _trimmed([_xlsx_text(value, index in ten_digits) for index, value in enumerate(row)])
            yield cells + [""] * (width - len(cells)) if cells else []
    finally:
        workbook.close()


def _xlsx_text(value: object, ten_digits: bool = False) -> str:
    if ten_digits and isinstance(value, int | float) and value == int(value) and 10**8 <= value < 10**9:
        return f"{int(value):010d}"
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Rows of each sheet searched for the header: a cover sheet's or a title's few rows come before it.
HEADER_SEARCH_ROWS = 30


@dataclass
class _Candidates:
    """What the first rows of a workbook's sheets hold: the headers naming every column the table needs, the first
    filled row, the row naming most of the table's columns, and per sheet its filled cells and first filled row."""

    headers: list[tuple[str, int, list[str]]] = field(default_factory=list)
    first: tuple[str, int] | None = None
    closest: tuple[int, str, int, set[str]] | None = None
    filled: dict[str, list[int]] = field(default_factory=dict)

    def add(self, sheet: str, number: int, cells: list[str], table: Table, lookup: dict[str, str]) -> bool:
        """Take in one filled row; whether it is a header."""
        self.first = self.first or (sheet, number)
        named = {lookup[name] for name in map(contract.normalise_header, cells) if name in lookup}
        if set(table.header_required) <= named:
            self.headers.append((sheet, number, cells))
            return True
        if named and (self.closest is None or len(named) > self.closest[0]):
            self.closest = (len(named), sheet, number, named)
        self.filled.setdefault(sheet, [0, number])[0] += sum(1 for cell in cells if cell)
        return False


def _xlsx_header(path: Path, display: str, table: Table) -> Header:
    """The first row, among the first rows of each sheet, that names every column the table needs. Refused where
    no sheet has one (saying where the header or the data seem to be) or two sheets have one (one would go
    unread)."""
    import openpyxl  # only needed for workbooks

    lookup, found = contract.header_lookup(table), _Candidates()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = [sheet.title for sheet in workbook.worksheets]
            for sheet in workbook.worksheets:
                rows = sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
                for number, row in enumerate(rows, start=1):
                    cells = _trimmed([_xlsx_text(value) for value in row])
                    if cells and found.add(sheet.title, number, cells, table, lookup):
                        break
        finally:
            workbook.close()
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(display, "unreadable_xlsx", detail=str(error)) from error
    if len(found.headers) > 1:
        (first, *_), (second, *_) = found.headers[:2]
        raise FileProblem(display, "xlsx_two_headers", first=first, second=second, table=table.name)
    if found.headers:
        [(sheet, number, cells)] = found.headers
        return Header(tuple(cells), ",", XLSX, sheet, number, tuple(name for name in sheets if name != sheet))
    if found.first is None:
        raise FileProblem(display, "empty_sheet")
    read = {"table": table.name, "rows": HEADER_SEARCH_ROWS, "sheet": found.first[0], "row": found.first[1]}
    if found.closest:
        _, sheet, number, named = found.closest
        missing = Columns.of(table, [c for c in table.header_required if c not in named])
        raise FileProblem(display, "xlsx_header_lacks", **read, at=sheet, at_row=number, columns=missing)
    # the data seem to be where most cells are filled
    sheet, (_, number) = max(found.filled.items(), key=lambda item: item[1][0])
    needed = Columns.of(table, list(table.header_required))
    raise FileProblem(display, "xlsx_no_header", **read, at=sheet, at_row=number, columns=needed)


def _xlsx_as_csv(path: Path, header: Header, ten_digits: frozenset[int]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, row in enumerate(_xlsx_rows(path, header, ten_digits)):
        writer.writerow(row)
        if index % 1000 == 999:
            yield buffer.getvalue().encode(UTF8)
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode(UTF8)


def _pump(chunks: Iterator[bytes], fifo: str, failure: list[BaseException], copy: list[bytes] | None) -> None:
    try:
        with open(fifo, "wb") as out:
            for chunk in chunks:
                if copy is not None:
                    copy.append(chunk)
                out.write(chunk)
    except BrokenPipeError:
        pass  # the reader stopped early; its own error is what matters
    except BaseException as error:  # noqa: BLE001 - reported to the reading thread
        failure.append(error)


_CONVERTERS = {WINDOWS_1252: _lines_as_utf8, XLSX: _xlsx_as_csv}


def _converter(path: Path, encoding: str):
    """What turns the file into UTF-8 with one kind of line ending, or None where it is that already."""
    return _CONVERTERS.get(encoding) or (_lines_as_utf8 if mixed_line_endings(path.read_bytes()) else None)


@contextlib.contextmanager
def utf8_sources(
    files: list[tuple[Path, str, Header, frozenset[int]]], scratch: Path
) -> Iterator[tuple[list[str], dict[int, list[bytes]]]]:
    """Paths DuckDB can read as UTF-8 CSV with one kind of line ending, one for each (file, encoding, header,
    positions of its citizen columns): the file itself, or a named pipe fed with its converted bytes; and, for each
    converted file, its index and the bytes the pipe gave (in memory, whole once the context ends), for the line
    count. The pipes of one call share a folder in the job's private `scratch` folder."""
    converters = {index: _converter(path, encoding) for index, (path, encoding, *_) in enumerate(files)}
    feeds = {
        index: converter(files[index][0], files[index][2], files[index][3])
        for index, converter in converters.items()
        if converter
    }
    copies: dict[int, list[bytes]] = {index: [] for index in feeds}
    if not feeds:
        yield [str(path) for path, *_ in files], copies
        return
    with _pipes(feeds, scratch, copies) as fifos:
        yield [fifos.get(index, str(path)) for index, (path, *_) in enumerate(files)], copies


def _joined(
    files: list[tuple[Path, str, Header, frozenset[int]]], delimiter: str, copies: dict[int, list[bytes]]
) -> Iterator[bytes]:
    """The files as one UTF-8 CSV stream: a header line of its own, then each file's lines after its header as
    DuckDB would read the file alone (converted where it needs it; the bytes of each converted file go to
    `copies`), each line ended by `\n`."""
    width = len(files[0][2].names)
    yield delimiter.join(f"c{i}" for i in range(width)).encode() + b"\n"
    for index, (path, encoding, header, ten_digits) in enumerate(files):
        converter = _converter(path, encoding)
        data = b"".join(converter(path, header, ten_digits)) if converter else path.read_bytes()
        if converter:
            copies[index] = [data]
        body = data[data.index(b"\n") + 1 :].replace(b"\r\n", b"\n") if b"\n" in data else b""
        yield body if not body or body.endswith(b"\n") else body + b"\n"


@contextlib.contextmanager
def joined_source(
    files: list[tuple[Path, str, Header, frozenset[int]]], scratch: Path
) -> Iterator[tuple[str, dict[int, list[bytes]]]]:
    """A named pipe DuckDB can read as one UTF-8 CSV of all the files, each (file, encoding, header, positions of its
    citizen columns), one separator and number of columns for all; and, for each converted file, its index and its
    converted bytes (whole once the context ends), for the line count. The files must hold no quote: one left open
    would take in the files after it. DuckDB numbers the stream's lines from 1 for its header, each file's lines
    after its header following on from the file before."""
    copies: dict[int, list[bytes]] = {}
    with _pipes({"joined": _joined(files, files[0][2].delimiter, copies)}, scratch) as fifos:
        yield fifos["joined"], copies


@contextlib.contextmanager
def _pipes(
    feeds: dict[int | str, Iterator[bytes]], scratch: Path, copies: dict[int, list[bytes]] | None = None
) -> Iterator[dict[int | str, str]]:
    """A named pipe for each feed, in a folder of its own in the job's private `scratch` folder, each fed by a
    thread (and its chunks kept in `copies`, if given)."""
    folder = tempfile.mkdtemp(prefix="pipes-", dir=scratch)
    fifos, pumps, failure = {}, [], []
    try:
        for index, chunks in feeds.items():
            fifo = os.path.join(folder, f"converted-{index}.csv" if isinstance(index, int) else f"{index}.csv")
            os.mkfifo(fifo, 0o600)
            fifos[index] = fifo
            pump = threading.Thread(
                target=_pump, args=(chunks, fifo, failure, None if copies is None else copies[index]), daemon=True
            )
            pump.start()
            pumps.append((pump, fifo))
        yield fifos
    finally:
        # A writer may still wait for, or write to, a reader that gave up: open the pipe's read end ourselves
        # and close it, so the writer fails with a broken pipe and ends.
        for pump, fifo in pumps:
            while pump.is_alive():
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
                pump.join(timeout=0.05)
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    if failure:
        raise failure[0]
