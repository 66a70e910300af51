"""`evalkit validate`: the ingest's own checks, plain-language report, exit codes, never a CPR number."""

from __future__ import annotations

import json

import pytest
from conftest import write_drop

from evalkit.cli import main

COURSES = (
    "forloeb_id;cpr;paragraf;startdato;slutdato;afslutningsaarsag\n"
    "c1;010190-1234;82a;01-04-2021;;\n"
    "c2;310290-1234;82a;01-04-2021;;\n"
    "c3;K-3;82c;01-04-2021;;\n"
    "c4;K-4;82c;01-04-2021;;\n"
    "c5;K-5;82a;2021-13-01;;\n"
)
SERVICES = "service_id,citizen_id,paragraph,start_date\ns1,K-1,85,2021-01-01\n"


@pytest.fixture
def quarter(tmp_path):
    write_drop(tmp_path, "2022Q1", "851_courses.csv", COURSES)
    write_drop(tmp_path, "2022Q1", "851_services.csv", SERVICES)
    return tmp_path / "2022Q1"


def test_clean_files_exit_0(quarter, capsys):
    assert main(["validate", str(quarter / "851_services.csv")]) == 0
    out = capsys.readouterr().out
    assert "1 række læst: 1 kan indlæses, 0 vil blive sat i karantæne." in out


def test_rows_to_quarantine_exit_1_with_reasons_grouped_and_example_lines(quarter, capsys):
    assert main(["validate", "--lang", "en", str(quarter / "851_courses.csv")]) == 1
    out = capsys.readouterr().out
    assert "5 rows read: 1 would load, 4 would be quarantined." in out
    assert "- paragraph: unknown code: expected one of 82a, 82b — 2 rows, e.g. line 4 ('82c'), line 5 ('82c')" in out
    assert "- start_date: not a date" in out and "line 6 ('2021-13-01')" in out
    assert "- citizen_id: not a valid CPR number" in out and "line 3" in out


def test_danish_is_the_default_and_names_columns_by_their_danish_names(quarter, capsys):
    main(["validate", str(quarter)])
    out = capsys.readouterr().out
    assert "- paragraf (paragraph): ukendt kode: forventede en af 82a, 82b — 2 rækker" in out
    assert "2 filer kontrolleret: 1 uden fejl, 1 med rækker til karantæne, 0 kan ikke bruges." in out


def test_a_file_that_cannot_be_used_exits_2_and_the_others_are_still_checked(quarter, capsys):
    write_drop(quarter.parent, "2022Q1", "851_kurser.csv", "x\n")
    write_drop(quarter.parent, "2022Q1", "851_courses.xlsx", "not really a workbook")
    assert main(["validate", str(quarter)]) == 2
    out = capsys.readouterr().out
    assert "2022Q1/851_kurser.csv: KAN IKKE BRUGES: ukendt tabel 'kurser'" in out
    assert "2022Q1/851_courses.xlsx: KAN IKKE BRUGES: 2022Q1/851_courses.csv indeholder allerede" in out
    assert "5 rækker læst" in out


def test_json_for_machines(quarter, capsys):
    assert main(["validate", "--json", "--lang", "en", str(quarter)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == 1
    courses = next(f for f in report["files"] if f["file"] == "2022Q1/851_courses.csv")
    assert (courses["rows_read"], courses["rows_loaded"], courses["rows_quarantined"]) == (5, 1, 4)
    assert {(p["column"], p["reason_code"], p["rows"]) for p in courses["problems"]} == {
        ("citizen_id", "not_cpr", 1),
        ("paragraph", "unknown_code", 2),
        ("start_date", "not_date", 1),
    }


@pytest.mark.parametrize("args", [[], ["--json"], ["--lang", "en"]])
def test_no_cpr_number_is_ever_printed(quarter, capsys, args):
    write_drop(quarter.parent, "2022Q1", "860_courses.csv", "forloeb_id;cpr\n010190-1234;020290-1234\n")
    main(["validate", *args, str(quarter)])
    captured = capsys.readouterr()
    for cpr in ("010190-1234", "0101901234", "310290-1234", "3102901234", "020290-1234"):
        assert cpr not in captured.out + captured.err


def test_a_missing_path_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere.csv")]) == 2


def test_without_lang_the_workflows_language_is_used(quarter, capsys, monkeypatch):
    monkeypatch.setenv("EVALKIT_LANGUAGE", "en")
    assert main(["validate", str(quarter / "851_courses.csv")]) == 1
    english = capsys.readouterr().out
    monkeypatch.setenv("EVALKIT_LANGUAGE", "da")
    assert main(["validate", str(quarter / "851_courses.csv")]) == 1
    assert capsys.readouterr().out != english
    monkeypatch.delenv("EVALKIT_LANGUAGE")
    assert main(["validate", "--lang", "en", str(quarter / "851_courses.csv")]) == 1
    assert capsys.readouterr().out == english
