"""The publication audit (contract section 8): what a reader can work out about a masked count.

A `Problem` holds the published counts (cells, each with its true value) and the linear relations a reader
knows among them (parts adding up to a total, the same count in two tables, a part at most its whole). Given
which cells are shown, which are `<5` (a count of 1-4) and which are `x` (masked to protect a `<5` cell), the
audit works out, by linear programming, the smallest and largest value of every `<5` cell consistent with
everything published: shown cells fixed at their value, `<5` cells in [1, 4], `x` cells at least 0, every
relation. Counts are integers relaxed to reals, the usual audit: a range an integer reader could narrow is
narrowed here too only at its ends, which the requirement covers (the range must be the whole of [1, 4]).

Cells a relation says are equal (two copies of one count) are one variable: they share one value and one
mask, whatever table they are printed in.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from evalkit.contract import MASK, SECONDARY_MASK, SMALLEST_SHOWN
from evalkit.tables.relations import AT_MOST, EQUAL

# a variable's status: shown, or masked with one of the two symbols
SHOWN, PRIMARY, SECONDARY = "", MASK, SECONDARY_MASK
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Relation:
    """sum(coefficient x cell) == 0 or <= 0; `what` names it in messages."""

    terms: tuple[tuple[Hashable, float], ...]
    sense: str = EQUAL
    what: str = ""

    def __post_init__(self) -> None:
        if self.sense not in (EQUAL, AT_MOST):
            raise ValueError(f"relation sense must be {EQUAL!r} or {AT_MOST!r}, not {self.sense!r}")


def total(whole: Hashable, parts: Iterable[Hashable], what: str = "") -> Relation:
    """whole = the sum of parts."""
    return Relation(((whole, -1), *((p, 1) for p in parts)), EQUAL, what)


def at_most(parts: Iterable[Hashable], wholes: Iterable[Hashable], what: str = "") -> Relation:
    """sum(parts) <= sum(wholes)."""
    return Relation((*((p, 1) for p in parts), *((w, -1) for w in wholes)), AT_MOST, what)


def same(a: Hashable, b: Hashable, what: str = "") -> Relation:
    """a and b are one count."""
    return Relation(((a, 1), (b, -1)), EQUAL, what)


class RelationBroken(ValueError):
    """A declared relation does not hold on the true counts: the audit would be wrong, so nothing is published."""


class AuditFailed(ValueError):
    pass


class Problem:
    """Published counts and their relations, with cells merged into one variable where a relation says equal."""

    def __init__(
        self,
        values: Mapping[Hashable, int],
        relations: Iterable[Relation],
        label=lambda cell: str(cell),
        fixed: Iterable[Hashable] = (),
    ) -> None:
        """fixed: cells that are never masked (a constant term of the relations)."""
        self.label = label
        self.cells = list(values)
        index = {cell: i for i, cell in enumerate(self.cells)}
        relations = list(relations)
        for relation in relations:  # a count of 1-4 in a cell the relations name but the tables do not is a bug
            for cell, _ in relation.terms:
                if cell not in index:
                    raise KeyError(f"relation {relation.what or relation}: no published cell {label(cell)}")
        check_relations(values, relations, label)
        parent = list(range(len(self.cells)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        rest = []
        for relation in relations:
            terms = relation.terms
            if relation.sense == EQUAL and len(terms) == 2 and terms[0][1] == -terms[1][1]:
                a, b = find(index[terms[0][0]]), find(index[terms[1][0]])
                parent[max(a, b)] = min(a, b)
            else:
                rest.append(relation)
        roots = [find(i) for i in range(len(self.cells))]
        variable_of_root: dict[int, int] = {}
        self.variable = np.array([variable_of_root.setdefault(r, len(variable_of_root)) for r in roots])
        self.n = len(variable_of_root)
        self.value = np.zeros(self.n)
        self.members: list[list[Hashable]] = [[] for _ in range(self.n)]
        for i, cell in enumerate(self.cells):
            self.value[self.variable[i]] = values[cell]
            self.members[self.variable[i]].append(cell)
        self.index = index
        # the remaining relations over variables, one sparse row each (terms on one variable added up)
        eq_rows, ub_rows, self.what_eq, self.what_ub = [], [], [], []
        for relation in rest:
            row: dict[int, float] = {}
            for cell, coefficient in relation.terms:
                v = int(self.variable[index[cell]])
                row[v] = row.get(v, 0) + coefficient
            row = {v: c for v, c in row.items() if c}
            if not row:
                continue
            (eq_rows if relation.sense == EQUAL else ub_rows).append(row)
            (self.what_eq if relation.sense == EQUAL else self.what_ub).append(relation.what)
        self.a_eq = _matrix(eq_rows, self.n)
        self.a_ub = _matrix(ub_rows, self.n)
        self.fixed = np.zeros(self.n, dtype=bool)
        for cell in fixed:
            self.fixed[self.variable[index[cell]]] = True
        self.primary = (self.value >= 1) & (self.value < SMALLEST_SHOWN) & ~self.fixed

    def variable_of(self, cell: Hashable) -> int:
        return int(self.variable[self.index[cell]])

    def describe(self, variable: int) -> str:
        return " = ".join(self.label(cell) for cell in self.members[variable])


def _matrix(rows: Sequence[Mapping[int, float]], n: int) -> sparse.csr_array:
    data = [c for row in rows for c in row.values()]
    cols = [v for row in rows for v in row]
    indptr = np.cumsum([0, *(len(row) for row in rows)])
    return sparse.csr_array((np.array(data, dtype=float), np.array(cols, dtype=np.int64), indptr), shape=(len(rows), n))


def check_relations(values: Mapping[Hashable, int], relations: Iterable[Relation], label=str) -> None:
    """Every relation holds on the true counts, or RelationBroken naming the first that does not."""
    for relation in relations:
        lhs = sum(coefficient * values[cell] for cell, coefficient in relation.terms)
        if (relation.sense == EQUAL and abs(lhs) > TOLERANCE) or (relation.sense == AT_MOST and lhs > TOLERANCE):
            shown = ", ".join(f"{label(cell)} = {values[cell]}" for cell, _ in relation.terms)
            raise RelationBroken(
                f"the relation {relation.what or ''} ({relation.sense}) does not hold on the "
                f"tables: {shown}. The relations declared for the figure families must be "
                "exact, or the publication audit would be wrong."
            )


@dataclass(frozen=True)
class Range:
    """What a reader can work out about one masked cell: lower <= value <= upper (upper may be inf)."""

    cell: Hashable
    symbol: str
    lower: float
    upper: float
    small: bool  # the true count is 1-4 (never written anywhere: it decides only whether the range is safe)

    @property
    def safe(self) -> bool:
        return range_is_safe(self.symbol, self.small, self.lower, self.upper)


def range_is_safe(symbol: str, small: bool, lower: float, upper: float) -> bool:
    """A `<5` cell: the range is the whole of 1-4. A count of 1-4 shown as `x` (where even `<5` would let it be
    narrowed): the whole of 1-4 too, or a reader cannot tell it from a count of 5 or more. Any other `x` cell:
    nothing to protect."""
    whole = lower <= 1 + TOLERANCE and upper >= SMALLEST_SHOWN - 1 - TOLERANCE
    if symbol == PRIMARY:
        return whole
    return not small or whole or upper >= SMALLEST_SHOWN - TOLERANCE


def _reduced(problem: Problem, free: np.ndarray, bounds: np.ndarray):
    """The relations over the free variables, the shown ones moved to the right-hand side."""
    fixed = np.where(free, 0.0, problem.value)
    columns = np.flatnonzero(free)
    parts = []
    for a in (problem.a_eq, problem.a_ub):
        rhs = -(a @ fixed)
        sub = a[:, columns].tocsr()
        keep = np.flatnonzero(np.diff(sub.indptr))  # rows with a free variable; the rest hold as published
        parts.append((sub[keep], rhs[keep]))
    return columns, parts, bounds[columns]


def _components(columns: np.ndarray, parts) -> tuple[int, np.ndarray]:
    stacked = sparse.vstack([parts[0][0], parts[1][0]]).tocsr()
    stacked.data[:] = 1
    adjacency = (stacked.T @ stacked) if stacked.shape[0] else sparse.csr_array((len(columns), len(columns)))
    return connected_components(adjacency, directed=False)


def highs(objective, a_eq, b_eq, a_ub, b_ub, bounds):
    """SciPy's HiGHS on the programme; a system of no rows is left out (linprog refuses empty matrices)."""
    return linprog(
        objective,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=b_ub if a_ub.shape[0] else None,
        A_eq=a_eq if a_eq.shape[0] else None,
        b_eq=b_eq if a_eq.shape[0] else None,
        bounds=bounds,
        method="highs",
    )


def _lp(objective, a_eq, b_eq, a_ub, b_ub, bounds):
    result = highs(objective, a_eq, b_eq, a_ub, b_ub, bounds)
    if result.status == 3:  # unbounded: only an x cell can grow without bound, never a <5 one
        return None
    if result.status != 0:
        raise RuntimeError(f"audit linear programme failed: {result.message}")
    return result.x


def variable_bounds(problem: Problem, status: np.ndarray) -> np.ndarray:
    lower = np.zeros(problem.n)
    upper = np.full(problem.n, np.inf)
    small = status == PRIMARY
    lower[small], upper[small] = 1, SMALLEST_SHOWN - 1
    return np.column_stack([lower, upper])


def audit_ranges(
    problem: Problem,
    status: np.ndarray,
    every_masked: bool = False,
) -> dict[int, tuple[float, float]]:
    """The range (lower, upper) of every masked variable that holds a count of 1-4 (or of every masked one),
    given `status` per variable (SHOWN, PRIMARY, SECONDARY).

    Only the masked variables are unknowns; the LP splits into independent pieces (masked variables linked by a
    relation), each solved on its own. In each piece one LP maximises (and one minimises) the sum of its `<5`
    variables; only those that did not reach 4 (or 1) there get an LP of their own."""
    free = status != SHOWN
    columns, parts, bounds = _reduced(problem, free, variable_bounds(problem, status))
    (a_eq, b_eq), (a_ub, b_ub) = parts
    count, labels = _components(columns, parts)
    small = status[columns] == PRIMARY
    wanted = np.ones(len(columns), dtype=bool) if every_masked else (small | problem.primary[columns])
    ranges: dict[int, tuple[float, float]] = {}
    order = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[order], np.arange(count + 1))
    eq_csc, ub_csc = a_eq.tocsc(), a_ub.tocsc()
    for component in range(count):
        local = order[starts[component] : starts[component + 1]]
        if not wanted[local].any():
            continue
        rows_eq = np.unique(eq_csc[:, local].tocoo().row)
        rows_ub = np.unique(ub_csc[:, local].tocoo().row)
        system = (a_eq[rows_eq][:, local], b_eq[rows_eq], a_ub[rows_ub][:, local], b_ub[rows_ub], bounds[local])
        targets = np.flatnonzero(wanted[local])
        batched = np.flatnonzero(small[local])
        found = {}
        for sign, goal in ((1.0, 1.0), (-1.0, SMALLEST_SHOWN - 1.0)):
            x = None
            if len(batched):
                objective = np.zeros(len(local))
                objective[batched] = sign
                x = _lp(objective, *system)
            values = np.full(len(local), np.nan)
            for t in targets:
                if x is not None and small[local][t] and abs(x[t] - goal) <= TOLERANCE:
                    values[t] = goal
                    continue
                objective = np.zeros(len(local))
                objective[t] = sign
                y = _lp(objective, *system)
                values[t] = (np.inf if sign < 0 else -np.inf) if y is None else y[t]  # unbounded: only upwards
            found[sign] = values
        for t in targets:
            ranges[int(columns[local[t]])] = (float(found[1.0][t]), float(found[-1.0][t]))
    return ranges


def audit(problem: Problem, status: np.ndarray, every_masked: bool = True) -> list[Range]:
    """Every masked cell (each copy of a count) with its range, in the order of the problem's cells."""
    ranges = audit_ranges(problem, status, every_masked)
    found = []
    for cell in problem.cells:
        v = problem.variable_of(cell)
        if v in ranges:
            found.append(Range(cell, status[v], *ranges[v], bool(problem.primary[v])))
    return found


def require_safe(ranges: Iterable[Range], label=str) -> None:
    """AuditFailed naming every `<5` cell a reader could narrow, with the range they could narrow it to."""
    unsafe = [r for r in ranges if not r.safe]
    if unsafe:
        shown = "; ".join(f"{label(r.cell)} ({r.symbol}): {_fmt(r.lower)}-{_fmt(r.upper)}" for r in unsafe[:20])
        more = f" (and {len(unsafe) - 20} more)" if len(unsafe) > 20 else ""
        raise AuditFailed(
            f"publication audit failed: {len(unsafe)} masked counts of 1-4 can be narrowed from "
            f"the other published cells, to: {shown}{more}. Nothing was published."
        )


def _fmt(value: float) -> str:
    if math.isinf(value):
        return "inf"
    return f"{value:g}" if abs(value - round(value)) > TOLERANCE else str(round(value))
