"""Numbers that cannot be right are quarantined, and a dot is read as Danish thousands only where the file says so."""

from __future__ import annotations

import duckdb
import pytest
from conftest import TEST_KEY, write_drop

from evalkit.contract import TABLES
from evalkit.ingest import ingest_quarter

SERVICES = "service_id;citizen_id;paragraph;start_date;hours_per_week;annual_cost_dkk\n"


def ingest(tmp_path, rows: str):
    write_drop(tmp_path / "raw", "2021Q3", "851_services.csv", SERVICES + rows)
    out = tmp_path / "out"
    ingest_quarter(tmp_path / "raw", "2021Q3", out, TEST_KEY.encode())
    loaded = duckdb.execute(
        f"SELECT service_id, hours_per_week, annual_cost_dkk FROM '{out}/services.parquet' ORDER BY 1"
    ).fetchall()
    quarantined = duckdb.execute(
        f"SELECT source_line, column_name, reason_code FROM '{out}/quarantine.parquet' ORDER BY 1"
    ).fetchall()
    return loaded, quarantined


def test_non_finite_and_implausible_numbers_are_quarantined(tmp_path):
    loaded, quarantined = ingest(
        tmp_path,
        "s1;K-1;85;2021-04-01;1e308;1000\n"
        "s2;K-1;85;2021-04-01;169;1000\n"
        "s3;K-1;85;2021-04-01;inf;1000\n"
        "s4;K-1;85;2021-04-01;nan;1000\n"
        "s5;K-1;85;2021-04-01;168;1e12\n"
        "s6;K-1;85;2021-04-01;37;250000\n",
    )
    assert loaded == [("s6", 37.0, 250000.0)]
    assert quarantined == [
        (2, "hours_per_week", "implausible_number"),
        (3, "hours_per_week", "implausible_number"),
        (4, "hours_per_week", "not_decimal"),
        (5, "hours_per_week", "not_decimal"),
        (6, "annual_cost_dkk", "implausible_number"),
    ]


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ("3,5", [("s1", 3.5, 125000.0)]),  # decimal commas elsewhere: the dot groups thousands
        ("3.5", [("s1", 3.5, 125.0)]),  # decimal points elsewhere: the dot is the decimal point
    ],
)
def test_a_dot_before_three_digits_follows_the_file_s_other_numbers(tmp_path, other, expected):
    loaded, quarantined = ingest(tmp_path, f"s1;K-1;85;2021-04-01;{other};125.000\n")
    assert (loaded, quarantined) == (expected, [])


def test_a_dot_before_three_digits_in_a_file_without_other_evidence_is_quarantined_as_ambiguous(tmp_path):
    loaded, quarantined = ingest(tmp_path, "s1;K-1;85;2021-04-01;3;125.000\ns2;K-1;85;2021-04-01;3;1000\n")
    assert loaded == [("s2", 3.0, 1000.0)]
    assert quarantined == [(2, "annual_cost_dkk", "ambiguous_number")]


def test_every_number_column_of_the_contract_has_a_plausibility_bound():
    unbounded = [
        (table.name, column.name)
        for table in TABLES.values()
        for column in table.columns
        if column.kind in ("decimal", "integer") and column.maximum is None and column.name != "birth_year"
    ]
    assert unbounded == []
