"""`results/tables.xlsx` for the secretariats, who live in Excel, and the guard against formula injection.

The workbook holds every published figure table (masked by the same code as results/publish/), one sheet each,
with Danish headers. A text cell that Excel would read as a formula (`=`, `+`, `-`, `@` first) is never
written as one: in a CSV it gets a leading apostrophe (Excel's own "this is text" mark), in the workbook it is
stored with the string type.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Danish sheet names (at most 31 characters, Excel's limit) in the reports' own terms.
SHEETS_DA = {
    "completion": "Gennemførelse",
    "referral_onward": "Senere visiteret",
    "services_before_after": "Indsatser før og efter",
    "course_length": "Forløbslængde",
    "age": "Alder",
    "funnel": "Forløbstrin",
    "housing_support": "Bostøtte § 85",
    "contacts": "Henvendelser",
    "investment": "Investering",
    "shadow_savings": "Skyggevisitation",
    "paragraph_counts": "§ 82a og 82b",
}

HEADERS_DA = {
    "report": "Rapport",
    "kommunekode": "Kommunekode",
    "ended": "Afsluttede forløb",
    "completed": "Gennemførte forløb",
    "rate": "Andel",
    "share": "Andel",
    "ci_low": "95 %-interval, nedre",
    "ci_high": "95 %-interval, øvre",
    "ci_low_previous": "95 %-interval (forrige trin), nedre",
    "ci_high_previous": "95 %-interval (forrige trin), øvre",
    "citizens_with_course": "Borgere med forløb",
    "ended_citizens": "Borgere med afsluttet forløb",
    "active_citizens": "Borgere i igangværende forløb",
    "returning_citizens": "Borgere, der vender tilbage",
    "adhoc_citizens": "Borgere med ad hoc-hjælp",
    "group_citizens": "Borgere i gruppeforløb",
    "individual_citizens": "Borgere i individuelle forløb",
    "first_course_start": "Første forløbs start",
    "later_visited": "Senere visiteret",
    "paragraph": "Paragraf",
    "before_during": "Indsatser før/under forløbet",
    "after": "Indsatser efter forløbet",
    "citizens_before_during": "Borgere med indsats før/under",
    "citizens_after": "Borgere med indsats efter",
    "mean_days": "Gennemsnit (dage)",
    "median_days": "Median (dage)",
    "d0_30": "0–30 dage",
    "d31_91": "31–91 dage",
    "d92_183": "92–183 dage",
    "d184_plus": "Over 183 dage",
    "age_band": "Aldersgruppe",
    "citizens": "Borgere",
    "courses": "Forløb",
    "programme": "Program",
    "step": "Trin",
    "step_order": "Trinnummer",
    "citizens_through": "Borgere gennem alle trin hertil",
    "share_of_first": "Andel af første trin",
    "share_of_previous": "Andel af forrige trin",
    "mean_days_from_previous": "Dage fra forrige trin (gennemsnit)",
    "citizens_with_previous": "Borgere med forrige trin",
    "first_step_citizens": "Borgere på første trin",
    "previous_step_citizens": "Borgere på forrige trin",
    "month": "Måned",
    "hours": "Timer",
    "amount_dkk": "Beløb (kr.)",
    "source": "Kilde",
    "contacts": "Henvendelser",
    "all_contacts": "Henvendelser i alt",
    "staff_hours": "Medarbejdertimer",
    "investment_dkk": "Investering (kr.)",
    "months": "Måneder",
    "shadow_visited": "Skyggevisiterede borgere",
    "shadow_cost_dkk": "Skyggevisitation, årlig udgift (kr.)",
    "actually_visited": "Faktisk visiterede borgere",
    "actual_cost_dkk": "Faktisk visitation, årlig udgift (kr.)",
    "annual_gain_dkk": "Årlig gevinst (kr.)",
    "unpriced_rows": "Rækker uden pris",
    "citizens_82a": "Borgere med § 82a",
    "citizens_82b": "Borgere med § 82b",
}


def is_number(text: str) -> bool:
    """A finite number as Python writes one (so `inf`, `nan` are text)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def csv_safe(value: object) -> object:
    """The value as a CSV cell Excel will not run: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


# Codes and labels that look like numbers but are not quantities (kommunekode 101, paragraph 85, month 2021-05).
TEXT_COLUMNS = {"report", "kommunekode", "paragraph", "age_band", "programme", "step", "source", "month",
                "first_course_start"}
PERCENT_COLUMNS = {"rate", "share", "ci_low", "ci_high", "share_of_first", "share_of_previous", "ci_low_previous",
                   "ci_high_previous"}


def _typed(text: str, column: str) -> object:
    """A CSV cell as Excel should hold it: quantities as numbers, everything else as text."""
    if text == "":
        return None
    if column not in TEXT_COLUMNS and is_number(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text


def write_workbook(tables_dir: Path, families: list[str], out: Path, language: str = "da") -> Path:
    """One sheet per published family: its figure table in tables_dir, masked for publication."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.utils import get_column_letter

    from .tables import FAMILIES, publication_rows, read_csv

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for family in families:
        header, rows = read_csv(tables_dir / f"{family}.csv")
        body = publication_rows(FAMILIES[family], header, rows)
        sheet = workbook.create_sheet(SHEETS_DA.get(family, family)[:31] if language == "da" else family[:31])
        sheet.append([HEADERS_DA.get(c, c) if language == "da" else c for c in header])
        for row in body:
            sheet.append([_typed(str(cell), column) for cell, column in zip(row, header, strict=True)])
        for cells in sheet.iter_rows(min_row=2):
            for cell, column in zip(cells, header, strict=True):
                # openpyxl would store text starting with "=" as a formula; the string type keeps it text.
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
                elif column in PERCENT_COLUMNS:
                    cell.number_format = "0.0%"
        for index, name in enumerate(sheet[1], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(name.value)) + 2, 10), 40)
        sheet.freeze_panes = "A2"
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit excel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables-dir", required=True, type=Path, help="the figure tables (results/tables)")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--lang", choices=("da", "en"), default="da")
    parser.add_argument("families", nargs="+")
    args = parser.parse_args(argv)
    write_workbook(args.tables_dir, args.families, args.out, args.lang)
    print(f"wrote {args.out} with {len(args.families)} sheets")
    return 0
