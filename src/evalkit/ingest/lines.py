"""A delivered file's physical lines, counted without the CSV parser: one pass over its bytes that finds where each
record starts and ends (a quoted cell may span lines), which records are blank and whether a quote opens a cell
that never closes. The scan's rows are then numbered from it, and the file's accounting checked against it: a parse
that swallowed lines cannot also be what proves that no line was lost.

Most files have no quote at all, and then every line is a record: only the few lines that may be blank are looked
at, with bytes methods. Quotes are followed with NumPy, imported only for such a file (importing it costs more
than counting the lines of a whole quarter).
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

_NEWLINE, _RETURN, _QUOTE = 10, 13, 34


@dataclass(frozen=True)
class Lines:
    """Where the records of a file lie, record 0 being the header, on line `start`: `spans` maps each record that
    spans lines to its number of further lines (few records do); `empty` and `blank` list, in order, the records
    that are an empty line (the CSV reader skips them) and those holding nothing but separators and spaces
    (counted as blank, not as a row; the empty ones among them)."""

    physical: int
    records: int
    spans: dict[int, int]
    empty: list[int]
    blank: list[int]
    open_quote: int | None  # the line where a quote opens a cell that is never closed
    start: int = 1

    def __post_init__(self) -> None:
        spanning = sorted(self.spans)
        object.__setattr__(self, "_spanning", spanning)
        object.__setattr__(self, "_further", list(accumulate(self.spans[r] for r in spanning)))

    def first(self, record: int) -> int:
        """The physical line (1-based) that record starts on."""
        before = bisect_left(self._spanning, record)
        return record + self.start + (self._further[before - 1] if before else 0)

    def as_sheet_rows(self, header_row: int) -> Lines:
        """The records of a workbook sheet written as CSV from its header row on, one record per sheet row, as
        lines numbered by sheet row: a line break inside a cell is no row of the sheet, and the rows above the
        header are lines too."""
        return Lines(header_row - 1 + self.records, self.records, {}, self.empty, self.blank, None, header_row)

    @property
    def in_cells(self) -> int:
        """The further lines of the records that span lines."""
        return self._further[-1] if self._further else 0


def _toggles(data: bytes, a, separator: int, start: int):
    """Positions of the quotes that open or close a quoted cell. A quote opens a cell only at the start of a
    field, as the CSV reader has it; a doubled quote inside a cell is a quote. Taking every quote as a toggle is
    right exactly when each opening one starts a field and each closing one ends it (or is doubled), which a
    vectorised test shows; only files where it fails are walked quote by quote."""
    import numpy as np

    quotes = np.flatnonzero(a == _QUOTE)
    opening, closing = quotes[0::2], quotes[1::2]
    before = a[np.maximum(opening - 1, 0)]
    opens_field = (opening == start) | np.isin(before, (separator, _NEWLINE, _RETURN, _QUOTE))
    after = a[np.minimum(closing + 1, len(a) - 1)]
    ends_field = (closing == len(a) - 1) | np.isin(after, (separator, _NEWLINE, _RETURN, _QUOTE))
    if opens_field.all() and ends_field.all():
        return quotes
    toggles, inside, doubled = [], False, -1
    for at in quotes.tolist():
        if at == doubled:
            continue
        if not inside:
            if at == start or data[at - 1] in (separator, _NEWLINE, _RETURN):
                inside = True
                toggles.append(at)
        elif at + 1 < len(data) and data[at + 1] == _QUOTE:
            doubled = at + 1
        else:
            inside = False
            toggles.append(at)
    return np.array(toggles, dtype=np.int64)


def _quoted_spans(data: bytes, separator: int, start: int) -> tuple[dict[int, int], int | None]:
    """The lines (first line -> last line) of the records a quoted cell makes span lines, and the line where a quote
    that never closes opens (then no spans)."""
    import numpy as np

    a = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(a == _NEWLINE)
    toggles = _toggles(data, a, separator, start)
    if len(toggles) % 2:
        return {}, int(np.searchsorted(newlines, toggles[-1])) + 1
    # newline j (ending line j + 1) inside a quoted cell: line j + 2 goes on with the record of line j + 1
    inside = np.flatnonzero(np.searchsorted(toggles, newlines) % 2 == 1)
    if not len(inside):
        return {}, None
    run_starts = np.flatnonzero(np.diff(inside, prepend=-2) != 1)
    run_ends = np.append(run_starts[1:], len(inside)) - 1
    return dict(zip((inside[run_starts] + 1).tolist(), (inside[run_ends] + 2).tolist(), strict=True)), None


def count_lines(data: bytes, delimiter: str) -> Lines:
    """The records of a CSV file's bytes (UTF-8 or a single-byte code page: only ASCII bytes are looked at)."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    physical = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    separator = delimiter.encode()
    quoted, open_quote = _quoted_spans(data, separator[0], start) if b'"' in data else ({}, None)
    firsts = sorted(quoted)
    further = list(accumulate(quoted[first] - first for first in firsts))
    # A blank record is one line that starts with a blank byte (or is empty): only those few are looked at.
    unwanted = separator + b" \t\r"
    candidates = [(1, start)] if start == len(data) or data[start] in unwanted + b"\n" else []
    line, at = 1, 0
    for found in re.finditer(b"\n(?=[" + re.escape(unwanted) + b"\n])", data):
        line += data.count(b"\n", at, found.end())
        at = found.end()
        candidates.append((line, at))
    empty, blank = [], []
    for line, begin in candidates:
        spanning = bisect_right(firsts, line) - 1  # the last record spanning lines that starts on or before it
        if spanning >= 0 and line <= quoted[firsts[spanning]]:
            continue  # a record of more than one line, or a line inside one
        end = data.find(b"\n", begin)
        text = data[begin : len(data) if end < 0 else end]
        record = line - 1 - (further[spanning] if spanning >= 0 else 0)
        if text in (b"", b"\r"):
            empty.append(record)
        if not text.translate(None, unwanted):
            blank.append(record)
    spans = {first - 1 - (further[i - 1] if i else 0): quoted[first] - first for i, first in enumerate(firsts)}
    return Lines(physical, physical - (further[-1] if further else 0), spans, empty, blank, open_quote)
