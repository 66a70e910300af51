"""`evalkit tables`: files on disk, publication copies, config merging, the catalogue, and the Snakemake rules."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from warehouse_factory import build_warehouse

from evalkit.cli import main
from evalkit.config import ConfigError
from evalkit.tables.cli import cli
from evalkit.tables.compute import connect
from evalkit.tables.registry import FAMILIES

ROOT = Path(__file__).resolve().parents[1]

# 851: three ended courses in the period (two completed); 860 configured, nothing delivered.
DROP = {
    "courses": [
        dict(
            kommunekode="851",
            course_id=f"k{i}",
            citizen_key=f"p{i}",
            paragraph="82b",
            start_date=date(2021, 4, 1),
            end_date=date(2021, 5, i),
            end_reason=reason,
        )
        for i, reason in [(1, "completed"), (2, "completed"), (3, "other")]
    ],
    "services": [
        dict(kommunekode="851", service_id="s1", citizen_key="p1", paragraph="999", start_date=date(2021, 6, 1))
    ],
}


def config(tmp_path: Path, reports: list[dict], name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump(
            {
                "raw_dir": "raw",
                "processed_dir": "processed",
                "results_dir": "results",
                "pseudonym_key_file": "key",
                "unit_costs": str(tmp_path / "unit_costs.csv"),
                "reports": reports,
            }
        ),
        encoding="utf-8",
    )
    return path


REPORT = {"id": "nj", "municipalities": ["851", "860"], "period": {"start": "2021-04-01", "end": "2021-09-30"}}


@pytest.fixture
def setup(tmp_path):
    (tmp_path / "unit_costs.csv").write_text("paragraph,unit,price_dkk,price_year\n85,hour,400,2021\n")
    db = build_warehouse(tmp_path / "evalkit.duckdb", DROP)
    return tmp_path, db, config(tmp_path, [REPORT])


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_table_and_publication_copy_on_disk(setup):
    tmp_path, db, cfg = setup
    out, pub = tmp_path / "tables" / "completion.csv", tmp_path / "publish" / "completion.csv"
    assert (
        main(["tables", "--config", str(cfg), "--db", str(db), "--family", "completion", "--out-dir", str(out.parent)])
        == 0
    )
    assert [p.name for p in out.parent.iterdir()] == ["completion.csv"]  # only the family asked for
    assert (
        main(["publish", "--family", "completion", "--from-dir", str(out.parent), "--publish-dir", str(pub.parent)])
        == 0
    )
    rows = read(out)
    assert rows[0][:7] == ["report", "kommunekode", "ended", "completed", "rate", "ci_low", "ci_high"]
    # integers as integers, a municipality without data as zeros and empty rates
    assert rows[1][:5] == ["nj", "851", "3", "2", str(2 / 3)]
    assert rows[1][-1] == "2021-04-01" and rows[2][-1] == ""  # first_course_start
    assert rows[2][:7] == ["nj", "860", "0", "0", "", "", ""]
    assert [r[1] for r in rows[1:]] == ["851", "860", "all"]
    published = read(pub)
    assert published[1][:7] == ["nj", "851", "<5", "<5", "", "", ""]
    assert published[2][:4] == ["nj", "860", "0", "0"]


def test_publication_copy_from_an_existing_table(setup):
    tmp_path, db, cfg = setup
    tables, publish = tmp_path / "tables", tmp_path / "publish"
    assert cli(["--config", str(cfg), "--db", str(db), "--family", "course_length", "--out-dir", str(tables)]) == 0
    assert main(["publish", "--family", "course_length", "--from-dir", str(tables), "--publish-dir", str(publish)]) == 0
    header, first = read(publish / "course_length.csv")[:2]
    row = dict(zip(header, first, strict=True))
    # lengths 30, 31, 32 days: ended 3 = 1 + 2, three counts of 1-4; with all three `<5`, each band would be at
    # most 3, so the total is shown as `x` (a reader cannot tell it from 5 or more) and the bands stay `<5`
    assert (row["ended"], row["mean_days"], row["median_days"], row["d0_30"], row["d31_91"]) == (
        "x",
        "",
        "",
        "<5",
        "<5",
    )
    audit = read(publish / "audit.csv")
    assert audit[0] == ["table", "row", "column", "lower", "upper"]
    assert ["course_length", "nj, 851", "d0_30", "1", "4"] in audit


def test_unpriced_rows_go_to_their_own_table(setup):
    tmp_path, db, cfg = setup
    out = tmp_path / "unpriced.csv"
    assert cli(["--config", str(cfg), "--db", str(db), "--family", "unpriced", "--out-dir", str(tmp_path)]) == 0
    assert read(out) == [
        ["report", "kommunekode", "table_name", "row_id", "paragraph", "hours_per_week", "reason"],
        ["nj", "851", "services", "s1", "999", "", "no_catalogue_price"],
    ]
    with pytest.raises(SystemExit):
        main(
            ["publish", "--family", "unpriced", "--from-dir", str(tmp_path), "--publish-dir", str(tmp_path / "publish")]
        )
    assert not (tmp_path / "publish").exists()


def test_every_family_in_one_session_equals_each_family_on_its_own(setup):
    """One call computes every family for every report; the reports' tables replace each other in between."""
    tmp_path, db, cfg = setup
    two = config(tmp_path, [REPORT, {**REPORT, "id": "every", "municipalities": "all"}], name="two.yaml")
    together, publish = tmp_path / "together", tmp_path / "publish"
    assert cli(["--config", str(two), "--db", str(db), "--out-dir", str(together)]) == 0
    assert main(["publish", "--from-dir", str(together), "--publish-dir", str(publish)]) == 0
    assert sorted(p.stem for p in together.iterdir()) == sorted(FAMILIES)
    copies = sorted(p.stem for p in publish.iterdir() if p.suffix == ".csv" and p.stem != "audit")
    assert copies == sorted(n for n, f in FAMILIES.items() if f.published)
    for name in FAMILIES:
        alone = tmp_path / "alone" / name
        assert cli(["--config", str(two), "--db", str(db), "--family", name, "--out-dir", str(alone)]) == 0
        assert read(together / f"{name}.csv") == read(alone / f"{name}.csv"), name
    assert {row[0] for row in read(together / "completion.csv")[1:]} == {"nj", "every"}


def test_later_config_files_win_like_snakemake_configfile(setup):
    tmp_path, db, cfg = setup
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"reports": [{**REPORT, "id": "other", "municipalities": "all"}]}))
    out = tmp_path / "completion.csv"
    assert (
        cli(["--config", str(cfg), str(other), "--db", str(db), "--family", "completion", "--out-dir", str(tmp_path)])
        == 0
    )
    assert [(r[0], r[1]) for r in read(out)[1:]] == [("other", "851"), ("other", "all")]


def test_catalogue_refuses_two_prices_for_one_year_and_unknown_units(tmp_path):
    db = build_warehouse(tmp_path / "w.duckdb", {})
    twice = tmp_path / "twice.csv"
    twice.write_text("paragraph,unit,price_dkk,price_year\n85,hour,400,2021\n§ 85,hour,410,2021\n")
    with pytest.raises(ConfigError, match="two hour prices for paragraph 85 in 2021"):
        connect(db, twice)
    unit = tmp_path / "unit.csv"
    unit.write_text("paragraph,unit,price_dkk,price_year\n85,month,400,2021\n")
    with pytest.raises(ConfigError, match="unit must be"):
        connect(db, unit)


def test_the_configured_reports_all_get_tables(tmp_path):
    """The project's own config.yaml: every report, every family, on an empty warehouse."""
    db = build_warehouse(tmp_path / "w.duckdb", {})
    reports = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["reports"]
    out = tmp_path / "funnel.csv"
    assert (
        cli(
            [
                "--config",
                str(ROOT / "config" / "config.yaml"),
                "--db",
                str(db),
                "--family",
                "funnel",
                "--unit-costs",
                str(ROOT / "config" / "unit_costs.csv"),
                "--out-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    with_funnel = [r for r in reports if r.get("funnel")]
    expected = sum(
        len(r["funnel"]["steps"]) * (1 if r["municipalities"] == "all" else len(r["municipalities"]) + 1)
        for r in with_funnel
    )
    assert len(read(out)) - 1 == expected


def test_docs_list_exactly_the_columns_written():
    """docs/figure_tables.md is what the reproduction checks read: it must name every column, in order."""
    text = (ROOT / "docs" / "figure_tables.md").read_text(encoding="utf-8")
    documented = {}
    for family, cells in re.findall(r"^\| (\w+) \| (.+) \|$", text, re.M):
        cells = re.sub(r"\([^)]*\)", "", cells)  # value lists and remarks in brackets
        documented[family] = [c.strip() for c in cells.split(",")]
    documented.pop("family")  # the header row
    assert set(documented) == set(FAMILIES)
    for name, family in FAMILIES.items():
        assert documented[name] == list(family.columns), name


def test_amounts_are_the_same_whatever_order_the_rows_were_stored_in(tmp_path):
    """Byte-identical figure tables from the same rows: float sums in storage order differ in the last digits."""
    (tmp_path / "unit_costs.csv").write_text("paragraph,unit,price_dkk,price_year\n85,hour,400,2021\n")
    hours = [0.1, 0.2, 0.3, 0.7, 1e-3, 1234.56]
    staff = [
        {"kommunekode": "851", "offer": f"o{i}", "month": "2021-05-01", "hours": h, "hourly_cost_dkk": 0.1 + h}
        for i, h in enumerate(hours)
    ]
    housing = [
        {"kommunekode": "851", "month": f"2021-0{4 + i % 3}-01", "hours": h, "citizens": 1, "amount_dkk": h * 3}
        for i, h in enumerate(hours)
    ]
    written = {}
    for order, rows in (("stored", staff), ("reversed", staff[::-1])):
        db = build_warehouse(
            tmp_path / f"{order}.duckdb",
            {"staff_hours": rows, "housing_support": housing if order == "stored" else housing[::-1]},
        )
        out = tmp_path / order
        args = ["tables", "--config", str(config(tmp_path, [REPORT])), "--db", str(db), "--out-dir", str(out)]
        assert main([*args, "--family", "investment", "housing_support", "--threads", "1"]) == 0
        written[order] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert set(written["stored"]) == {"investment.csv", "housing_support.csv"}
    assert written["stored"] == written["reversed"]
