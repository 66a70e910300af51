"""Publication copies of the figure tables: small counts masked (contract section 5), no cell Excel would run.

A count of 1-4 becomes `<5`. Whatever could give a masked count back is blanked with it: a rate (and its
interval) whose numerator or denominator is masked, and the other values a family ties to a count (a mean
length over three courses, the cost of two citizens' services). Zero is not masked.

A text cell that Excel would read as a formula (`=`, `+`, `-`, `@` first) is never written as one: in a CSV it
gets a leading apostrophe (Excel's own "this is text" mark); the workbook stores it with the string type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from evalkit.contract import MASK, SMALLEST_SHOWN
from evalkit.tables.files import write_csv
from evalkit.tables.registry import Family

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_small(value: object) -> bool:
    """True for a count of 1-4 (given as a number or as CSV text); empty cells are not small."""
    if value is None or value == "":
        return False
    return 0 < int(float(value)) < SMALLEST_SHOWN


def mask_row(
    row: Mapping[str, object],
    counts: Iterable[str],
    rates: Iterable[tuple[str, str, Sequence[str]]],
    guarded: Mapping[str, Sequence[str]],
) -> dict[str, object]:
    """Mask one table row.

    counts: the count columns; rates: (numerator, denominator, [rate and interval columns]);
    guarded: value column -> the count columns it is computed over.
    """
    small = {column for column in counts if is_small(row[column])}
    masked = dict(row)
    for column in small:
        masked[column] = MASK
    for numerator, denominator, columns in rates:
        if numerator in small or denominator in small:
            masked.update({column: "" for column in columns})
    for column, over in guarded.items():
        if small.intersection(over):
            masked[column] = ""
    return masked


def publication_rows(family: Family, columns: Sequence[str], rows: Sequence[Sequence]) -> list[list]:
    """The publication copy of a family's rows."""
    rates = [(r.numerator, r.denominator, r.columns) for r in family.rates]
    masked = [mask_row(dict(zip(columns, row, strict=True)), family.all_counts, rates, family.guarded) for row in rows]
    return [[m[c] for c in columns] for m in masked]


def is_number(text: str) -> bool:
    """A finite number as Python writes one (so `inf`, `nan` are text)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def csv_safe(value: object) -> object:
    """The value as a CSV cell Excel will not run: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


def write_publication(path: str | Path, family: Family, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """The publication copy as CSV: masked, and safe to open in Excel (no text cell read as a formula)."""
    write_csv(path, columns, [[csv_safe(v) for v in row] for row in publication_rows(family, columns, rows)])
