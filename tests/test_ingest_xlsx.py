"""Excel workbooks as people make them: a cover sheet before the data, title rows above the header, empty rows
between the data. The ingest reads the sheet and row that hold the header, numbers every row by its sheet row, and
accounts for every row of the sheet it read; where no sheet holds a header, it says where it looked and where the
data seem to be."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import openpyxl
import pytest
from conftest import TEST_KEY

from evalkit.cli import main
from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import IngestError
from evalkit.warehouse.build import build_warehouse
from evalkit.warehouse.data_quality import render_quarter

HEADER = ["course_id", "citizen_id", "paragraph", "start_date"]
DANISH_HEADER = ["Forløb_ID", "CPR", "Paragraf", "Startdato"]


def course(n: int, paragraph: str = "82a") -> list:
    return [f"c{n}", f"K-{n}", paragraph, dt.date(2021, 4, n)]


def workbook(path, sheets: dict[str, list[list]]):
    """Save a workbook with the given sheets, in order, each a list of rows (None for an empty row)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row or [], start=1):
                sheet.cell(row=number, column=column, value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


COVER = [["Forløbsdata for Aalborg Kommune"], ["Udtrukket", dt.date(2021, 10, 4)]]


def ingest(tmp_path, sheets, name="851_courses.xlsx"):
    workbook(tmp_path / "raw" / "2021Q3" / name, sheets)
    out = tmp_path / "out" / "2021Q3"
    [outcome] = ingest_quarter(tmp_path / "raw", "2021Q3", out, TEST_KEY.encode())
    return outcome, out


def loaded(out):
    return duckdb.execute(f"SELECT course_id, source_line FROM '{out}/courses.parquet' ORDER BY 2").fetchall()


def quarantined(out):
    return duckdb.execute(f"SELECT source_line, reason_code FROM '{out}/quarantine.parquet' ORDER BY 1").fetchall()


def logged(out):
    return duckdb.execute(
        f"SELECT sheet, header_line, lines, rows_read, rows_loaded, rows_quarantined, lines_blank, lines_in_cells "
        f"FROM '{out}/ingest_log.parquet'"
    ).fetchall()


def test_a_cover_sheet_before_the_data_is_passed_over_for_the_sheet_that_holds_the_header(tmp_path):
    outcome, out = ingest(tmp_path, {"Forside": COVER, "Data": [DANISH_HEADER, course(1), course(2, "82z")]})
    assert loaded(out) == [("c1", 2)]
    assert quarantined(out) == [(3, "unknown_code")]
    assert logged(out) == [("Data", 1, 3, 2, 1, 1, 0, 0)]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_sheet_row_numbers(tmp_path):
    rows = [["Forløb 3. kvartal 2021"], ["Udtrukket 4. oktober 2021"], None, HEADER]
    rows += [course(1), None, course(2, "82z"), [None, None, None, None], course(3)]
    outcome, out = ingest(tmp_path, {"Forløb": rows})
    assert loaded(out) == [("c1", 5), ("c3", 9)]
    assert quarantined(out) == [(7, "unknown_code")]
    # 9 rows of the sheet read = 3 above the header + the header + 2 loaded + 1 quarantined + 2 blank
    assert logged(out) == [("Forløb", 4, 9, 3, 2, 1, 2, 0)]
    assert outcome.lines_accounted()


def test_empty_rows_between_the_data_do_not_shift_the_row_numbers(tmp_path):
    outcome, out = ingest(tmp_path, {"Ark1": [HEADER, course(1), None, None, course(2, "82z"), course(3)]})
    assert loaded(out) == [("c1", 2), ("c3", 6)]
    assert quarantined(out) == [(5, "unknown_code")]


def test_a_line_break_inside_a_cell_is_one_sheet_row(tmp_path):
    rows = [HEADER + ["offer"], course(1) + ["to\nlinjer"], course(2, "82z") + ["x"]]
    outcome, out = ingest(tmp_path, {"Ark1": rows})
    assert quarantined(out) == [(3, "unknown_code")]
    assert logged(out) == [("Ark1", 1, 3, 2, 1, 1, 0, 0)]


def test_the_warehouse_accepts_the_accounting_of_a_sheet_with_title_rows(tmp_path):
    rows = [["Forløb 3. kvartal 2021"], None, HEADER, course(1), course(2, "82z")]
    outcome, out = ingest(tmp_path, {"Forside": COVER, "Forløb": rows})
    db = tmp_path / "wh.duckdb"
    build_warehouse([out], db)
    con = duckdb.connect(str(db), read_only=True)
    report = render_quarter(con, "2021Q3", "en")
    assert (
        "2021Q3/851_courses.xlsx: sheet 'Forløb', header on row 3 (2 rows above it and the sheet Forside not read)"
        in report
    )
    danish = render_quarter(con, "2021Q3", "da")
    assert (
        "2021Q3/851_courses.xlsx: arket 'Forløb', overskrift i række 3 (2 rækker over den og arket Forside ikke"
        in danish
    )


def test_a_workbook_without_a_header_says_where_it_looked_and_where_the_data_seem_to_be(tmp_path):
    # the header names none of the columns: the data have no header at all
    data = [["x1", "y1", "z1", "w1"], course(1), course(2)]
    with pytest.raises(IngestError) as raised:
        ingest(tmp_path, {"Forside": COVER, "Data": data})
    message = str(raised.value)
    assert "2021Q3/851_courses.xlsx: no sheet has a header row with the columns of a courses file" in message
    assert "read sheet 'Forside', row 1" in message and "the data seem to be on sheet 'Data' from row 1" in message


def test_a_header_that_lacks_a_column_is_named_with_its_sheet_and_row(tmp_path):
    rows = [["Titel"], ["course_id", "citizen_id", "paragraf"], course(1)[:3]]
    with pytest.raises(IngestError) as raised:
        ingest(tmp_path, {"Forside": COVER, "Data": rows})
    message = str(raised.value)
    assert "read sheet 'Forside', row 1" in message
    assert "the header seems to be on sheet 'Data', row 2, which lacks start_date (or startdato" in message


def test_two_sheets_with_a_header_are_refused_rather_than_one_left_unread(tmp_path):
    with pytest.raises(IngestError, match="sheets 'Aalborg' and 'Aalborg 2' both hold a header row of a courses"):
        ingest(tmp_path, {"Aalborg": [HEADER, course(1)], "Aalborg 2": [HEADER, course(2)]})


def test_validate_says_which_sheet_and_row_it_read_in_one_language(tmp_path, capsys):
    path = workbook(tmp_path / "2021Q3" / "851_courses.xlsx", {"Forside": COVER, "Data": [["Titel"], HEADER]})
    assert main(["validate", "--lang", "en", str(path)]) == 0
    english = capsys.readouterr().out
    assert "read from sheet 'Data', header on row 2 (1 row above it and the sheet Forside not read)" in english
    assert main(["validate", str(path)]) == 0
    danish = capsys.readouterr().out
    assert "læst fra arket 'Data', overskrift i række 2 (1 række over den og arket Forside ikke læst)" in danish
    assert "sheet" not in danish and "read from" not in danish
    assert main(["validate", "--json", str(path)]) == 0
    [report] = json.loads(capsys.readouterr().out)["files"]
    assert (report["sheet"], report["header_line"], report["sheets_not_read"]) == ("Data", 2, ["Forside"])


def test_validate_gives_the_no_header_message_in_danish_only(tmp_path, capsys):
    path = workbook(tmp_path / "2021Q3" / "851_courses.xlsx", {"Forside": COVER, "Data": [["a", "b"], ["1", "2"]]})
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "intet ark har en overskriftsrække med kolonnerne for en courses-fil" in out
    assert "læste arket 'Forside', række 1" in out and "data ser ud til at stå på arket 'Data' fra række 1" in out
    assert "sheet" not in out and "seem" not in out


def test_a_sheet_named_by_a_cpr_number_is_not_named_in_the_log_or_the_messages(tmp_path, capsys):
    cpr = "0101901234"
    outcome, out = ingest(tmp_path, {cpr: [["noter"]], "Data": [HEADER, course(1)]})
    [(sheets_not_read,)] = duckdb.execute(f"SELECT sheets_not_read FROM '{out}/ingest_log.parquet'").fetchall()
    assert sheets_not_read == "<cpr removed>"
    path = workbook(tmp_path / "v" / "2021Q3" / "851_courses.xlsx", {"Data": [HEADER], cpr: [HEADER]})
    main(["validate", "--json", str(path)])
    main(["validate", str(path)])
    assert cpr not in capsys.readouterr().out
