"""Files as Excel and people write them: a stray Windows-1252 line in a UTF-8 file, mixed line endings, a CSV
saved as .txt, an old .xls workbook."""

from __future__ import annotations

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import IngestError

SERVICES = "service_id;citizen_id;paragraph;start_date;hours_per_week;annual_cost_dkk\n"


def ingest(tmp_path):
    out = tmp_path / "out"
    outcomes = ingest_quarter(tmp_path / "raw", "2021Q3", out, TEST_KEY.encode())
    return outcomes, out


def test_one_windows_1252_line_in_a_utf8_file_does_not_mangle_the_others(tmp_path):
    path = tmp_path / "raw" / "2021Q3" / "851_courses.csv"
    path.parent.mkdir(parents=True)
    header = b"course_id;citizen_id;offer;paragraph;start_date\n"
    utf8 = "c1;K-1;Café § 85;82a;2021-04-01\n".encode()
    cp1252 = "c2;K-2;Ældrecafé;82a;2021-04-01\n".encode("cp1252")
    path.write_bytes(header + utf8 + cp1252 + utf8.replace(b"c1;K-1", b"c3;K-3"))
    _, out = ingest(tmp_path)
    offers = duckdb.execute(f"SELECT course_id, offer FROM '{out}/courses.parquet' ORDER BY 1").fetchall()
    assert offers == [("c1", "Café § 85"), ("c2", "Ældrecafé"), ("c3", "Café § 85")]


def test_mixed_line_endings_are_read_and_numbered_as_an_editor_shows_them(tmp_path):
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_services.csv",
        SERVICES.replace("\n", "\r\n") + "s1;K-1;85;2021-04-01;3;1000\r" + "s2;K-1;85;2021-04-01;3;1000\n"
        "s3;K-1;85;2021-04-01;3;x\r\n",
    )
    [outcome], out = ingest(tmp_path)
    assert (outcome.lines, outcome.rows_loaded, outcome.rows_quarantined) == (4, 2, 1)
    assert duckdb.execute(f"SELECT source_line FROM '{out}/quarantine.parquet'").fetchall() == [(4,)]


@pytest.mark.parametrize(
    ("name", "message"),
    [("851_services.txt", "rename it to 851_services.csv"), ("851_services.xls", "old Excel format: save it as .xlsx")],
)
def test_a_data_file_in_the_wrong_format_is_named_with_what_to_do(tmp_path, name, message):
    write_drop(tmp_path / "raw", "2021Q3", name, SERVICES + "s1;K-1;85;2021-04-01;3;1000\n")
    with pytest.raises(IngestError, match=f"2021Q3/{name}: .*{message}"):
        ingest(tmp_path)


def test_a_note_saved_as_txt_is_still_ignored(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "noter.txt", "Leveret af Aalborg\n")
    write_drop(tmp_path / "raw", "2021Q3", "851_services.csv", SERVICES + "s1;K-1;85;2021-04-01;3;1000\n")
    outcomes, _ = ingest(tmp_path)
    assert [o.delivery.display for o in outcomes] == ["2021Q3/851_services.csv"]
