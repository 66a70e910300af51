"""The demo's registrations and the draws behind them: citizens with CPR numbers or own keys, quarters, dates,
and exact splits of a published total."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from evalkit.synth.calibration import DAY, D


@dataclass
class Citizen:
    ident: str  # ten CPR digits, or an already pseudonymised key
    birth_year: int
    is_cpr: bool
    show_birth_year: bool = True

    def written(self, dashed: bool) -> str:
        if self.is_cpr and dashed:
            return f"{self.ident[:6]}-{self.ident[6:]}"
        return self.ident


@dataclass
class Row:
    """One registration: its cells, and the quarters in which its municipality delivers it."""

    table: str
    cells: dict[str, object]
    quarters: list[str]
    citizen: Citizen | None = None
    hide_end_after_quarter: bool = False  # courses and services: end_date shown only once it has passed


@dataclass
class Municipality:
    kommunekode: str
    dialect: str
    ids: str
    rows: list[Row] = field(default_factory=list)
    broken: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)  # (quarter, table, cells)

    def add(
        self,
        table: str,
        cells: dict[str, object],
        quarters: list[str],
        citizen: Citizen | None = None,
        hide_end: bool = False,
    ) -> None:
        self.rows.append(Row(table, cells, quarters, citizen, hide_end))


# ---------------------------------------------------------------------------------------------------------
# Small helpers: quarters, dates, CPR numbers, exact splits.
# ---------------------------------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_end(quarter: str) -> dt.date:
    year, q = int(quarter[:4]), int(quarter[5])
    first_of_next = D(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first_of_next - DAY


def quarter_range(first: str, last: str) -> list[str]:
    out, q = [], first
    while q <= last:
        out.append(q)
        q = quarter_of(quarter_end(q) + DAY)
    return out


def delivery_quarters(start: dt.date, end: dt.date | None, first: str, last: str) -> list[str]:
    """A row is delivered from the quarter it starts in until the quarter it ends in (history: first drop)."""
    begin = max(quarter_of(start), first)
    stop = min(quarter_of(end), last) if end else last
    return quarter_range(begin, max(begin, stop))


def random_day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def century_digits(year: int) -> list[int]:
    """7th CPR digits that give `year` its century under the CPR office's rule."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return [0, 1, 2, 3] + ([4, 9] if yy >= 37 else [])
    if 2000 <= year <= 2036:
        return [4, 9] + [5, 6, 7, 8]
    if 2037 <= year <= 2057:
        return [5, 6, 7, 8]
    raise ValueError(f"no CPR century digit for {year}")


def make_cpr(rng: random.Random, birth: dt.date, used: set[str]) -> str:
    """A CPR-shaped number: a real birth date, a consistent century digit, and the modulus-11 check."""
    while True:
        digits = [int(c) for c in birth.strftime("%d%m%y")]
        digits += [rng.choice(century_digits(birth.year)), rng.randint(0, 9), rng.randint(0, 9)]
        check = -sum(w * d for w, d in zip(CPR_WEIGHTS, digits, strict=False)) % 11
        if check == 10:
            continue
        cpr = "".join(map(str, digits)) + str(check)
        if cpr not in used:
            used.add(cpr)
            return cpr


PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def make_pseudonym(rng: random.Random, used: set[str]) -> str:
    """An already pseudonymised key: letters first, so it can never be read as a CPR number."""
    while True:
        key = rng.choice("BCDFGHJKLMNPQRSTVWXZ") + "".join(rng.choice(PSEUDONYM_ALPHABET) for _ in range(9))
        if key not in used:
            used.add(key)
            return key


class CitizenFactory:
    def __init__(self, rng: random.Random, ids: str):
        self.rng, self.ids, self.used = rng, ids, set()

    def __call__(self, born_low: int, born_high: int) -> Citizen:
        birth = random_day(self.rng, D(born_low, 1, 1), D(born_high, 12, 31))
        if self.ids == "pseudonym":
            return Citizen(make_pseudonym(self.rng, self.used), birth.year, False)
        # Some CPR municipalities leave birth_year empty: the ingest derives it from the number.
        return Citizen(make_cpr(self.rng, birth, self.used), birth.year, True, self.rng.random() < 0.7)


def split_total(rng: random.Random, total: int, n: int, low: int, high: int, step: int = 100) -> list[int]:
    """n amounts, multiples of `step` within [low, high], that add up to `total` exactly (a multiple of step)."""
    if total % step or not n * low <= total <= n * high:
        raise ValueError(f"cannot split {total} into {n} amounts in [{low}, {high}]")
    units, lo, hi = total // step, low // step, high // step
    weights = [rng.lognormvariate(0, 0.5) for _ in range(n)]
    amounts = [min(hi, max(lo, round(units * w / sum(weights)))) for w in weights]
    return [a * step for a in settle(rng, amounts, units, [lo] * n, [hi] * n)]


def allocate(
    rng: random.Random, total: int, weights: Sequence[float], low: Sequence[int], high: Sequence[int]
) -> list[int]:
    """Integers proportional to weights, each within [low, high], adding up to `total` exactly."""
    amounts = [
        min(h, max(lo, math.floor(total * w / sum(weights)))) for w, lo, h in zip(weights, low, high, strict=True)
    ]
    return settle(rng, amounts, total, low, high)


def settle(rng: random.Random, amounts: list[int], total: int, low: Sequence[int], high: Sequence[int]) -> list[int]:
    """Move the rounding difference one unit at a time onto entries that still have room."""
    order = list(range(len(amounts)))
    while (gap := total - sum(amounts)) != 0:
        rng.shuffle(order)
        moved = False
        for i in order:
            if gap > 0 and amounts[i] < high[i]:
                amounts[i] += 1
                gap -= 1
                moved = True
            elif gap < 0 and amounts[i] > low[i]:
                amounts[i] -= 1
                gap += 1
                moved = True
            if gap == 0:
                break
        if not moved:
            raise ValueError("bounds leave no room to reach the total")
    return amounts


def weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
