"""Excel for the secretariats: the workbook of figure tables, and no text cell ever read as a formula."""

from __future__ import annotations

import csv
import math

import openpyxl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from evalkit.cli import main
from evalkit.publish.masking import csv_safe

HOSTILE = '=HYPERLINK("http://x","klik")'
# What Excel, LibreOffice and Google Sheets start a formula with (OWASP "CSV injection"): written out here, not
# taken from the module, so a character dropped from the guard fails the test.
FORMULA_CHARACTERS = ["=", "+", "-", "@", "\t", "\r"]


def config_file(tmp_path, **report) -> list[str]:
    """`--config` with a minimal configuration of one report (and the keys given, e.g. a business_case block)."""
    config = {
        "raw_dir": "data/raw",
        "processed_dir": "data/processed",
        "results_dir": "results",
        "pseudonym_key_file": "~/k",
        "unit_costs": "config/unit_costs.csv",
        "reports": [{"id": "r", "municipalities": ["851"], "period": {"start": "2021-01-01", "end": "2021-12-31"}}],
    }
    config["reports"][0].update(report)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return ["--config", str(path)]


def write_table(folder, family, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{family}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", HOSTILE, "-inf", "+nan"])
def test_csv_safe_escapes_text_that_starts_like_a_formula(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Aalborg", "82a", "", "'=1", "-12.5", "+3", "-1e3", 12, -4.5, None])
def test_csv_safe_leaves_other_cells_alone(value):
    assert csv_safe(value) == value


def finite_number(text):
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


@given(st.sampled_from(FORMULA_CHARACTERS), st.text())
def test_csv_safe_escapes_every_formula_start_but_a_number(first, rest):
    text = first + rest
    assert csv_safe(text) == (text if finite_number(text) else "'" + text)


def test_workbook_holds_the_publication_copies_with_danish_headers_and_formulas_as_text(tmp_path):
    tables = tmp_path / "tables"
    header = [
        "report",
        "kommunekode",
        "paragraph",
        "before_during",
        "after",
        "citizens_before_during",
        "citizens_after",
    ]
    write_table(tables, "services_before_after", [header, ["r", "851", HOSTILE, "3", "12", "3", "10"]])
    write_table(
        tables,
        "referral_onward",
        [
            ["report", "kommunekode", "ended_citizens", "later_visited", "share", "ci_low", "ci_high"],
            ["r", "851", "38", "34", "0.8947", "0.76", "0.96"],
        ],
    )
    publish = tmp_path / "publish"
    families = ["services_before_after", "referral_onward"]
    assert main(["publish", "--from-dir", str(tables), "--publish-dir", str(publish), "--family", *families]) == 0
    out = tmp_path / "tables.xlsx"
    assert main(["excel", "--tables-dir", str(publish), "--out", str(out), *families, *config_file(tmp_path)]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Om tabellerne", "Indsatser før og efter", "Senere visiteret"]
    sheet = workbook["Indsatser før og efter"]
    assert [c.value for c in sheet[1]][:4] == ["Rapport", "Kommunekode", "Paragraf", "Indsatser før/under forløbet"]
    row = sheet[2]
    assert (row[2].value, row[2].data_type) == (HOSTILE, "s")
    assert (row[1].value, row[3].value, row[4].value) == ("851", "<5", 12)  # as in the publication copy
    assert "x: skjult" in [c.value for c in sheet[1]][-1]  # the masks explained beside the table
    referral = workbook["Senere visiteret"][2]
    assert (referral[2].value, referral[4].value, referral[4].number_format) == (38, 0.8947, "0.0%")


def test_publication_csv_escapes_formula_text(tmp_path):
    header = [
        "report",
        "kommunekode",
        "paragraph",
        "before_during",
        "after",
        "citizens_before_during",
        "citizens_after",
    ]
    write_table(tmp_path, "services_before_after", [header, ["r", "851", HOSTILE, "30", "12", "13", "10"]])
    out = tmp_path / "publish" / "services_before_after.csv"
    assert (
        main(
            [
                "publish",
                "--family",
                "services_before_after",
                "--from-dir",
                str(tmp_path),
                "--publish-dir",
                str(out.parent),
            ]
        )
        == 0
    )
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][2] == "'" + HOSTILE


def test_workbook_leaves_out_reports_a_family_does_not_apply_to_and_says_codes_in_danish(tmp_path):
    tables = tmp_path / "tables"
    header = ["report", "kommunekode", "age_band", "citizens", "courses"]
    write_table(
        tables,
        "age",
        [
            header,
            ["nordjylland_2021", "851", "18_29", "19", "22"],
            ["nordjylland_2021", "all", "60_plus", "1234", "1300"],
            # report 003 has no ended courses: its zero rows would only pad the sheet
            ["brug_for_alle_2013", "101", "18_29", "0", "0"],
            ["brug_for_alle_2013", "all", "18_29", "0", "0"],
        ],
    )
    write_table(
        tables,
        "contacts",
        [
            ["report", "kommunekode", "source", "contacts", "share", "ci_low", "ci_high", "all_contacts"],
            ["din_indgang_2017", "607", "citizen", "698", "0.5", "0.47", "0.53", "1396"],
            ["din_indgang_2017", "607", "partner", "572", "0.41", "0.38", "0.44", "1396"],
            ["nordjylland_2021", "851", "citizen", "0", "", "", "", "0"],
        ],
    )
    out = tmp_path / "tables.xlsx"
    assert (
        main(["excel", "--tables-dir", str(tables), "--out", str(out), "age", "contacts", *config_file(tmp_path)]) == 0
    )
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["Om tabellerne", "Alder", "Henvendelser"]
    age = [[c.value for c in row] for row in workbook["Alder"].iter_rows(min_row=2, max_col=5)]
    assert age == [
        ["nordjylland_2021", "851", "18–29 år", 19, 22],
        ["nordjylland_2021", "I alt", "60 år og derover", 1234, 1300],
    ]
    contacts = workbook["Henvendelser"]
    assert [row[2].value for row in contacts.iter_rows(min_row=2)] == ["Borgere", "Samarbejdspartnere"]
    # Danish Excel shows these as 1.234 and 50,0 %
    assert workbook["Alder"]["D3"].number_format == "#,##0"
    assert contacts["E2"].number_format == "0.0%"
    assert contacts.freeze_panes == "A2" and workbook["Alder"].freeze_panes == "A2"
    # the widest cell fits: the column is at least as wide as its header
    assert contacts.column_dimensions["H"].width >= len("Henvendelser i alt")
    about = [row[0] for row in workbook["Om tabellerne"].iter_rows(values_only=True) if row and row[0]]
    assert "Alder" in about and "Henvendelser" in about
    assert any(line.startswith("<5") for line in about)
    listed = {row[0]: row[2] for row in workbook["Om tabellerne"].iter_rows(values_only=True) if row and row[0]}
    assert listed["Alder"] == "nordjylland_2021" and listed["Henvendelser"] == "din_indgang_2017"


def test_english_workbook_uses_english_words_for_codes(tmp_path):
    tables = tmp_path / "tables"
    write_table(
        tables,
        "age",
        [["report", "kommunekode", "age_band", "citizens", "courses"], ["r", "all", "18_29", "19", "22"]],
    )
    out = tmp_path / "tables.xlsx"
    assert (
        main(["excel", "--tables-dir", str(tables), "--out", str(out), "--lang", "en", "age", *config_file(tmp_path)])
        == 0
    )
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[0] == "About"
    assert [c.value for c in workbook.worksheets[1][2]][1:3] == ["Total", "18–29 years"]


def test_workbook_keeps_a_report_whose_counts_are_all_masked_and_says_payers_in_danish(tmp_path):
    tables = tmp_path / "publish"
    # zero is never masked: a report whose only counts are `<5` and `x` has something, unlike one of zeros
    write_table(
        tables,
        "age",
        [
            ["report", "kommunekode", "age_band", "citizens", "courses"],
            ["nordjylland_2021", "851", "18_29", "<5", "x"],
            ["brug_for_alle_2013", "101", "18_29", "0", "0"],
        ],
    )
    write_table(
        tables,
        "business_case_summary",
        [
            ["report", "kommunekode", "scenario", "payer", "investment_dkk"],
            ["din_indgang_2017", "all", "base", "all", "1045000"],
            ["din_indgang_2017", "all", "base", "kommune", "1045000"],
        ],
    )
    out = tmp_path / "tables.xlsx"
    assert (
        main(
            [
                "excel",
                "--tables-dir",
                str(tables),
                "--out",
                str(out),
                "age",
                "business_case_summary",
                *config_file(tmp_path),
            ]
        )
        == 0
    )
    workbook = openpyxl.load_workbook(out)
    age = [[c.value for c in row] for row in workbook["Alder"].iter_rows(min_row=2, max_col=5)]
    assert age == [["nordjylland_2021", "851", "18–29 år", "<5", "x"]]
    summary = workbook[workbook.sheetnames[2]]
    assert [(row[2].value, row[3].value) for row in summary.iter_rows(min_row=2)] == [
        ("Grundscenarie", "I alt"),
        ("Grundscenarie", "Kommune"),
    ]


def business_case_copies(folder, shadow_visited="12"):
    """Publication copies of report `r`'s business case: 851 invested C = 1,000 and gains G = 1,200 a year
    (kommune 900, region 200, stat 100); one year, no discounting; `kort` has deadweight 0.5 (G 600). `all` is
    851 alone."""
    year_header = ["report", "kommunekode", "scenario", "payer", "year", "investment_dkk", "gain_dkk", "net_dkk"]
    year_header += ["cumulative_net_dkk", "discount_factor", "discounted_net_dkk", "cumulative_discounted_dkk"]
    year_header += ["shadow_visited", "actually_visited"]
    years, summaries = [year_header], []
    summary_header = ["report", "kommunekode", "scenario", "payer", "investment_dkk", "annual_gain_dkk", "npv_dkk"]
    summary_header += ["payback_months", "shadow_visited", "actually_visited"]
    for code in ("851", "all"):
        for scenario, share in (("base", 1.0), ("kort", 0.5)):
            for payer, gain in (("all", 1200), ("kommune", 900), ("region", 200), ("stat", 100)):
                cost = 1000 if payer in ("all", "kommune") else 0
                g = gain * share
                for year, (inv, b) in enumerate(((cost, 0), (0, g))):
                    cumulative = -cost + (g if year else 0)
                    years.append(
                        ["r", code, scenario, payer, str(year), str(inv), str(b), str(b - inv), str(cumulative)]
                        + ["1.0", str(b - inv), str(cumulative), shadow_visited, "3"]
                    )
                payback = str(12 * cost / g) if cost else ""
                summaries.append(
                    ["r", code, scenario, payer, str(cost), str(g), str(g - cost), payback, shadow_visited, "3"]
                )
    write_table(folder, "business_case", years)
    write_table(folder, "business_case_summary", [summary_header, *summaries])


def sheet_rows(workbook, name="Business case"):
    return [[c.value for c in row] for row in workbook[name].iter_rows()]


def find(rows, label, after=0):
    """The first row from `after` on whose first cell is `label`: its index and values."""
    for index in range(after, len(rows)):
        if rows[index][0] == label:
            return index, rows[index]
    raise AssertionError(f"no row {label!r}")


def test_the_business_case_sheet_gives_the_assumptions_then_the_years_by_payer_then_the_result(tmp_path):
    tables = tmp_path / "publish"
    business_case_copies(tables)
    block = {"horizon_years": 1, "discount": 0, "scenarios": [{"name": "kort", "deadweight": 0.5}]}
    out = tmp_path / "tables.xlsx"
    families = ["business_case", "business_case_summary"]
    config = config_file(tmp_path, business_case=block)
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), *families, *config]) == 0
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[:2] == ["Om tabellerne", "Business case"]
    rows = sheet_rows(workbook)
    checklist, header = find(rows, "Forudsætning")
    assert header[1:5] == ["Grundscenarie", "kort", "Kilde", "Tjekket"]
    _, deadweight = find(rows, "Dødvægt", checklist)
    assert deadweight[1:5] == [0, 0.5, "Konfigurationen", "☐"]
    _, gain = find(rows, "Årlig bruttogevinst G (kr.)", checklist)
    assert gain[1:3] == [1200, 600]
    assert find(rows, "Diskonteringsrente", checklist)[1][1] == "0,0 %"
    years, _ = find(rows, "2. År for år, fordelt på betaler (kr.)", checklist)
    _, kommune = find(rows, "Kommune: Akkumuleret netto (kr.)", years)
    assert kommune[1:3] == [-1000, -100]  # 851, base: -1,000 in year 0, then 900 a year
    result, _ = find(rows, "3. Resultat: Grundscenarie", years)
    _, payback = find(rows, "Tilbagebetalingstid (måneder)", result)
    # all and kommune: C = 1,000 against 1,200 and 900 a year; region and stat invested nothing
    assert payback[1:3] == pytest.approx([10, 12 * 1000 / 900]) and payback[3:5] == [None, None]
    assert not [r for r in rows if r[0] and str(r[0]).startswith("Rapportens kommuner i alt")]  # one municipality
    about = sheet_rows(workbook, "Om tabellerne")
    assert ["Business case", "business_case, business_case_summary", "r"] in [r[:3] for r in about]


def test_the_business_case_sheet_shows_the_copys_masks_and_blanks(tmp_path):
    tables = tmp_path / "publish"
    business_case_copies(tables, shadow_visited="<5")
    out = tmp_path / "tables.xlsx"
    config = config_file(tmp_path, business_case={})
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), "business_case_summary", *config]) == 0
    rows = sheet_rows(openpyxl.load_workbook(out))
    _, shadow = find(rows, "Skyggevisiterede borgere")
    assert shadow[1] == "<5"


def test_a_config_without_a_business_case_gives_no_business_case_sheet(tmp_path):
    tables = tmp_path / "publish"
    business_case_copies(tables)
    out = tmp_path / "tables.xlsx"
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), "business_case", *config_file(tmp_path)]) == 0
    assert "Business case" not in openpyxl.load_workbook(out).sheetnames
