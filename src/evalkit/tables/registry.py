"""The registry of figure families: every fact about a family that more than its SQL needs, declared once.

A family is one query, `sql/<family>.sql`, and one entry in FAMILIES below. Everything else reads this module:
the figure-table job and the publication copies (which columns are counts, rates, interval bounds, amounts),
the Excel workbook (sheet names and headers in Danish and English, which cells are text or percentages), the
Snakemake rules (which families there are, which are published, which are shown in the HTML report) and
docs/figure_tables.md (checked against it by a test). How to add a family: docs/adding_a_family.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources

from evalkit.config import Report
from evalkit.contract import ALL, CONTACT_SOURCES
from evalkit.tables.relations import (
    AT_MOST,
    EQUAL,
    Declaration,
    KeyTotal,
    Link,
    RowAtMost,
    RowTotal,
    SameAcrossReports,
    Steps,
)

# Kinds of figure-table column: how the shared mechanism fills it, how publication treats it, how Excel shows it.
LABEL = "label"  # a key or other text: a code, a month, a date (never a quantity, even when it looks like one)
COUNT = "count"  # a number of citizens, courses, services, contacts or rows: 0 where the query has none, masked 1-4
RATE = "rate"  # a share in [0, 1], computed from a numerator and a denominator count
BOUND = "bound"  # a 95 % Wilson interval bound of a rate
AMOUNT = "amount"  # a total of kroner, hours or months: 0 where the query has none
MEASURE = "measure"  # a mean, median or single value: empty where the query has none
SETTING = "setting"  # a value the method is set to, not a measured one (an assumption, a percentile's level)
KINDS = (LABEL, COUNT, RATE, BOUND, AMOUNT, MEASURE, SETTING)


@dataclass(frozen=True)
class Column:
    kind: str
    da: str  # header in Danish, in the reports' own terms
    en: str
    # a label column of codes: each value's word is the figure label "<codes>.<value>" (evalkit.figures.text)
    codes: str | None = None


# Every figure-table column, by name: a name means the same thing, and is labelled the same, in every family.
COLUMNS: dict[str, Column] = {
    "report": Column(LABEL, "Rapport", "Report"),
    "kommunekode": Column(LABEL, "Kommunekode", "Municipality code"),
    "ended": Column(COUNT, "Afsluttede forløb", "Ended courses"),
    "completed": Column(COUNT, "Gennemførte forløb", "Completed courses"),
    "rate": Column(RATE, "Andel", "Rate"),
    "share": Column(RATE, "Andel", "Share"),
    "ci_low": Column(BOUND, "95 %-interval, nedre", "95 % interval, lower"),
    "ci_high": Column(BOUND, "95 %-interval, øvre", "95 % interval, upper"),
    "ci_low_previous": Column(BOUND, "95 %-interval (forrige trin), nedre", "95 % interval (previous step), lower"),
    "ci_high_previous": Column(BOUND, "95 %-interval (forrige trin), øvre", "95 % interval (previous step), upper"),
    "citizens_with_course": Column(COUNT, "Borgere med forløb", "Citizens with a course"),
    "ended_citizens": Column(COUNT, "Borgere med afsluttet forløb", "Citizens with an ended course"),
    "active_citizens": Column(COUNT, "Borgere i igangværende forløb", "Citizens in an ongoing course"),
    "returning_citizens": Column(COUNT, "Borgere, der vender tilbage", "Returning citizens"),
    "adhoc_citizens": Column(COUNT, "Borgere med ad hoc-hjælp", "Citizens with ad hoc help"),
    "group_citizens": Column(COUNT, "Borgere i gruppeforløb", "Citizens in group courses"),
    "individual_citizens": Column(COUNT, "Borgere i individuelle forløb", "Citizens in individual courses"),
    "first_course_start": Column(LABEL, "Første forløbs start", "First course start"),
    "later_visited": Column(COUNT, "Senere visiteret", "Later visited"),
    "paragraph": Column(LABEL, "Paragraf", "Paragraph", codes="paragraph"),
    "before_during": Column(COUNT, "Indsatser før/under forløbet", "Services before/during the course"),
    "after": Column(COUNT, "Indsatser efter forløbet", "Services after the course"),
    "citizens_before_during": Column(COUNT, "Borgere med indsats før/under", "Citizens with a service before/during"),
    "citizens_after": Column(COUNT, "Borgere med indsats efter", "Citizens with a service after"),
    "mean_days": Column(MEASURE, "Gennemsnit (dage)", "Mean (days)"),
    "median_days": Column(MEASURE, "Median (dage)", "Median (days)"),
    "d0_30": Column(COUNT, "0–30 dage", "0–30 days"),
    "d31_91": Column(COUNT, "31–91 dage", "31–91 days"),
    "d92_183": Column(COUNT, "92–183 dage", "92–183 days"),
    "d184_plus": Column(COUNT, "Over 183 dage", "Over 183 days"),
    "age_band": Column(LABEL, "Aldersgruppe", "Age band", codes="age"),
    "citizens": Column(COUNT, "Borgere", "Citizens"),
    "courses": Column(COUNT, "Forløb", "Courses"),
    "programme": Column(LABEL, "Program", "Programme"),
    "step": Column(LABEL, "Trin", "Step", codes="step"),
    "step_order": Column(LABEL, "Trinnummer", "Step number"),
    "citizens_through": Column(COUNT, "Borgere gennem alle trin hertil", "Citizens through every step so far"),
    "share_of_first": Column(RATE, "Andel af første trin", "Share of the first step"),
    "share_of_previous": Column(RATE, "Andel af forrige trin", "Share of the previous step"),
    "mean_days_from_previous": Column(
        MEASURE, "Dage fra forrige trin (gennemsnit)", "Days from the previous step (mean)"
    ),
    "citizens_with_previous": Column(COUNT, "Borgere med forrige trin", "Citizens with the previous step"),
    "first_step_citizens": Column(COUNT, "Borgere på første trin", "Citizens at the first step"),
    "previous_step_citizens": Column(COUNT, "Borgere på forrige trin", "Citizens at the previous step"),
    "month": Column(LABEL, "Måned", "Month"),
    "hours": Column(AMOUNT, "Timer", "Hours"),
    "amount_dkk": Column(AMOUNT, "Beløb (kr.)", "Amount (DKK)"),
    "source": Column(LABEL, "Kilde", "Source", codes="contacts"),
    "contacts": Column(COUNT, "Henvendelser", "Contacts"),
    "all_contacts": Column(COUNT, "Henvendelser i alt", "All contacts"),
    "staff_hours": Column(AMOUNT, "Medarbejdertimer", "Staff hours"),
    "investment_dkk": Column(AMOUNT, "Investering (kr.)", "Investment (DKK)"),
    "months": Column(AMOUNT, "Måneder", "Months"),
    "shadow_visited": Column(COUNT, "Skyggevisiterede borgere", "Shadow-visited citizens"),
    # empty, not 0, where shadow visitation was not registered (sql/shadow_savings.sql): a measure, not a sum
    "shadow_cost_dkk": Column(MEASURE, "Skyggevisitation, årlig udgift (kr.)", "Shadow visitation, annual cost (DKK)"),
    "actually_visited": Column(COUNT, "Faktisk visiterede borgere", "Actually visited citizens"),
    "actual_cost_dkk": Column(AMOUNT, "Faktisk visitation, årlig udgift (kr.)", "Actual visitation, annual cost (DKK)"),
    "annual_gain_dkk": Column(MEASURE, "Årlig gevinst (kr.)", "Annual gain (DKK)"),
    "shadow_municipalities": Column(AMOUNT, "Kommuner med skyggevisitation", "Municipalities with shadow visitation"),
    "measured_actual_cost_dkk": Column(
        MEASURE,
        "Faktisk visitation i kommuner med skyggevisitation, årlig udgift (kr.)",
        "Actual visitation where shadow visitation was registered, annual cost (DKK)",
    ),
    "scenario": Column(LABEL, "Scenarie", "Scenario", codes="scenario"),
    "payer": Column(LABEL, "Betaler", "Payer", codes="payer"),
    "year": Column(LABEL, "År", "Year"),
    "gain_dkk": Column(MEASURE, "Gevinst (kr.)", "Gain (DKK)"),
    "net_dkk": Column(MEASURE, "Netto (kr.)", "Net (DKK)"),
    "cumulative_net_dkk": Column(MEASURE, "Akkumuleret netto (kr.)", "Cumulative net (DKK)"),
    "discount_factor": Column(MEASURE, "Diskonteringsfaktor", "Discount factor"),
    "discounted_net_dkk": Column(MEASURE, "Diskonteret netto (kr.)", "Discounted net (DKK)"),
    "cumulative_discounted_dkk": Column(
        MEASURE, "Akkumuleret diskonteret netto (kr.)", "Cumulative discounted net (DKK)"
    ),
    "npv_dkk": Column(MEASURE, "Nettonutidsværdi (kr.)", "Net present value (DKK)"),
    "benefit_cost_ratio": Column(MEASURE, "Gevinst pr. investeret krone", "Benefit–cost ratio"),
    "payback_months": Column(MEASURE, "Tilbagebetalingstid (måneder)", "Payback (months)"),
    "discounted_payback_months": Column(
        MEASURE, "Diskonteret tilbagebetalingstid (måneder)", "Discounted payback (months)"
    ),
    "switching_deadweight": Column(MEASURE, "Skifteværdi: dødvægt", "Switching value: deadweight"),
    "min_effect_years": Column(MEASURE, "Skifteværdi: færrest effektår", "Switching value: fewest effect years"),
    "gain_ci_low": Column(MEASURE, "Årlig gevinst, 95 %-interval, nedre", "Annual gain, 95 % interval, lower"),
    "gain_ci_high": Column(MEASURE, "Årlig gevinst, 95 %-interval, øvre", "Annual gain, 95 % interval, upper"),
    "npv_ci_low": Column(MEASURE, "Nettonutidsværdi, 95 %-interval, nedre", "Net present value, 95 % interval, lower"),
    "npv_ci_high": Column(MEASURE, "Nettonutidsværdi, 95 %-interval, øvre", "Net present value, 95 % interval, upper"),
    "payback_ci_low": Column(MEASURE, "Tilbagebetalingstid, 95 %-interval, nedre", "Payback, 95 % interval, lower"),
    "payback_ci_high": Column(MEASURE, "Tilbagebetalingstid, 95 %-interval, øvre", "Payback, 95 % interval, upper"),
    "parameter": Column(LABEL, "Forudsætning", "Assumption", codes="assumption"),
    "assumption_value": Column(SETTING, "Scenariets værdi", "The scenario's value"),
    "range_low": Column(SETTING, "Følsomhed fra", "Sensitivity from"),
    "range_high": Column(SETTING, "Følsomhed til", "Sensitivity to"),
    "npv_low_dkk": Column(MEASURE, "Nettonutidsværdi ved fra-værdien (kr.)", "Net present value at the low end (DKK)"),
    "npv_high_dkk": Column(
        MEASURE, "Nettonutidsværdi ved til-værdien (kr.)", "Net present value at the high end (DKK)"
    ),
    "percentile": Column(SETTING, "Percentil", "Percentile"),
    "unpriced_rows": Column(COUNT, "Rækker uden pris", "Unpriced rows"),
    "citizens_82a": Column(COUNT, "Borgere med § 82a", "Citizens with § 82a"),
    "citizens_82b": Column(COUNT, "Borgere med § 82b", "Citizens with § 82b"),
    "table_name": Column(LABEL, "Tabel", "Table"),
    "row_id": Column(LABEL, "Række", "Row"),
    "hours_per_week": Column(MEASURE, "Timer pr. uge", "Hours per week"),
    "reason": Column(LABEL, "Årsag", "Reason"),
}

AGE_BANDS = ("under_18", "18_29", "30_39", "40_49", "50_59", "60_plus", "unknown")


@dataclass(frozen=True)
class Rate:
    name: str
    numerator: str
    denominator: str
    ci: tuple[str, str] = ("ci_low", "ci_high")

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.name, *self.ci)


@dataclass(frozen=True)
class Family:
    """A figure family: what the shared mechanism, publication and the outputs need beyond its SQL."""

    name: str
    title_da: str  # the Excel sheet name (at most 31 characters) and the family's name in Danish
    title_en: str
    columns: tuple[str, ...]  # output order after report, kommunekode; each one of COLUMNS
    keys: tuple[tuple[str, str], ...] = ()  # (column, DuckDB type): a row per scope and key value
    derived_counts: tuple[tuple[str, str], ...] = ()  # (column, SQL over the filled rows): denominators
    rates: tuple[Rate, ...] = ()
    # published copies blank a value when any of the counts it is computed over is masked
    guarded: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # key values every scope gets a row for, in this order (values only found in the data come first)
    domain: Callable[[Report], list[tuple]] = lambda report: [()]
    per_municipality: bool = True  # False: the query's rows as they are (unpriced)
    # a step (evalkit.tables.compute.PREPARE_STEPS) run once per report before the query, which reads what it made
    prepared_by: str | None = None
    published: bool = True  # has a publication copy (results/publish/, tables.xlsx)
    in_report: bool = False  # its publication copy is shown in the HTML report
    # what a reader knows adds up among its counts and those of other families (tables/relations.py)
    relations: tuple[Declaration, ...] = ()
    # A report the family does not apply to has only zeros in these columns (default: every count and amount);
    # the workbook leaves its rows out.
    applies_if: tuple[str, ...] = ()

    @property
    def sql_file(self) -> str:
        return f"sql/{self.name}.sql"

    @property
    def header(self) -> list[str]:
        return ["report", "kommunekode", *self.columns]

    def _of_kind(self, kind: str) -> tuple[str, ...]:
        derived = {name for name, _ in self.derived_counts}
        return tuple(c for c in self.columns if COLUMNS[c].kind == kind and c not in derived)

    @property
    def counts(self) -> tuple[str, ...]:
        """Counts the query computes (0 where it has no row)."""
        return self._of_kind(COUNT)

    @property
    def sums(self) -> tuple[str, ...]:
        """Amounts the query computes (0 where it has no row)."""
        return self._of_kind(AMOUNT)

    @property
    def all_counts(self) -> tuple[str, ...]:
        return self.counts + tuple(name for name, _ in self.derived_counts)

    @property
    def presence(self) -> tuple[str, ...]:
        """The columns of which a report needs a non-zero value for the family to apply to it."""
        return self.applies_if or self.counts + self.sums

    def read_sql(self) -> str:
        return read_sql(self.name)


def read_sql(name: str) -> str:
    return resources.files("evalkit.tables").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _rate_columns(*rates: Rate) -> tuple[str, ...]:
    return tuple(c for r in rates for c in r.columns)


_COMPLETION = Rate("rate", "completed", "ended")
_REFERRAL = Rate("share", "later_visited", "ended_citizens")
_FIRST = Rate("share_of_first", "citizens", "first_step_citizens")
_PREVIOUS = Rate("share_of_previous", "citizens", "previous_step_citizens", ("ci_low_previous", "ci_high_previous"))
_CONTACT_SHARE = Rate("share", "contacts", "all_contacts")
# The business case (contract section 7): every value computed from the gain rests on the citizens it counts.
BUSINESS_CASE_YEAR = (
    "investment_dkk",
    "gain_dkk",
    "net_dkk",
    "cumulative_net_dkk",
    "discount_factor",
    "discounted_net_dkk",
    "cumulative_discounted_dkk",
)
BUSINESS_CASE_SUMMARY = (
    "investment_dkk",
    "annual_gain_dkk",
    "npv_dkk",
    "benefit_cost_ratio",
    "payback_months",
    "discounted_payback_months",
    "switching_deadweight",
    "min_effect_years",
    "gain_ci_low",
    "gain_ci_high",
    "npv_ci_low",
    "npv_ci_high",
    "payback_ci_low",
    "payback_ci_high",
)
# What the figures show beside the summary, for the public budget as a whole: the NPV with one assumption at each
# end of its range (the tornado), and the NPV at every 2.5th percentile of the resamples (its distribution).
BUSINESS_CASE_SENSITIVITY = ("assumption_value", "range_low", "range_high", "npv_low_dkk", "npv_high_dkk")
BUSINESS_CASE_DISTRIBUTION = ("npv_dkk",)
GAIN_COUNTS = ("shadow_visited", "actually_visited")
# A business-case row repeats the shadow-visitation counts its gain rests on: the same counts, so one mask. A
# municipality that registered no shadow visitation has shadow_visited 0 in both; the business case's `all` then
# counts only the municipalities that registered it, so its actually_visited is at most shadow_savings' there.
_GAIN_LINKS = (
    Link("shadow_visited", "shadow_savings", "shadow_visited"),
    Link("actually_visited", "shadow_savings", "actually_visited", municipalities_only=True),
    Link("actually_visited", "shadow_savings", "actually_visited", sense=AT_MOST),
)
_FUNNEL_WINDOW = "OVER (PARTITION BY kommunekode, programme ORDER BY step_order)"

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "completion",
            "Gennemførelse",
            "Completion",
            relations=(
                RowTotal("citizens_with_course", ("ended_citizens", "active_citizens")),
                RowAtMost("completed", "ended"),
                RowAtMost("ended_citizens", "ended"),
                *(
                    RowAtMost(c, "citizens_with_course")
                    for c in ("returning_citizens", "adhoc_citizens", "group_citizens", "individual_citizens")
                ),
            ),
            columns=(
                "ended",
                "completed",
                *_rate_columns(_COMPLETION),
                "citizens_with_course",
                "ended_citizens",
                "active_citizens",
                "returning_citizens",
                "adhoc_citizens",
                "group_citizens",
                "individual_citizens",
                "first_course_start",
            ),
            rates=(_COMPLETION,),
            in_report=True,
        ),
        Family(
            "referral_onward",
            "Senere visiteret",
            "Referral onward",
            relations=(
                Link("ended_citizens", "completion", "ended_citizens"),
                RowAtMost("later_visited", "ended_citizens"),
            ),
            columns=("ended_citizens", "later_visited", *_rate_columns(_REFERRAL)),
            rates=(_REFERRAL,),
            in_report=True,
        ),
        Family(
            "services_before_after",
            "Indsatser før og efter",
            "Services before and after",
            relations=(
                # a citizen can have services of several paragraphs: counted once in `all`
                KeyTotal(
                    "paragraph",
                    columns=("before_during", "after"),
                    distinct=("citizens_before_during", "citizens_after"),
                ),
                RowAtMost("citizens_before_during", "before_during"),
                RowAtMost("citizens_after", "after"),
                Link("citizens_after", "referral_onward", "later_visited", where=(("paragraph", ALL),)),
                Link(
                    "citizens_before_during", "completion", "ended_citizens", where=(("paragraph", ALL),), sense=AT_MOST
                ),
            ),
            keys=(("paragraph", "VARCHAR"),),
            columns=("paragraph", "before_during", "after", "citizens_before_during", "citizens_after"),
            domain=lambda report: [(ALL,)],
            in_report=True,
        ),
        Family(
            "course_length",
            "Forløbslængde",
            "Course length",
            relations=(
                Link("ended", "completion", "ended"),
                RowTotal("ended", ("d0_30", "d31_91", "d92_183", "d184_plus")),
            ),
            columns=("ended", "mean_days", "median_days", "d0_30", "d31_91", "d92_183", "d184_plus"),
            guarded={"mean_days": ("ended",), "median_days": ("ended",)},
            in_report=True,
        ),
        Family(
            "age",
            "Alder",
            "Age",
            relations=(
                # a citizen is counted in one band (that of their latest ended course); a course in its own
                Link("citizens", "completion", "ended_citizens", summed=True),
                Link("courses", "completion", "ended", summed=True),
                RowAtMost("citizens", "courses"),
            ),
            keys=(("age_band", "VARCHAR"),),
            columns=("age_band", "citizens", "courses"),
            domain=lambda report: [(band,) for band in AGE_BANDS],
        ),
        Family(
            "funnel",
            "Forløbstrin",
            "Funnel",
            relations=(
                Steps(
                    "step_order",
                    to_first=(("first_step_citizens", "citizens", EQUAL),),
                    to_previous=(
                        ("previous_step_citizens", "citizens", EQUAL),
                        ("citizens_through", "citizens_through", AT_MOST),
                        ("citizens_with_previous", "citizens", AT_MOST),
                    ),
                    in_first=(("citizens_through", "citizens", EQUAL),),
                    in_later=(
                        ("citizens_through", "citizens_with_previous", AT_MOST),
                        ("citizens_with_previous", "citizens", AT_MOST),
                    ),
                ),
            ),
            keys=(("programme", "VARCHAR"), ("step", "VARCHAR"), ("step_order", "INTEGER")),
            columns=(
                "programme",
                "step",
                "step_order",
                "citizens",
                "citizens_through",
                "share_of_first",
                "share_of_previous",
                "ci_low",
                "ci_high",
                "mean_days_from_previous",
                "ci_low_previous",
                "ci_high_previous",
                "citizens_with_previous",
                "first_step_citizens",
                "previous_step_citizens",
            ),
            derived_counts=(
                ("first_step_citizens", f"first_value(citizens) {_FUNNEL_WINDOW}"),
                ("previous_step_citizens", f"lag(citizens) {_FUNNEL_WINDOW}"),
            ),
            rates=(_FIRST, _PREVIOUS),
            guarded={"mean_days_from_previous": ("citizens_with_previous",)},
            domain=lambda report: [
                (report.funnel_programme, step, order) for order, step in enumerate(report.funnel_steps, start=1)
            ],
            in_report=True,
        ),
        Family(
            "housing_support",
            "Bostøtte § 85",
            "Housing support § 85",
            # every delivered month up to the period's end, whatever the period's start: a month is the same count
            # in every report that reaches it
            relations=(KeyTotal("month", columns=("citizens",)), SameAcrossReports("month")),
            keys=(("month", "VARCHAR"),),
            columns=("month", "hours", "citizens", "amount_dkk"),
            guarded={"hours": ("citizens",), "amount_dkk": ("citizens",)},
            domain=lambda report: [(ALL,)],
        ),
        Family(
            "contacts",
            "Henvendelser",
            "Contacts",
            relations=(
                KeyTotal("source", columns=("contacts",)),
                Link("all_contacts", "contacts", "contacts", other_where=(("source", ALL),)),
            ),
            keys=(("source", "VARCHAR"),),
            columns=("source", "contacts", *_rate_columns(_CONTACT_SHARE), "all_contacts"),
            derived_counts=(
                ("all_contacts", f"max(CASE WHEN source = '{ALL}' THEN contacts END) OVER (PARTITION BY kommunekode)"),
            ),
            rates=(_CONTACT_SHARE,),
            domain=lambda report: [(source,) for source in (*CONTACT_SOURCES, ALL)],
        ),
        Family(
            "investment",
            "Investering",
            "Investment",
            columns=("staff_hours", "investment_dkk", "months"),  # no counts of people: nothing to mask
        ),
        Family(
            "shadow_savings",
            "Skyggevisitation",
            "Shadow visitation",
            relations=(
                Link("ended", "completion", "ended"),
                Link("ended_citizens", "completion", "ended_citizens"),
                Link("actually_visited", "referral_onward", "later_visited"),
                RowAtMost("shadow_visited", "ended_citizens"),
            ),
            columns=(
                "ended",
                "shadow_visited",
                "shadow_cost_dkk",
                "actually_visited",
                "actual_cost_dkk",
                "annual_gain_dkk",
                "unpriced_rows",
                "ended_citizens",
                "shadow_municipalities",
                "measured_actual_cost_dkk",
            ),
            guarded={
                "shadow_cost_dkk": ("shadow_visited",),
                "actual_cost_dkk": ("actually_visited",),
                "measured_actual_cost_dkk": ("actually_visited",),
                "annual_gain_dkk": ("shadow_visited", "actually_visited"),
            },
            in_report=True,
            # every report's courses have later services; only a report with shadow rows has a shadow visitation
            applies_if=("shadow_visited",),
        ),
        Family(
            "business_case",
            "Business case, år for år",
            "Business case by year",
            columns=("scenario", "payer", "year", *BUSINESS_CASE_YEAR, *GAIN_COUNTS),
            guarded={c: GAIN_COUNTS for c in BUSINESS_CASE_YEAR if c not in ("investment_dkk", "discount_factor")},
            per_municipality=False,
            relations=_GAIN_LINKS,
            prepared_by="business_case",
            in_report=True,
        ),
        Family(
            "business_case_summary",
            "Business case, resultat",
            "Business case summary",
            columns=("scenario", "payer", *BUSINESS_CASE_SUMMARY, *GAIN_COUNTS),
            guarded={c: GAIN_COUNTS for c in BUSINESS_CASE_SUMMARY if c != "investment_dkk"},
            per_municipality=False,
            relations=_GAIN_LINKS,
            prepared_by="business_case",
            in_report=True,
        ),
        Family(
            "business_case_sensitivity",
            "Business case, følsomhed",
            "Business case sensitivity",
            columns=("scenario", "parameter", *BUSINESS_CASE_SENSITIVITY, *GAIN_COUNTS),
            guarded={c: GAIN_COUNTS for c in ("npv_low_dkk", "npv_high_dkk")},
            per_municipality=False,
            relations=_GAIN_LINKS,
            prepared_by="business_case",
        ),
        Family(
            "business_case_distribution",
            "Business case, fordeling",
            "Business case distribution",
            columns=("scenario", "percentile", *BUSINESS_CASE_DISTRIBUTION, *GAIN_COUNTS),
            guarded={c: GAIN_COUNTS for c in BUSINESS_CASE_DISTRIBUTION},
            per_municipality=False,
            relations=_GAIN_LINKS,
            prepared_by="business_case",
        ),
        Family(
            "paragraph_counts",
            "§ 82a og 82b",
            "§ 82a and 82b",
            relations=(
                Link("citizens", "completion", "citizens_with_course"),
                RowAtMost("citizens_82a", "citizens"),
                RowAtMost("citizens_82b", "citizens"),
                RowAtMost("citizens", ("citizens_82a", "citizens_82b")),  # a course is 82a or 82b
            ),
            columns=("citizens_82a", "citizens_82b", "citizens"),
        ),
        Family(
            "unpriced",  # the rows shadow_savings could not price: internal, so never published
            "Uden pris",
            "Unpriced",
            columns=("table_name", "row_id", "paragraph", "hours_per_week", "reason"),
            per_municipality=False,
            published=False,
        ),
    )
}

PUBLISHED = [name for name, family in FAMILIES.items() if family.published]
IN_REPORT = [name for name, family in FAMILIES.items() if family.in_report]


def header_label(column: str, language: str) -> str:
    return getattr(COLUMNS[column], language)


def sheet_title(family: str, language: str) -> str:
    return getattr(FAMILIES[family], f"title_{language}")
