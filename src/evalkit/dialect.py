"""Reading a delivered CSV file's dialect: encoding, separator, header, and a UTF-8 stream of it for DuckDB.

DuckDB reads UTF-8 natively; Windows-1252 (what Danish Excel writes) needs DuckDB's `encodings` extension, which
cannot be downloaded on an offline machine, and its `latin-1` reader rejects the bytes 0x80-0x9F where
Windows-1252 keeps `€`, `–` and curly quotes. So such a file is transcoded on the fly and handed to DuckDB through
a named pipe: nothing transcoded (a CPR number, say) ever lands on disk.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
WINDOWS_1252 = "windows-1252"
DELIMITERS = (";", ",", "\t")
_HEADER_BYTES = 1 << 16
_CHUNK = 1 << 20


class FileProblem(Exception):
    """A file that cannot be used at all. The message names the file and what is wrong."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _cp1252_or_latin1(error: UnicodeDecodeError):
    # The five bytes Windows-1252 leaves undefined map to the same code points as in latin-1 (as browsers do),
    # so no byte is ever dropped.
    return error.object[error.start : error.start + 1].decode("latin-1"), error.start + 1


codecs.register_error("evalkit_cp1252", _cp1252_or_latin1)


@dataclass(frozen=True)
class Header:
    names: tuple[str, ...]
    delimiter: str
    bom: bool


def read_header(path: Path, display: str) -> Header:
    """Header names and separator, from the file's first line (a header never spans lines)."""
    with open(path, "rb") as handle:
        head = handle.read(_HEADER_BYTES)
    bom = head.startswith(codecs.BOM_UTF8)
    if bom:
        head = head[len(codecs.BOM_UTF8) :]
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if not first.strip():
        raise FileProblem(display, "the file is empty or its first line is blank; expected a header row")
    try:
        text = first.decode(UTF8)
    except UnicodeDecodeError:
        text = first.decode(WINDOWS_1252, errors="evalkit_cp1252")
    delimiter = max(DELIMITERS, key=text.count)
    names = next(csv.reader([text], delimiter=delimiter))
    return Header(names=tuple(names), delimiter=delimiter, bom=bom)


def _pump_transcoded(source: Path, fifo: str, failure: list[BaseException]) -> None:
    decoder = codecs.getincrementaldecoder(WINDOWS_1252)(errors="evalkit_cp1252")
    try:
        with open(source, "rb") as raw, open(fifo, "wb") as out:
            while chunk := raw.read(_CHUNK):
                out.write(decoder.decode(chunk).encode(UTF8))
            out.write(decoder.decode(b"", final=True).encode(UTF8))
    except BrokenPipeError:
        pass  # the reader stopped early; its own error is what matters
    except BaseException as error:  # noqa: BLE001 - reported to the reading thread
        failure.append(error)


@contextlib.contextmanager
def utf8_source(path: Path, encoding: str) -> Iterator[str]:
    """A path DuckDB can read as UTF-8: the file itself, or a named pipe fed with its transcoded bytes."""
    if encoding != WINDOWS_1252:
        yield str(path)
        return
    folder = tempfile.mkdtemp(prefix="evalkit-")
    fifo = os.path.join(folder, "transcoded.csv")
    os.mkfifo(fifo, 0o600)
    failure: list[BaseException] = []
    pump = threading.Thread(target=_pump_transcoded, args=(path, fifo, failure), daemon=True)
    pump.start()
    try:
        yield fifo
    finally:
        # A writer may still wait for, or write to, a reader that gave up: open the pipe's read end ourselves
        # and close it, so the writer fails with a broken pipe and ends.
        while pump.is_alive():
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            pump.join(timeout=0.05)
        os.unlink(fifo)
        os.rmdir(folder)
    if failure:
        raise failure[0]
