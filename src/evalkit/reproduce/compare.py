"""Published figures against the figure tables: the metric expressions of data/reference/published.csv, their
values in the tables, and the verdict within the rounding the report used."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from evalkit.console import Failure
from evalkit.contract import ALL

PUBLISHED_COLUMNS = (
    "report",
    "location",
    "line",
    "report_id",
    "kommunekode",
    "family",
    "metric",
    "value",
    "unit",
    "rounding",
    "quote",
    "figure",
    "basis",
    "known_deviation",
)
OUTPUT_COLUMNS = (
    "report",
    "location",
    "line",
    "report_id",
    "kommunekode",
    "family",
    "metric",
    "figure",
    "published",
    "computed",
    "unit",
    "rounding",
    "verdict",
    "detail",
)
AGGREGATES = {"min": min, "max": max, "count": lambda values: sum(1 for v in values if v > 0)}

# How close a computed value must be to the published one: half the unit the report rounded to, or a bound.
# Percent figures are compared on the percent scale (the tables hold shares as fractions).
ROUNDING: dict[str, Callable[[float, float], bool]] = {
    "exact": lambda computed, published: abs(computed - published) < 1e-9,
    "whole_number": lambda computed, published: abs(computed - published) <= 0.5 + 1e-9,
    "whole_percent": lambda computed, published: abs(computed - published) <= 0.5 + 1e-9,
    "one_decimal_percent": lambda computed, published: abs(computed - published) <= 0.05 + 1e-9,
    "nearest_1000": lambda computed, published: abs(computed - published) <= 500 + 1e-9,
    "below": lambda computed, published: computed < published,
    "above": lambda computed, published: computed > published,
}


TEXT = {
    "en": {
        "bad_term": "cannot read the metric term {term!r}",
        "bad_selector": "cannot read the selector in {term!r}: expected key=value",
        "bad_metric": "cannot read the metric {metric!r}: at most one ' / '",
        "no_table": "no figure table {path}",
        "no_column": "{family}.csv has no column {columns}",
        "rows": "{family}.csv: {n} rows for {term} at report {report}, kommunekode {kommunekode}, expected 1",
        "not_number": "{term} is {value!r}, not a number",
        "empty": "{term} is empty",
        "no_rows": "{family}.csv has no rows for report {report}, kommunekode {kommunekode}",
        "empty_at": "{term} is empty at report {report}, kommunekode {kommunekode}",
        "division": "division by zero at report {report}, kommunekode {kommunekode}",
        "no_municipality": "no municipality of {report} has {metric}",
        "rounding": "unknown rounding {rounding!r}",
        "published_columns": "{path} lacks the columns {columns}",
        "mismatch": "published {published}, computed {computed}",
    },
    "da": {
        "bad_term": "kan ikke læse metrikkens led {term!r}",
        "bad_selector": "kan ikke læse udvælgelsen i {term!r}: forventede nøgle=værdi",
        "bad_metric": "kan ikke læse metrikken {metric!r}: højst én ' / '",
        "no_table": "ingen figurtabel {path}",
        "no_column": "{family}.csv har ingen kolonne {columns}",
        "rows": "{family}.csv: {n} rækker for {term} ved rapport {report}, kommunekode {kommunekode}, forventede 1",
        "not_number": "{term} er {value!r}, ikke et tal",
        "empty": "{term} er tom",
        "no_rows": "{family}.csv har ingen rækker for rapport {report}, kommunekode {kommunekode}",
        "empty_at": "{term} er tom ved rapport {report}, kommunekode {kommunekode}",
        "division": "division med nul ved rapport {report}, kommunekode {kommunekode}",
        "no_municipality": "ingen kommune i {report} har {metric}",
        "rounding": "ukendt afrunding {rounding!r}",
        "published_columns": "{path} mangler kolonnerne {columns}",
        "mismatch": "offentliggjort {published}, beregnet {computed}",
    },
}
# A municipality without the figure (e.g. no citizens at a step) takes no part in a min, max or count.
_NO_FIGURE = ("empty", "empty_at", "division")


class ReproductionError(Failure):
    """Why a published figure is not reproduced: a row that cannot be evaluated (a missing table, column or row, a
    malformed metric) or, not raised, a computed value that differs (code `mismatch`)."""

    TEXT = TEXT


# ---------------------------------------------------------------------------------------------------------
# Metric expressions
# ---------------------------------------------------------------------------------------------------------

TERM = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[([^\]]*)\])?$")


@dataclass(frozen=True)
class Term:
    column: str
    selector: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        inner = ",".join(f"{k}={v}" for k, v in self.selector)
        return f"{self.column}[{inner}]" if inner else self.column


@dataclass(frozen=True)
class Metric:
    numerator: tuple[tuple[int, Term], ...]  # (sign, term)
    denominator: tuple[tuple[int, Term], ...] = ()

    @property
    def terms(self) -> list[Term]:
        return [t for _, t in self.numerator + self.denominator]

    @property
    def is_plain(self) -> bool:
        """A single column, no arithmetic: the only form a date can take."""
        return len(self.numerator) == 1 and not self.denominator and self.numerator[0][0] == 1


def _parse_sum(text: str) -> tuple[tuple[int, Term], ...]:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    parts = re.split(r"\s+([+-])\s+", text.strip())
    signs, terms = [1], [parts[0]]
    for sign, term in zip(parts[1::2], parts[2::2], strict=True):
        signs.append(1 if sign == "+" else -1)
        terms.append(term)
    out = []
    for sign, term in zip(signs, terms, strict=True):
        match = TERM.match(term.strip())
        if not match:
            raise ReproductionError("bad_term", term=term)
        selector = ()
        if match.group(2):
            pairs = [p.split("=", 1) for p in match.group(2).split(",")]
            if any(len(p) != 2 for p in pairs):
                raise ReproductionError("bad_selector", term=term)
            selector = tuple((k.strip(), v.strip()) for k, v in pairs)
        out.append((sign, Term(match.group(1), selector)))
    return tuple(out)


def parse_metric(text: str) -> Metric:
    """`a[k=v] + b`, `(a - b) / c`: a sum, optionally divided by another sum."""
    parts = re.split(r"\s+/\s+", text.strip())
    if len(parts) > 2 or not parts[0]:
        raise ReproductionError("bad_metric", metric=text)
    return Metric(_parse_sum(parts[0]), _parse_sum(parts[1]) if len(parts) == 2 else ())


# ---------------------------------------------------------------------------------------------------------
# Figure tables
# ---------------------------------------------------------------------------------------------------------


class FigureTables:
    """The figure tables of one results folder, read once each, as text (kommunekode keeps its zeros)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._cache: dict[str, tuple[list[str], list[dict[str, str]]]] = {}

    def table(self, family: str) -> tuple[list[str], list[dict[str, str]]]:
        if family not in self._cache:
            path = self.folder / f"{family}.csv"
            if not path.exists():
                raise ReproductionError("no_table", path=path)
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                self._cache[family] = (list(reader.fieldnames or []), list(reader))
        return self._cache[family]

    def block(self, family: str, report_id: str, kommunekode: str) -> list[dict[str, str]]:
        columns, rows = self.table(family)
        return [r for r in rows if r["report"] == report_id and r["kommunekode"] == kommunekode]

    def municipalities(self, family: str, report_id: str) -> list[str]:
        _, rows = self.table(family)
        return sorted({r["kommunekode"] for r in rows if r["report"] == report_id and r["kommunekode"] != ALL})


def _cell(family: str, rows: list[dict[str, str]], columns: list[str], term: Term, where: dict[str, str]) -> str:
    missing = [c for c in [term.column, *(k for k, _ in term.selector)] if c not in columns]
    if missing:
        raise ReproductionError("no_column", family=family, columns=", ".join(missing))
    picked = [r for r in rows if all(r[k] == v for k, v in term.selector)]
    if len(picked) != 1:
        raise ReproductionError("rows", family=family, n=len(picked), term=str(term), **where)
    return picked[0][term.column]


def _number(text: str, term: Term) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ReproductionError("not_number", term=str(term), value=text) from None
    if math.isnan(value):
        raise ReproductionError("empty", term=str(term))
    return value


def evaluate(tables: FigureTables, family: str, report_id: str, kommunekode: str, metric: Metric) -> float | str:
    """The metric's value in one (report, municipality) block; a text value (a date) for a plain column."""
    columns, _ = tables.table(family)
    rows = tables.block(family, report_id, kommunekode)
    where = {"report": report_id, "kommunekode": kommunekode}
    if not rows:
        raise ReproductionError("no_rows", family=family, **where)
    cells = {t: _cell(family, rows, columns, t, where) for t in metric.terms}
    if metric.is_plain and not _is_number(cells[metric.terms[0]]):
        if not cells[metric.terms[0]]:
            raise ReproductionError("empty_at", term=str(metric.terms[0]), **where)
        return cells[metric.terms[0]]

    def total(part: tuple[tuple[int, Term], ...]) -> float:
        return sum(sign * _number(cells[t], t) for sign, t in part)

    value = total(metric.numerator)
    if metric.denominator:
        denominator = total(metric.denominator)
        if denominator == 0:
            raise ReproductionError("division", **where)
        value /= denominator
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def compute(tables: FigureTables, row: dict[str, str]) -> float | str:
    metric = parse_metric(row["metric"])
    kommunekode = row["kommunekode"]
    if kommunekode not in AGGREGATES:
        return evaluate(tables, row["family"], row["report_id"], kommunekode, metric)
    values = []
    for code in tables.municipalities(row["family"], row["report_id"]):
        try:
            value = evaluate(tables, row["family"], row["report_id"], code, metric)
        except ReproductionError as error:
            if error.code in _NO_FIGURE:
                continue
            raise
        values.append(float(value))
    if not values:
        raise ReproductionError("no_municipality", report=row["report_id"], metric=row["metric"])
    return AGGREGATES[kommunekode](values)


# ---------------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: dict[str, str]
    computed: float | str | None
    verdict: str  # pass, fail, known_deviation
    detail: str  # in English, for reproduction.csv and .md
    problem: ReproductionError | None = None  # why it is not reproduced, to be told in any language


def on_published_scale(row: dict[str, str], computed: float | str) -> float | str:
    if isinstance(computed, float | int) and row["unit"] == "percent":
        return 100 * computed
    return computed


def matches(row: dict[str, str], computed: float | str) -> bool:
    if row["unit"] == "date" or isinstance(computed, str):
        return str(computed) == row["value"]
    rule = ROUNDING.get(row["rounding"])
    if rule is None:
        raise ReproductionError("rounding", rounding=row["rounding"])
    return rule(float(computed), float(row["value"]))


def format_value(value: float | str | None, row: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if row["unit"] == "percent":
        return f"{value:.2f}"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def check(tables: FigureTables, row: dict[str, str]) -> Outcome:
    try:
        computed = on_published_scale(row, compute(tables, row))
        ok = matches(row, computed)
        differs = ReproductionError("mismatch", published=row["value"], computed=format_value(computed, row))
        problem = None if ok else differs
    except ReproductionError as error:
        computed, ok, problem = None, False, error
    detail = str(problem) if problem else ""
    if ok:
        note = "matches; the known deviation no longer applies" if row.get("known_deviation") else ""
        return Outcome(row, computed, "pass", note)
    if row.get("known_deviation"):
        return Outcome(row, computed, "known_deviation", f"{row['known_deviation']} ({detail})")
    return Outcome(row, computed, "fail", detail, problem)


def read_published(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PUBLISHED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReproductionError("published_columns", path=path, columns=", ".join(missing))
        return list(reader)


def published_families(path: Path | str) -> list[str]:
    """The figure families a published-figures file compares against: only those tables need building."""
    return sorted({row["family"] for row in read_published(Path(path)) if row["family"]})


def reproduce(published: Iterable[dict[str, str]], tables_dir: Path) -> list[Outcome]:
    tables = FigureTables(tables_dir)
    return [check(tables, row) for row in published]


# ---------------------------------------------------------------------------------------------------------
