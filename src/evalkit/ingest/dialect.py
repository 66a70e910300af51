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
from dataclasses import dataclass
from pathlib import Path

from .messages import file_problem

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


def read_header(path: Path, display: str) -> Header:
    """Header names and separator, from the file's first line (a header never spans lines) or first sheet row."""
    if path.suffix.lower() == ".xlsx":
        return Header(_xlsx_header(path, display), ",", XLSX)
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


def surely_not_utf8(path: Path, delimiter: str, width: int) -> bool:
    """Whether DuckDB's UTF-8 reader would certainly find the file not to be UTF-8: some line after the header, with
    no quote before it (a quote may join lines) and exactly `width` fields (so nothing else is wrong with it), is
    not UTF-8. Such a file can go straight to the converting pipe; any other is left for DuckDB to judge, as a
    header or a malformed line that is not UTF-8 does not make DuckDB reject the file."""
    data = path.read_bytes()
    try:
        data.decode(UTF8)
        return False
    except UnicodeDecodeError:
        pass
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


def _lines_as_utf8(path: Path, _: frozenset[int]) -> Iterator[bytes]:
    """The file as UTF-8 with one kind of line ending: each line kept where it is UTF-8 and decoded as Windows-1252
    where it is not (one line pasted from another program must not turn `§` into `Â§` in all the others), and, in
    a file that ends its lines in more than one way, `\r\n` and a lone `\r` ended as `\n` (DuckDB reads one kind
    of line ending per file)."""
    mixed, rest = mixed_line_endings(path), b""
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


def mixed_line_endings(path: Path) -> bool:
    """Whether the file ends its lines in more than one way (`\r\n`, `\n`, a lone `\r`)."""
    data = path.read_bytes()
    returns = data.count(b"\r")
    if not returns:
        return False
    both = data.count(b"\r\n")
    return returns != both or data.count(b"\n") != both


def _xlsx_rows(path: Path, ten_digits: frozenset[int] = frozenset()) -> Iterator[list[str]]:
    """The first sheet's rows as text cells; wholly empty rows (Excel's formatted blanks) are left out. A number
    of nine digits in a column at one of the `ten_digits` positions (a CPR number Excel took for a number, losing
    its leading zero) gets the zero back."""
    import openpyxl  # only needed for workbooks

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            cells = [_xlsx_text(value, index in ten_digits) for index, value in enumerate(row)]
            if any(cells):
                yield cells
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


def _xlsx_header(path: Path, display: str) -> tuple[str, ...]:
    try:
        first = next(_xlsx_rows(path), None)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise FileProblem(display, "unreadable_xlsx", detail=str(error)) from error
    if first is None:
        raise FileProblem(display, "empty_sheet")
    return tuple(first)


def _xlsx_as_csv(path: Path, ten_digits: frozenset[int]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, row in enumerate(_xlsx_rows(path, ten_digits)):
        writer.writerow(row)
        if index % 1000 == 999:
            yield buffer.getvalue().encode(UTF8)
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode(UTF8)


def _pump(chunks: Iterator[bytes], fifo: str, failure: list[BaseException], copy: list[bytes]) -> None:
    try:
        with open(fifo, "wb") as out:
            for chunk in chunks:
                copy.append(chunk)
                out.write(chunk)
    except BrokenPipeError:
        pass  # the reader stopped early; its own error is what matters
    except BaseException as error:  # noqa: BLE001 - reported to the reading thread
        failure.append(error)


_CONVERTERS = {WINDOWS_1252: _lines_as_utf8, XLSX: _xlsx_as_csv}


@contextlib.contextmanager
def utf8_sources(
    files: list[tuple[Path, str, frozenset[int]]], scratch: Path
) -> Iterator[tuple[list[str], dict[int, list[bytes]]]]:
    """Paths DuckDB can read as UTF-8 CSV with one kind of line ending, one for each (file, encoding, positions of
    its citizen columns): the file itself, or a named pipe fed with
    its converted bytes; and, for each converted file, its index and the bytes the pipe gave (in memory, whole
    once the context ends), for the line count. The pipes of one call share a folder in the job's private
    `scratch` folder."""
    converters = {
        index: _CONVERTERS.get(encoding) or (_lines_as_utf8 if mixed_line_endings(path) else None)
        for index, (path, encoding, _) in enumerate(files)
    }
    converted = [index for index, converter in converters.items() if converter]
    copies: dict[int, list[bytes]] = {index: [] for index in converted}
    if not converted:
        yield [str(path) for path, *_ in files], copies
        return
    folder = tempfile.mkdtemp(prefix="pipes-", dir=scratch)
    sources, pumps, failure = [str(path) for path, *_ in files], [], []
    try:
        for index in converted:
            path, _, ten_digits = files[index]
            fifo = os.path.join(folder, f"converted-{index}.csv")
            os.mkfifo(fifo, 0o600)
            sources[index] = fifo
            pump = threading.Thread(
                target=_pump, args=(converters[index](path, ten_digits), fifo, failure, copies[index]), daemon=True
            )
            pump.start()
            pumps.append((pump, fifo))
        yield sources, copies
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
