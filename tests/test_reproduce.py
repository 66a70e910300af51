"""The reproduction: metric expressions, rounding, verdicts, the reference table, and the demo data end to end."""

from __future__ import annotations

import codecs
import csv
import re
import shutil
from pathlib import Path

import pytest
from conftest import TEST_KEY
from warehouse_factory import build_from_raw

from evalkit import reproduce
from evalkit.cli import main
from evalkit.reproduce import compare as rp
from evalkit.reproduce import outputs

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "data" / "reference" / "published.csv"
SEEDS = ROOT.parent / "shared" / "seeds"


def write_table(folder: Path, family: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{family}.csv").write_text(text.strip() + "\n", encoding="utf-8")


def figure(
    metric: str,
    value: str,
    *,
    family: str = "referral_onward",
    kommunekode: str = "787",
    unit: str = "citizens",
    rounding: str = "exact",
    known_deviation: str = "",
) -> dict[str, str]:
    return {
        "report": "000_test.txt",
        "location": "bilag 4.3",
        "line": "868",
        "report_id": "r",
        "kommunekode": kommunekode,
        "family": family,
        "metric": metric,
        "value": value,
        "unit": unit,
        "rounding": rounding,
        "quote": "…",
        "figure": f"test {metric}",
        "basis": "printed",
        "known_deviation": known_deviation,
    }


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    folder = tmp_path / "tables"
    write_table(
        folder,
        "referral_onward",
        """
report,kommunekode,ended_citizens,later_visited,share,ci_low,ci_high
r,787,22,6,0.2727272727,0.13,0.48
r,813,32,9,0.28125,0.15,0.46
r,all,54,15,0.2777777778,0.18,0.41
other,787,99,1,0.0101,0,0.05
""",
    )
    write_table(
        folder,
        "funnel",
        """
report,kommunekode,programme,step,step_order,citizens,citizens_through,share_of_first,share_of_previous,ci_low,ci_high,mean_days_from_previous
r,101,p,target_group,1,100,100,1.0,,0.9,1,
r,101,p,initial_conversation,2,80,80,0.8,0.8,0.7,0.9,
r,101,p,team_meeting,3,40,38,0.4,0.5,0.3,0.5,12.5
r,147,p,target_group,1,10,10,1.0,,0.9,1,
r,147,p,initial_conversation,2,0,0,0.0,0.0,0,0.3,
r,147,p,team_meeting,3,0,0,0.0,,0,0.3,
r,all,p,target_group,1,110,110,1.0,,0.9,1,
r,all,p,initial_conversation,2,80,80,0.727,0.727,0.6,0.8,
r,all,p,team_meeting,3,40,38,0.364,0.5,0.3,0.45,12.5
""",
    )
    write_table(
        folder,
        "contacts",
        """
report,kommunekode,source,contacts,share,ci_low,ci_high
r,607,citizen,698,0.5,0.47,0.53
r,607,relative,126,0.0902578797,0.07,0.1
r,607,partner,572,0.4097421203,0.38,0.43
r,607,all,1396,1.0,1,1
""",
    )
    return folder


# --- metric expressions -------------------------------------------------------------------------------------


def test_parse_metric_forms():
    plain = rp.parse_metric("later_visited")
    assert plain.is_plain and plain.terms == [rp.Term("later_visited")]
    ratio = rp.parse_metric("(citizens[step=b] - citizens_through[step=c]) / citizens[step=a]")
    assert [s for s, _ in ratio.numerator] == [1, -1]
    assert ratio.denominator == ((1, rp.Term("citizens", (("step", "a"),))),)
    assert str(ratio.terms[0]) == "citizens[step=b]"
    assert not rp.parse_metric("share[source=relative] + share[source=partner]").is_plain


@pytest.mark.parametrize("bad", ["", "a / b / c", "Share!", "share[source]"])
def test_parse_metric_rejects_malformed(bad):
    with pytest.raises(rp.ReproductionError):
        rp.parse_metric(bad)


# --- comparison ------------------------------------------------------------------------------------------------


def test_matching_figures_pass(tables):
    rows = [
        figure("ended_citizens", "22"),
        figure("share", "27.3", unit="percent", rounding="one_decimal_percent"),
        figure("citizens[step=team_meeting]", "40", family="funnel", kommunekode="all"),
        figure(
            "citizens_through[step=team_meeting] / citizens[step=target_group]",
            "35",
            family="funnel",
            kommunekode="all",
            unit="percent",
            rounding="whole_percent",
        ),
        figure(
            "share[source=relative] + share[source=partner]",
            "50",
            family="contacts",
            kommunekode="607",
            unit="percent",
            rounding="whole_percent",
        ),
        figure("contacts[source=all]", "1396", family="contacts", kommunekode="607"),
    ]
    outcomes = rp.reproduce(rows, tables)
    assert [o.verdict for o in outcomes] == ["pass"] * len(rows), [o.detail for o in outcomes]
    assert outcomes[3].computed == pytest.approx(100 * 38 / 110)


def test_one_changed_cell_fails_exactly_its_figure(tables):
    rows = [
        figure("ended_citizens", "22"),
        figure("later_visited", "6"),
        figure("ended_citizens", "32", kommunekode="813"),
    ]
    text = (tables / "referral_onward.csv").read_text(encoding="utf-8")
    (tables / "referral_onward.csv").write_text(text.replace("r,787,22,6,", "r,787,22,5,"), encoding="utf-8")
    outcomes = rp.reproduce(rows, tables)
    assert [o.verdict for o in outcomes] == ["pass", "fail", "pass"]
    assert outcomes[1].detail == "published 6, computed 5"
    assert "later_visited" in outputs.failure_message(outcomes) and "813" not in outputs.failure_message(outcomes)


@pytest.mark.parametrize(
    ("rounding", "unit", "value", "passes"),
    [
        ("whole_percent", "percent", "27", True),  # 27.27 rounds to 27
        ("whole_percent", "percent", "28", False),
        ("one_decimal_percent", "percent", "27.2", False),
        ("exact", "citizens", "6", False),  # the share is not exactly 6
        ("below", "percent", "28", True),
        ("below", "percent", "27", False),
        ("above", "percent", "27", True),
    ],
)
def test_rounding_rules(tables, rounding, unit, value, passes):
    outcome = rp.reproduce([figure("share", value, unit=unit, rounding=rounding)], tables)[0]
    assert (outcome.verdict == "pass") is passes


def test_nearest_thousand(tmp_path):
    write_table(tmp_path, "investment", "report,kommunekode,staff_hours,investment_dkk\nr,607,3350,1045499.0")
    ok = rp.reproduce(
        [
            figure(
                "investment_dkk", "1045000", family="investment", kommunekode="607", unit="dkk", rounding="nearest_1000"
            )
        ],
        tmp_path,
    )[0]
    off = rp.reproduce(
        [
            figure(
                "investment_dkk", "1044000", family="investment", kommunekode="607", unit="dkk", rounding="nearest_1000"
            )
        ],
        tmp_path,
    )[0]
    assert (ok.verdict, off.verdict) == ("pass", "fail")


def test_aggregates_over_municipalities(tables):
    rows = [
        figure("citizens[step=target_group]", "2", family="funnel", kommunekode="count"),
        figure("citizens[step=team_meeting]", "1", family="funnel", kommunekode="count"),
        figure(
            "share_of_previous[step=team_meeting]",
            "50",
            family="funnel",
            kommunekode="max",
            unit="percent",
            rounding="whole_percent",
        ),
        figure(
            "mean_days_from_previous[step=team_meeting]",
            "13",
            family="funnel",
            kommunekode="min",
            unit="days",
            rounding="below",
        ),
    ]
    outcomes = rp.reproduce(rows, tables)
    assert [o.verdict for o in outcomes] == ["pass"] * 4, [o.detail for o in outcomes]
    assert outcomes[3].computed == 12.5  # 147 has no team meetings, so no mean: it takes no part


def test_missing_column_fails_unless_known_deviation(tables):
    missing = figure("first_course_start", "2017-05-01", unit="date", rounding="day")
    known = dict(missing, known_deviation="no such column yet")
    outcomes = rp.reproduce([missing, known], tables)
    assert outcomes[0].verdict == "fail" and "no column first_course_start" in outcomes[0].detail
    assert outcomes[1].verdict == "known_deviation" and outcomes[1].detail.startswith("no such column yet")


def test_known_deviation_that_now_matches_passes(tables):
    outcome = rp.reproduce([figure("ended_citizens", "22", known_deviation="was off by one")], tables)[0]
    assert outcome.verdict == "pass" and "no longer applies" in outcome.detail


def test_dates_compare_as_text(tmp_path):
    write_table(tmp_path, "completion", "report,kommunekode,first_course_start\nr,860,2017-05-01")
    same = figure(
        "first_course_start", "2017-05-01", family="completion", kommunekode="860", unit="date", rounding="day"
    )
    assert rp.reproduce([same], tmp_path)[0].verdict == "pass"
    assert rp.reproduce([dict(same, value="2017-05-02")], tmp_path)[0].verdict == "fail"


def test_cli_writes_both_files_and_fails_naming_the_figure(tables, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("EVALKIT_LANGUAGE", "en")
    published = tmp_path / "published.csv"
    with published.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rp.PUBLISHED_COLUMNS)
        writer.writeheader()
        writer.writerow(figure("ended_citizens", "22"))
        writer.writerow(figure("later_visited", "7"))
    out_csv, out_md = tmp_path / "out" / "reproduction.csv", tmp_path / "out" / "reproduction.md"
    args = ["--published", str(published), "--tables", str(tables), "--csv", str(out_csv), "--md", str(out_md)]
    assert reproduce.cli(args) == 1
    err = capsys.readouterr().err
    assert "1 published figure(s) not reproduced" in err and "later_visited" in err and "published 7" in err
    with out_csv.open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [r["verdict"] for r in written] == ["pass", "fail"]
    assert set(rp.OUTPUT_COLUMNS) >= {
        "report",
        "location",
        "report_id",
        "kommunekode",
        "metric",
        "published",
        "computed",
        "verdict",
    }
    md = out_md.read_text(encoding="utf-8")
    assert "1 pass, 0 known deviations, 1 fail" in md and "**FAIL**" in md and "bilag 4.3" in md


def test_cli_compares_only_the_configured_reports(tables, tmp_path):
    published = tmp_path / "published.csv"
    with published.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=rp.PUBLISHED_COLUMNS)
        writer.writeheader()
        writer.writerow(figure("later_visited", "7"))  # would fail
    out_csv, out_md = tmp_path / "reproduction.csv", tmp_path / "reproduction.md"
    args = ["--published", str(published), "--tables", str(tables), "--csv", str(out_csv), "--md", str(out_md)]
    assert reproduce.cli([*args, "--report-ids", "another_report"]) == 0
    assert "0 figures" in out_md.read_text(encoding="utf-8")
    assert reproduce.cli([*args, "--report-ids", figure("later_visited", "7")["report_id"], "another_report"]) == 1


# --- the reference table -------------------------------------------------------------------------------------


def published_rows() -> list[dict[str, str]]:
    return rp.read_published(PUBLISHED)


def documented_columns() -> dict[str, set[str]]:
    """Family -> columns, from the table in docs/figure_tables.md."""
    text = (ROOT / "docs" / "figure_tables.md").read_text(encoding="utf-8")
    out = {}
    for family, columns in re.findall(r"^\| (\w+) \| (.+?) \|$", text, flags=re.M):
        names = {re.sub(r"\s*\(.*", "", c).strip() for c in re.split(r",\s*(?![^()]*\))", columns)}
        out[family] = names | {"report", "kommunekode"}
    return out


def test_published_rows_are_well_formed():
    rows = published_rows()
    documented = documented_columns()
    assert len(rows) >= 45
    for row in rows:
        where = f"{row['report_id']} {row['kommunekode']} {row['metric']}"
        assert row["report"].endswith(".txt"), where
        assert row["rounding"] in rp.ROUNDING or row["unit"] == "date", where
        assert row["basis"] == "printed" or row["basis"].startswith("derived"), where
        assert re.fullmatch(r"\d{3}|all|min|max|count", row["kommunekode"]), where
        metric = rp.parse_metric(row["metric"])
        if not row["known_deviation"]:
            for term in metric.terms:
                assert term.column in documented[row["family"]], where
                assert {k for k, _ in term.selector} <= documented[row["family"]], where
        if row["unit"] != "date":
            assert float(row["value"]) >= 0, where


def test_published_rows_cover_the_issue_minimum():
    values = {(r["report_id"], r["kommunekode"], r["metric"]): r["value"] for r in published_rows()}
    for code, ended, later in (("851", "38", "34"), ("860", "119", "48"), ("787", "22", "6"), ("813", "32", "9")):
        assert values["nordjylland_2021", code, "ended_citizens"] == ended
        assert values["nordjylland_2021", code, "later_visited"] == later
    din = {m: v for (r, _, m), v in values.items() if r == "din_indgang_2017"}
    assert {
        din[m]
        for m in (
            "citizens_with_course",
            "active_citizens",
            "ended_citizens",
            "adhoc_citizens",
            "group_citizens",
            "returning_citizens",
            "shadow_visited",
            "shadow_cost_dkk",
            "actually_visited",
            "actual_cost_dkk",
            "annual_gain_dkk",
            "staff_hours",
            "investment_dkk",
        )
    } == {"269", "83", "186", "67", "57", "14", "106", "4104000", "26", "1936000", "2168000", "3350", "1045000"}
    assert [din[f"share[source={s}]"] for s in ("citizen", "relative", "partner")] == ["50", "9", "41"]
    bfa = {m: v for (r, k, m), v in values.items() if r == "brug_for_alle_2013" and k == "all"}
    assert bfa["citizens[step=target_group]"] == "29572" and bfa["share_of_first[step=employment_offer]"] == "42"
    assert bfa["share_of_previous[step=team_meeting]"] == "77"
    assert bfa["mean_days_from_previous[step=team_meeting]"] == "25"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds/ is not beside the repository")
def test_every_quote_is_on_its_cited_lines():
    def clean(text: str) -> str:
        text = re.sub(r"<sup>.*?</sup>", "", text)
        text = re.sub(r"<[^>]+>", "", text).replace("*", "")
        return re.sub(r"\s+", " ", text).strip()

    for row in published_rows():
        lines = (SEEDS / row["report"]).read_text(encoding="utf-8").splitlines()
        cited = " ".join(clean(lines[int(n) - 1]) for n in row["line"].split(";"))
        assert clean(row["quote"]) in cited, (row["report"], row["line"], row["quote"])


# --- the demo data, end to end ------------------------------------------------------------------------------


def run_pipeline(raw: Path, work: Path) -> Path:
    """ingest every quarter -> warehouse -> the figure tables published.csv needs."""
    db = work / "evalkit.duckdb"
    build_from_raw(raw, db, TEST_KEY.encode())
    tables = work / "tables"
    families = sorted({r["family"] for r in published_rows()})
    assert (
        main(
            [
                "tables",
                "--family",
                *families,
                "--config",
                str(ROOT / "config" / "config.yaml"),
                "--db",
                str(db),
                "--out-dir",
                str(tables),
            ]
        )
        == 0
    )
    return tables


def verdicts(tables: Path) -> dict[tuple[str, str, str], str]:
    return {
        (o.row["report_id"], o.row["kommunekode"], o.row["metric"]): o.verdict
        for o in rp.reproduce(published_rows(), tables)
    }


@pytest.fixture(scope="module")
def demo_tables(tmp_path_factory) -> Path:
    return run_pipeline(ROOT / "data" / "raw", tmp_path_factory.mktemp("demo"))


def test_demo_data_reproduce_every_published_figure(demo_tables, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = verdicts(demo_tables)
    assert [k for k, v in result.items() if v == "fail"] == []
    # Only the rows marked as known deviations (a column the figure tables lack) may be anything but a pass.
    known = {(r["report_id"], r["kommunekode"], r["metric"]) for r in published_rows() if r["known_deviation"]}
    assert {k for k, v in result.items() if v != "pass"} <= known


def thisted_course_to_reopen(raw: Path) -> tuple[Path, str]:
    """A Thisted course ended in the period whose citizen has one course and no service at all."""

    def read(path: Path) -> list[dict[str, str]]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [{k.lower(): v for k, v in r.items()} for r in csv.DictReader(handle, delimiter=";")]

    services = {r["citizen_id"] for p in raw.glob("*/787_services.csv") for r in read(p)}
    courses: dict[str, list[tuple[Path, dict[str, str]]]] = {}
    for path in sorted(raw.glob("*/787_courses.csv")):
        for row in read(path):
            courses.setdefault(row["course_id"], []).append((path, row))
    per_citizen: dict[str, set[str]] = {}
    for course_id, versions in courses.items():
        per_citizen.setdefault(versions[-1][1]["citizen_id"], set()).add(course_id)
    for course_id, versions in sorted(courses.items()):
        path, newest = versions[-1]
        end = newest["end_date"]
        if (
            end
            and end.endswith(".2021")
            and "04" <= end[3:5] <= "09"
            and newest["citizen_id"] not in services
            and len(per_citizen[newest["citizen_id"]]) == 1
        ):
            return path, course_id
    raise AssertionError("no Thisted course to reopen")


def test_one_changed_registration_fails_exactly_its_figure(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    path, course_id = thisted_course_to_reopen(raw)
    # Move the course's end past the period in its newest delivery: one ended citizen fewer in Thisted.
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    end_column = [h.lower() for h in lines[0].split(";")].index("end_date")
    line = next(ln for ln in lines if ln.split(";")[0] == course_id)
    cells = line.split(";")
    cells[end_column] = "05.10.2021"
    path.write_bytes(codecs.BOM_UTF8 + text.replace(line, ";".join(cells)).encode("utf-8"))
    result = verdicts(run_pipeline(raw, tmp_path / "work"))
    failed = {k for k, v in result.items() if v == "fail"}
    assert failed == {("nordjylland_2021", "787", "ended_citizens"), ("nordjylland_2021", "787", "share")}
