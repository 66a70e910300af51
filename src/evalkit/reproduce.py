"""`evalkit reproduce`: the source reports' published figures beside the figures the pipeline computed.

Reads data/reference/published.csv (one row per published figure, see data/reference/README.md) and the figure
tables under results/tables/ (docs/figure_tables.md), compares each figure within the rounding the report used,
and writes results/reproduction.csv and a readable results/reproduction.md. It exits non-zero, naming every
figure that does not match, unless that row of published.csv gives a known deviation and its reason.

A published row's `metric` is a small expression over the columns of its family's table:

    term        column[key=value,...]    a column of the one row the selector picks (e.g. the funnel step)
    sum         term + term - term       e.g. share[source=relative] + share[source=partner]
    ratio       (sum) / (sum)            e.g. citizens_through[step=team_meeting] / citizens[step=target_group]

Its `kommunekode` is a municipality, `all` (the report's total row), or `min`, `max` or `count` over the
report's municipalities (count: those where the expression is above zero).
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evalkit.config import Municipalities, load_municipalities
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
# What a published figure's kommunekode names besides a municipality (see AGGREGATES).
AGGREGATE_LABELS = {
    ALL: "all",
    "min": "lowest municipality",
    "max": "highest municipality",
    "count": "number of municipalities",
}


class ReproductionError(Exception):
    """A published row that cannot be evaluated: a missing table, column or row, or a malformed metric."""


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
            raise ReproductionError(f"cannot read the metric term {term!r}")
        selector = ()
        if match.group(2):
            pairs = [p.split("=", 1) for p in match.group(2).split(",")]
            if any(len(p) != 2 for p in pairs):
                raise ReproductionError(f"cannot read the selector in {term!r}: expected key=value")
            selector = tuple((k.strip(), v.strip()) for k, v in pairs)
        out.append((sign, Term(match.group(1), selector)))
    return tuple(out)


def parse_metric(text: str) -> Metric:
    """`a[k=v] + b`, `(a - b) / c`: a sum, optionally divided by another sum."""
    parts = re.split(r"\s+/\s+", text.strip())
    if len(parts) > 2 or not parts[0]:
        raise ReproductionError(f"cannot read the metric {text!r}: at most one ' / '")
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
                raise ReproductionError(f"no figure table {path}")
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


def _cell(family: str, rows: list[dict[str, str]], columns: list[str], term: Term, where: str) -> str:
    missing = [c for c in [term.column, *(k for k, _ in term.selector)] if c not in columns]
    if missing:
        raise ReproductionError(f"{family}.csv has no column {', '.join(missing)}")
    picked = [r for r in rows if all(r[k] == v for k, v in term.selector)]
    if len(picked) != 1:
        raise ReproductionError(f"{family}.csv: {len(picked)} rows for {term} at {where}, expected 1")
    return picked[0][term.column]


def _number(text: str, term: Term) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ReproductionError(f"{term} is {text!r}, not a number") from None
    if math.isnan(value):
        raise ReproductionError(f"{term} is empty")
    return value


def evaluate(tables: FigureTables, family: str, report_id: str, kommunekode: str, metric: Metric) -> float | str:
    """The metric's value in one (report, municipality) block; a text value (a date) for a plain column."""
    columns, _ = tables.table(family)
    rows = tables.block(family, report_id, kommunekode)
    where = f"report {report_id}, kommunekode {kommunekode}"
    if not rows:
        raise ReproductionError(f"{family}.csv has no rows for {where}")
    cells = {t: _cell(family, rows, columns, t, where) for t in metric.terms}
    if metric.is_plain and not _is_number(cells[metric.terms[0]]):
        if not cells[metric.terms[0]]:
            raise ReproductionError(f"{metric.terms[0]} is empty at {where}")
        return cells[metric.terms[0]]

    def total(part: tuple[tuple[int, Term], ...]) -> float:
        return sum(sign * _number(cells[t], t) for sign, t in part)

    value = total(metric.numerator)
    if metric.denominator:
        denominator = total(metric.denominator)
        if denominator == 0:
            raise ReproductionError(f"division by zero at {where}")
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
            if "is empty" in str(error) or "division by zero" in str(error):
                continue  # a municipality without the figure (e.g. no citizens at a step) takes no part
            raise
        values.append(float(value))
    if not values:
        raise ReproductionError(f"no municipality of {row['report_id']} has {row['metric']}")
    return AGGREGATES[kommunekode](values)


# ---------------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: dict[str, str]
    computed: float | str | None
    verdict: str  # pass, fail, known_deviation
    detail: str


def on_published_scale(row: dict[str, str], computed: float | str) -> float | str:
    if isinstance(computed, float | int) and row["unit"] == "percent":
        return 100 * computed
    return computed


def matches(row: dict[str, str], computed: float | str) -> bool:
    if row["unit"] == "date" or isinstance(computed, str):
        return str(computed) == row["value"]
    rule = ROUNDING.get(row["rounding"])
    if rule is None:
        raise ReproductionError(f"unknown rounding {row['rounding']!r}")
    return rule(float(computed), float(row["value"]))


def check(tables: FigureTables, row: dict[str, str]) -> Outcome:
    try:
        computed = on_published_scale(row, compute(tables, row))
        ok = matches(row, computed)
        detail = "" if ok else f"published {row['value']}, computed {format_value(computed, row)}"
    except ReproductionError as error:
        computed, ok, detail = None, False, str(error)
    if ok:
        note = "matches; the known deviation no longer applies" if row.get("known_deviation") else ""
        return Outcome(row, computed, "pass", note)
    if row.get("known_deviation"):
        return Outcome(row, computed, "known_deviation", f"{row['known_deviation']} ({detail})")
    return Outcome(row, computed, "fail", detail)


def read_published(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PUBLISHED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReproductionError(f"{path} lacks the columns {', '.join(missing)}")
        return list(reader)


def published_families(path: Path | str) -> list[str]:
    """The figure families a published-figures file compares against: only those tables need building."""
    return sorted({row["family"] for row in read_published(Path(path)) if row["family"]})


def reproduce(published: Iterable[dict[str, str]], tables_dir: Path) -> list[Outcome]:
    tables = FigureTables(tables_dir)
    return [check(tables, row) for row in published]


# ---------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------


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


def write_csv(path: Path, outcomes: Sequence[Outcome]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for o in outcomes:
            r = o.row
            writer.writerow(
                [
                    r["report"],
                    r["location"],
                    r["line"],
                    r["report_id"],
                    r["kommunekode"],
                    r["family"],
                    r["metric"],
                    r["figure"],
                    r["value"],
                    format_value(o.computed, r),
                    r["unit"],
                    r["rounding"],
                    o.verdict,
                    o.detail,
                ]
            )


UNIT_LABELS = {"percent": " %", "dkk": " kr.", "days": " days", "hours": " hours"}
ROUNDING_LABELS = {"below": "under ", "above": "over "}


def _shown(value: float | str | None, row: dict[str, str], published: bool) -> str:
    if value is None:
        return "—"
    text = row["value"] if published else format_value(value, row)
    if not isinstance(value, str) and row["unit"] != "date":
        number = float(text)
        text = (
            f"{number:,.0f}"
            if number.is_integer() and row["unit"] != "percent"
            else (f"{number:,.2f}" if not published else text)
        )
    prefix = ROUNDING_LABELS.get(row["rounding"], "") if published else ""
    return f"{prefix}{text}{UNIT_LABELS.get(row['unit'], '')}"


VERDICT_LABELS = {"pass": "pass", "fail": "**FAIL**", "known_deviation": "known deviation"}


def write_markdown(
    path: Path,
    outcomes: Sequence[Outcome],
    published_path: Path,
    tables_dir: Path,
    municipalities: Municipalities | None = None,
) -> None:
    names = (municipalities.names if municipalities else {}) | AGGREGATE_LABELS
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("pass", "known_deviation", "fail")}
    lines = [
        "# Reproduction of the source reports' published figures",
        "",
        f"Published figures: `{published_path}` (transcribed from the reports in `shared/seeds/`). "
        f"Computed: the figure tables in `{tables_dir}/`. Each figure is compared within the rounding the "
        "report used (see `data/reference/README.md`).",
        "",
        f"**{len(outcomes)} figures: {counts['pass']} pass, {counts['known_deviation']} known deviations, "
        f"{counts['fail']} fail.**",
    ]
    for report in dict.fromkeys(o.row["report"] for o in outcomes):
        rows = [o for o in outcomes if o.row["report"] == report]
        lines += [
            "",
            f"## {report} (config report `{rows[0].row['report_id']}`)",
            "",
            "| figure | municipality | source (section / table, line) | published | computed | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for o in rows:
            r = o.row
            source = f"{r['location']}, l. {r['line']}"
            if r["basis"] != "printed":
                source += f" — {r['basis']}"
            verdict = VERDICT_LABELS[o.verdict] + (f": {o.detail}" if o.detail else "")
            cells = [
                f"{r['figure']} — „{r['quote']}“",
                names.get(r["kommunekode"], r["kommunekode"]),
                source,
                _shown(r["value"], r, True),
                _shown(o.computed, r, False),
                verdict,
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def failure_message(outcomes: Sequence[Outcome]) -> str:
    failed = [o for o in outcomes if o.verdict == "fail"]
    lines = [f"{len(failed)} published figure(s) not reproduced:"]
    for o in failed:
        r = o.row
        lines.append(
            f"  {r['report']} {r['location']} (l. {r['line']}), {r['report_id']} {r['kommunekode']}, "
            f"{r['family']}.{r['metric']} — {r['figure']}: {o.detail}"
        )
    return "\n".join(lines)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit reproduce", description=__doc__.split("\n\n")[0])
    parser.add_argument("--published", default="data/reference/published.csv")
    parser.add_argument("--tables", default="results/tables", help="folder of the figure tables")
    parser.add_argument("--csv", default="results/reproduction.csv")
    parser.add_argument("--md", default="results/reproduction.md")
    parser.add_argument("--municipalities", default="config/municipalities.csv", help="names for the report")
    parser.add_argument(
        "--report-ids", nargs="*", help="compare only the figures of these configured reports (default: every figure)"
    )
    args = parser.parse_args(argv)
    published_path, tables_dir = Path(args.published), Path(args.tables)
    published = read_published(published_path)
    if args.report_ids is not None:
        # A run configured with other reports (another --configfile) has no tables for the rest to match.
        published = [row for row in published if row["report_id"] in set(args.report_ids)]
    try:
        outcomes = reproduce(published, tables_dir)
    except ReproductionError as error:
        print(f"evalkit reproduce: error: {error}", file=sys.stderr)
        return 2
    write_csv(Path(args.csv), outcomes)
    write_markdown(Path(args.md), outcomes, published_path, tables_dir, load_municipalities(args.municipalities))
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("pass", "known_deviation", "fail")}
    print(
        f"evalkit reproduce: {len(outcomes)} figures, {counts['pass']} pass, "
        f"{counts['known_deviation']} known deviations, {counts['fail']} fail -> {args.md}"
    )
    for o in outcomes:
        if o.verdict == "known_deviation":
            print(f"  known deviation: {o.row['report_id']} {o.row['kommunekode']} {o.row['metric']}: {o.detail}")
    if counts["fail"]:
        print(failure_message(outcomes), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
