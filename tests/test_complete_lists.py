"""The municipality gets the complete list of its bad lines, with the value and the column names validate uses."""

from __future__ import annotations

import json

import duckdb
from conftest import TEST_KEY, write_drop
from warehouse_factory import build_from_raw

from evalkit.ingest import preflight
from evalkit.warehouse.data_quality import render_quarter

HEADER = "course_id,citizen_id,paragraph,start_date\n"
BAD = HEADER + "".join(f"c{n},K-{n},82z,2021-04-01\n" for n in range(15))  # lines 2-16: unknown paragraph


def test_validate_json_lists_every_bad_line_and_the_text_the_first_ten(tmp_path, capsys):
    path = write_drop(tmp_path, "2021Q3", "851_courses.csv", BAD)
    preflight.cli([str(path), "--json", "--lang", "en"])
    [problem] = json.loads(capsys.readouterr().out)["files"][0]["problems"]
    assert [example["line"] for example in problem["examples"]] == list(range(2, 17))
    preflight.cli([str(path), "--lang", "en"])
    text = capsys.readouterr().out
    assert "line 11 ('82z')" in text and "line 12" not in text and "… and 5 more" in text


def test_the_data_quality_report_shows_the_value_and_the_danish_column_name(tmp_path):
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82z,2021-04-01\n")
    db = tmp_path / "processed" / "evalkit.duckdb"
    build_from_raw(tmp_path / "raw", db, TEST_KEY.encode(), processed_dir=tmp_path / "processed")
    con = duckdb.connect(str(db), read_only=True)
    report = render_quarter(con, "2021Q3", "da")
    assert "paragraf (paragraph)" in report and "linje 2 ('82z')" in report
