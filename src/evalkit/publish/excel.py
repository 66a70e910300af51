"""`results/tables.xlsx` for the secretariats, who live in Excel.

The workbook holds the business case laid out as SØM users know it (business_case_sheet.py) and every published
figure table as its publication copy in results/publish/ (the same masks),
one sheet each, with only the reports it applies to, headers and codes in the configured language, Excel's
number formats and, beside each table, what `<5`, `x` and an empty cell mean, after a first sheet that explains
the others and the masking symbols. A text cell that Excel would read as a formula is stored with the string
type, never as a formula.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

from evalkit.config import add_config_arguments, config_from_arguments
from evalkit.contract import ALL, MASK, SECONDARY_MASK
from evalkit.figures.text import Text
from evalkit.publish import business_case_sheet
from evalkit.publish.masking import EXPLANATION, FORMULA_STARTS, is_number
from evalkit.tables.files import read_csv
from evalkit.tables.registry import (
    AMOUNT,
    BOUND,
    COLUMNS,
    COUNT,
    FAMILIES,
    LABEL,
    MEASURE,
    RATE,
    Family,
    header_label,
    sheet_title,
)

# Excel's own number formats, which Danish Excel shows as 1.234 and 12,5 %; text stays text, even where it looks
# like a number (kommunekode 101, paragraph 85, month 2021-05), except keys the family declares as integers.
NUMBER_FORMATS = {COUNT: "#,##0", AMOUNT: "#,##0", MEASURE: "#,##0.0", RATE: "0.0%", BOUND: "0.0%"}
ABOUT = {
    "da": {
        "sheet": "Om tabellerne",
        "title": "Figurtabeller i publikationskopi",
        "intro": "Hvert ark er én figurtabel: én række pr. rapport og kommune (og pr. nøgle, fx aldersgruppe), "
        "og en række «I alt» for rapportens samlede tal. Rapporter, som tabellen ikke vedrører, er udeladt.",
        "definitions": "Definitionerne (periode, afsluttet forløb, før/under og efter, skyggevisitation) står i "
        "registreringskontraktens afsnit 4; kolonnerne i docs/figure_tables.md.",
        "symbols": "Symboler",
        "empty": "Tom celle: ikke beregnet, eller udeladt fordi den ville afsløre et skjult antal.",
        "columns": ("Ark", "Tabel", "Rapporter"),
    },
    "en": {
        "sheet": "About",
        "title": "Figure tables, publication copy",
        "intro": "Each sheet is one figure table: one row per report and municipality (and per key, e.g. age "
        "band), and a row 'Total' for the report as a whole. Reports the table does not concern are left out.",
        "definitions": "The definitions (period, ended course, before/during and after, shadow visitation) are "
        "in section 4 of the registration contract; the columns in docs/figure_tables.md.",
        "symbols": "Symbols",
        "empty": "Empty cell: not computed, or left out because it would reveal a hidden count.",
        "columns": ("Sheet", "Table", "Reports"),
    },
}


def _text_columns(family: Family) -> set[str]:
    integer_keys = {name for name, kind in family.keys if kind == "INTEGER"}
    return {c for c in family.header if COLUMNS[c].kind == LABEL and c not in integer_keys}


def code_label(column: str, value: str, text: Text) -> str:
    """A code as the secretariat reads it: '18_29' -> '18–29 år', 'citizen' -> 'Borgere', 'all' -> 'I alt'."""
    if column == "kommunekode" and value == ALL:
        return text("all")
    codes = COLUMNS[column].codes
    return text.code(codes, value) if codes and value else value


def _typed(text: str, column: str, text_columns: set[str], words: Text) -> object:
    """A CSV cell as Excel should hold it: quantities as numbers, codes as words, everything else as text."""
    if text == "":
        return None
    if column not in text_columns and is_number(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return code_label(column, text, words) if column in COLUMNS else text


def applicable_rows(family: Family, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The rows of the reports the family applies to: a report whose presence columns are all zero or empty
    (a § 85 table for a report without § 85 data, contacts where none were registered) is left out. A masked
    count (`<5`, `x`) is present: zero is never masked."""
    positions = [header.index(c) for c in family.presence if c in header]

    def present(cell: str) -> bool:
        return cell in (MASK, SECONDARY_MASK) or (is_number(cell) and float(cell) != 0)

    applies = {row[0] for row in rows if any(present(row[i]) for i in positions) or not positions}
    return [row for row in rows if row[0] in applies]


def _width(value: object) -> int:
    return max((len(line) for line in str(value).splitlines()), default=0)


def _about_sheet(workbook, sheets: list[tuple[str, str, list[str]]], text: Text) -> None:
    from openpyxl.styles import Font

    words = ABOUT[text.language]
    sheet = workbook.create_sheet(words["sheet"], 0)
    sheet.append([words["title"]])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in ("intro", "definitions"):
        sheet.append([words[line]])
    sheet.append([])
    sheet.append(list(words["columns"]))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for title, family, reports in sheets:
        sheet.append([title, family, ", ".join(reports)])
    sheet.append([])
    sheet.append([words["symbols"]])
    sheet[f"A{sheet.max_row}"].font = Font(bold=True)
    sheet.append([text("masked_note")])
    sheet.append([words["empty"]])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 40


def _unguarded(text: str) -> str:
    """A publication CSV's cell as it was before csv_safe marked it as text (the workbook has its own way)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_workbook(tables_dir: Path, families: list[str], out: Path, config: Mapping, language: str = "da") -> Path:
    """A first sheet that explains the others, the `Business case` sheet where a report of the (validated)
    config has a business case, then one sheet per published family: its publication copy in tables_dir
    (results/publish), with only the reports it applies to."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    words = Text(language)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    listed = []
    for family in families:
        header, rows = read_csv(tables_dir / f"{family}.csv")
        body = applicable_rows(FAMILIES[family], header, rows)
        text_columns = _text_columns(FAMILIES[family])
        title = sheet_title(family, language)[:31]  # Excel's limit
        listed.append((title, family, list(dict.fromkeys(row[0] for row in body))))
        sheet = workbook.create_sheet(title)
        sheet.append([header_label(c, language) for c in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append(
                [
                    _typed(_unguarded(cell), column, text_columns, words)
                    for cell, column in zip(row, header, strict=True)
                ]
            )
        widths = [_width(c.value) for c in sheet[1]]
        for cells in sheet.iter_rows(min_row=2):
            for index, (cell, column) in enumerate(zip(cells, header, strict=True)):
                # openpyxl would store text starting with "=" as a formula; the string type keeps it text.
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
                elif cell.value is not None and COLUMNS[column].kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[COLUMNS[column].kind]
                widths[index] = max(widths[index], _width(cell.value) + 2)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
        note = sheet.cell(row=1, column=len(header) + 2, value=EXPLANATION[language])
        note.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
    covered = business_case_sheet.add_sheet(workbook, tables_dir, config, language)
    if covered:
        workbook.move_sheet(business_case_sheet.TITLE, offset=-(len(workbook.sheetnames) - 1))
        listed.insert(0, (business_case_sheet.TITLE, ", ".join(business_case_sheet.FAMILIES), covered))
    _about_sheet(workbook, listed, words)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit excel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables-dir", required=True, type=Path, help="the publication copies (results/publish)")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--lang", choices=("da", "en"), default="da")
    add_config_arguments(parser)  # the business case's assumptions, for its sheet
    parser.add_argument("families", nargs="+")
    args = parser.parse_args(argv)
    write_workbook(args.tables_dir, args.families, args.out, config_from_arguments(args), args.lang)
    print(f"wrote {args.out} with {len(args.families)} sheets")
    return 0
