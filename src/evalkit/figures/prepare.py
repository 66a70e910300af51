"""From a figure table (docs/figure_tables.md) to exactly the numbers one figure plots.

Every figure kind has one `prepare_<kind>` function here. It reads only the rows of one report (and one
municipality where the figure is per municipality) and returns a `Prepared`: a small DataFrame with one row per
plotted mark, plus the few single values the figure prints. The plot functions in `plots.py` draw that and
nothing else, so testing these functions against the table tests what the figure shows.

Tables are read as text, because the publication copies (results/publish/) hold `<5` for a count of 1-4 and `x`
for one masked to protect it: `count()` turns a cell into (value, mask), the mask being the cell's symbol ('' when
shown), and a masked count is plotted as no bar with its symbol as label.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from evalkit.config import Municipalities
from evalkit.contract import ALL, CONTACT_SOURCES, COURSE_PARAGRAPHS, MASK, SECONDARY_MASK
from evalkit.figures.text import Text
from evalkit.tables.registry import AGE_BANDS

AGE_BANDS_SHOWN_WHEN_EMPTY = ("18_29", "30_39", "40_49", "50_59", "60_plus")  # contract section 4's bands
LENGTH_BANDS = ("d0_30", "d31_91", "d92_183", "d184_plus")
LENGTH_BAND_DAYS = {"d0_30": (0, 30), "d31_91": (31, 91), "d92_183": (92, 183), "d184_plus": (184, None)}


# --- reading ---------------------------------------------------------------------------------------------------


def read_table(tables_dir: str | Path, family: str) -> pd.DataFrame:
    """A figure table as text (empty cells stay ''), or an empty frame when the family was not written."""
    path = Path(tables_dir) / f"{family}.csv"
    if not path.exists():
        return pd.DataFrame(columns=["report", "kommunekode"])
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def count(cell: object) -> tuple[float, str]:
    """A count cell -> (value, mask). '<5' -> (nan, '<5'), 'x' -> (nan, 'x'); '' -> (nan, ''); '7' -> (7.0, '')."""
    text = "" if cell is None else str(cell).strip()
    if text in (MASK, SECONDARY_MASK):
        return math.nan, text
    if text == "":
        return math.nan, ""
    return float(text), ""


def number(cell: object) -> float:
    """A rate, amount or mean cell -> float; '' (blank, also where masking blanked it) -> nan."""
    text = "" if cell is None else str(cell).strip()
    return math.nan if text in ("", MASK, SECONDARY_MASK) else float(text)


def rows(table: pd.DataFrame, report: str, kommunekode: str | None = None) -> pd.DataFrame:
    """The table's rows of one report (and municipality), in the table's order."""
    if table.empty:
        return table
    selected = table[table["report"] == report]
    if kommunekode is not None:
        selected = selected[selected["kommunekode"] == kommunekode]
    return selected.reset_index(drop=True)


def one_row(table: pd.DataFrame, report: str, kommunekode: str) -> dict[str, str] | None:
    selected = rows(table, report, kommunekode)
    return None if selected.empty else selected.iloc[0].to_dict()


def municipalities_in(table: pd.DataFrame, report: str) -> list[str]:
    """The report's municipalities in table order (the config's order), without `all`."""
    codes = rows(table, report)["kommunekode"] if not table.empty else []
    return [code for code in dict.fromkeys(codes) if code != ALL]


# --- prepared data ---------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """What one figure plots: `frame` (one row per mark) and the single values it prints (`meta`)."""

    frame: pd.DataFrame
    meta: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return bool(self.meta.get("empty", self.frame.empty))

    @property
    def masked(self) -> bool:
        """True when a value on the figure is hidden by publication masking (the figure then explains `<5`, `x`)."""
        columns = [c for c in self.frame.columns if c.endswith("masked")]
        in_frame = bool(columns) and bool(self.frame[columns].to_numpy().any())
        return in_frame or any(v for k, v in self.meta.items() if k.endswith("masked"))


def _has_values(values: list[tuple[float, bool]]) -> bool:
    """Something to show: a positive count, or a masked one (1-4 citizens is data too)."""
    return any(masked or (not math.isnan(v) and v > 0) for v, masked in values)


def prepare_paragraph_counts(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 000 appendix table 1: citizens with a § 82a and with a § 82b course in the period."""
    row = one_row(table, report, kommunekode) or {}
    records = []
    for paragraph in COURSE_PARAGRAPHS:
        value, masked = count(row.get(f"citizens_{paragraph}"))
        records.append(
            {"paragraph": paragraph, "label": text.paragraph(paragraph), "citizens": value, "masked": masked}
        )
    frame = pd.DataFrame(records)
    total, total_masked = count(row.get("citizens"))
    return Prepared(
        frame,
        {
            "citizens": total,
            "citizens_masked": total_masked,
            "empty": not _has_values(list(zip(frame.citizens, frame.masked, strict=True))),
        },
    )


def prepare_age(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 000 appendix table 2: citizens who ended a course in the period, by age band."""
    selected = rows(table, report, kommunekode)
    by_band = {r["age_band"]: r for r in selected.to_dict("records")}
    records = []
    for band in AGE_BANDS:
        value, masked = count(by_band.get(band, {}).get("citizens"))
        if band not in AGE_BANDS_SHOWN_WHEN_EMPTY and not masked and not value > 0:
            continue  # 'under 18' and 'unknown' only when there are any: the report's bands are 18-29 ... 60+
        records.append({"age_band": band, "label": text(f"age.{band}"), "citizens": value, "masked": masked})
    frame = pd.DataFrame(records, columns=["age_band", "label", "citizens", "masked"])
    return Prepared(frame, {"empty": not _has_values(list(zip(frame.citizens, frame.masked, strict=True)))})


def prepare_course_length(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 000 appendix table 3: ended courses by length band, with the mean (and median) length."""
    row = one_row(table, report, kommunekode) or {}
    records = []
    for band in LENGTH_BANDS:
        value, masked = count(row.get(band))
        low, high = LENGTH_BAND_DAYS[band]
        records.append(
            {
                "band": band,
                "label": text(f"course_length.{band}"),
                "courses": value,
                "masked": masked,
                "low_days": low,
                "high_days": high,
            }
        )
    frame = pd.DataFrame(records)
    ended, ended_masked = count(row.get("ended"))
    return Prepared(
        frame,
        {
            "ended": ended,
            "ended_masked": ended_masked,
            "mean_days": number(row.get("mean_days")),
            "median_days": number(row.get("median_days")),
            "empty": not _has_values([(ended, ended_masked)]),
        },
    )


def prepare_services_before_after(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 000 appendix table 4: services by paragraph, started before/during vs after the course."""
    selected = rows(table, report, kommunekode)
    records, totals = [], {}
    for r in selected.to_dict("records"):
        values = {timing: count(r[timing]) for timing in ("before_during", "after")}
        if r["paragraph"] == ALL:
            totals = {
                f"{timing}{suffix}": value[i]
                for timing, value in values.items()
                for i, suffix in enumerate(("", "_masked"))
            }
            continue
        if not _has_values(list(values.values())):
            continue  # a paragraph no citizen had: the table keeps it for completeness, the figure need not
        for timing, (value, masked) in values.items():
            records.append(
                {
                    "paragraph": r["paragraph"],
                    "label": text.paragraph(r["paragraph"]),
                    "timing": timing,
                    "timing_label": text(f"services_before_after.{timing}"),
                    "services": value,
                    "masked": masked,
                }
            )
    frame = pd.DataFrame(records, columns=["paragraph", "label", "timing", "timing_label", "services", "masked"])
    return Prepared(frame, {**totals, "empty": frame.empty})


def prepare_housing_support(
    table: pd.DataFrame, report: str, kommunekode: str, text: Text, section82_start: dt.date | None = None
) -> Prepared:
    """Report 000 appendix table 5: § 85 hours (or amount settled) and citizens per month."""
    selected = rows(table, report, kommunekode)
    records = []
    for r in selected.to_dict("records"):
        if r["month"] == ALL:
            continue
        citizens, citizens_masked = count(r["citizens"])
        records.append(
            {
                "month": dt.date.fromisoformat(r["month"] + "-01"),
                "hours": number(r["hours"]),
                "amount_dkk": number(r["amount_dkk"]),
                "citizens": citizens,
                "citizens_masked": citizens_masked,
            }
        )
    frame = pd.DataFrame(records, columns=["month", "hours", "amount_dkk", "citizens", "citizens_masked"])
    # The panels: each measure the municipality delivered (Aalborg sent amounts, Hjørring and Frederikshavn hours).
    measures = [
        m
        for m in ("hours", "amount_dkk", "citizens")
        if (frame[m].fillna(0) > 0).any() or (m == "citizens" and frame.citizens_masked.any())
    ]
    title = text(
        "housing_support.title_of", measures=text.join([text(f"housing_support.measure.{m}") for m in measures])
    )
    return Prepared(
        frame, {"measures": measures, "section82_start": section82_start, "empty": not measures, "title": title}
    )


def prepare_rate(
    table: pd.DataFrame,
    report: str,
    rate: str,
    numerator: str,
    denominator: str,
    municipalities: Municipalities,
    text: Text,
) -> Prepared:
    """A rate with its Wilson interval per municipality (referral-onward share, completion rate).

    A municipality without a denominator (nothing ended) has no rate and is left out; the report's total is shown
    when two or more municipalities have one.
    """
    records = []
    for r in rows(table, report).to_dict("records"):
        num, num_masked = count(r[numerator])
        den, den_masked = count(r[denominator])
        if not (den_masked or den > 0):
            continue
        records.append(
            {
                "kommunekode": r["kommunekode"],
                "label": municipalities.label(r["kommunekode"], text),
                "share": number(r[rate]),
                "ci_low": number(r["ci_low"]),
                "ci_high": number(r["ci_high"]),
                "numerator": num,
                "numerator_masked": num_masked,
                "denominator": den,
                "denominator_masked": den_masked,
            }
        )
    frame = pd.DataFrame(
        records,
        columns=[
            "kommunekode",
            "label",
            "share",
            "ci_low",
            "ci_high",
            "numerator",
            "numerator_masked",
            "denominator",
            "denominator_masked",
        ],
    )
    if (frame.kommunekode != ALL).sum() < 2:
        frame = frame[frame.kommunekode != ALL]
    return Prepared(frame.reset_index(drop=True), {"empty": frame.empty})


def prepare_contacts(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 001 figure 5.1: contacts by source, as shares of all contacts."""
    by_source = {r["source"]: r for r in rows(table, report, kommunekode).to_dict("records")}
    records = []
    for source in CONTACT_SOURCES:
        r = by_source.get(source, {})
        value, masked = count(r.get("contacts"))
        records.append(
            {
                "source": source,
                "label": text(f"contacts.{source}"),
                "contacts": value,
                "masked": masked,
                "share": number(r.get("share")),
                "ci_low": number(r.get("ci_low")),
                "ci_high": number(r.get("ci_high")),
            }
        )
    total, total_masked = count(by_source.get(ALL, {}).get("contacts"))
    return Prepared(
        pd.DataFrame(records),
        {"contacts": total, "contacts_masked": total_masked, "empty": not _has_values([(total, total_masked)])},
    )


def prepare_shadow_savings(
    shadow: pd.DataFrame, investment: pd.DataFrame, report: str, kommunekode: str, text: Text
) -> Prepared:
    """Report 001 section 5.1: shadow cost -> actual cost -> annual gain, as a waterfall; the investment beside.

    Each step has `start` and `end` on the kroner axis: the shadow cost rises from 0, the actual cost falls from
    the shadow cost, and the gain is the bar from 0 to what is left (shadow - actual; the table's annual_gain_dkk).
    """
    row = one_row(shadow, report, kommunekode) or {}
    shadow_cost, actual_cost = number(row.get("shadow_cost_dkk")), number(row.get("actual_cost_dkk"))
    gain = number(row.get("annual_gain_dkk"))
    shadow_n, shadow_masked = count(row.get("shadow_visited"))
    actual_n, actual_masked = count(row.get("actually_visited"))
    frame = pd.DataFrame(
        [
            {
                "step": "shadow",
                "label": text("shadow_savings.shadow", n=text.count(shadow_n, shadow_masked)),
                "value": shadow_cost,
                "start": 0.0,
                "end": shadow_cost,
            },
            {
                "step": "actual",
                "label": text("shadow_savings.actual", n=text.count(actual_n, actual_masked)),
                "value": -actual_cost,
                "start": shadow_cost,
                "end": shadow_cost - actual_cost,
            },
            {"step": "gain", "label": text("shadow_savings.gain"), "value": gain, "start": 0.0, "end": gain},
        ]
    )
    invest = one_row(investment, report, kommunekode) or {}
    ended, ended_masked = count(row.get("ended_citizens"))
    return Prepared(
        frame,
        {
            "shadow_visited": shadow_n,
            "shadow_visited_masked": shadow_masked,
            "actually_visited": actual_n,
            "actually_visited_masked": actual_masked,
            "ended_citizens": ended,
            "ended_citizens_masked": ended_masked,
            "investment_dkk": number(invest.get("investment_dkk")),
            "staff_hours": number(invest.get("staff_hours")),
            # no shadow registrations, no figure: without them the "gain" would just be minus the actual cost
            "empty": not _has_values([(shadow_n, shadow_masked)]),
        },
    )


def prepare_funnel(table: pd.DataFrame, report: str, kommunekode: str, text: Text) -> Prepared:
    """Report 003 table 3-1: citizens at each step, as a share of the first step and of the step before."""
    records = []
    for r in rows(table, report, kommunekode).to_dict("records"):
        value, masked = count(r["citizens"])
        records.append(
            {
                "step": r["step"],
                "step_order": int(r["step_order"]),
                "label": text.step(r["step"]),
                "citizens": value,
                "masked": masked,
                "share_of_first": number(r["share_of_first"]),
                "share_of_previous": number(r["share_of_previous"]),
            }
        )
    frame = (
        pd.DataFrame(
            records,
            columns=["step", "step_order", "label", "citizens", "masked", "share_of_first", "share_of_previous"],
        )
        .sort_values("step_order")
        .reset_index(drop=True)
    )
    first = frame.iloc[:1]
    return Prepared(
        frame, {"empty": first.empty or not _has_values(list(zip(first.citizens, first.masked, strict=True)))}
    )


def prepare_funnel_by_municipality(
    table: pd.DataFrame, report: str, municipalities: Municipalities, text: Text
) -> Prepared:
    """Report 003 bilagsfigur 1, for every step: per municipality, the share of the first step (the gross target
    group) whose furthest step, reached in order, is each later step.

    From `citizens_through` (citizens at a step who reached every earlier step): the segment of step k is
    (through_k - through_k+1) / first, the last step's is through_last / first, so the segments add up to the
    share that reached the second step. With report 003's three steps: blue = conversation and team meeting,
    green = conversation only. A municipality with a masked count gets no bar (its row says `<5`).
    """
    records = []
    selected = rows(table, report)
    for code in [c for c in dict.fromkeys(selected["kommunekode"]) if c != ALL]:
        steps = selected[selected.kommunekode == code].assign(order=lambda d: d.step_order.astype(int))
        steps = steps.sort_values("order").to_dict("records")
        first, first_masked = count(steps[0]["citizens"]) if steps else (math.nan, False)
        if not (first_masked or first > 0) or len(steps) < 2:
            continue
        through = [count(s["citizens_through"]) for s in steps]
        masked = first_masked or any(m for _, m in through[1:])
        for k in range(1, len(steps)):
            beyond = through[k + 1][0] if k + 1 < len(steps) else 0.0
            share = math.nan if masked else (through[k][0] - beyond) / first
            records.append(
                {
                    "kommunekode": code,
                    "label": municipalities.label(code, text),
                    "step": steps[k]["step"],
                    "step_order": int(steps[k]["step_order"]),
                    "step_label": text.step(steps[k]["step"]),
                    "share": share,
                    "masked": masked,
                }
            )
    frame = pd.DataFrame(
        records, columns=["kommunekode", "label", "step", "step_order", "step_label", "share", "masked"]
    )
    return Prepared(frame, {"empty": frame.empty})
