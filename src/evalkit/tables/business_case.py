"""The business case of contract section 7: from a report's investment and gross annual gain, a multi-year
public-budget result per payer (kommune, region, stat), its net present value, payback, switching values and an
interval from resampling the citizens.

Arithmetic on numbers and arrays, from the assumptions of a report's `business_case` block (evalkit.config fills
in the defaults); evalkit.tables.business_case_report applies it to a report's registrations."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np

FINANSMINISTERIET_2021 = "finansministeriet_2021"
# The Ministry of Finance's discount rate from 7 January 2021: (last year it holds, rate).
FINANSMINISTERIET_2021_RATES = ((35, 0.035), (70, 0.025), (math.inf, 0.015))
INTERVAL_PERCENTILES = (2.5, 97.5)
# The assumptions the tornado varies one at a time, in the order of contract section 7's block.
SENSITIVITY_PARAMETERS = ("deadweight", "effect_years", "decay", "optimism_bias", "discount")
# The NPV's distribution over the resamples: every 2.5th percentile, so the 95 % interval's bounds are two of them
# and each step between two holds 2.5 % of the resamples.
NPV_PERCENTILES = tuple(2.5 * k for k in range(41))


@dataclass(frozen=True)
class Assumptions:
    """One scenario's keys of the `business_case` block (contract section 7)."""

    horizon_years: int
    effect_years: int
    decay: float
    deadweight: float
    optimism_bias: float
    discount: str | float
    bootstrap: int
    seed: int

    @classmethod
    def from_block(cls, block: Mapping) -> Assumptions:
        return cls(**{f.name: block[f.name] for f in fields(cls)})


def scenarios(block: Mapping) -> list[tuple[str, Assumptions]]:
    """`base` (the block as given), then every named scenario: the base with the scenario's overrides.

    `block` is a normalised block (evalkit.config: every key present, scenarios as name + overrides)."""
    base = Assumptions.from_block(block)
    named = [
        (s["name"], replace(base, **{k: v for k, v in s.items() if k != "name"})) for s in block.get("scenarios", ())
    ]
    return [("base", base), *named]


# --- one gain, one investment --------------------------------------------------------------------------------


def discount_rates(discount: str | float, horizon_years: int) -> np.ndarray:
    """r_1 .. r_H: the rate of each year after the period."""
    years = np.arange(1, horizon_years + 1)
    if discount == FINANSMINISTERIET_2021:
        limits = [limit for limit, _ in FINANSMINISTERIET_2021_RATES]
        rates = np.array([rate for _, rate in FINANSMINISTERIET_2021_RATES])
        return rates[np.searchsorted(limits, years, side="left")]
    if isinstance(discount, str):
        raise ValueError(f"discount must be {FINANSMINISTERIET_2021!r} or a number, not {discount!r}")
    return np.full(horizon_years, float(discount))


def discount_factors(discount: str | float, horizon_years: int) -> np.ndarray:
    """D_0 .. D_H with D_0 = 1 and D_t = D_(t-1) / (1 + r_t)."""
    factors = [1.0]
    for rate in discount_rates(discount, horizon_years):
        factors.append(factors[-1] / (1 + rate))
    return np.array(factors)


def gain_profile(a: Assumptions) -> np.ndarray:
    """B_t / G for t = 0 .. H: (1 - deadweight) (1 - decay)^(t - 1) while t <= effect_years, and 0 in year 0."""
    years = np.arange(a.horizon_years + 1)
    profile = (1 - a.deadweight) * (1 - a.decay) ** np.maximum(years - 1, 0)
    profile[(years == 0) | (years > a.effect_years)] = 0.0
    return profile


def investment(report_investment: float, a: Assumptions) -> float:
    """C: the report's investment raised by the optimism bias; it falls in year 0."""
    return report_investment * (1 + a.optimism_bias)


def yearly(cost: float, gain: float, a: Assumptions) -> dict[str, np.ndarray]:
    """The year-by-year table for an investment C (`cost`, optimism bias included) and a gross annual gain G."""
    years = np.arange(a.horizon_years + 1)
    gains = gain * gain_profile(a)
    net = gains.copy()
    net[0] = -cost
    factors = discount_factors(a.discount, a.horizon_years)
    return {
        "year": years,
        "investment_dkk": np.where(years == 0, cost, 0.0),
        "gain_dkk": gains,
        "net_dkk": net,
        "cumulative_net_dkk": np.cumsum(net),
        "discount_factor": factors,
        "discounted_net_dkk": net * factors,
        "cumulative_discounted_dkk": np.cumsum(net * factors),
    }


def present_value_factor(a: Assumptions) -> float:
    """Σ_(t>=1) B_t D_t / G: the present value of a gain of 1 a year."""
    return float(np.sum(gain_profile(a) * discount_factors(a.discount, a.horizon_years)))


def npv(cost: float, gains: np.ndarray | float, a: Assumptions) -> np.ndarray | float:
    """Σ_t N_t D_t = -C + G × the present-value factor, for one gain or an array of them."""
    value = -cost + np.asarray(gains, dtype=float) * present_value_factor(a)
    return float(value) if value.ndim == 0 else value


def payback_months(cost: float, gains: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Months until Σ_(k<=t) N_k first reaches 0, for each gain G in `gains`, gains accruing evenly in the year.

    N_0 = -C and N_t = G × weights[t] (weights: the gain profile, or the profile × the discount factors for the
    discounted payback). With t the first year with S_t >= 0: 12 × (t - 1 + (-S_(t-1)) / N_t). Never within the
    horizon: inf. Only for C > 0: with nothing invested there is nothing to pay back."""
    if cost <= 0:
        raise ValueError("payback needs an investment above 0")
    gains = np.asarray(gains, dtype=float)
    cumulative = -cost + np.outer(gains, np.cumsum(weights))  # S_t, t = 0 .. H (weights[0] = 0)
    paid = cumulative[:, 1:] >= 0
    ever = paid.any(axis=1)
    year = paid.argmax(axis=1) + 1
    rows = np.arange(len(gains))
    with np.errstate(divide="ignore", invalid="ignore"):
        months = 12 * (year - 1 + -cumulative[rows, year - 1] / (gains * weights[year]))
    return np.where(ever, months, np.inf)


def switching_deadweight(cost: float, gain: float, a: Assumptions) -> float | None:
    """The deadweight at which NPV = 0: 1 - C / PV, PV the present value of the gains with deadweight 0."""
    present_value = gain * present_value_factor(replace(a, deadweight=0.0))
    if cost <= 0 or present_value <= 0:
        return None
    return 1 - cost / present_value


def min_effect_years(cost: float, gain: float, a: Assumptions) -> int | None:
    """The smallest effect_years (1 .. horizon) for which NPV >= 0."""
    if cost <= 0:
        return None
    for years in range(1, a.horizon_years + 1):
        if npv(cost, gain, replace(a, effect_years=years)) >= 0:
            return years
    return None


def percentile(values: np.ndarray, q: float) -> float | None:
    """The q-th percentile (linear between order statistics, numpy's default), None when it rests on an inf
    (a resample that never pays back counts as longer than any other) or there are no values."""
    return _percentile_of_sorted(np.sort(np.asarray(values, dtype=float)), q)


def _percentile_of_sorted(ordered: np.ndarray, q: float) -> float | None:
    if len(ordered) == 0:
        return None
    position = q / 100 * (len(ordered) - 1)
    low = math.floor(position)
    fraction = position - low
    used = ordered[low : low + 2] if fraction else ordered[low : low + 1]
    if not np.isfinite(used).all():
        return None
    return float(ordered[low] + fraction * (used[-1] - ordered[low]))


def interval(values: np.ndarray | None) -> tuple[float | None, float | None]:
    if values is None:
        return None, None
    low, high = INTERVAL_PERCENTILES
    return percentile(values, low), percentile(values, high)


def _months(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def summary(cost: float, gain: float, a: Assumptions, resampled_gains: np.ndarray | None = None) -> dict:
    """The summary of one (scope, payer): NPV, benefit-cost ratio, paybacks, switching values, intervals.

    `cost` is C (optimism bias included; 0 for a payer that invested nothing: then payback, ratio and switching
    values are empty); `resampled_gains` the bootstrap's G per resample (None: no interval)."""
    factors = discount_factors(a.discount, a.horizon_years)
    profile = gain_profile(a)
    invested = cost > 0
    row = {
        "investment_dkk": cost,
        "annual_gain_dkk": gain,
        "npv_dkk": npv(cost, gain, a),
        "benefit_cost_ratio": gain * present_value_factor(a) / cost if invested else None,
        "payback_months": _months(payback_months(cost, [gain], profile)[0]) if invested else None,
        "discounted_payback_months": (
            _months(payback_months(cost, [gain], profile * factors)[0]) if invested else None
        ),
        "switching_deadweight": switching_deadweight(cost, gain, a),
        "min_effect_years": min_effect_years(cost, gain, a),
    }
    resampled = resampled_gains is not None and len(resampled_gains) > 0
    row["gain_ci_low"], row["gain_ci_high"] = interval(resampled_gains if resampled else None)
    row["npv_ci_low"], row["npv_ci_high"] = interval(npv(cost, resampled_gains, a) if resampled else None)
    paybacks = payback_months(cost, resampled_gains, profile) if resampled and invested else None
    row["payback_ci_low"], row["payback_ci_high"] = interval(paybacks)
    return row


# --- what the figures show beside the summary ----------------------------------------------------------------


def sensitivities(report_investment: float, gain: float, a: Assumptions, ranges: Mapping) -> list[tuple]:
    """One-way sensitivities: per assumption (SENSITIVITY_PARAMETERS), the scenario's own value, the range and the
    NPV with the assumption at each end of it, every other key as the scenario has it. `ranges` maps each
    assumption to [low, high]; a range is widened to reach the scenario's own value, so every bar of the tornado
    holds the scenario's NPV. The discount's own value is None when it is the Ministry of Finance's schedule (no
    single rate): its range stays as given. `report_investment` is before the optimism bias, which is varied too."""
    rows = []
    for name in SENSITIVITY_PARAMETERS:
        own = getattr(a, name)
        value = None if isinstance(own, str) else own
        low, high = ranges[name]
        if value is not None:
            low, high = min(low, value), max(high, value)
        at = [replace(a, **{name: end}) for end in (low, high)]
        rows.append((name, value, low, high, *(npv(investment(report_investment, b), gain, b) for b in at)))
    return rows


def npv_percentiles(cost: float, resampled_gains: np.ndarray, a: Assumptions) -> list[tuple[float, float]]:
    """(percentile, NPV) at every NPV_PERCENTILES of the resamples' NPVs, as the interval computes them."""
    ordered = np.sort(np.asarray(npv(cost, resampled_gains, a), dtype=float))
    return [(q, _percentile_of_sorted(ordered, q)) for q in NPV_PERCENTILES]


# --- the bootstrap -------------------------------------------------------------------------------------------


def municipality_rng(seed: int, kommunekode: str) -> np.random.Generator:
    """A municipality's own random stream: its interval does not depend on which other municipalities a report
    has, and `all` sums the very resamples its municipalities use."""
    return np.random.default_rng([seed, *kommunekode.encode()])


# Cells per bincount: small enough that the counts of a block of resamples stay in the processor's cache.
_CACHE_CELLS = 1 << 16


def resample_sums(values: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Column sums of `resamples` resamples with replacement of the rows of `values` (citizens × columns):
    an array of resamples × columns.

    A resample draws len(values) rows uniformly. Rows of zeros (a citizen with no cost either way) add nothing,
    so only the draws that land elsewhere are made: their number is Binomial(n, k / n) for the k other rows, and
    they are uniform among those k, which is the same distribution with a third fewer draws on typical data.
    The sums are counts-per-row @ values, the counts from one bincount per block of resamples (row number +
    block offset): much faster than gathering rows."""
    values = np.asarray(values, dtype=float)
    citizens = len(values)
    nonzero = values[(values != 0).any(axis=1)]
    rows = len(nonzero)
    sums = np.zeros((resamples, values.shape[1]))
    if rows == 0:
        return sums
    block = max(1, min(resamples, _CACHE_CELLS // rows))
    dtype = np.uint32 if block * rows < 2**32 else np.int64  # uint32 draws are the fastest numpy makes
    offsets = np.arange(block, dtype=dtype) * rows
    for first in range(0, resamples, block):
        size = min(block, resamples - first)
        drawn = rng.binomial(citizens, rows / citizens, size=size)
        picked = rng.integers(0, rows, size=int(drawn.sum()), dtype=dtype)
        picked += np.repeat(offsets[:size], drawn)
        counts = np.bincount(picked, minlength=size * rows)
        sums[first : first + size] = counts.reshape(size, rows) @ nonzero
    return sums
