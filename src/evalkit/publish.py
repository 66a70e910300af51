"""Publication copies of the figure tables: small counts masked (contract section 5).

A count of 1-4 becomes `<5`. Whatever could give a masked count back is blanked with it: a rate (and its
interval) whose numerator or denominator is masked, and the other values a family ties to a count (a mean
length over three courses, the cost of two citizens' services). Zero is not masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

MASK = "<5"
SMALLEST_SHOWN = 5


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
