"""Which figures a report gets, and drawing them: `plan()` decides from the figure tables, `render()` draws one.

A figure is made where its table has something to show for the report (and municipality): the report-000
appendix set for each municipality with courses or § 85 data, the rates across municipalities where any
municipality ended a course, contacts and shadow visitation where they were registered (report 001), the funnel
where the report configures one (report 003), the business case where a report has a `business_case` block
(per municipality with a business case, and for the whole report where two or more have one). So one set of
rules serves every configured report and municipality, and a figure never shows an empty frame.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from evalkit.config import Municipalities, business_case_defaults
from evalkit.contract import ALL
from evalkit.figures import business_case_plots, business_case_prepare, plots, prepare, programme_plots
from evalkit.figures.plots import Heading
from evalkit.figures.prepare import Prepared
from evalkit.figures.text import Text
from evalkit.figures.theme import save_figure
from evalkit.tables.business_case import scenarios

INTERNAL_SUFFIX = "_intern"
MANIFEST = "figures.csv"


@dataclass(frozen=True)
class Context:
    """Everything a figure is drawn from: one report's config entry, the figure tables, names, language."""

    report: Mapping
    tables: Mapping[str, pd.DataFrame]
    municipalities: Municipalities
    text: Text
    internal: bool = False

    @property
    def id(self) -> str:
        return str(self.report["id"])

    @property
    def period(self) -> str:
        start, end = (_date(self.report["period"][k]) for k in ("start", "end"))
        return self.text("period", start=self.text.date(start), end=self.text.date(end))


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class Kind:
    """A figure kind: the tables it reads, whether it is drawn per municipality, and its prepare/plot pair."""

    name: str  # its title is the label f"{name}.title"
    families: tuple[str, ...]
    prepare: Callable[[Context, str | None], Prepared]
    plot: Callable[[Prepared, Text, Heading], plt.Figure]
    per_municipality: bool = True
    # drawn for the report's `all` row too (as one figure over the whole report) where two or more municipalities
    # have one
    with_total: bool = False


def _table(context: Context, family: str) -> pd.DataFrame:
    return context.tables.get(family, pd.DataFrame(columns=["report", "kommunekode"]))


def _resamples(context: Context) -> dict[str, int]:
    """The number of resamples of each scenario of the report's business case (the config's, its defaults filled
    in where the entry is as written rather than normalised)."""
    block = context.report.get("business_case")
    if block is None:
        return {}
    return {name: a.bootstrap for name, a in scenarios({**business_case_defaults(), **block})}


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        # report 000, appendix tables 1-5, per municipality
        Kind(
            "paragraph_counts",
            ("paragraph_counts",),
            lambda c, k: prepare.prepare_paragraph_counts(_table(c, "paragraph_counts"), c.id, k, c.text),
            lambda p, t, h: plots.plot_counts(p, "citizens", t, h, ylabel=t("citizens")),
        ),
        Kind(
            "age",
            ("age",),
            lambda c, k: prepare.prepare_age(_table(c, "age"), c.id, k, c.text),
            lambda p, t, h: plots.plot_counts(p, "citizens", t, h, xlabel=t("age.axis"), ylabel=t("citizens")),
        ),
        Kind(
            "course_length",
            ("course_length",),
            lambda c, k: prepare.prepare_course_length(_table(c, "course_length"), c.id, k, c.text),
            plots.plot_course_length,
        ),
        Kind(
            "services_before_after",
            ("services_before_after",),
            lambda c, k: prepare.prepare_services_before_after(_table(c, "services_before_after"), c.id, k, c.text),
            plots.plot_services_before_after,
        ),
        Kind(
            "housing_support",
            ("housing_support",),
            lambda c, k: prepare.prepare_housing_support(
                _table(c, "housing_support"), c.id, k, c.text, c.municipalities.section82_start.get(k)
            ),
            plots.plot_housing_support,
        ),
        # across municipalities
        Kind(
            "referral_onward",
            ("referral_onward",),
            lambda c, k: prepare.prepare_rate(
                _table(c, "referral_onward"), c.id, "share", "later_visited", "ended_citizens", c.municipalities, c.text
            ),
            lambda p, t, h: plots.plot_rate(p, t, h, t("referral_onward.axis")),
            per_municipality=False,
        ),
        Kind(
            "completion",
            ("completion",),
            lambda c, k: prepare.prepare_rate(
                _table(c, "completion"), c.id, "rate", "completed", "ended", c.municipalities, c.text
            ),
            lambda p, t, h: plots.plot_rate(p, t, h, t("completion.axis")),
            per_municipality=False,
        ),
        # report 001
        Kind(
            "contacts",
            ("contacts",),
            lambda c, k: prepare.prepare_contacts(_table(c, "contacts"), c.id, k, c.text),
            programme_plots.plot_contacts,
        ),
        Kind(
            "shadow_savings",
            ("shadow_savings", "investment"),
            lambda c, k: prepare.prepare_shadow_savings(
                _table(c, "shadow_savings"), _table(c, "investment"), c.id, k, c.text
            ),
            programme_plots.plot_shadow_savings,
        ),
        # the business case (contract section 7), where a report has one
        Kind(
            "business_case_cumulative",
            ("business_case", "business_case_summary", "business_case_sensitivity"),
            lambda c, k: business_case_prepare.prepare_cumulative(
                _table(c, "business_case"),
                _table(c, "business_case_summary"),
                _table(c, "business_case_sensitivity"),
                c.id,
                k,
                c.text,
            ),
            business_case_plots.plot_cumulative,
            with_total=True,
        ),
        Kind(
            "business_case_tornado",
            ("business_case_sensitivity", "business_case_summary"),
            lambda c, k: business_case_prepare.prepare_tornado(
                _table(c, "business_case_sensitivity"), _table(c, "business_case_summary"), c.id, k, c.text
            ),
            business_case_plots.plot_tornado,
            with_total=True,
        ),
        Kind(
            "business_case_distribution",
            ("business_case_distribution", "business_case_summary"),
            lambda c, k: business_case_prepare.prepare_distribution(
                _table(c, "business_case_distribution"),
                _table(c, "business_case_summary"),
                c.id,
                k,
                c.text,
                _resamples(c),
            ),
            business_case_plots.plot_distribution,
            with_total=True,
        ),
        # report 003
        Kind(
            "funnel",
            ("funnel",),
            lambda c, k: prepare.prepare_funnel(_table(c, "funnel"), c.id, ALL, c.text),
            programme_plots.plot_funnel,
            per_municipality=False,
        ),
        Kind(
            "funnel_by_municipality",
            ("funnel",),
            lambda c, k: prepare.prepare_funnel_by_municipality(_table(c, "funnel"), c.id, c.municipalities, c.text),
            programme_plots.plot_funnel_by_municipality,
            per_municipality=False,
        ),
    )
}
FAMILIES = tuple(dict.fromkeys(f for kind in KINDS.values() for f in kind.families))


@dataclass(frozen=True)
class Spec:
    """One planned figure: its kind and municipality (None for a figure over the whole report)."""

    kind: str
    kommunekode: str | None = None
    internal: bool = False

    @property
    def stem(self) -> str:
        name = self.kind if self.kommunekode is None else f"{self.kind}_{self.kommunekode}"
        return name + (INTERNAL_SUFFIX if self.internal else "")


def report_municipalities(context: Context) -> list[str]:
    """The report's municipalities in config order, as the figure tables list them."""
    codes: dict[str, None] = {}
    for family in FAMILIES:
        codes.update(dict.fromkeys(prepare.municipalities_in(_table(context, family), context.id)))
    return list(codes)


def plan(context: Context) -> list[tuple[Spec, Prepared]]:
    """Every figure the report gets, with its prepared data, in reading order."""
    planned = []
    municipalities = report_municipalities(context)
    for code in municipalities:
        for kind in (k for k in KINDS.values() if k.per_municipality):
            prepared = kind.prepare(context, code)
            if not prepared.empty:
                planned.append((Spec(kind.name, code, context.internal), prepared))
    for kind in (k for k in KINDS.values() if k.with_total):
        if sum(spec.kind == kind.name for spec, _ in planned) >= 2:
            prepared = kind.prepare(context, ALL)
            if not prepared.empty:
                planned.append((Spec(kind.name, None, context.internal), prepared))
    for kind in (k for k in KINDS.values() if not k.per_municipality):
        prepared = kind.prepare(context, None)
        if not prepared.empty:
            planned.append((Spec(kind.name, None, context.internal), prepared))
    return planned


def heading(context: Context, spec: Spec, prepared: Prepared) -> Heading:
    text = context.text
    # a figure whose content varies (the § 85 measures a municipality delivered) names it in its title
    title = prepared.meta.get("title") or text(f"{spec.kind}.title")
    if context.internal:
        title += f" ({text('internal')})"
    where = (
        text("municipality_of", name=context.municipalities.label(spec.kommunekode, text))
        if spec.kommunekode is not None
        else context.report.get("title", context.id)
    )
    when = context.period
    if spec.kind == "housing_support" and not prepared.frame.empty:
        months = prepared.frame["month"]
        when = f"{text.month(months.min())} – {text.month(months.max())}"
    subtitle = f"{where} · {when}" if len(where) + len(when) < 70 else f"{where}\n{when}"
    return Heading(title=title, subtitle=subtitle)


def render(context: Context, spec: Spec, prepared: Prepared) -> plt.Figure:
    return KINDS[spec.kind].plot(prepared, context.text, heading(context, spec, prepared))


def write_report_figures(context: Context, out_dir: Path) -> list[Spec]:
    """Draw every planned figure of the report into out_dir (PNG + SVG) and list them in figures.csv."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with open(out_dir / MANIFEST, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["figure", "kind", "kommunekode", "title", "tables"])
        for spec, prepared in plan(context):
            figure_heading = heading(context, spec, prepared)
            save_figure(KINDS[spec.kind].plot(prepared, context.text, figure_heading), out_dir / spec.stem)
            writer.writerow(
                [
                    spec.stem,
                    spec.kind,
                    spec.kommunekode or ALL,
                    figure_heading.title,
                    " ".join(KINDS[spec.kind].families),
                ]
            )
            written.append(spec)
    return written


def load_tables(tables_dir: str | Path) -> dict[str, pd.DataFrame]:
    return {family: prepare.read_table(tables_dir, family) for family in FAMILIES}
