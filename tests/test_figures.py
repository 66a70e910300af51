"""Figures: Danish formatting, what each figure plots equals its table, which figures a report gets, the files.

The tables here are small hand-made frames laid out as docs/figure_tables.md describes (text cells, `<5` where
the publication copy masks a count). The tests check the data-preparation functions, not pixels.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from evalkit.config import Municipalities, load_municipalities
from evalkit.figures import build, labels, prepare
from evalkit.figures.plots import mean_position
from evalkit.figures.text import Text, format_date, format_dkk, format_number, format_percent

DA, EN = Text("da"), Text("en")
MUNICIPALITIES = Municipalities(
    {"860": "Hjørring", "813": "Frederikshavn", "607": "Fredericia"}, {"860": dt.date(2017, 5, 1)}
)
REPORT = {
    "id": "nj",
    "title": "Nordjylland",
    "municipalities": ["860", "813"],
    "period": {"start": dt.date(2021, 4, 1), "end": dt.date(2021, 9, 30)},
}


def table(header: str, *lines: str) -> pd.DataFrame:
    """A figure table as the figures read it: every cell text, empty cells ''."""
    columns = header.split(",")
    return pd.DataFrame([line.split(",") for line in lines], columns=columns, dtype=str)


# --- formatting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "da", "en"),
    [
        (1936000, 0, "1.936.000", "1,936,000"),
        (1234567.5, 1, "1.234.567,5", "1,234,567.5"),
        (999, 0, "999", "999"),
        (-2168000, 0, "-2.168.000", "-2,168,000"),
        (0.04, 0, "0", "0"),
    ],
)
def test_numbers_the_danish_and_the_english_way(value, decimals, da, en):
    assert format_number(value, decimals, "da") == da
    assert format_number(value, decimals, "en") == en


def test_kroner_percent_and_dates():
    assert format_dkk(1936000) == "1.936.000 kr."
    assert format_dkk(1936000, "en") == "DKK 1,936,000"
    assert format_percent(34 / 38) == "89,5 %"
    assert format_percent(34 / 38, 1, "en") == "89.5%"
    assert format_date(dt.date(2017, 5, 1)) == "1. maj 2017"
    assert format_date(dt.date(2018, 7, 1), "en") == "1 July 2018"
    assert format_number(math.nan) == "" and format_percent(None) == ""


def test_a_masked_count_prints_as_under_five_and_every_label_exists_in_both_languages():
    assert DA.count(math.nan, masked=True) == "<5"
    assert (DA.count(math.nan, "<5"), DA.count(math.nan, "x"), DA.count(7.0, "")) == ("<5", "x", "7")
    value, symbol = prepare.count("x")
    assert math.isnan(value) and symbol == "x" and math.isnan(prepare.number("x"))
    assert DA.count(1396.0) == "1.396"
    from evalkit.figures.text import LABELS

    assert set(LABELS["da"]) == set(LABELS["en"])
    assert DA("contacts.relative") == "Pårørende" and EN("contacts.relative") == "Relatives"


# --- what each figure plots equals its table --------------------------------------------------------------------


def test_paragraph_counts_plot_the_table_and_a_masked_count_as_no_bar():
    paragraph_counts = table(
        "report,kommunekode,citizens_82a,citizens_82b,citizens",
        "nj,860,33,113,143",
        "nj,813,<5,33,36",
        "other,860,1,1,1",
    )
    hjoerring = prepare.prepare_paragraph_counts(paragraph_counts, "nj", "860", DA)
    assert hjoerring.frame[["paragraph", "citizens"]].values.tolist() == [["82a", 33.0], ["82b", 113.0]]
    assert not hjoerring.masked
    frederikshavn = prepare.prepare_paragraph_counts(paragraph_counts, "nj", "813", DA)
    assert math.isnan(frederikshavn.frame.citizens[0]) and frederikshavn.frame.masked.tolist() == ["<5", ""]
    assert frederikshavn.masked  # the figure then explains <5 under itself


def test_age_keeps_the_reports_bands_and_shows_under_18_and_unknown_only_when_there_are_any():
    age = table(
        "report,kommunekode,age_band,citizens,courses",
        *[
            f"nj,860,{band},{n},{n}"
            for band, n in [
                ("under_18", 0),
                ("18_29", 21),
                ("30_39", 0),
                ("40_49", 27),
                ("50_59", "<5"),
                ("60_plus", 9),
                ("unknown", 2),
            ]
        ],
    )
    prepared = prepare.prepare_age(age, "nj", "860", DA)
    assert prepared.frame.age_band.tolist() == ["18_29", "30_39", "40_49", "50_59", "60_plus", "unknown"]
    assert prepared.frame.citizens.fillna(-1).tolist() == [21, 0, 27, -1, 9, 2]
    assert prepared.frame.label.tolist()[-1] == "Ukendt"


def test_course_length_bands_and_the_mean_inside_its_band():
    lengths = table(
        "report,kommunekode,ended,mean_days,median_days,d0_30,d31_91,d92_183,d184_plus",
        "nj,860,122,92.8,85.0,8,61,44,9",
    )
    prepared = prepare.prepare_course_length(lengths, "nj", "860", DA)
    assert prepared.frame.courses.tolist() == [8, 61, 44, 9]
    assert prepared.meta["mean_days"] == 92.8 and prepared.meta["median_days"] == 85.0
    # 92.8 days lies at the very start of the 92-183 band, the third bar (centred on x = 2, 0.8 wide)
    assert 1.6 < mean_position(prepared, 92.8) < 1.65
    assert mean_position(prepared, 61.0) == pytest.approx(1.0)  # the middle of the 31-91 band: its bar's centre


def test_services_before_after_per_paragraph_without_the_total_row_and_empty_paragraphs():
    services = table(
        "report,kommunekode,paragraph,before_during,after,citizens_before_during,citizens_after",
        "nj,860,83,0,3,0,3",
        "nj,860,85,23,32,22,30",
        "nj,860,99,0,0,0,0",
        "nj,860,other,0,<5,0,<5",
        "nj,860,all,23,39,22,35",
    )
    prepared = prepare.prepare_services_before_after(services, "nj", "860", DA)
    pivot = prepared.frame.pivot(index="paragraph", columns="timing", values="services")
    assert pivot.loc["85"].tolist() == [32.0, 23.0]  # after, before_during
    assert "99" not in pivot.index and "all" not in pivot.index
    assert prepared.frame.set_index(["paragraph", "timing"]).loc[("other", "after"), "masked"]
    assert prepared.meta["after"] == 39.0
    assert prepared.frame.label.tolist()[2] == "§ 85 (bostøtte)"


def test_housing_support_panels_follow_what_the_municipality_delivered_and_carry_its_start_date():
    housing = table(
        "report,kommunekode,month,hours,citizens,amount_dkk",
        "nj,860,2018-01,2339.1,289,",
        "nj,860,2018-02,2288.4,<5,",
        "nj,860,all,4627.5,289,",
        "nj,851,2018-01,,397,1307903.59",
    )
    hjoerring = prepare.prepare_housing_support(housing, "nj", "860", DA, dt.date(2017, 5, 1))
    assert hjoerring.meta["measures"] == ["hours", "citizens"]
    assert hjoerring.frame.month.tolist() == [dt.date(2018, 1, 1), dt.date(2018, 2, 1)]
    assert hjoerring.frame.hours.tolist() == [2339.1, 2288.4]
    assert hjoerring.frame.citizens_masked.tolist() == ["", "<5"]
    assert hjoerring.meta["section82_start"] == dt.date(2017, 5, 1)
    aalborg = prepare.prepare_housing_support(housing, "nj", "851", DA)
    assert aalborg.meta["measures"] == ["amount_dkk", "citizens"]


def test_rates_across_municipalities_with_intervals_and_the_total_only_for_two_or_more():
    referral = table(
        "report,kommunekode,ended_citizens,later_visited,share,ci_low,ci_high",
        "nj,860,119,48,0.403,0.319,0.493",
        "nj,813,32,9,0.281,0.155,0.453",
        "nj,all,151,57,0.377,0.304,0.456",
        "solo,607,186,26,0.140,0.097,0.197",
        "solo,all,186,26,0.140,0.097,0.197",
        "empty,101,0,0,,,",
        "empty,all,0,0,,,",
    )
    prepared = prepare.prepare_rate(referral, "nj", "share", "later_visited", "ended_citizens", MUNICIPALITIES, DA)
    assert prepared.frame[
        ["kommunekode", "share", "ci_low", "ci_high", "numerator", "denominator"]
    ].values.tolist() == [
        ["860", 0.403, 0.319, 0.493, 48.0, 119.0],
        ["813", 0.281, 0.155, 0.453, 9.0, 32.0],
        ["all", 0.377, 0.304, 0.456, 57.0, 151.0],
    ]
    assert prepared.frame.label.tolist() == ["Hjørring", "Frederikshavn", "I alt"]
    solo = prepare.prepare_rate(referral, "solo", "share", "later_visited", "ended_citizens", MUNICIPALITIES, DA)
    assert solo.frame.kommunekode.tolist() == ["607"]
    assert prepare.prepare_rate(referral, "empty", "share", "later_visited", "ended_citizens", MUNICIPALITIES, DA).empty


def test_contacts_shares_by_source():
    contacts = table(
        "report,kommunekode,source,contacts,share,ci_low,ci_high,all_contacts",
        "di,607,citizen,698,0.5,0.47,0.53,1396",
        "di,607,relative,126,0.09,0.08,0.11,1396",
        "di,607,partner,572,0.41,0.38,0.44,1396",
        "di,607,all,1396,1.0,0.99,1.0,1396",
    )
    prepared = prepare.prepare_contacts(contacts, "di", "607", DA)
    assert prepared.frame[["source", "contacts", "share"]].values.tolist() == [
        ["citizen", 698.0, 0.5],
        ["relative", 126.0, 0.09],
        ["partner", 572.0, 0.41],
    ]
    assert prepared.meta["contacts"] == 1396.0
    assert prepared.frame.label.tolist() == ["Borgere", "Pårørende", "Samarbejdspartnere"]


SHADOW = table(
    "report,kommunekode,ended,shadow_visited,shadow_cost_dkk,actually_visited,actual_cost_dkk,"
    "annual_gain_dkk,unpriced_rows,ended_citizens",
    "di,607,186,106,4104000.0,26,1936000.0,2168000.0,0,186",
    "nj,860,122,0,0.0,48,9735188.0,-9735188.0,3,119",
)
INVESTMENT = table("report,kommunekode,staff_hours,investment_dkk,months", "di,607,3350.0,1045000.0,14")


def test_shadow_savings_waterfall_steps_equal_the_table_and_the_investment_stands_beside():
    prepared = prepare.prepare_shadow_savings(SHADOW, INVESTMENT, "di", "607", DA)
    assert prepared.frame[["step", "value", "start", "end"]].values.tolist() == [
        ["shadow", 4104000.0, 0.0, 4104000.0],
        ["actual", -1936000.0, 4104000.0, 2168000.0],
        ["gain", 2168000.0, 0.0, 2168000.0],
    ]
    assert prepared.meta["investment_dkk"] == 1045000.0 and prepared.meta["staff_hours"] == 3350.0
    assert prepared.frame.label[0] == "Skyggevisitation\n(106 borgere)"
    # without shadow registrations there is no waterfall: the "gain" would only be minus the actual cost
    assert prepare.prepare_shadow_savings(SHADOW, INVESTMENT, "nj", "860", DA).empty


FUNNEL = table(
    "report,kommunekode,programme,step,step_order,citizens,citizens_through,share_of_first,ci_low,ci_high,"
    "share_of_previous",
    "bfa,101,bfa,target_group,1,1000,1000,1.0,0.99,1.0,",
    "bfa,101,bfa,initial_conversation,2,800,780,0.8,0.77,0.82,0.8",
    "bfa,101,bfa,team_meeting,3,600,590,0.6,0.57,0.63,0.75",
    "bfa,147,bfa,target_group,1,200,200,1.0,0.98,1.0,",
    "bfa,147,bfa,initial_conversation,2,100,100,0.5,0.43,0.57,0.5",
    "bfa,147,bfa,team_meeting,3,<5,<5,,,,",
    "bfa,all,bfa,target_group,1,1200,1200,1.0,0.99,1.0,",
    "bfa,all,bfa,initial_conversation,2,900,880,0.75,0.72,0.77,0.75",
    "bfa,all,bfa,team_meeting,3,603,593,0.5,0.47,0.53,0.67",
)


def test_the_funnel_overall_is_the_all_row_step_by_step():
    prepared = prepare.prepare_funnel(FUNNEL, "bfa", "all", DA)
    assert prepared.frame[["step", "citizens", "share_of_first", "share_of_previous"]].fillna(-1).values.tolist() == [
        ["target_group", 1200.0, 1.0, -1],
        ["initial_conversation", 900.0, 0.75, 0.75],
        ["team_meeting", 603.0, 0.5, 0.67],
    ]
    assert prepared.frame.label.tolist() == ["Bruttomålgruppe", "Indledende samtale", "Møde i tværfagligt team"]


def test_the_funnel_per_municipality_splits_the_first_step_by_the_furthest_step_reached_in_order():
    prepared = prepare.prepare_funnel_by_municipality(FUNNEL, "bfa", MUNICIPALITIES, DA)
    k101 = prepared.frame[prepared.frame.kommunekode == "101"].set_index("step")["share"]
    assert k101["initial_conversation"] == pytest.approx((780 - 590) / 1000)  # conversation only (green)
    assert k101["team_meeting"] == pytest.approx(590 / 1000)  # conversation and team meeting (blue)
    k147 = prepared.frame[prepared.frame.kommunekode == "147"]
    assert k147.masked.all() and k147.share.isna().all()  # a masked count: no bar, the row says <5
    assert "all" not in set(prepared.frame.kommunekode)


# --- which figures a report gets, and the files -----------------------------------------------------------------


def _tables() -> dict[str, pd.DataFrame]:
    return {
        "paragraph_counts": table(
            "report,kommunekode,citizens_82a,citizens_82b,citizens",
            "nj,860,33,113,143",
            "nj,813,0,0,0",
            "nj,all,33,113,143",
        ),
        "course_length": table(
            "report,kommunekode,ended,mean_days,median_days,d0_30,d31_91,d92_183,d184_plus",
            "nj,860,122,92.8,85.0,8,61,44,9",
            "nj,813,0,,,0,0,0,0",
            "nj,all,122,92.8,85.0,8,61,44,9",
        ),
        "referral_onward": table(
            "report,kommunekode,ended_citizens,later_visited,share,ci_low,ci_high",
            "nj,860,119,48,0.403,0.319,0.493",
            "nj,813,0,0,,,",
            "nj,all,119,48,0.403,0.319,0.493",
        ),
        "shadow_savings": SHADOW,
        "investment": INVESTMENT,
    }


def test_a_report_gets_a_figure_where_its_table_has_something_to_show():
    context = build.Context(REPORT, _tables(), MUNICIPALITIES, DA)
    stems = [spec.stem for spec, _ in build.plan(context)]
    # 813 delivered nothing; one municipality with a rate: no total row, but the figure; no shadow data in nj
    assert stems == ["paragraph_counts_860", "course_length_860", "referral_onward"]


def test_figures_are_written_as_png_and_svg_and_listed(tmp_path):
    context = build.Context(REPORT, _tables(), MUNICIPALITIES, DA)
    specs = build.write_report_figures(context, tmp_path / "nj")
    for spec in specs:
        for suffix in (".png", ".svg"):
            assert (tmp_path / "nj" / f"{spec.stem}{suffix}").stat().st_size > 1000
    manifest = pd.read_csv(tmp_path / "nj" / build.MANIFEST, dtype=str)
    assert manifest.figure.tolist() == [s.stem for s in specs]
    assert manifest.title.tolist()[0] == "Antal borgere, der har modtaget en § 82a og 82b indsats"
    png = (tmp_path / "nj" / "course_length_860.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_internal_figures_say_so_in_title_and_file_name(tmp_path):
    context = build.Context(REPORT, _tables(), MUNICIPALITIES, EN, internal=True)
    specs = build.write_report_figures(context, tmp_path)
    assert specs and all(s.stem.endswith("_intern") for s in specs)
    titles = pd.read_csv(tmp_path / build.MANIFEST).title
    assert titles.str.endswith("(internal)").all()


def test_the_bars_drawn_are_the_prepared_values():
    prepared = prepare.prepare_paragraph_counts(_tables()["paragraph_counts"], "nj", "860", DA)
    figure = build.KINDS["paragraph_counts"].plot(prepared, DA, build.plots.Heading("t"))
    heights = [patch.get_height() for patch in figure.axes[0].patches]
    assert heights == prepared.frame.citizens.tolist() == [33.0, 113.0]


def test_a_municipality_without_a_name_is_labelled_by_its_code():
    assert MUNICIPALITIES.label("999", DA) == "Kommune 999"
    assert MUNICIPALITIES.label("all", EN) == "Total"


def test_the_shipped_municipality_file_names_the_report_municipalities_and_the_two_printed_start_dates():
    shipped = load_municipalities(Path(__file__).resolve().parents[1] / "config" / "municipalities.csv")
    assert {shipped.names[c] for c in ("851", "860", "787", "813", "607")} == {
        "Aalborg",
        "Hjørring",
        "Thisted",
        "Frederikshavn",
        "Fredericia",
    }
    assert shipped.section82_start == {"860": dt.date(2017, 5, 1), "813": dt.date(2018, 7, 1)}


def test_report_labels_parse_figure_names():
    config = {"language": "da", "reports": [{"id": "a", "title": "Første"}, {"id": "b"}]}
    assert labels.parse_stem("housing_support_860") == ("housing_support", "860", False)
    assert labels.parse_stem("funnel_by_municipality_intern") == ("funnel_by_municipality", None, True)
    assert labels.report_label(config, "b") == "2. b"
    assert labels.report_section(config, "reproduction").startswith("4. ")
    assert labels.figure_label(config, "missing.csv", "age_101")["Kommune"] == "Kommune 101"


# --- titles and axes say what is drawn; the national figure fits A4 ---------------------------------------------

HOUSING = table(
    "report,kommunekode,month,hours,citizens,amount_dkk",
    "nj,860,2018-01,2339.1,289,",
    "nj,860,all,2339.1,289,",
    "nj,851,2018-01,,397,1307903.59",
    "nj,851,all,,397,1307903.59",
)


def _heading(kind: str, code: str | None, tables: dict, report: dict = REPORT):
    context = build.Context(report, tables, MUNICIPALITIES, DA)
    spec = build.Spec(kind, code)
    return build.heading(context, spec, build.KINDS[kind].prepare(context, code))


def test_the_housing_support_title_names_the_measures_drawn():
    aalborg = _heading("housing_support", "851", {"housing_support": HOUSING}, REPORT | {"municipalities": ["851"]})
    assert "afregnet beløb" in aalborg.title and "timer" not in aalborg.title
    hjoerring = _heading("housing_support", "860", {"housing_support": HOUSING})
    assert "antal timer" in hjoerring.title and "beløb" not in hjoerring.title


def test_the_one_off_investment_has_its_own_axis_not_kroner_per_year():
    prepared = prepare.prepare_shadow_savings(SHADOW, INVESTMENT, "di", "607", DA)
    figure = build.KINDS["shadow_savings"].plot(prepared, DA, build.plots.Heading("t"))
    savings, investment = figure.axes
    assert savings.get_ylabel() == "Kr. pr. år"
    assert "pr. år" not in investment.get_ylabel() and "engangs" in investment.get_ylabel()


def _national_funnel(municipalities: int) -> pd.DataFrame:
    lines = []
    for i in range(municipalities):
        code = f"{101 + i}"
        if i == 0:  # one municipality with a step under five: hidden
            lines += [f"bfa,{code},bfa,target_group,1,40,40,1.0,,,", f"bfa,{code},bfa,team_meeting,2,<5,<5,,,,"]
            continue
        lines += [
            f"bfa,{code},bfa,target_group,1,1000,1000,1.0,,,",
            f"bfa,{code},bfa,initial_conversation,2,800,780,0.8,,,0.8",
            f"bfa,{code},bfa,team_meeting,3,600,590,0.6,,,0.75",
        ]
    return table(
        "report,kommunekode,programme,step,step_order,citizens,citizens_through,share_of_first,ci_low,ci_high,"
        "share_of_previous",
        *lines,
    )


def test_the_national_funnel_fits_an_a4_page_and_a_hidden_share_does_not_read_as_a_percentage():
    report = {"id": "bfa", "title": "Brug for alle", "municipalities": "all", "period": REPORT["period"]}
    context = build.Context(report, {"funnel": _national_funnel(96)}, MUNICIPALITIES, DA)
    spec, prepared = next((s, p) for s, p in build.plan(context) if s.kind == "funnel_by_municipality")
    figure = build.render(context, spec, prepared)
    width, height = figure.get_size_inches()
    assert width <= 8.27 and height <= 11.0  # A4 is 8.27 x 11.69 inches, with room for a caption
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "<5" not in texts  # in a column of percentages "<5" reads as "under 5 %"
    assert any("skjult" in t for t in texts)
    # the completion column's header does not share a line with the axis' top tick label "100 %"
    assert not [t for ax in figure.axes for t in ax.xaxis.get_major_ticks() if t.label2.get_visible()]
