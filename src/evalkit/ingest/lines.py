"""A delivered file's physical lines, counted without the CSV parser: one vectorised pass over its bytes that finds
where each record starts and ends (a quoted cell may span lines), which records are blank and whether a quote
opens a cell that never closes. The scan's rows are then numbered from it, and the file's accounting checked
against it: a parse that swallowed lines cannot also be what proves that no line was lost."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

import numpy as np

_NEWLINE, _RETURN, _QUOTE, _SPACE, _TAB = 10, 13, 34, 32, 9


@dataclass(frozen=True)
class Lines:
    """Where the records of a file lie: `first[i]`, `last[i]` are the 1-based physical lines of record i (record
    0 is the header); `empty[i]` when it is an empty line (the CSV reader skips it), `blank[i]` when it holds
    nothing but separators and spaces (counted as blank, not as a row)."""

    physical: int
    first: np.ndarray
    last: np.ndarray
    empty: np.ndarray
    blank: np.ndarray
    open_quote: int | None  # the line where a quote opens a cell that is never closed


def _toggles(data: bytes, a: np.ndarray, separator: int, start: int) -> np.ndarray:
    """Positions of the quotes that open or close a quoted cell. A quote opens a cell only at the start of a
    field, as the CSV reader has it; a doubled quote inside a cell is a quote. Taking every quote as a toggle is
    right exactly when each opening one starts a field and each closing one ends it (or is doubled), which a
    vectorised test shows; only files where it fails are walked quote by quote."""
    quotes = np.flatnonzero(a == _QUOTE)
    if not len(quotes):
        return quotes
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


def count_lines(data: bytes, delimiter: str) -> Lines:
    """The records of a CSV file's bytes (UTF-8 or a single-byte code page: only ASCII bytes are looked at)."""
    a = np.frombuffer(data, dtype=np.uint8)
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    newlines = np.flatnonzero(a == _NEWLINE)
    physical = len(newlines) + (1 if len(a) and a[-1] != _NEWLINE else 0)
    toggles = _toggles(data, a, ord(delimiter), start)
    inside = np.searchsorted(toggles, newlines) % 2 == 1
    open_quote = int(np.searchsorted(newlines, toggles[-1])) + 1 if len(toggles) % 2 else None
    # line i starts a record unless the newline ending line i-1 lies inside a quoted cell
    starts = np.flatnonzero(np.concatenate(([True], ~inside))[:physical])
    first = starts + 1
    last = np.append(starts[1:], physical)
    line_begin = np.concatenate(([start], newlines + 1))[:physical]
    line_end = np.append(newlines, len(a))[:physical]
    begin, end = line_begin[starts], line_end[starts]
    # A blank record is one line that starts with a blank byte (or is empty): only those few are looked at.
    separator = delimiter.encode()[0]
    lead = a[np.minimum(begin, max(len(a) - 1, 0))] if len(a) else np.zeros(len(begin), dtype=np.uint8)
    maybe = (first == last) & (
        (end == begin) | (lead == separator) | (lead == _SPACE) | (lead == _TAB) | (lead == _RETURN)
    )
    empty = np.zeros(len(starts), dtype=bool)
    blank = np.zeros(len(starts), dtype=bool)
    unwanted = bytes((separator, _SPACE, _TAB, _RETURN))
    for record in np.flatnonzero(maybe).tolist():
        text = data[begin[record] : end[record]]
        empty[record] = text in (b"", b"\r")
        blank[record] = not text.translate(None, unwanted)
    return Lines(physical, first, last, empty, blank, open_quote)
