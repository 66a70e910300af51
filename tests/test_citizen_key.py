"""One person, one key: the ways a CPR number gets typed or pasted give the key of its clean form."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.ingest import ingest_quarter

HEADER = "course_id,citizen_id,paragraph,start_date\n"
CLEAN = "0101901234"
VARIANTS = [
    " 0101901234 ",
    "\t010190-1234",
    "\ufeff0101901234",
    "010190\u00a01234",
    "010190\u20131234",  # en dash, as Word and Outlook turn a dash into
    "010190 \u2013 1234",
    "0101901234\u00a0",
]


def key_of(value: str) -> str:
    return hmac.new(TEST_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def keys(out) -> list[tuple[str, int]]:
    return duckdb.execute(f"SELECT citizen_key, birth_year FROM '{out}/courses.parquet' ORDER BY course_id").fetchall()


def test_a_cpr_number_with_stray_spaces_bom_or_another_dash_gives_the_clean_key(tmp_path):
    text = HEADER + "".join(f'c{i},"{cpr}",82a,2021-04-01\n' for i, cpr in enumerate(VARIANTS))
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", text)
    ingest_quarter(tmp_path / "raw", "2021Q3", tmp_path / "out", TEST_KEY.encode())
    assert keys(tmp_path / "out") == [(key_of(CLEAN), 1990)] * len(VARIANTS)


@pytest.mark.parametrize("value", ["K-7 ", "\ufeffK-7", "K-7\u00a0"])
def test_a_pseudonymised_key_with_stray_spaces_or_bom_gives_the_clean_key(tmp_path, value):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + f'c1,"{value}",82a,2021-04-01\n')
    ingest_quarter(tmp_path / "raw", "2021Q3", tmp_path / "out", TEST_KEY.encode())
    assert [key for key, _ in keys(tmp_path / "out")] == [key_of("K-7")]


def test_an_excel_citizen_id_stored_as_a_number_gets_its_leading_zero_back(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["course_id", "citizen_id", "paragraph", "start_date", "hours"])
    sheet.append(["c1", 101901234, "82a", "2021-04-01", 123456789])
    sheet.append(["c2", "0101901234", "82a", "2021-04-01", 1])
    path = tmp_path / "raw" / "2021Q3" / "851_courses.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    ingest_quarter(tmp_path / "raw", "2021Q3", tmp_path / "out", TEST_KEY.encode())
    assert keys(tmp_path / "out") == [(key_of(CLEAN), 1990)] * 2
