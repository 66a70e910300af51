"""Excel for the secretariats: the workbook of figure tables, and no text cell ever read as a formula."""

from __future__ import annotations

import csv
import math

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evalkit.cli import main
from evalkit.publish.masking import csv_safe

HOSTILE = '=HYPERLINK("http://x","klik")'
# What Excel, LibreOffice and Google Sheets start a formula with (OWASP "CSV injection"): written out here, not
# taken from the module, so a character dropped from the guard fails the test.
FORMULA_CHARACTERS = ["=", "+", "-", "@", "\t", "\r"]


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
    assert main(["excel", "--tables-dir", str(publish), "--out", str(out), *families]) == 0
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
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), "age", "contacts"]) == 0
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
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), "--lang", "en", "age"]) == 0
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
    assert main(["excel", "--tables-dir", str(tables), "--out", str(out), "age", "business_case_summary"]) == 0
    workbook = openpyxl.load_workbook(out)
    age = [[c.value for c in row] for row in workbook["Alder"].iter_rows(min_row=2, max_col=5)]
    assert age == [["nordjylland_2021", "851", "18–29 år", "<5", "x"]]
    summary = workbook[workbook.sheetnames[2]]
    assert [(row[2].value, row[3].value) for row in summary.iter_rows(min_row=2)] == [
        ("Grundscenarie", "I alt"),
        ("Grundscenarie", "Kommune"),
    ]
