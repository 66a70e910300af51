"""Ingest of one quarter: dialects, validation rules, quarantine, accounting and pseudonymisation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.contract import TABLES
from evalkit.ingest import ingest_quarter
from evalkit.ingest.checks import MACROS
from evalkit.ingest.delivery import IngestError
from evalkit.provenance import files_fingerprint

COURSES_HEADER = "course_id,citizen_id,offer,paragraph,access,format,birth_year,start_date,end_date,end_reason\n"
GOOD_COURSE = "c1,K-1,Fremdrift,82a,open,group,1980,2021-04-01,2021-06-30,completed\n"


def key_of(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def run(tmp_path, quarter="2021Q3"):
    out = tmp_path / "out" / quarter
    outcomes = ingest_quarter(tmp_path / "raw", quarter, out, TEST_KEY.encode())
    return outcomes, out


def rows(out, name, columns="*", order="source_line"):
    return duckdb.execute(f"SELECT {columns} FROM '{out}/{name}.parquet' ORDER BY {order}").fetchall()


# --- dialects ---------------------------------------------------------------------------------------------


def test_semicolon_windows_1252_danish_aliases_decimal_comma_and_danish_dates(tmp_path):
    text = (
        "Slutdato;Tilbud;CPR;Forløb_ID;Paragraf;Adgang;Form;Startdato;Afslutningsårsag;Noter\n"
        "30.09.2021;Fremdrift – “café” € ;010190-1234;c1;§ 82A;open;group;01-04-2021;completed;x\n"
    )
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text, encoding="cp1252")
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_services.csv",
        "indsats_id;cpr;paragraf;startdato;timer_pr_uge;aarlig_udgift\ns1;0101901234;§ 85;15-10-2021;3,5;1.234,50\n",
        encoding="cp1252",
    )
    outcomes, out = run(tmp_path)
    assert {o.encoding for o in outcomes} == {"windows-1252"}
    assert {o.delimiter for o in outcomes} == {";"}
    assert outcomes[0].ignored_columns == ["Noter"]
    course = rows(out, "courses", "course_id, citizen_key, offer, paragraph, birth_year, start_date, end_date")
    assert course == [
        ("c1", key_of("0101901234"), "Fremdrift – “café” €", "82a", 1990, dt.date(2021, 4, 1), dt.date(2021, 9, 30))
    ]
    assert rows(out, "services", "citizen_key, paragraph, hours_per_week, annual_cost_dkk") == [
        (key_of("0101901234"), "85", 3.5, 1234.5)
    ]


def test_comma_utf8_with_bom_iso_dates_any_column_order(tmp_path):
    text = "\ufeffend_reason,end_date,start_date,birth_year,format,access,paragraph,offer,citizen_id,course_id\n"
    text += "dropped_out,2021-05-02,2021-04-01,1975,adhoc,decision,82b,Daghuset,K-7,c9\n"
    write_drop(tmp_path / "raw", "2021Q3", "787_courses.csv", text)
    outcomes, out = run(tmp_path)
    assert (outcomes[0].encoding, outcomes[0].delimiter) == ("utf-8-sig", ",")
    assert rows(out, "courses", "kommunekode, course_id, citizen_key, format, access, end_reason, birth_year") == [
        ("787", "c9", key_of("K-7"), "adhoc", "decision", "dropped_out", 1975)
    ]


def test_windows_1252_bytes_undefined_in_the_codepage_are_kept_not_lost(tmp_path):
    path = tmp_path / "raw" / "2021Q3" / "851_courses.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(COURSES_HEADER.encode() + b"c1,K-1,Caf\xe9 \x81,82a,open,group,1980,2021-04-01,,\n")
    outcomes, out = run(tmp_path)
    assert outcomes[0].encoding == "windows-1252"
    assert rows(out, "courses", "offer") == [("Café \x81",)]


def test_birth_year_is_derived_from_the_cpr_number_with_the_century_rule(tmp_path):
    # 7th digit 4 with YY <= 36 -> 2000s; 5 with YY > 57 -> 1800s is implausible, so use 0 -> 1900s and
    # 9 with YY > 36 -> 1900s.
    text = "course_id;cpr;paragraph;start_date\nc1;020304-4123;82a;2021-04-01\nc2;020345-9123;82a;2021-04-01\n"
    text += "c3;020399-0123;82b;2021-04-01\n"
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    _, out = run(tmp_path)
    assert rows(out, "courses", "course_id, birth_year") == [("c1", 2004), ("c2", 1945), ("c3", 1999)]


# --- validation -------------------------------------------------------------------------------------------

BAD_COURSES = [
    ("c2,K-2,X,82c,open,group,1980,2021-04-01,,", "paragraph", "82c", "unknown code"),
    ("c2,K-2,X,82a,walk-in,group,1980,2021-04-01,,", "access", "walk-in", "unknown code"),
    ("c2,K-2,X,82a,open,online,1980,2021-04-01,,", "format", "online", "unknown code"),
    ("c2,K-2,X,82a,open,group,1980,2021-04-01,2021-05-01,finished", "end_reason", "finished", "unknown code"),
    ("c2,K-2,X,82a,open,group,1980,2021-13-01,,", "start_date", "2021-13-01", "not a date"),
    ("c2,K-2,X,82a,open,group,1980,31-02-2021,,", "start_date", "31-02-2021", "not a date"),
    ("c2,K-2,X,82a,open,group,1980,,,", "start_date", None, "required value is missing"),
    ("c2,,X,82a,open,group,1980,2021-04-01,,", "citizen_id", None, "required value is missing"),
    ("c2,K-2,X,82a,open,group,1980,2021-04-01,2021-03-31,completed", "end_date", "2021-03-31", "before start_date"),
    ("c2,K-2,X,82a,open,group,1980,2021-04-01,2021-05-01,", "end_reason", None, "exactly when end_date"),
    ("c2,K-2,X,82a,open,group,1980,2021-04-01,,completed", "end_reason", "completed", "exactly when end_date"),
    ("c2,K-2,X,82a,open,group,19x0,2021-04-01,,", "birth_year", "19x0", "not a whole number"),
    ("c2,K-2,X,82a,open,group,1850,2021-04-01,,", "birth_year", "1850", "plausible birth year"),
    ("c2,310290-1234,X,82a,open,group,,2021-04-01,,", "citizen_id", None, "not a valid CPR number"),
    ("c2,12345,X,82a,open,group,,2021-04-01,,", "citizen_id", None, "not a valid CPR number"),
    ("010190-1234,K-2,X,82a,open,group,1980,2021-04-01,,", "course_id", None, "belongs in the citizen column only"),
]


@pytest.mark.parametrize(("line", "column", "value", "reason"), BAD_COURSES)
def test_a_bad_course_row_is_quarantined_with_its_reason_and_the_rest_loaded(tmp_path, line, column, value, reason):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", COURSES_HEADER + GOOD_COURSE + line + "\n")
    outcomes, out = run(tmp_path)
    assert rows(out, "courses", "course_id") == [("c1",)]
    quarantined = rows(out, "quarantine", "source_file, source_line, column_name, value, reason")
    assert len(quarantined) == 1
    source_file, source_line, got_column, got_value, got_reason = quarantined[0]
    assert (source_file, source_line, got_column, got_value) == ("2021Q3/851_courses.csv", 3, column, value)
    assert reason in got_reason
    assert (outcomes[0].rows_read, outcomes[0].rows_loaded, outcomes[0].rows_quarantined) == (2, 1, 1)


@pytest.mark.parametrize(
    ("name", "text", "column", "reason"),
    [
        (
            "851_services.csv",
            "service_id,citizen_id,paragraph,start_date,hours_per_week\ns1,K-1,85,2021-01-01,-2\n",
            "hours_per_week",
            "must not be negative",
        ),
        (
            "851_services.csv",
            "service_id,citizen_id,paragraph,start_date,annual_cost_dkk\ns1,K-1,85,2021-01-01,lots\n",
            "annual_cost_dkk",
            "not a number",
        ),
        ("851_contacts.csv", "contact_id,date,source\nh1,2021-01-01,neighbour\n", "source", "unknown code"),
        ("851_housing_support.csv", "month,hours,citizens\n2021-13,10,2\n", "month", "not a month"),
        ("851_staff_hours.csv", "offer,month,hours,hourly_cost_dkk\nDI,2021-01,,300\n", "hours", "required value"),
        ("851_milestones.csv", "programme,citizen_id,step,date\nbfa,K-1,team_meeting,\n", "date", "required value"),
        ("851_shadow.csv", "course_id,shadow_paragraph\nc1,\n", "shadow_paragraph", "required value"),
    ],
)
def test_other_tables_quarantine_bad_rows(tmp_path, name, text, column, reason):
    write_drop(tmp_path / "raw", "2021Q3", name, text)
    outcomes, out = run(tmp_path)
    table = name.removeprefix("851_").removesuffix(".csv")
    assert rows(out, table, "count(*)", order="1") == [(0,)]
    [(got_column, got_reason)] = rows(out, "quarantine", "column_name, reason")
    assert got_column == column and reason in got_reason
    assert outcomes[0].rows_quarantined == 1


def test_a_row_with_two_problems_is_one_quarantined_row_with_two_reasons(tmp_path):
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_courses.csv",
        COURSES_HEADER + GOOD_COURSE + "c2,K-2,X,82z,open,group,1980,not-a-date,,\n",
    )
    outcomes, out = run(tmp_path)
    assert sorted(r[0] for r in rows(out, "quarantine", "column_name")) == ["paragraph", "start_date"]
    assert outcomes[0].rows_quarantined == 1 and outcomes[0].rows_loaded == 1


def test_duplicate_keys_in_a_file(tmp_path):
    text = COURSES_HEADER + GOOD_COURSE + GOOD_COURSE  # identical: the first is loaded
    text += "c2,K-2,X,82a,open,group,1980,2021-04-01,,\nc2,K-3,X,82a,open,group,1980,2021-04-01,,\n"  # conflicting
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    outcomes, out = run(tmp_path)
    assert rows(out, "courses", "course_id, source_line") == [("c1", 2)]
    reasons = rows(out, "quarantine", "source_line, reason")
    assert reasons[0] == (3, "exact duplicate of line 2")
    assert [line for line, _ in reasons[1:]] == [4, 5]
    assert all("lines 4, 5 with different values" in reason for _, reason in reasons[1:])
    assert (outcomes[0].rows_read, outcomes[0].rows_loaded, outcomes[0].rows_quarantined) == (4, 1, 3)


def test_malformed_lines_are_quarantined_with_their_line_and_later_lines_keep_theirs(tmp_path):
    text = COURSES_HEADER + "c1,K-1,X,82a,open,group,1980\n" + GOOD_COURSE.replace("c1", "c2")
    text += "c3,K-3,X,82a,open,group,1980,2021-04-01,,,surplus\n" + "c4,K-4,X,82q,open,group,1980,2021-04-01,,\n"
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    outcomes, out = run(tmp_path)
    assert rows(out, "courses", "course_id, source_line") == [("c2", 3)]
    quarantine = rows(out, "quarantine", "source_line, column_name, reason")
    assert [(line, column) for line, column, _ in quarantine] == [(2, None), (4, None), (5, "paragraph")]
    assert quarantine[0][2].startswith("malformed CSV line")
    assert (outcomes[0].rows_read, outcomes[0].rows_loaded, outcomes[0].rows_quarantined) == (4, 1, 3)


def test_quarantine_never_copies_a_cpr_number(tmp_path):
    text = "course_id;cpr;paragraph;start_date;offer\nc1;010190-1234;82x;2021-04-01;ring 020290-1234\n"
    text += "c2;020290-1234;82a;2021-04-01;2021-04-01\n"
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    _, out = run(tmp_path)
    dump = (out / "quarantine.parquet").read_bytes() + (out / "courses.parquet").read_bytes()
    for cpr in (b"010190-1234", b"0101901234", b"020290-1234", b"0202901234"):
        assert cpr not in dump


def test_a_citizen_in_many_rows_and_tables_is_hashed_to_the_same_key_as_python_hmac(tmp_path):
    # each distinct citizen is hashed once per quarter and its key joined to every row
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_courses.csv",
        "course_id;cpr;paragraph;start_date\n"
        "c1;010190-1234;82a;2021-04-01\nc2;0101901234;82a;2021-04-02\nc3;K-7;82b;2021-04-03\n",
    )
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "851_contacts.csv",
        "contact_id;date;source;cpr\n"
        "h1;2021-04-01;citizen;K-7\nh2;2021-04-02;relative;\nh3;2021-04-03;citizen;0101901234\n",
    )
    _, out = run(tmp_path)
    assert rows(out, "courses", "citizen_key") == [(key_of("0101901234"),)] * 2 + [(key_of("K-7"),)]
    assert rows(out, "contacts", "citizen_key") == [(key_of("K-7"),), (None,), (key_of("0101901234"),)]


TRICKY_DATES = [
    "2021-03-04",
    "04-03-2021",
    "04.03.2021",
    "4.3.2021",
    "2021.03.04",
    "04.03-2021",
    "04-03.2021",
    "12-11-10",
    "31.02.2021",
    "2021-3-4",
    "04032021",
    "0001-01-01",
    "04.03.2021-",
    "-04.03.2021",
    "",
]


def test_a_date_is_read_with_the_first_of_the_three_formats_that_fits():
    # parse_date skips the formats with a '-' for a cell without one; the result must be that of trying all three
    con = duckdb.connect()
    con.execute(MACROS)
    for value in TRICKY_DATES:
        first_fit = con.execute(
            "SELECT CAST(COALESCE(try_strptime($v, '%Y-%m-%d'), try_strptime($v, '%d-%m-%Y'), "
            "try_strptime($v, '%d.%m.%Y')) AS DATE)",
            {"v": value},
        ).fetchone()[0]
        assert con.execute("SELECT parse_date($v)", {"v": value}).fetchone()[0] == first_fit, value


def test_every_code_of_the_contract_is_its_own_normal_form():
    # a cell holding a code exactly is taken as it is, without normalising it
    con = duckdb.connect()
    con.execute(MACROS)
    codes = {code for table in TABLES.values() for column in table.columns for code in column.codes}
    assert {code: con.execute("SELECT normalise_code($c)", {"c": code}).fetchone()[0] for code in codes} == {
        code: code for code in codes
    }


# --- files that cannot be used ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("851_kurser.csv", "x\n", "2021Q3/851_kurser.csv: unknown table 'kurser'"),
        ("aalborg_courses.csv", "x\n", "2021Q3/aalborg_courses.csv: the file name must be"),
        ("851_courses.xls", "x\n", "2021Q3/851_courses.xls: old Excel format: save it as .xlsx"),
        (
            "851_courses.csv",
            "citizen_id;paragraph;start_date\nK-1;82a;2021-01-01\n",
            "2021Q3/851_courses.csv: missing column(s) course_id (or forloeb_id)",
        ),
        ("851_courses.csv", "", "2021Q3/851_courses.csv: the file is empty"),
        (
            "851_courses.csv",
            "course_id;forloeb_id;citizen_id;paragraph;start_date\n",
            "columns 'course_id' and 'forloeb_id' both mean course_id",
        ),
    ],
)
def test_a_file_that_cannot_be_used_fails_the_quarter_naming_file_and_problem(tmp_path, name, text, message):
    write_drop(tmp_path / "raw", "2021Q3", "860_courses.csv", COURSES_HEADER + GOOD_COURSE)
    write_drop(tmp_path / "raw", "2021Q3", name, text)
    with pytest.raises(IngestError) as error:
        run(tmp_path)
    assert message in str(error.value)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_two_files_for_the_same_municipality_and_table_are_refused(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", COURSES_HEADER + GOOD_COURSE)
    write_drop(tmp_path / "raw", "2021Q3", "851_Courses.csv", COURSES_HEADER + GOOD_COURSE)
    with pytest.raises(IngestError, match="one file per municipality and table"):
        run(tmp_path)


def test_notes_and_hidden_files_in_a_delivery_folder_are_not_data(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", COURSES_HEADER + GOOD_COURSE)
    write_drop(tmp_path / "raw", "2021Q3", "README.md", "notes")
    write_drop(tmp_path / "raw", "2021Q3", ".DS_Store", "\0")
    outcomes, _ = run(tmp_path)
    assert [o.delivery.display for o in outcomes] == ["2021Q3/851_courses.csv"]


def test_every_quarantine_reason_reads_in_danish_too(tmp_path):
    text = COURSES_HEADER + "".join(line + "\n" for line, *_ in BAD_COURSES) + GOOD_COURSE + GOOD_COURSE
    text += "c1,K-1,X,82a\n"
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    _, out = run(tmp_path)
    reasons = rows(out, "quarantine", "DISTINCT reason_code, reason, reason_da", order="1")
    assert {code for code, _, _ in reasons} >= {
        "unknown_code",
        "not_date",
        "missing",
        "end_before_start",
        "end_reason_mismatch",
        "not_integer",
        "implausible_birth_year",
        "not_cpr",
        "holds_cpr",
        "exact_duplicate",
        "malformed_line",
    }
    for code, english, danish in reasons:
        assert english and danish and english != danish, code
    expected = ("unknown_code", "unknown code: expected one of 82a, 82b", "ukendt kode: forventede en af 82a, 82b")
    assert expected in reasons


def test_an_excel_workbook_is_read_through_the_same_validation(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Forløb_ID", "CPR", "Paragraf", "Startdato", "Slutdato", "Afslutningsårsag", "Timer"])
    sheet.append(["c1", "010190-1234", "82a", dt.datetime(2021, 4, 1), dt.datetime(2021, 6, 30), "completed", 2.0])
    sheet.append([None] * 7)  # a formatted but empty row, as Excel leaves them
    sheet.append(["c2", "K-2", "82x", dt.date(2021, 4, 2), None, None, None])
    path = tmp_path / "raw" / "2021Q3" / "851_courses.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    outcomes, out = run(tmp_path)
    assert (outcomes[0].encoding, outcomes[0].rows_read, outcomes[0].rows_loaded) == ("xlsx", 2, 1)
    assert rows(out, "courses", "course_id, citizen_key, birth_year, end_date") == [
        ("c1", key_of("0101901234"), 1990, dt.date(2021, 6, 30))
    ]
    assert rows(out, "quarantine", "column_name, value") == [("paragraph", "82x")]


@pytest.mark.parametrize(
    "content",
    [
        "course_id;citizen_id\n".encode("utf-16"),
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30,
    ],
    ids=["utf-16", "workbook-renamed-csv"],
)
def test_a_file_that_is_not_text_csv_is_refused_with_a_plain_message(tmp_path, content):
    path = tmp_path / "raw" / "2021Q3" / "851_courses.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(IngestError, match="851_courses.csv: is not a text CSV file"):
        run(tmp_path)


def test_a_file_with_a_malformed_line_followed_by_other_files_in_the_quarter(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", COURSES_HEADER + GOOD_COURSE + "c2,K-2,82a\n")
    write_drop(tmp_path / "raw", "2021Q3", "860_courses.csv", COURSES_HEADER + GOOD_COURSE)
    write_drop(
        tmp_path / "raw",
        "2021Q3",
        "860_services.csv",
        "service_id,citizen_id,paragraph,start_date\ns1,K-1,85,2021-05-01\n",
    )
    outcomes, out = run(tmp_path)
    assert [(o.rows_read, o.rows_loaded, o.rows_quarantined) for o in outcomes] == [(2, 1, 1), (1, 1, 0), (1, 1, 0)]
    assert rows(out, "quarantine", "source_file, source_line") == [("2021Q3/851_courses.csv", 3)]


def test_the_delivery_fingerprint_changes_with_any_file_and_only_then(tmp_path):
    folder = write_drop(tmp_path, "2021Q3", "851_courses.csv", "a;b\n1;2\n").parent
    first = files_fingerprint(folder)
    assert files_fingerprint(folder) == first
    stat = (folder / "851_courses.csv").stat()
    (folder / "851_courses.csv").write_text("a;b\n1;3\n")  # same size, new content
    os.utime(folder / "851_courses.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    rewritten = files_fingerprint(folder)
    (folder / "860_courses.csv").write_text("a;b\n")
    added = files_fingerprint(folder)
    (folder / "860_courses.csv").unlink()
    assert len({first, rewritten, added}) == 3 and files_fingerprint(folder) == rewritten
