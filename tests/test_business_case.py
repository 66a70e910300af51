"""The business case's arithmetic (contract section 7), against values worked out by hand in each test."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evalkit.config import ConfigError, business_case_defaults, read_payers
from evalkit.tables import business_case as bc
from evalkit.tables import business_case_report as bcr

ROOT = Path(__file__).resolve().parents[1]


def assumptions(**overrides) -> bc.Assumptions:
    return bc.Assumptions.from_block({**business_case_defaults(), **overrides})


# --- report 001 ----------------------------------------------------------------------------------------------


def test_report_001_pays_back_in_12_x_c_over_g_months():
    """C = 1,045,000, G = 2,168,000 (report 001 section 5.1): S_0 = -1,045,000 and S_1 = 1,123,000, so the
    payback is in year 1 at 12 × 1,045,000 / 2,168,000 = 5.784 months; discounted, N_1 D_1 = 2,168,000 / 1.035."""
    row = bc.summary(1_045_000, 2_168_000, assumptions())
    assert row["payback_months"] == pytest.approx(12 * 1_045_000 / 2_168_000)
    assert round(row["payback_months"], 1) == 5.8
    assert row["discounted_payback_months"] == pytest.approx(12 * 1_045_000 * 1.035 / 2_168_000)
    # 10 years at 3.5 %: the annuity factor (1 - 1.035^-10) / 0.035 = 8.316605
    assert row["npv_dkk"] == pytest.approx(-1_045_000 + 2_168_000 * 8.316605, abs=1)
    assert row["benefit_cost_ratio"] == pytest.approx(2_168_000 * 8.316605 / 1_045_000, rel=1e-6)


# --- discounting ---------------------------------------------------------------------------------------------


def test_finansministeriet_2021_steps_down_after_year_35_and_year_70():
    factors = bc.discount_factors(bc.FINANSMINISTERIET_2021, 72)
    assert factors[0] == 1
    assert factors[1] == pytest.approx(1 / 1.035)
    assert factors[35] == pytest.approx(1.035**-35)
    assert factors[36] == pytest.approx(1.035**-35 / 1.025)  # year 36 is the first at 2.5 %
    assert factors[70] == pytest.approx(1.035**-35 * 1.025**-35)
    assert factors[72] == pytest.approx(1.035**-35 * 1.025**-35 * 1.015**-2)


def test_a_number_is_the_rate_of_every_year():
    assert bc.discount_factors(0.04, 3) == pytest.approx([1, 1 / 1.04, 1 / 1.04**2, 1 / 1.04**3])
    assert bc.discount_factors(0, 2) == pytest.approx([1, 1, 1])


# --- the years -----------------------------------------------------------------------------------------------


def test_deadweight_decay_and_effect_years_shape_the_gains():
    """G = 1000, deadweight 0.2, decay 0.1, effect 3 of 5 years: B = 0, 800, 720, 648, 0, 0."""
    a = assumptions(horizon_years=5, effect_years=3, deadweight=0.2, decay=0.1, discount=0)
    table = bc.yearly(500, 1000, a)
    assert list(table["year"]) == [0, 1, 2, 3, 4, 5]
    assert table["gain_dkk"] == pytest.approx([0, 800, 720, 648, 0, 0])
    assert table["net_dkk"] == pytest.approx([-500, 800, 720, 648, 0, 0])
    assert table["investment_dkk"] == pytest.approx([500, 0, 0, 0, 0, 0])
    assert table["cumulative_net_dkk"] == pytest.approx([-500, 300, 1020, 1668, 1668, 1668])


def test_discounted_columns_multiply_by_the_factor():
    a = assumptions(horizon_years=2, discount=0.1)
    table = bc.yearly(100, 110, a)
    assert table["discounted_net_dkk"] == pytest.approx([-100, 100, 110 / 1.21])
    assert table["cumulative_discounted_dkk"][-1] == pytest.approx(bc.npv(100, 110, a))


def test_optimism_bias_raises_the_investment():
    assert bc.investment(1000, assumptions(optimism_bias=0.25)) == 1250


# --- payback -------------------------------------------------------------------------------------------------


def test_payback_within_a_later_year():
    """C = 2,500, G = 1,000: S = -2,500, -1,500, -500, 500, so year 3, 500 of its 1,000 needed: 12 × 2.5 = 30."""
    row = bc.summary(2500, 1000, assumptions(discount=0))
    assert row["payback_months"] == pytest.approx(30)
    assert row["discounted_payback_months"] == pytest.approx(30)


def test_payback_exactly_at_a_year_end():
    assert bc.summary(2000, 1000, assumptions(discount=0))["payback_months"] == pytest.approx(24)


def test_never_paying_back_is_empty():
    """C = 5,000, G = 1,000 for 2 years of effect: S never reaches 0."""
    row = bc.summary(5000, 1000, assumptions(effect_years=2))
    assert row["payback_months"] is None and row["discounted_payback_months"] is None
    assert row["min_effect_years"] == 6  # 3.5 %: 5 years give 4,515, 6 give 5,329


def test_a_payer_that_invested_nothing_has_no_payback_ratio_or_switching_values():
    row = bc.summary(0.0, 1000, assumptions())
    assert row["npv_dkk"] == pytest.approx(1000 * 8.316605, rel=1e-6)
    assert all(
        row[c] is None
        for c in (
            "payback_months",
            "discounted_payback_months",
            "benefit_cost_ratio",
            "switching_deadweight",
            "min_effect_years",
            "payback_ci_low",
        )
    )


# --- switching values ----------------------------------------------------------------------------------------


def test_switching_values_without_discounting():
    """C = 1,000, G = 500 for 4 years: PV = 2,000, so deadweight 1 - 1,000 / 2,000; NPV(e) = -1,000 + 500 e."""
    row = bc.summary(1000, 500, assumptions(horizon_years=4, effect_years=4, discount=0, deadweight=0.3))
    assert row["switching_deadweight"] == pytest.approx(0.5)  # computed from deadweight 0, whatever is assumed
    assert row["min_effect_years"] == 3  # with deadweight 0.3: 350 e >= 1,000 first at e = 3


def test_switching_values_with_discounting():
    """At 10 %: PV = 500 × (1/1.1 + 1/1.21 + 1/1.331 + 1/1.4641) = 1,584.93; NPV(2) = -132.2, NPV(3) = 243.4."""
    a = assumptions(horizon_years=4, effect_years=4, discount=0.1)
    row = bc.summary(1000, 500, a)
    assert row["switching_deadweight"] == pytest.approx(1 - 1000 / 1584.9327, rel=1e-6)
    assert bc.npv(
        1000, 500, assumptions(horizon_years=4, discount=0.1, deadweight=row["switching_deadweight"])
    ) == pytest.approx(0, abs=1e-9)
    assert row["min_effect_years"] == 3


def test_no_gain_no_switching_deadweight_and_no_effect_years():
    row = bc.summary(1000, -10, assumptions())
    assert row["switching_deadweight"] is None and row["min_effect_years"] is None
    assert row["payback_months"] is None


# --- scenarios -----------------------------------------------------------------------------------------------


def test_a_scenario_overrides_only_its_keys():
    block = {
        **business_case_defaults(),
        "deadweight": 0.1,
        "scenarios": [{"name": "forsigtig", "deadweight": 0.3, "effect_years": 2}],
    }
    (base_name, base), (name, careful) = bc.scenarios(block)
    assert (base_name, base.deadweight, base.effect_years) == ("base", 0.1, 10)
    assert (name, careful.deadweight, careful.effect_years, careful.horizon_years) == ("forsigtig", 0.3, 2, 10)


# --- percentiles and the bootstrap ---------------------------------------------------------------------------


def test_percentiles_interpolate_between_order_statistics():
    """5 values: the 2.5th percentile lies 0.1 of the way from the 1st to the 2nd, the 97.5th 0.9 from the 4th."""
    assert bc.interval(np.array([5.0, 1, 4, 2, 3])) == pytest.approx((1.1, 4.9))
    assert bc.percentile(np.array([7.0]), 2.5) == 7


def test_a_percentile_resting_on_never_paying_back_is_empty():
    assert bc.interval(np.array([1.0, 2, 3, 4, math.inf])) == (pytest.approx(1.1), None)
    assert bc.interval(np.array([1.0, 2, 3, 4, 5, math.inf])) == (pytest.approx(1.125), None)
    assert bc.interval(np.array([math.inf] * 3)) == (None, None)


def test_resampling_one_citizen_always_gives_that_citizen():
    sums = bc.resample_sums(np.array([[7.0, 3.0]]), 50, np.random.default_rng(1))
    assert sums.shape == (50, 2) and (sums == [7.0, 3.0]).all()


def test_resampled_sums_are_sums_of_drawn_citizens():
    """Two citizens worth 0 and 10: every resample of two is 0, 10 or 20, with chances 1/4, 1/2, 1/4."""
    sums = bc.resample_sums(np.array([[0.0], [10.0]]), 4000, np.random.default_rng(3))[:, 0]
    assert set(np.unique(sums)) <= {0.0, 10.0, 20.0}
    shares = [np.mean(sums == v) for v in (0, 10, 20)]
    assert shares == pytest.approx([0.25, 0.5, 0.25], abs=0.03)


def test_citizens_without_costs_still_take_their_share_of_the_draws():
    """One citizen worth 1 among four: a resample of four holds them Binomial(4, 1/4) times, i.e. 0-4 times with
    chances 81/256, 108/256, 54/256, 12/256, 1/256."""
    values = np.array([[1.0], [0.0], [0.0], [0.0]])
    sums = bc.resample_sums(values, 20000, np.random.default_rng(5))[:, 0]
    shares = [np.mean(sums == k) for k in range(5)]
    assert shares == pytest.approx([81 / 256, 108 / 256, 54 / 256, 12 / 256, 1 / 256], abs=0.01)


def test_nobody_with_a_cost_gives_zero_sums():
    assert (bc.resample_sums(np.zeros((3, 2)), 5, np.random.default_rng(1)) == 0).all()


def test_the_same_seed_gives_the_same_resamples_and_another_seed_others():
    values = np.arange(30.0).reshape(10, 3)
    first = bc.resample_sums(values, 100, bc.municipality_rng(1, "851"))
    again = bc.resample_sums(values, 100, bc.municipality_rng(1, "851"))
    other = bc.resample_sums(values, 100, bc.municipality_rng(2, "851"))
    assert (first == again).all()
    assert not (first == other).all()
    assert not (first == bc.resample_sums(values, 100, bc.municipality_rng(1, "860"))).all()


def test_resampling_in_blocks_gives_whole_resamples():
    """More citizens than one block's cache holds: every resample still draws exactly as many as there are."""
    citizens = (1 << 16) + 5
    sums = bc.resample_sums(np.ones((citizens, 1)), 3, np.random.default_rng(1))
    assert (sums == citizens).all()


# --- a report ------------------------------------------------------------------------------------------------


def citizens(*rows):
    """Rows of (kommune, region, stat) net costs; the `all` column is their sum."""
    payers = np.array(rows, dtype=float)
    return np.column_stack([payers.sum(axis=1), payers])


def one(rows, scenario, kommunekode, payer):
    return [r for r in rows if r[:3] == (scenario, kommunekode, payer)]


def test_a_report_per_payer_municipality_and_all():
    """851: two citizens, G = 1,000 (kommune 600, region 300, stat 100), C = 500. 860: nothing registered.
    813: G = -200, C = 100. `all` covers 851 and 813: G = 800, C = 600."""
    municipalities = [
        bcr.Municipality("851", 500.0, citizens((500, 300, 100), (100, 0, 0)), 2, 0),
        bcr.Municipality("860", 9999.0, None),
        bcr.Municipality("813", 100.0, citizens((-200, 0, 0)), 0, 1),
    ]
    block = {
        **business_case_defaults(),
        "horizon_years": 3,
        "discount": 0,
        "bootstrap": 200,
        "scenarios": [{"name": "kort", "effect_years": 1}],
    }
    years, summaries, *_ = bcr.business_case(municipalities, block)
    columns = ("scenario", "kommunekode", "payer", *bcr.SUMMARY_COLUMNS, *bcr.COUNT_COLUMNS)
    rows = {r[:3]: dict(zip(columns, r, strict=True)) for r in summaries}
    assert len(summaries) == 2 * 4 * 4  # scenarios x (3 municipalities + all) x payers
    gains = {p: rows[("base", "851", p)]["annual_gain_dkk"] for p in bcr.SCOPE_PAYERS}
    assert gains == pytest.approx({"all": 1000, "kommune": 600, "region": 300, "stat": 100})
    assert rows[("base", "851", "all")]["investment_dkk"] == 500
    assert rows[("base", "851", "region")]["investment_dkk"] == 0
    assert rows[("base", "851", "all")]["payback_months"] == pytest.approx(6)
    assert rows[("base", "851", "region")]["npv_dkk"] == pytest.approx(900)
    assert rows[("base", "all", "all")]["annual_gain_dkk"] == pytest.approx(800)
    assert rows[("base", "all", "all")]["investment_dkk"] == 600
    assert (rows[("base", "all", "region")]["shadow_visited"], rows[("base", "all", "all")]["actually_visited"]) == (
        2,
        1,
    )
    assert rows[("kort", "all", "all")]["npv_dkk"] == pytest.approx(200)
    empty = rows[("base", "860", "all")]
    assert all(empty[c] is None for c in bcr.SUMMARY_COLUMNS)
    assert len(one(years, "base", "860", "kommune")) == 4
    assert all(v is None for r in one(years, "base", "860", "kommune") for v in r[4:])
    assert all(empty[c] is None for c in bcr.COUNT_COLUMNS)
    year_rows = one(years, "kort", "851", "all")
    assert [r[3] for r in year_rows] == [0, 1, 2, 3]
    assert [r[5] for r in year_rows] == pytest.approx([0, 1000, 0, 0])  # gain_dkk: effect 1 year


def test_the_interval_of_all_adds_up_the_municipalities_resamples():
    """One citizen each: every resample of 851 is 1,000 and of 813 is -200, so `all` is always 800."""
    municipalities = [
        bcr.Municipality("851", 0.0, citizens((1000, 0, 0))),
        bcr.Municipality("813", 0.0, citizens((-200, 0, 0))),
    ]
    summaries = bcr.business_case(municipalities, {**business_case_defaults(), "bootstrap": 20}).summaries
    row = dict(
        zip(
            (*bcr.SUMMARY_COLUMNS, *bcr.COUNT_COLUMNS),
            next(r for r in summaries if r[:3] == ("base", "all", "all"))[3:],
            strict=True,
        )
    )
    assert (row["gain_ci_low"], row["gain_ci_high"]) == pytest.approx((800, 800))


def test_no_bootstrap_no_interval():
    municipalities = [bcr.Municipality("851", 10.0, citizens((1000, 0, 0), (0, 0, 0)))]
    summaries = bcr.business_case(municipalities, {**business_case_defaults(), "bootstrap": 0}).summaries
    assert all(v is None for r in summaries for v in r[-8:-2])


# --- payer shares --------------------------------------------------------------------------------------------


def test_payer_shares_are_read_with_paragraphs_normalised(tmp_path):
    path = tmp_path / "payers.csv"
    path.write_text("paragraph,kommune,region,stat\n§ 107,0.5,0.1,0.4\n85,1,0,0\n", encoding="utf-8")
    assert read_payers(path) == {"107": (0.5, 0.1, 0.4), "85": (1.0, 0.0, 0.0)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("paragraph,kommune,region\n85,1,0\n", "missing column(s) stat"),
        (
            "paragraph,kommune,region,stat\n85,0.5,0.2,0.2\n",
            ":2: columns kommune, region, stat: 0.5, 0.2, 0.2 add up to 0.9",
        ),
        ("paragraph,kommune,region,stat\n85,1,0,0\n103,x,0,0\n", ":3: column kommune: 'x' is not a share"),
        ("paragraph,kommune,region,stat\n85,1.5,-0.5,0\n", ":2: column kommune: '1.5' is not a share"),
        ("paragraph,kommune,region,stat\n85,1,0,0\n§ 85,1,0,0\n", ":3: column paragraph: '§ 85' is listed twice"),
    ],
)
def test_bad_payer_shares_are_refused_naming_file_line_column_and_value(tmp_path, text, message):
    path = tmp_path / "payers.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"payers\.csv.*{message.replace('(', '.').replace(')', '.')}"):
        read_payers(path)


def test_a_missing_payer_file_names_the_config_key(tmp_path):
    with pytest.raises(ConfigError, match="config key `payers`"):
        read_payers(tmp_path / "payers.csv")


def test_the_shipped_payer_shares_read():
    payers = read_payers(ROOT / "config" / "payers.csv")
    assert payers and all(sum(s) == pytest.approx(1) for s in payers.values())


# --- against the contract's text, on cases no test above worked out ----------------------------------------------


def by_the_contract(cost, gain, a):
    """Section 7 read literally, year by year: NPV, payback and discounted payback (None: never)."""
    years = range(a.horizon_years + 1)
    rates = [None] + [
        (0.035 if t <= 35 else 0.025 if t <= 70 else 0.015) if a.discount == "finansministeriet_2021" else a.discount
        for t in years[1:]
    ]
    factors = [1.0]
    for t in years[1:]:
        factors.append(factors[t - 1] / (1 + rates[t]))
    gains = [0.0] + [
        gain * (1 - a.deadweight) * (1 - a.decay) ** (t - 1) if t <= a.effect_years else 0.0 for t in years[1:]
    ]
    net = [-cost] + gains[1:]

    def payback(flows):
        total = [sum(flows[: t + 1]) for t in years]
        for t in years[1:]:
            if total[t] >= 0:
                return 12 * (t - 1 + (-total[t - 1]) / flows[t]), total
        return None, total

    discounted = [n * d for n, d in zip(net, factors, strict=True)]
    return sum(discounted), payback(net), payback(discounted)


@settings(max_examples=300, deadline=None)
@given(
    cost=st.integers(1, 5_000_000),
    gain=st.integers(-1_000_000, 5_000_000),
    horizon=st.integers(1, 80),
    effect=st.integers(0, 80),
    decay=st.sampled_from([0.0, 0.1, 0.25, 1.0]),
    deadweight=st.sampled_from([0.0, 0.2, 0.5]),
    discount=st.sampled_from(["finansministeriet_2021", 0.0, 0.04]),
)
def test_the_summary_is_section_7_read_year_by_year(cost, gain, horizon, effect, decay, deadweight, discount):
    a = assumptions(horizon_years=horizon, effect_years=effect, decay=decay, deadweight=deadweight, discount=discount)
    npv, (payback, totals), (discounted_payback, discounted_totals) = by_the_contract(cost, gain, a)
    # a cumulative sum within rounding of 0 could fall either side of it: not a case to compare on
    assume(all(abs(s) > 1e-6 * cost for s in [*totals, *discounted_totals]))
    row = bc.summary(cost, gain, a)
    assert row["npv_dkk"] == pytest.approx(npv, rel=1e-9, abs=1e-6)
    assert row["payback_months"] == (None if payback is None else pytest.approx(payback, rel=1e-9))
    assert row["discounted_payback_months"] == (
        None if discounted_payback is None else pytest.approx(discounted_payback, rel=1e-9)
    )


def summary_of(summaries, scenario, kommunekode, payer="all"):
    row = next(r for r in summaries if r[:3] == (scenario, kommunekode, payer))
    return dict(zip((*bcr.SUMMARY_COLUMNS, *bcr.COUNT_COLUMNS), row[3:], strict=True))


def test_a_scenario_with_its_own_seed_resamples_again_and_the_others_reuse_the_base():
    many = citizens(*[(v, 0, 0) for v in (0, 10, 250, -40, 7, 1000, 3, 0, 90, 5)])
    block = {
        **business_case_defaults(),
        "bootstrap": 200,
        "scenarios": [{"name": "same", "deadweight": 0.5}, {"name": "reseeded", "seed": 2}],
    }
    summaries = bcr.business_case([bcr.Municipality("851", 1.0, many)], block).summaries
    base, same, reseeded = (summary_of(summaries, s, "851") for s in ("base", "same", "reseeded"))
    assert (same["gain_ci_low"], same["gain_ci_high"]) == (base["gain_ci_low"], base["gain_ci_high"])
    assert (reseeded["gain_ci_low"], reseeded["gain_ci_high"]) != (base["gain_ci_low"], base["gain_ci_high"])


def test_a_municipalitys_interval_does_not_depend_on_the_other_municipalities_of_the_report():
    one_alone = [bcr.Municipality("851", 1.0, citizens((0, 0, 0), (100, 0, 0), (30, 0, 0)))]
    with_another = [bcr.Municipality("813", 1.0, citizens((5, 0, 0), (9, 0, 0))), *one_alone]
    block = {**business_case_defaults(), "bootstrap": 100}
    alone = summary_of(bcr.business_case(one_alone, block)[1], "base", "851")
    beside = summary_of(bcr.business_case(with_another, block)[1], "base", "851")
    assert (alone["gain_ci_low"], alone["gain_ci_high"]) == (beside["gain_ci_low"], beside["gain_ci_high"])


# --- one-way sensitivities and the NPV's distribution (the figures' tables) ------------------------------------

RANGES = {
    "deadweight": [0.0, 0.5],
    "effect_years": [1, 3],
    "decay": [0.0, 0.5],
    "optimism_bias": [0.0, 0.5],
    "discount": [0.0, 0.1],
}


def test_each_assumption_alone_at_both_ends_of_its_range():
    """C = 1,000, G = 500, three years, no discounting: NPV = -1,000 + 500 × 3 = 500 at the scenario's values.
    Deadweight 0.5: -1,000 + 250 × 3 = -250. One effect year: -500. Decay 0.5: -1,000 + 500 (1 + 0.5 + 0.25) =
    -125. Optimism bias 0.5: -1,500 + 1,500 = 0. Discount 10 %: -1,000 + 500 (1/1.1 + 1/1.21 + 1/1.331) = 243.43."""
    a = assumptions(horizon_years=3, effect_years=3, discount=0)
    rows = {r[0]: r[1:] for r in bc.sensitivities(1000, 500, a, RANGES)}
    assert list(rows) == list(bc.SENSITIVITY_PARAMETERS)
    assert rows["deadweight"] == pytest.approx((0.0, 0.0, 0.5, 500, -250))
    assert rows["effect_years"] == pytest.approx((3, 1, 3, -500, 500))
    assert rows["decay"] == pytest.approx((0.0, 0.0, 0.5, 500, -125))
    assert rows["optimism_bias"] == pytest.approx((0.0, 0.0, 0.5, 500, 0))
    assert rows["discount"] == pytest.approx((0.0, 0.0, 0.1, 500, 243.4260), abs=1e-3)


def test_a_range_reaches_the_scenarios_own_value_and_the_rate_schedule_is_no_number():
    """Deadweight 0.7 lies above [0, 0.5]: the range becomes [0, 0.7] (NPV -1,000 + 150 × 3 = -550 at 0.7). The
    Ministry of Finance's schedule has no single value: its range stays as given."""
    a = assumptions(horizon_years=3, effect_years=3, deadweight=0.7)
    rows = {r[0]: r[1:] for r in bc.sensitivities(1000, 500, replace(a, discount=0), RANGES)}
    assert rows["deadweight"][:3] == pytest.approx((0.7, 0.0, 0.7))
    assert rows["deadweight"][4] == pytest.approx(-550)
    value, low, high, *_ = {r[0]: r[1:] for r in bc.sensitivities(1000, 500, a, RANGES)}["discount"]
    assert value is None and (low, high) == (0.0, 0.1)


def test_the_npv_percentiles_are_those_of_the_resamples_and_hold_the_interval():
    """Gains 0, 1, ..., 100 (101 resamples), C = 10, one year, no discounting: NPV = G - 10, so the q-th
    percentile is q - 10, the interval's bounds among them."""
    a = assumptions(horizon_years=1, effect_years=1, discount=0)
    gains = np.arange(101, dtype=float)
    rows = dict(bc.npv_percentiles(10, gains, a))
    assert list(rows) == list(bc.NPV_PERCENTILES)
    assert rows[0] == pytest.approx(-10) and rows[100] == pytest.approx(90) and rows[2.5] == pytest.approx(-7.5)
    row = bc.summary(10, 50, a, gains)
    assert (rows[2.5], rows[97.5]) == pytest.approx((row["npv_ci_low"], row["npv_ci_high"]))


def test_a_report_has_sensitivities_and_npv_percentiles_per_scenario_and_municipality_for_the_whole_budget():
    """851: G = 1,000, C = 500; 860 registered nothing; three years without discounting, so the base NPV is 2,500
    and with deadweight 0.5 it is 1,000. Each resample of one citizen is that citizen: every percentile of 851's
    NPV is 2,500."""
    municipalities = [
        bcr.Municipality("851", 500.0, citizens((600, 300, 100)), 1, 0),
        bcr.Municipality("860", 1.0, None),
    ]
    block = {
        **business_case_defaults(),
        "horizon_years": 3,
        "discount": 0,
        "bootstrap": 50,
        "sensitivity": RANGES,
        "scenarios": [{"name": "uden", "bootstrap": 0}],
    }
    tables = bcr.business_case(municipalities, block)
    rows = {r[:3]: r[3:] for r in tables.sensitivities}  # (scenario, kommunekode, parameter)
    assert len(tables.sensitivities) == 2 * 3 * len(bc.SENSITIVITY_PARAMETERS)  # scenarios x (851, 860, all)
    assert rows[("base", "851", "deadweight")][:5] == pytest.approx((0.0, 0.0, 0.5, 2500, 1000))
    assert rows[("base", "851", "deadweight")][5:] == (1, 0)
    assert all(v is None for v in rows[("uden", "860", "decay")])
    assert rows[("base", "all", "effect_years")] == rows[("base", "851", "effect_years")]
    percentiles = [r for r in tables.distributions if r[:2] == ("base", "851")]
    assert [r[2] for r in percentiles] == list(bc.NPV_PERCENTILES)
    assert [r[3] for r in percentiles] == pytest.approx([2500] * len(bc.NPV_PERCENTILES))
    assert not [r for r in tables.distributions if r[0] == "uden"]  # no resamples, no distribution
    assert all(r[3] is None for r in tables.distributions if r[1] == "860")
