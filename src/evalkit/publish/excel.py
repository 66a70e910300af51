"""`results/tables.xlsx` for the secretariats, who live in Excel.

The workbook holds every published figure table as its publication copy in results/publish/ (the same masks),
one sheet each, with headers in the configured language and, beside each table, what `<5`, `x` and an empty
cell mean. A text cell that Excel would read as a formula is stored with the string type, never as a formula.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evalkit.publish.masking import EXPLANATION, FORMULA_STARTS, is_number
from evalkit.tables.files import read_csv
from evalkit.tables.registry import BOUND, COLUMNS, FAMILIES, LABEL, RATE, Family, header_label, sheet_title

# Percentages in Excel's own format; text stays text, even where it looks like a number (kommunekode 101,
# paragraph 85, month 2021-05), except keys the family declares as integers (a funnel's step number).
PERCENT_KINDS = (RATE, BOUND)


def _text_columns(family: Family) -> set[str]:
    integer_keys = {name for name, kind in family.keys if kind == "INTEGER"}
    return {c for c in family.header if COLUMNS[c].kind == LABEL and c not in integer_keys}


def _typed(text: str, column: str, text_columns: set[str]) -> object:
    """A CSV cell as Excel should hold it: quantities as numbers, everything else as text."""
    if text == "":
        return None
    if column not in text_columns and is_number(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text


def _unguarded(text: str) -> str:
    """A publication CSV's cell as it was before csv_safe marked it as text (the workbook has its own way)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_workbook(tables_dir: Path, families: list[str], out: Path, language: str = "da") -> Path:
    """One sheet per published family: its publication copy in tables_dir (results/publish)."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for family in families:
        header, body = read_csv(tables_dir / f"{family}.csv")
        text_columns = _text_columns(FAMILIES[family])
        sheet = workbook.create_sheet(sheet_title(family, language)[:31])  # Excel's limit
        sheet.append([header_label(c, language) for c in header])
        for row in body:
            sheet.append(
                [_typed(_unguarded(cell), column, text_columns) for cell, column in zip(row, header, strict=True)]
            )
        for cells in sheet.iter_rows(min_row=2):
            for cell, column in zip(cells, header, strict=True):
                # openpyxl would store text starting with "=" as a formula; the string type keeps it text.
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
                elif COLUMNS[column].kind in PERCENT_KINDS:
                    cell.number_format = "0.0%"
        for index, name in enumerate(sheet[1], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(name.value)) + 2, 10), 40)
        note = sheet.cell(row=1, column=len(header) + 2, value=EXPLANATION[language])
        note.data_type = TYPE_STRING
        sheet.freeze_panes = "A2"
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit excel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables-dir", required=True, type=Path, help="the publication copies (results/publish)")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--lang", choices=("da", "en"), default="da")
    parser.add_argument("families", nargs="+")
    args = parser.parse_args(argv)
    write_workbook(args.tables_dir, args.families, args.out, args.lang)
    print(f"wrote {args.out} with {len(args.families)} sheets")
    return 0
