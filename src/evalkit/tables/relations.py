"""Relations among a family's counts, declared with the family in the registry (tables/registry.py).

A reader of the published tables knows these, so the publication's secondary suppression and audit
(evalkit.publish) use them: parts adding up to a total within a row or over the rows of a key, a count at most
another, the same count in another family, the steps of a funnel, rows that are the same in every report. Every
declared relation is checked on the true tables before anything is masked: a declaration that does not hold
stops the publication, since the audit would be wrong with it. The `all` row = the sum of the municipalities'
rows holds for every count of a per-municipality family and is not declared.
"""

from __future__ import annotations

from dataclasses import dataclass

from evalkit.contract import ALL

EQUAL = "=="
AT_MOST = "<="


@dataclass(frozen=True)
class RowTotal:
    """In every row: total = the sum of parts."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class RowAtMost:
    """In every row: part <= whole (either a column or a tuple of columns added up)."""

    part: str | tuple[str, ...]
    whole: str | tuple[str, ...]


@dataclass(frozen=True)
class KeyTotal:
    """Per scope, the row whose `key` is `total` against the other rows: for `columns` it is their sum; for
    `distinct` columns (people, who may be in several rows) it is at least each row and at most their sum."""

    key: str
    columns: tuple[str, ...] = ()
    distinct: tuple[str, ...] = ()
    total: str = ALL


@dataclass(frozen=True)
class Link:
    """Per scope, this family's `column` in each row matching `where` (or summed over those rows when `summed`)
    `sense` the `other` column of `family` in its row matching `other_where` (its only row when empty). With
    `municipalities_only`, the `all` rows are left out (where this family's total covers other municipalities)."""

    column: str
    family: str
    other: str
    where: tuple[tuple[str, str], ...] = ()
    other_where: tuple[tuple[str, str], ...] = ()
    sense: str = EQUAL
    summed: bool = False
    municipalities_only: bool = False


@dataclass(frozen=True)
class Steps:
    """Per scope, rows ordered by the integer column `order`: (column, other column, sense) from every row to the
    first row, from every later row to the row before, within the first row and within every later row."""

    order: str
    to_first: tuple[tuple[str, str, str], ...] = ()
    to_previous: tuple[tuple[str, str, str], ...] = ()
    in_first: tuple[tuple[str, str, str], ...] = ()
    in_later: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class SameAcrossReports:
    """A row does not depend on the report's period, only on its municipality and key: the rows of one
    municipality and key are the same counts in every report (`all` rows too where two reports have the same
    municipalities), except the rows whose `key` is `total`."""

    key: str
    total: str = ALL


Declaration = RowTotal | RowAtMost | KeyTotal | Link | Steps | SameAcrossReports
