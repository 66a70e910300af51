"""Every physical line of a delivered file is accounted for, counted apart from the CSV parse, and every row keeps
the number of the line it starts on."""

from __future__ import annotations

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.contract import AccountingError
from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import IngestError
from evalkit.ingest.lines import count_lines
from evalkit.ingest.preflight import validate_paths
from evalkit.warehouse.build import build_warehouse

HEADER = "course_id,citizen_id,offer,paragraph,access,format,birth_year,start_date,end_date,end_reason\n"


def course(n: int, offer: str = "Fremdrift") -> str:
    return f"c{n},K-{n},{offer},82a,open,group,1980,2021-04-01,2021-06-30,completed\n"


def ingest(tmp_path, text: str):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    out = tmp_path / "out" / "2021Q3"
    [outcome] = ingest_quarter(tmp_path / "raw", "2021Q3", out, TEST_KEY.encode())
    return outcome, out


# A file with every kind of line that used to shift the numbers: the comment is each line's number.
MESSY = (
    HEADER  # 1
    + course(1)  # 2
    + "\n"  # 3 blank
    + course(2)  # 4
    + 'c3,K-3,"two\nlines",82a,open,group,1980,2021-04-01,2021-06-30,completed\n'  # 5-6
    + course(4)  # 7
    + "c5,K-5,too,few\n"  # 8 malformed
    + ",,,,,,,,,\n"  # 9 separators only: blank
    + "   \n"  # 10 spaces only: blank
    + course(6)  # 11
    + course(7).replace("82a", "82z")  # 12 bad code
)


def test_loaded_rows_and_quarantined_lines_carry_their_physical_line(tmp_path):
    outcome, out = ingest(tmp_path, MESSY)
    loaded = duckdb.execute(f"SELECT course_id, source_line FROM '{out}/courses.parquet' ORDER BY 2").fetchall()
    assert loaded == [("c1", 2), ("c2", 4), ("c3", 5), ("c4", 7), ("c6", 11)]
    quarantined = duckdb.execute(
        f"SELECT source_line, reason_code FROM '{out}/quarantine.parquet' ORDER BY 1"
    ).fetchall()
    assert quarantined == [(8, "malformed_line"), (12, "unknown_code")]
    report = validate_paths([tmp_path / "raw" / "2021Q3" / "851_courses.csv"], "en")[0][0]
    assert [example["line"] for problem in report.problems for example in problem.examples] == [8, 12]


def test_every_physical_line_is_the_header_a_row_blank_or_inside_a_cell(tmp_path):
    outcome, out = ingest(tmp_path, MESSY)
    assert (outcome.lines, outcome.rows_loaded, outcome.rows_quarantined) == (12, 5, 2)
    assert (outcome.lines_blank, outcome.lines_in_cells) == (3, 1)
    logged = duckdb.execute(f"SELECT lines, lines_blank, lines_in_cells FROM '{out}/ingest_log.parquet'").fetchall()
    assert logged == [(12, 3, 1)]


def test_an_unterminated_quote_refuses_the_file_naming_the_line_it_opens_on(tmp_path):
    rows = [course(n) for n in range(1000)]
    rows[1] = course(1, offer='"Fremdrift')
    with pytest.raises(IngestError, match="851_courses.csv: line 3: a quote opens a cell .* runs to line 1001"):
        ingest(tmp_path, HEADER + "".join(rows))


def test_a_quote_that_swallows_rows_until_a_later_stray_quote_refuses_the_file(tmp_path):
    rows = [course(n) for n in range(20)]
    rows[1] = course(1, offer='"Fremdrift')
    rows[9] = course(9, offer='Frem"drift"')
    with pytest.raises(IngestError, match="line 3: a quote opens a cell"):
        ingest(tmp_path, HEADER + "".join(rows))


def test_the_warehouse_refuses_a_log_whose_lines_do_not_add_up(tmp_path):
    ingest(tmp_path, MESSY)
    quarter = tmp_path / "out" / "2021Q3"
    log = quarter / "ingest_log.parquet"
    duckdb.execute(f"COPY (SELECT * REPLACE (lines_blank - 1 AS lines_blank) FROM '{log}') TO '{log}'")
    with pytest.raises(AccountingError, match="851_courses.csv: .*12 lines = 1 header .* 2 blank"):
        build_warehouse([quarter], tmp_path / "wh.duckdb")


@pytest.mark.parametrize(
    ("data", "first", "last", "blank"),
    [
        (b"h\n1\n\n2", [1, 2, 3, 4], [1, 2, 3, 4], [False, False, True, False]),
        (b'h\r\n"a\r\nb",1\r\n;;\r\n', [1, 2, 4], [1, 3, 4], [False, False, True]),
        # a quote inside a field is a character, a doubled quote inside a quoted cell is one quote
        (b'h\nab"c;1\n"x""\n";2\n', [1, 2, 3], [1, 2, 4], [False, False, False]),
        (b'\xef\xbb\xbf"h";"i"\n1;2\n', [1, 2], [1, 2], [False, False]),
    ],
)
def test_the_line_count_finds_records_apart_from_the_parser(data, first, last, blank):
    lines = count_lines(data, ";")
    starts = [lines.first(record) for record in range(lines.records)]
    ends = [lines.first(record) + lines.spans.get(record, 0) for record in range(lines.records)]
    assert (starts, ends, [record in lines.blank for record in range(lines.records)]) == (first, last, blank)
    assert lines.open_quote is None and lines.physical == last[-1]
