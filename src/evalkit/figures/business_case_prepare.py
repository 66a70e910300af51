"""From the business case's figure tables (docs/figure_tables.md, contract section 7) to what its three figures
plot: the cumulative net per year by payer with the payback, the tornado of one-way sensitivities with the
switching values, and the bootstrap distribution of the NPV. One panel per scenario, `base` first.

As every prepare function (prepare.py), these read the publication copies as text: a value the copy blanked
(the gain rests on 1-4 citizens) is NaN, and a scenario with nothing left to show is left out, so a figure never
draws what the copy hides.
"""

from __future__ import annotations

import math

import pandas as pd

from evalkit.contract import ALL, PAYERS
from evalkit.figures.prepare import Prepared, number, rows
from evalkit.figures.text import Text
from evalkit.tables.business_case import NPV_PERCENTILES, SENSITIVITY_PARAMETERS

# the assumptions that are shares (shown in percent); effect_years is a number of years
SHARES = ("deadweight", "decay", "optimism_bias", "discount")
# the contract's two switching values, by the assumption they belong to (business_case_summary's columns)
SWITCHING = {"deadweight": "switching_deadweight", "effect_years": "min_effect_years"}
STEP_SHARE = (NPV_PERCENTILES[1] - NPV_PERCENTILES[0]) / 100  # the share of the resamples between two percentiles


def assumption_value(parameter: str, value: float, text: Text) -> str:
    """An assumption's value as a reader says it: '30 %', '3,5 %', '2 år'; the rate schedule's name where the
    discount has no single value."""
    if math.isnan(value):
        return text("business_case.schedule") if parameter == "discount" else text("no_value")
    if parameter in SHARES:
        return text.percent(value, 0 if math.isclose(value * 100, round(value * 100)) else 1)
    return text("business_case.years", n=text.number(value))


def _scenarios(table: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(table["scenario"])) if not table.empty else []


def scenario_label(scenario: str, text: Text) -> str:
    return (
        text.code("scenario", scenario) if text.has(f"scenario.{scenario}") else text("scenario.named", name=scenario)
    )


def _assumptions_line(sensitivity: pd.DataFrame, scenario: str, text: Text) -> str:
    """The scenario's assumptions, from its sensitivity rows: 'dødvægt 30 % · effekt i 2 år · ...'."""
    own = {
        r["parameter"]: number(r["assumption_value"])
        for r in sensitivity.to_dict("records")
        if r["scenario"] == scenario
    }
    return " · ".join(text(f"business_case.assumption.{p}", value=assumption_value(p, own[p], text)) for p in own)


def _summary_row(summary: pd.DataFrame, scenario: str) -> dict:
    found = summary[(summary["scenario"] == scenario) & (summary["payer"] == ALL)] if not summary.empty else summary
    return found.iloc[0].to_dict() if not found.empty else {}


def prepare_cumulative(
    years: pd.DataFrame, summary: pd.DataFrame, sensitivity: pd.DataFrame, report: str, kommunekode: str, text: Text
) -> Prepared:
    """Per scenario and year: the cumulative net of each payer (kommune, region, stat; their sum is the total,
    payer `all`, drawn as a line) and the payback in months, where the total first reaches 0."""
    selected = rows(years, report, kommunekode)
    records, panels = [], []
    for scenario in _scenarios(selected):
        mine = selected[selected["scenario"] == scenario]
        total = mine[mine["payer"] == ALL]
        if total.empty or all(math.isnan(number(v)) for v in total["cumulative_net_dkk"]):
            continue  # an empty business case, or one the publication copy blanked
        for r in mine.to_dict("records"):
            records.append(
                {
                    "scenario": scenario,
                    "year": int(r["year"]),
                    "payer": r["payer"],
                    "payer_label": text.code("payer", r["payer"]),
                    "cumulative_net_dkk": number(r["cumulative_net_dkk"]),
                }
            )
        result = _summary_row(rows(summary, report, kommunekode), scenario)
        panels.append(
            {
                "scenario": scenario,
                "label": scenario_label(scenario, text),
                "assumptions": _assumptions_line(rows(sensitivity, report, kommunekode), scenario, text),
                "payback_months": number(result.get("payback_months")),
                "npv_dkk": number(result.get("npv_dkk")),
            }
        )
    frame = pd.DataFrame(records, columns=["scenario", "year", "payer", "payer_label", "cumulative_net_dkk"])
    return Prepared(frame, {"panels": panels, "payers": list(PAYERS), "empty": not panels})


def prepare_tornado(
    sensitivity: pd.DataFrame, summary: pd.DataFrame, report: str, kommunekode: str, text: Text
) -> Prepared:
    """Per scenario: each assumption's bar from the NPV at one end of its range to the NPV at the other, widest
    first, around the scenario's NPV; the contract's switching values (deadweight, fewest effect years) from the
    summary."""
    selected = rows(sensitivity, report, kommunekode)
    records, panels = [], []
    for scenario in _scenarios(selected):
        result = _summary_row(rows(summary, report, kommunekode), scenario)
        npv = number(result.get("npv_dkk"))
        mine = selected[selected["scenario"] == scenario].to_dict("records")
        if math.isnan(npv) or not mine:
            continue
        bars = []
        for r in mine:
            parameter = r["parameter"]
            low, high = number(r["range_low"]), number(r["range_high"])
            switching = number(result.get(SWITCHING[parameter])) if parameter in SWITCHING else math.nan
            bars.append(
                {
                    "scenario": scenario,
                    "parameter": parameter,
                    "label": text.code("assumption", parameter),
                    "value_label": assumption_value(parameter, number(r["assumption_value"]), text),
                    "low_label": assumption_value(parameter, low, text),
                    "high_label": assumption_value(parameter, high, text),
                    "npv_low_dkk": number(r["npv_low_dkk"]),
                    "npv_high_dkk": number(r["npv_high_dkk"]),
                    "switching": switching,
                    "switching_label": assumption_value(parameter, switching, text)
                    if not math.isnan(switching)
                    else "",
                }
            )
        order = {p: i for i, p in enumerate(SENSITIVITY_PARAMETERS)}
        bars.sort(key=lambda b: (-abs(b["npv_high_dkk"] - b["npv_low_dkk"]), order[b["parameter"]]))
        records += bars
        panels.append({"scenario": scenario, "label": scenario_label(scenario, text), "npv_dkk": npv})
    columns = [
        "scenario",
        "parameter",
        "label",
        "value_label",
        "low_label",
        "high_label",
        "npv_low_dkk",
        "npv_high_dkk",
        "switching",
        "switching_label",
    ]
    return Prepared(pd.DataFrame(records, columns=columns), {"panels": panels, "empty": not panels})


def prepare_distribution(
    distribution: pd.DataFrame, summary: pd.DataFrame, report: str, kommunekode: str, text: Text, resamples: dict
) -> Prepared:
    """Per scenario with resamples: the steps between consecutive percentiles of the resampled NPVs, each holding
    2.5 % of the resamples, as bars of that area (height: share of the resamples per million kroner); the NPV and
    its 95 % interval from the summary. `resamples`: the number of resamples per scenario (the config's)."""
    selected = rows(distribution, report, kommunekode)
    records, panels = [], []
    for scenario in _scenarios(selected):
        mine = selected[selected["scenario"] == scenario]
        values = sorted((float(q), number(v)) for q, v in zip(mine["percentile"], mine["npv_dkk"], strict=True))
        result = _summary_row(rows(summary, report, kommunekode), scenario)
        if any(math.isnan(v) for _, v in values) or math.isnan(number(result.get("npv_dkk"))):
            continue
        for (_, left), (_, right) in zip(values[:-1], values[1:], strict=True):
            if right > left:  # equal percentiles: resamples of the same value, no width to draw
                records.append(
                    {"scenario": scenario, "left": left, "right": right, "density": STEP_SHARE / ((right - left) / 1e6)}
                )
        panels.append(
            {
                "scenario": scenario,
                "label": scenario_label(scenario, text),
                "npv_dkk": number(result.get("npv_dkk")),
                "ci_low": number(result.get("npv_ci_low")),
                "ci_high": number(result.get("npv_ci_high")),
                "smallest": values[0][1],
                "largest": values[-1][1],
                "resamples": resamples.get(scenario),
            }
        )
    frame = pd.DataFrame(records, columns=["scenario", "left", "right", "density"])
    return Prepared(frame, {"panels": panels, "empty": not panels})
