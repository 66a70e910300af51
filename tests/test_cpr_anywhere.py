"""No CPR number leaves data/raw, whatever column it is typed into: the row is quarantined, the column named and
the value never shown."""

from __future__ import annotations

import duckdb
from conftest import TEST_KEY, write_drop

from evalkit.ingest import ingest_quarter

COURSES = "course_id,citizen_id,offer,paragraph,access,format,birth_year,start_date,end_date,end_reason\n"
SERVICES = "service_id,citizen_id,paragraph,start_date,hours_per_week,annual_cost_dkk\n"
CPRS = ("0101901234", "010190-1234", "2512874321")


def test_a_cpr_number_in_an_id_text_or_number_column_is_quarantined_without_its_value(tmp_path):
    raw = tmp_path / "raw"
    write_drop(
        raw,
        "2021Q3",
        "851_courses.csv",
        COURSES
        + "c1,K-1,Fremdrift,82a,open,group,1980,2021-04-01,2021-06-30,completed\n"  # 2 good
        + "K-0101901234,K-2,Fremdrift,82a,open,group,1980,2021-04-01,2021-06-30,completed\n"  # 3
        + "0101901234_1,K-3,Fremdrift,82a,open,group,1980,2021-04-01,2021-06-30,completed\n"  # 4
        + "c4,K-4,Samtale med 010190-1234,82a,open,group,1980,2021-04-01,2021-06-30,completed\n",  # 5
    )
    write_drop(
        raw,
        "2021Q3",
        "851_services.csv",
        SERVICES
        + "s1,K-1,85,2021-04-01,3,1000\n"  # 2 good
        + "s2,K-1,85,2021-04-01,2512874321,1000\n"  # 3
        + "s3,K-1,85,2021-04-01,3,0101901234\n",  # 4
    )
    out = tmp_path / "out" / "2021Q3"
    outcomes = ingest_quarter(raw, "2021Q3", out, TEST_KEY.encode())
    assert [(o.rows_loaded, o.rows_quarantined) for o in outcomes] == [(1, 3), (1, 2)]
    quarantined = duckdb.execute(
        f"SELECT table_name, source_line, column_name, value, reason_code, reason FROM '{out}/quarantine.parquet' "
        "WHERE reason_code = 'holds_cpr' ORDER BY 1, 2"  # the numbers are also past their plausibility bound
    ).fetchall()
    assert [row[:5] for row in quarantined] == [
        ("courses", 3, "course_id", None, "holds_cpr"),
        ("courses", 4, "course_id", None, "holds_cpr"),
        ("courses", 5, "offer", None, "holds_cpr"),
        ("services", 3, "hours_per_week", None, "holds_cpr"),
        ("services", 4, "annual_cost_dkk", None, "holds_cpr"),
    ]
    for path in out.iterdir():
        text = (
            str(duckdb.execute(f"SELECT * FROM '{path}'").fetchall())
            if path.suffix == ".parquet"
            else path.read_text(encoding="utf-8")  # the key fingerprint beside the Parquet files
        )
        assert not any(cpr in text or cpr.lstrip("0") in text for cpr in CPRS), path.name


def test_a_ten_digit_value_that_is_no_date_is_not_taken_for_a_cpr_number(tmp_path):
    raw = tmp_path / "raw"
    write_drop(raw, "2021Q3", "851_services.csv", SERVICES + "j-4099123456,K-1,85,2021-04-01,3,1000\n")
    [outcome] = ingest_quarter(raw, "2021Q3", tmp_path / "out", TEST_KEY.encode())
    assert (outcome.rows_loaded, outcome.rows_quarantined) == (1, 0)
