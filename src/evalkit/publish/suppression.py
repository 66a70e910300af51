"""Secondary suppression (contract section 8): mask more counts, as `x`, until no `<5` count can be narrowed.

Over one `evalkit.publish.audit.Problem` holding every published table of a run together, so a count printed in
two tables gets one mask. The method is the single-cell LP heuristic of the cell-suppression literature (Kelly,
Golden and Assad): for each `<5` cell that the audit can narrow, find a table consistent with everything
published in which the cell is 4 (or 1), changing as little of the shown counts as possible, each shown count
weighted by its size; the shown counts that had to change are masked. Masking only widens what a reader cannot
tell, so cells protected earlier stay protected; the audit is run again at the end, and the steps repeat until it
passes (in practice once).

A shown 0 is never masked: some zeros are zero by construction (a first step has no previous step), and a
reader who knows that would undo an `x` there. Nor is a cell the problem fixes (a figure printed elsewhere).
Where even `<5` gives a count away (two `<5` parts of a `<5` total are at most 3 each), the total is shown as `x`
instead: a reader then cannot tell it from a count of five or more, which the audit checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from evalkit.publish.audit import (
    PRIMARY,
    SECONDARY,
    SHOWN,
    SMALLEST_SHOWN,
    TOLERANCE,
    Problem,
    audit_ranges,
    highs,
    range_is_safe,
)

MAX_ROUNDS = 5


@dataclass
class Suppression:
    status: np.ndarray  # per variable of the problem: SHOWN, PRIMARY or SECONDARY
    primary: int = 0  # variables masked <5
    secondary_per_round: list[int] = field(default_factory=list)  # variables masked x, per round

    @property
    def secondary(self) -> int:
        return sum(self.secondary_per_round)


class _Neighbourhoods:
    """Variables reachable from one through `depth` relations (every variable when depth is None)."""

    def __init__(self, problem: Problem) -> None:
        incidence = sparse.vstack([abs(problem.a_eq), abs(problem.a_ub)]).tocsr()
        self.by_relation = incidence
        self.by_variable = incidence.T.tocsr()
        self.n = problem.n

    def around(self, start: int, depth: int | None) -> np.ndarray:
        if depth is None:
            return np.arange(self.n)
        seen = np.zeros(self.n, dtype=bool)
        seen[start] = True
        frontier = np.array([start])
        for _ in range(depth):
            relations = np.unique(self.by_variable[frontier].indices)
            if not len(relations):
                break
            reached = np.unique(self.by_relation[relations].indices)
            frontier = reached[~seen[reached]]
            if not len(frontier):
                break
            seen[frontier] = True
        return np.flatnonzero(seen)


def _protect(
    problem: Problem,
    status: np.ndarray,
    variable: int,
    target: float,
    near: np.ndarray,
) -> np.ndarray | None:
    """The variables (within `near`) to mask as `x` so that `variable` can be `target`, or None if no choice
    within `near` will do.

    An LP over z = the counts in `near` (the rest fixed at their value): z[variable] = target, every relation
    holds, z >= 0, and a `<5` count stays in 1-4 unless it pays to show it as `x`. A shown count costs its value
    per unit it moves from its value, a `<5` count moved out of 1-4 costs more than any shown count (a count of
    1-4 shown as `x` when even `<5` would let a reader narrow it: two `<5` parts of a `<5` total are at most 3
    each), and a count masked already costs nothing."""
    value = problem.value
    masked = near[status[near] != SHOWN]
    shown = near[(status[near] == SHOWN) & (value[near] > 0) & ~problem.fixed[near]]
    small = masked[(status[masked] == PRIMARY) & (masked != variable)]
    columns = np.concatenate([masked, shown])
    blocks = []
    for a in (problem.a_eq, problem.a_ub):
        keep = np.flatnonzero(np.diff(a[:, columns].tocsr().indptr))
        rows = a[keep]
        a_m, a_s, a_p = rows[:, masked], rows[:, shown], rows[:, small]
        rhs = a_m @ value[masked] - rows @ value
        # z_shown = value + up - down; z_small = base (1-4) + over - under
        blocks.append((sparse.hstack([a_m, a_s, -a_s, a_p, -a_p]).tocsr(), rhs))
    (m_eq, b_eq), (m_ub, b_ub) = blocks
    lower_m = np.where(status[masked] == PRIMARY, 1.0, 0.0)
    upper_m = np.where(status[masked] == PRIMARY, SMALLEST_SHOWN - 1.0, np.inf)
    where = np.flatnonzero(masked == variable)[0]
    lower_m[where] = upper_m[where] = target
    lower = np.concatenate([lower_m, np.zeros(2 * len(shown) + 2 * len(small))])
    upper = np.concatenate(
        [upper_m, np.full(len(shown), np.inf), value[shown], np.full(len(small), np.inf), np.ones(len(small))]
    )
    out_of_range = 10.0 * (value.max() + 1)
    cost = np.concatenate([np.zeros(len(masked)), value[shown], value[shown], np.full(2 * len(small), out_of_range)])
    result = highs(cost, m_eq, b_eq, m_ub, b_ub, np.column_stack([lower, upper]))
    if result.status == 2:
        return None
    if result.status != 0:
        raise RuntimeError(f"suppression linear programme failed: {result.message}")
    x = result.x[len(masked) :]
    moved_shown = x[: len(shown)] + x[len(shown) : 2 * len(shown)]
    moved_small = x[2 * len(shown) : 2 * len(shown) + len(small)] + x[2 * len(shown) + len(small) :]
    return np.concatenate([shown[moved_shown > TOLERANCE], small[moved_small > TOLERANCE]])


def _goals(ranges: dict[int, tuple[float, float]], status: np.ndarray) -> list[tuple[int, float]]:
    """(variable, value it must be able to take) for every masked count of 1-4 the audit can narrow."""
    goals = []
    for v, (lower, upper) in sorted(ranges.items()):
        if status[v] == PRIMARY:
            if lower > 1 + TOLERANCE:
                goals.append((v, 1.0))
            if upper < SMALLEST_SHOWN - 1 - TOLERANCE:
                goals.append((v, SMALLEST_SHOWN - 1.0))
        elif not range_is_safe(SECONDARY, True, lower, upper):
            goals.append((v, float(SMALLEST_SHOWN)))
    return goals


def _show_small_as_small(problem: Problem, status: np.ndarray) -> None:
    """Give `<5` back to each count of 1-4 shown as `x` where the audit still passes with it (the cells are
    chosen one goal at a time, so an earlier choice can make a later one unneeded)."""
    for v in np.flatnonzero(problem.primary & (status == SECONDARY)):
        status[v] = PRIMARY
        if _goals(audit_ranges(problem, status), status):
            status[v] = SECONDARY


def suppress(problem: Problem) -> Suppression:
    """The masks for the problem: `<5` for every count of 1-4, `x` wherever needed to protect them."""
    status = np.full(problem.n, SHOWN, dtype=object)
    status[problem.primary] = PRIMARY
    result = Suppression(status, primary=int(problem.primary.sum()))
    neighbourhoods = _Neighbourhoods(problem)
    for _ in range(MAX_ROUNDS):
        ranges = audit_ranges(problem, status)
        failing = _goals(ranges, status)
        if not failing:
            _show_small_as_small(problem, status)
            return result
        audited = status.copy()
        added = 0
        for variable, goal in failing:
            if status[variable] != audited[variable]:
                continue  # shown as `x` since the audit: its goal is another now, and the next audit says which
            for depth in (2, 4, None):
                near = neighbourhoods.around(variable, depth)
                chosen = _protect(problem, status, variable, goal, near)
                if chosen is not None:
                    break
            if chosen is None:
                continue  # nothing protects it (a count printed elsewhere): the audit names it
            status[chosen] = SECONDARY
            added += len(chosen)
        result.secondary_per_round.append(added)
        if not added:
            return result  # no mask helps what is left: the audit fails on it
    raise RuntimeError(f"secondary suppression did not settle in {MAX_ROUNDS} rounds")
