"""Every published table of a run as one `evalkit.publish.audit.Problem`: each count cell, and the relations a
reader knows among them (contract section 8).

Those are of three sources:

* every count of a per-municipality family: the report's `all` row is the sum of its municipalities' rows
  (citizens are counted per municipality, so a citizen of two municipalities counts in both and twice in `all`);
* the relations each family declares in the registry (tables/relations.py): parts adding up to a total within
  a row or over the rows of a key, a count at most another, the same count in another family, the steps of a
  funnel, rows that are the same in every report;
* the source reports' figures that the reproduction prints beside the tables (printed_elsewhere).

Every relation is checked on the true counts when the problem is made (evalkit.publish.audit.Problem), so a
wrong declaration stops the publication instead of making the audit wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evalkit.contract import ALL
from evalkit.publish.audit import AT_MOST, EQUAL, Problem, Relation
from evalkit.reproduce.compare import AGGREGATES, Metric, Term, matches, on_published_scale, parse_metric
from evalkit.tables.registry import FAMILIES, PUBLISHED, Family
from evalkit.tables.relations import KeyTotal, Link, RowAtMost, RowTotal, SameAcrossReports, Steps

SCOPE = "kommunekode"
REPORT = "report"


# --- the problem of a run's tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyTable:
    """What publication needs to know of a family: its count columns, keys, rates and guarded columns."""

    name: str
    counts: tuple[str, ...]
    keys: tuple[str, ...] = ()
    rates: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (numerator, denominator, rate and interval columns)
    guarded: Mapping[str, tuple[str, ...]] | None = None
    per_municipality: bool = True
    relations: tuple = ()

    @classmethod
    def of(cls, family: Family) -> FamilyTable:
        return cls(
            family.name,
            family.all_counts,
            tuple(name for name, _ in family.keys),
            tuple((r.numerator, r.denominator, r.columns) for r in family.rates),
            family.guarded,
            family.per_municipality,
            family.relations,
        )


class Tables:
    """The rows of every published family (CSV text), indexed by report, scope and key."""

    def __init__(self, families: Sequence[FamilyTable], tables: Mapping[str, tuple[Sequence[str], Sequence]]):
        self.families = {f.name: f for f in families}
        self.columns = {name: list(tables[name][0]) for name in self.families}
        self.rows = {
            name: [dict(zip(tables[name][0], row, strict=True)) for row in tables[name][1]] for name in self.families
        }
        self.values: dict[tuple[str, int, str], int] = {}
        self.by_scope: dict[str, dict[tuple[str, str], list[int]]] = {}
        for name, family in self.families.items():
            scopes: dict[tuple[str, str], list[int]] = defaultdict(list)
            for i, row in enumerate(self.rows[name]):
                scopes[(row[REPORT], row[SCOPE])].append(i)
                for column in family.counts:
                    text = row[column]
                    if text != "":
                        self.values[(name, i, column)] = int(float(text))
            self.by_scope[name] = scopes

    def cell(self, family: str, row: int, column: str) -> tuple[str, int, str] | None:
        cell = (family, row, column)
        if column not in self.families[family].counts:
            raise KeyError(f"{family}.{column} is not a count column")
        return cell if cell in self.values else None  # an empty count cell adds nothing to a sum

    def label(self, cell: tuple[str, int, str]) -> str:
        family, row, column = cell
        if row < 0:
            return column
        return f"{family}.csv line {row + 2} ({self.row_key(family, row)}) {column}"

    def row_key(self, family: str, row: int) -> str:
        values = self.rows[family][row]
        return ", ".join(values[c] for c in (REPORT, SCOPE, *self.families[family].keys))

    def matching(self, family: str, scope: tuple[str, str], where: Iterable[tuple[str, str]]) -> list[int]:
        where = tuple(where)
        return [i for i in self.by_scope[family].get(scope, []) if all(self.rows[family][i][k] == v for k, v in where)]


def family_tables(names: Iterable[str] = PUBLISHED) -> list[FamilyTable]:
    """The published figure families of the registry as publication sees them."""
    return [FamilyTable.of(FAMILIES[name]) for name in names]


def read_tables(folder: str | Path, families: Sequence[FamilyTable] | None = None) -> Tables:
    """The figure tables <folder>/<family>.csv of every published family."""
    families = family_tables() if families is None else families
    found = {}
    for family in families:
        with open(Path(folder) / f"{family.name}.csv", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            found[family.name] = (next(reader), list(reader))
    return Tables(families, found)


def _cells(tables: Tables, family: str, row: int, columns: str | tuple[str, ...]) -> list:
    columns = (columns,) if isinstance(columns, str) else columns
    return [c for c in (tables.cell(family, row, column) for column in columns) if c is not None]


def _relation(left: list, right: list, sense: str, what: str) -> Relation:
    """sum(left) sense sum(right)."""
    return Relation((*((c, 1) for c in left), *((c, -1) for c in right)), sense, what)


def _scope_sums(tables: Tables, name: str) -> Iterable[Relation]:
    family = tables.families[name]
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, row in enumerate(tables.rows[name]):
        key = (row[REPORT], *(row[k] for k in family.keys))
        groups[key][ALL if row[SCOPE] == ALL else "parts"].append(i)
    for key, rows in groups.items():
        for total_row in rows[ALL]:
            for column in family.counts:
                parts = [c for i in rows["parts"] for c in _cells(tables, name, i, column)]
                yield _relation(
                    _cells(tables, name, total_row, column),
                    parts,
                    EQUAL,
                    f"{name}.{column}: the {ALL} row of {key[0]} = the sum of its municipalities",
                )


def _declared(tables: Tables, name: str, declaration, scope: tuple[str, str], rows: list[int]) -> Iterable[Relation]:
    what = f"{name}: {declaration}"
    if isinstance(declaration, RowTotal):
        for i in rows:
            yield _relation(
                _cells(tables, name, i, declaration.total), _cells(tables, name, i, declaration.parts), EQUAL, what
            )
    elif isinstance(declaration, RowAtMost):
        for i in rows:
            yield _relation(
                _cells(tables, name, i, declaration.part), _cells(tables, name, i, declaration.whole), AT_MOST, what
            )
    elif isinstance(declaration, KeyTotal):
        totals = [i for i in rows if tables.rows[name][i][declaration.key] == declaration.total]
        parts = [i for i in rows if tables.rows[name][i][declaration.key] != declaration.total]
        for t in totals:
            for column in declaration.columns:
                yield _relation(
                    _cells(tables, name, t, column),
                    [c for i in parts for c in _cells(tables, name, i, column)],
                    EQUAL,
                    what,
                )
            for column in declaration.distinct:
                whole = _cells(tables, name, t, column)
                yield _relation(whole, [c for i in parts for c in _cells(tables, name, i, column)], AT_MOST, what)
                for i in parts:
                    yield _relation(_cells(tables, name, i, column), whole, AT_MOST, what)
    elif isinstance(declaration, Link):
        if declaration.family not in tables.families or (declaration.municipalities_only and scope[1] == ALL):
            return  # not published in this run, or not a row the link holds for: nothing to tie to
        others = tables.matching(declaration.family, scope, declaration.other_where)
        if len(others) != 1:
            raise ValueError(f"{what}: {declaration.family} has {len(others)} rows for {scope}, not one")
        other = _cells(tables, declaration.family, others[0], declaration.other)
        mine = [i for i in rows if all(tables.rows[name][i][k] == v for k, v in declaration.where)]
        groups = [mine] if declaration.summed else [[i] for i in mine]
        for group in groups:
            yield _relation(
                [c for i in group for c in _cells(tables, name, i, declaration.column)], other, declaration.sense, what
            )
    elif isinstance(declaration, Steps):
        ordered = sorted(rows, key=lambda i: int(tables.rows[name][i][declaration.order]))
        for position, i in enumerate(ordered):
            pairs = [(column, ordered[0], other, sense) for column, other, sense in declaration.to_first]
            if position == 0:
                pairs += [(column, i, other, sense) for column, other, sense in declaration.in_first]
            else:
                pairs += [
                    (column, ordered[position - 1], other, sense) for column, other, sense in declaration.to_previous
                ]
                pairs += [(column, i, other, sense) for column, other, sense in declaration.in_later]
            for column, j, other, sense in pairs:
                yield _relation(_cells(tables, name, i, column), _cells(tables, name, j, other), sense, what)
    else:
        raise TypeError(f"{name}: unknown relation declaration {declaration!r}")


def _across_reports(tables: Tables, name: str, declaration: SameAcrossReports) -> Iterable[Relation]:
    family = tables.families[name]
    members: dict[str, set[str]] = defaultdict(set)
    for report, scope in tables.by_scope[name]:
        if scope != ALL:
            members[report].add(scope)
    first: dict[tuple, int] = {}
    for i, row in enumerate(tables.rows[name]):
        if row[declaration.key] == declaration.total:
            continue
        who = frozenset(members[row[REPORT]]) if row[SCOPE] == ALL else row[SCOPE]
        key = (who, *(row[k] for k in family.keys))
        j = first.setdefault(key, i)
        if j != i:
            for column in family.counts:
                yield _relation(
                    _cells(tables, name, i, column),
                    _cells(tables, name, j, column),
                    EQUAL,
                    f"{name}.{column}: the same count in reports {tables.rows[name][j][REPORT]} and {row[REPORT]}",
                )


def relations(tables: Tables) -> list[Relation]:
    """Every relation among the published counts of `tables`."""
    found: list[Relation] = []
    for name, family in tables.families.items():
        if family.per_municipality:
            found += _scope_sums(tables, name)
        for declaration in family.relations:
            if isinstance(declaration, SameAcrossReports):
                found += _across_reports(tables, name, declaration)
        for scope, rows in tables.by_scope[name].items():
            for declaration in family.relations:
                if not isinstance(declaration, SameAcrossReports):
                    found += _declared(tables, name, declaration, scope, rows)
    return [r for r in found if r.terms]


ONE = ("", -1, "1")  # the constant 1, a cell never masked: what a relation equals besides 0


def _term_cells(tables: Tables, name: str, block: list[int], part) -> list | None:
    """(cell, sign) of a sum of metric terms in one scope's rows; None unless every term is one count cell."""
    found = []
    for sign, term in part:
        rows = [i for i in block if all(tables.rows[name][i][k] == v for k, v in term.selector)]
        if len(rows) != 1 or term.column not in tables.families[name].counts:
            return None
        found += [(c, sign) for c in _cells(tables, name, rows[0], term.column)]
    return found


def _printed(figure: Mapping[str, str], computed: float) -> bool:
    """The reproduction prints this figure with the run: it matches the source report, or is a known deviation."""
    return bool(figure.get("known_deviation")) or matches(figure, on_published_scale(figure, computed))


def printed_elsewhere(tables: Tables, figures: Iterable[Mapping[str, str]]) -> list[Relation]:
    """What the reproduction (evalkit.reproduce, in the HTML report) prints beside the figure tables: for each
    published figure of a report in `tables` that is a sum of counts at one scope, that sum; for a ratio of such
    sums or a rate, the ratio to the two decimals it is printed with. Figures over other columns (means, money)
    or over every municipality (min, max, count) say nothing linear about a count and are left out."""
    found = []
    reports = {report for by_scope in tables.by_scope.values() for report, _ in by_scope}
    for figure in figures:
        name, scope = figure["family"], (figure["report_id"], figure["kommunekode"])
        if name not in tables.families or figure["report_id"] not in reports or scope[1] in AGGREGATES:
            continue
        family = tables.families[name]
        rates = {columns[0]: (numerator, denominator) for numerator, denominator, columns in family.rates}
        metric = parse_metric(figure["metric"])
        block = tables.by_scope[name].get(scope, [])
        if not metric.denominator and len(metric.numerator) == 1 and metric.numerator[0][1].column in rates:
            term = metric.numerator[0][1]
            numerator, denominator = rates[term.column]
            metric = Metric(((1, Term(numerator, term.selector)),), ((1, Term(denominator, term.selector)),))
        numerator = _term_cells(tables, name, block, metric.numerator)
        denominator = _term_cells(tables, name, block, metric.denominator)
        if numerator is None or denominator is None:
            continue
        what = f"printed in the reproduction: {name} {figure['metric']} at {scope[0]}, {scope[1]}"
        top = sum(sign * tables.values[c] for c, sign in numerator)
        bottom = sum(sign * tables.values[c] for c, sign in denominator) if denominator else 1
        if bottom == 0 or not _printed(figure, top / bottom):
            continue  # a figure that does not match fails the reproduction: nothing is published then
        if not metric.denominator:
            found.append(Relation((*numerator, (ONE, -top)), EQUAL, what))
            continue
        scale = 100 if figure.get("unit") == "percent" else 1
        printed = round(scale * top / bottom, 2)
        low, high = (printed - 0.005) / scale - 1e-9, (printed + 0.005) / scale + 1e-9
        found.append(Relation((*numerator, *((c, -high * sign) for c, sign in denominator)), AT_MOST, what))
        found.append(
            Relation((*((c, low * sign) for c, sign in denominator), *((c, -s) for c, s in numerator)), AT_MOST, what)
        )
    return found


def build_problem(tables: Tables, figures: Iterable[Mapping[str, str]] = ()) -> Problem:
    """The problem of `tables`, and of the published figures (data/reference/published.csv rows) that the
    reproduction prints beside them."""
    elsewhere = printed_elsewhere(tables, figures)
    values = dict(tables.values)
    if elsewhere:
        values[ONE] = 1
    return Problem(values, relations(tables) + elsewhere, tables.label, fixed=[ONE] if elsewhere else ())
