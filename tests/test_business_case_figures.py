"""The business case's figures: what each plots equals its publication copy, a value the copy blanked is never
drawn, and which reports and municipalities get them.

The tables are hand-made publication copies (text cells) of a report `bc` with two municipalities, two years and
no discounting: 851 invested C = 1,200 kr. (the kommune's) and gains 1,000 (kommune), 200 (region) and 100 (stat)
a year, G = 1,300; its cumulative net is -1,200, 100, 1,400 in all and -1,200, -200, 800 for the kommune, and it
pays back after 12 x 1,200 / 1,300 = 11.08 months. 860's gain rests on fewer than five citizens: its copy is
blanked. 813 has the same numbers as 851, so that the report's total can be drawn where two municipalities have
a business case.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from evalkit.config import Municipalities
from evalkit.figures import build
from evalkit.figures import business_case_prepare as bcp
from evalkit.figures.plots import Heading
from evalkit.figures.text import Text
from evalkit.tables.business_case import NPV_PERCENTILES, SENSITIVITY_PARAMETERS
from evalkit.tables.registry import FAMILIES

DA = Text("da")
MUNICIPALITIES = Municipalities({"851": "Aalborg", "860": "Hjørring", "813": "Frederikshavn"}, {})
REPORT = {
    "id": "bc",
    "title": "Business case",
    "municipalities": ["851", "860"],
    "period": {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 12, 31)},
}
# year -> payer -> cumulative net of 851 (and 813)
CUMULATIVE = {
    0: {"all": -1200, "kommune": -1200, "region": 0, "stat": 0},
    1: {"all": 100, "kommune": -200, "region": 200, "stat": 100},
    2: {"all": 1400, "kommune": 800, "region": 400, "stat": 200},
}
BLANK = ("<5", "7")  # 860: shadow_visited masked, so every value computed from the gain is blank


def frame(family: str, records: list[dict]) -> pd.DataFrame:
    """A publication copy: every column of the family, as text, empty where a record does not say."""
    header = FAMILIES[family].header
    return pd.DataFrame([[str(r.get(c, "")) for c in header] for r in records], columns=header, dtype=str)


def years_table(municipalities=("851", "860")) -> pd.DataFrame:
    records = []
    for code in municipalities:
        for scenario in ("base", "kort"):
            for year, payers in CUMULATIVE.items():
                for payer, value in payers.items():
                    row = {"report": "bc", "kommunekode": code, "scenario": scenario, "payer": payer, "year": year}
                    if code == "860":
                        row |= {"shadow_visited": BLANK[0], "actually_visited": BLANK[1]}
                    else:
                        row |= {"cumulative_net_dkk": value, "shadow_visited": 9, "actually_visited": 7}
                    records.append(row)
    return frame("business_case", records)


def summary_table(municipalities=("851", "860")) -> pd.DataFrame:
    records = []
    for code in municipalities:
        for scenario in ("base", "kort"):
            for payer in ("all", "kommune", "region", "stat"):
                row = {"report": "bc", "kommunekode": code, "scenario": scenario, "payer": payer}
                if code != "860" and payer == "all":
                    row |= {
                        "npv_dkk": 1400 if scenario == "base" else 100,
                        "payback_months": 12 * 1200 / 1300,
                        "switching_deadweight": 1 - 1200 / 2600,
                        "min_effect_years": 1,
                        "npv_ci_low": 500,
                        "npv_ci_high": 2000,
                    }
                records.append(row)
    return frame("business_case_summary", records)


# NPV at each end of the range: deadweight 0-0.5 swings 1,400 -> 100; effect years 1-2: 100 -> 1,400; decay
# 0-0.3: 1,400 -> 1,010; optimism bias 0-0.5: 1,400 -> 800; discount 1-6 %: 1,348 -> 1,175 (the widest first)
SENSITIVITY = {
    "deadweight": ("0.0", "0.0", "0.5", 1400, 100),
    "effect_years": ("2.0", "1.0", "2.0", 100, 1400),
    "decay": ("0.0", "0.0", "0.3", 1400, 1010),
    "optimism_bias": ("0.0", "0.0", "0.5", 1400, 800),
    "discount": ("", "0.01", "0.06", 1348, 1175),
}


def sensitivity_table(municipalities=("851", "860")) -> pd.DataFrame:
    records = []
    for code in municipalities:
        for scenario in ("base", "kort"):
            for parameter in SENSITIVITY_PARAMETERS:
                value, low, high, npv_low, npv_high = SENSITIVITY[parameter]
                row = {"report": "bc", "kommunekode": code, "scenario": scenario, "parameter": parameter}
                row |= {"assumption_value": value, "range_low": low, "range_high": high}
                if code != "860":
                    row |= {"npv_low_dkk": npv_low, "npv_high_dkk": npv_high}
                records.append(row)
    return frame("business_case_sensitivity", records)


def distribution_table(municipalities=("851", "860")) -> pd.DataFrame:
    """Percentiles of the resampled NPV: 0 .. 100 kr. for 0 .. 100 (evenly spread), for `base` only."""
    records = []
    for code in municipalities:
        for q in NPV_PERCENTILES:
            row = {"report": "bc", "kommunekode": code, "scenario": "base", "percentile": q}
            row |= {} if code == "860" else {"npv_dkk": 1000 * q}
            records.append(row)
    return frame("business_case_distribution", records)


def tables(municipalities=("851", "860")) -> dict[str, pd.DataFrame]:
    return {
        "business_case": years_table(municipalities),
        "business_case_summary": summary_table(municipalities),
        "business_case_sensitivity": sensitivity_table(municipalities),
        "business_case_distribution": distribution_table(municipalities),
    }


def test_the_cumulative_net_is_each_payers_per_year_and_the_payback_the_summarys():
    t = tables()
    prepared = bcp.prepare_cumulative(
        t["business_case"], t["business_case_summary"], t["business_case_sensitivity"], "bc", "851", DA
    )
    base = prepared.frame[prepared.frame.scenario == "base"]
    year_one = base[base.year == 1].set_index("payer")["cumulative_net_dkk"]
    assert year_one.to_dict() == {"all": 100, "kommune": -200, "region": 200, "stat": 100}
    panels = prepared.meta["panels"]
    assert [p["label"] for p in panels] == ["Grundscenarie", "Scenarie «kort»"]
    assert panels[0]["payback_months"] == pytest.approx(11.0769, abs=1e-4)
    assert panels[0]["assumptions"] == (
        "dødvægt 0 % · effekt i 2 år · aftagende effekt 0 % · optimismetillæg 0 % · "
        "diskontering: Finansministeriets rente"
    )
    figure = build.KINDS["business_case_cumulative"].plot(prepared, DA, Heading("t", "sub"))
    assert "Tilbagebetalt efter 11,1 måneder" in figure.axes[0].get_title(loc="left")


def test_a_business_case_the_copy_blanked_is_not_drawn():
    t = tables()
    for kind in ("business_case_cumulative", "business_case_tornado", "business_case_distribution"):
        context = build.Context(REPORT, t, MUNICIPALITIES, DA)
        assert build.KINDS[kind].prepare(context, "860").empty, kind


def test_the_tornado_puts_the_widest_swing_first_and_marks_the_contracts_switching_values():
    t = tables()
    prepared = bcp.prepare_tornado(t["business_case_sensitivity"], t["business_case_summary"], "bc", "851", DA)
    base = prepared.frame[prepared.frame.scenario == "base"]
    assert base.parameter.tolist() == ["deadweight", "effect_years", "optimism_bias", "decay", "discount"]
    rows = base.set_index("parameter")
    assert (rows.at["deadweight", "low_label"], rows.at["deadweight", "high_label"]) == ("0 %", "50 %")
    assert rows.at["deadweight", "switching_label"] == "53,8 %"  # 1 - 1,200 / 2,600
    assert rows.at["effect_years", "switching_label"] == "1 år"
    assert (
        rows.at["discount", "value_label"] == "Finansministeriets rente" and rows.at["discount", "high_label"] == "6 %"
    )
    assert rows.at["decay", "switching_label"] == ""  # the contract defines none
    figure = build.KINDS["business_case_tornado"].plot(prepared, DA, Heading("t"))
    widths = sorted(round(abs(p.get_width())) for p in figure.axes[0].patches)
    assert widths == sorted([0, 1300, 1300, 0, 0, 390, 0, 600, 52, 225])  # each bar from the NPV to an end


def test_the_distribution_gives_each_step_between_percentiles_its_share_of_the_resamples():
    t = tables()
    prepared = bcp.prepare_distribution(
        t["business_case_distribution"], t["business_case_summary"], "bc", "851", DA, {"base": 2000}
    )
    bars = prepared.frame
    assert len(bars) == len(NPV_PERCENTILES) - 1 and set(bars.scenario) == {"base"}  # `kort` had no resamples
    areas = bars.density * (bars.right - bars.left) / 1e6
    assert np.allclose(areas, 0.025) and math.isclose(areas.sum(), 1.0)
    assert (bars.left.iloc[0], bars.right.iloc[-1]) == (0.0, 100_000.0)
    panel = prepared.meta["panels"][0]
    assert (panel["ci_low"], panel["ci_high"], panel["resamples"]) == (500, 2000, 2000)


def test_the_report_gets_the_three_figures_per_municipality_and_its_total_where_two_have_one():
    one = build.Context(REPORT, tables(), MUNICIPALITIES, DA)
    stems = {spec.stem for spec, _ in build.plan(one)}
    kinds = ("business_case_cumulative", "business_case_tornado", "business_case_distribution")
    assert {f"{k}_851" for k in kinds} <= stems and not {s for s in stems if "860" in s or s in kinds}
    two = build.Context(
        dict(REPORT, municipalities=["851", "860", "813"]), tables(("851", "860", "813", "all")), MUNICIPALITIES, DA
    )
    planned = {spec.stem: spec for spec, _ in build.plan(two)}
    assert set(kinds) <= set(planned) and planned["business_case_tornado"].kommunekode is None
    without = build.Context(dict(REPORT, id="other"), tables(), MUNICIPALITIES, DA)
    assert not [spec for spec, _ in build.plan(without) if spec.kind.startswith("business_case")]


def test_the_distribution_says_how_many_resamples_from_the_config_as_written_or_normalised():
    written = build.Context(dict(REPORT, business_case={"bootstrap": 500}), tables(), MUNICIPALITIES, DA)
    prepared = build.KINDS["business_case_distribution"].prepare(written, "851")
    assert prepared.meta["panels"][0]["resamples"] == 500
    defaults = build.Context(dict(REPORT, business_case={}), tables(), MUNICIPALITIES, DA)
    assert build.KINDS["business_case_distribution"].prepare(defaults, "851").meta["panels"][0]["resamples"] == 2000
