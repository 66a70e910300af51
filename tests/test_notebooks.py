"""The reviewer notebooks (notebooks/<report>.py) run on the demo data, and a failing cell fails the command.

The demo deliveries in data/raw/ are taken through the pipeline up to the figure tables in a temporary folder
(snakemake with --configfile), then each notebook is executed by `evalkit notebook` as the rule runs it.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

from evalkit.notebook.run import cli as notebook_cli

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def demo_config(tmp: Path) -> Path:
    """The shipped config, reading the demo deliveries and writing everything under tmp."""
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config |= {
        "raw_dir": str(ROOT / "data" / "raw"),
        "processed_dir": str(tmp / "processed"),
        "results_dir": str(tmp / "results"),
        "pseudonym_key_file": str(tmp.parent / "keys" / "demo.key"),
    }
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def snakemake(config: Path, *targets: str, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *targets, "--cores", "2", *extra, "--configfile", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    config = demo_config(tmp)
    results = tmp / "results"
    run = snakemake(config, "tables", "publish", str(results / "reproduction.csv"))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return tmp, config


def run_notebook(
    tmp: Path, config: Path, notebook: Path, tables: Path | None = None, html: Path | None = None
) -> tuple[int, Path]:
    results = tmp / "results"
    html = html or results / "notebooks" / f"{notebook.stem}.html"
    code = notebook_cli(
        [
            str(notebook),
            "--html",
            str(html),
            "--report",
            notebook.stem,
            "--config",
            str(config),
            "--db",
            str(tmp / "processed" / "evalkit.duckdb"),
            "--tables",
            str(tables or results / "tables"),
            "--publish",
            str(results / "publish"),
            "--unit-costs",
            str(ROOT / "config" / "unit_costs.csv"),
            "--municipalities",
            str(ROOT / "config" / "municipalities.csv"),
            "--reproduction",
            str(results / "reproduction.csv"),
        ]
    )
    return code, html


def test_there_is_a_paired_percent_notebook_for_every_configured_report_and_no_ipynb():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert {p.stem for p in NOTEBOOKS} == {str(r["id"]) for r in config["reports"]}
    assert not list((ROOT / "notebooks").glob("*.ipynb"))
    for path in NOTEBOOKS:
        metadata = jupytext.read(path).metadata["jupytext"]
        assert metadata["formats"] == "ipynb,py:percent", path
        assert metadata["text_representation"]["format_name"] == "percent", path


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_runs_on_the_demo_data_and_shows_sql_tables_and_figures(demo, notebook):
    tmp, config = demo
    code, html = run_notebook(tmp, config, notebook)
    assert code == 0
    page = html.read_text(encoding="utf-8")
    # the shared SQL is shown (highlighted, so word by word)
    assert '<span class="n">ended_courses</span>' in page and '<span class="n">follow_up_until</span>' in page
    assert page.count("data:image/png;base64") >= 2  # figures are displayed
    assert "<table" in page  # and tables
    assert "Traceback" not in page


def test_a_failing_cell_fails_the_command_and_writes_no_html(demo, tmp_path, capsys):
    tmp, config = demo
    tables = tmp_path / "tables"
    tables.mkdir()
    for source in (tmp / "results" / "tables").glob("*.csv"):
        rows = list(csv.reader(source.open(encoding="utf-8", newline="")))
        if source.stem == "referral_onward":  # one number changed: the warehouse no longer gives this table
            rows[1][3] = str(int(rows[1][3]) + 1)
        with (tables / source.name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    notebook = ROOT / "notebooks" / "nordjylland_2021.py"
    code, html = run_notebook(tmp, config, notebook, tables=tables, html=tmp_path / "out.html")
    assert code == 1
    assert "referral_onward: the warehouse gives other numbers" in capsys.readouterr().err
    assert not html.exists()


def test_a_notebook_run_by_hand_finds_the_project_from_its_own_folder_or_elsewhere(monkeypatch, tmp_path):
    from evalkit.notebook.walkthrough import ENVIRONMENT, Settings

    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    # jupytext --execute runs the kernel in the notebook's folder, or in the folder of the -o file
    for folder in (ROOT / "notebooks", tmp_path):
        monkeypatch.chdir(folder)
        settings = Settings.from_environment("din_indgang_2017")
        assert settings.db == ROOT / "data" / "processed" / "evalkit.duckdb"
        assert settings.unit_costs == ROOT / "config" / "unit_costs.csv"
        assert settings.publish == ROOT / "results" / "publish"
        assert settings.config["reports"][1]["id"] == "din_indgang_2017"


def test_the_notebooks_speak_danish():
    for path in NOTEBOOKS:
        cells = [c.source for c in jupytext.read(path).cells if c.cell_type == "markdown"]
        headings = [line for cell in cells for line in cell.splitlines() if line.startswith("#")]
        assert headings[0].startswith("# Rapport"), path
        assert "## Registreringerne" in headings and "## Fælles definitioner" in headings, path
        english = [h for h in headings if any(f" {word} " in f" {h} " for word in ("The", "the", "and", "per"))]
        assert not english, (path, english)


def demo_walk(demo, report_id: str):
    from evalkit.config import validate
    from evalkit.notebook.walkthrough import Settings, Walk

    tmp, config = demo
    results = tmp / "results"
    return Walk(
        Settings(
            report_id=report_id,
            config=validate(yaml.safe_load(config.read_text(encoding="utf-8"))),
            db=tmp / "processed" / "evalkit.duckdb",
            tables=results / "tables",
            publish=results / "publish",
            unit_costs=ROOT / "config" / "unit_costs.csv",
            municipalities=ROOT / "config" / "municipalities.csv",
            reproduction=None,
            payers=ROOT / "config" / "payers.csv",
        )
    )


def test_the_shadow_savings_steps_add_up_to_the_figure_table_by_paragraph(demo):
    steps = demo_walk(demo, "din_indgang_2017").shadow_steps().set_index(["step", "paragraph"])
    # report 001 section 5.1: 106 shadow-visited at 4.104.000 kr., 26 later visited at 1.936.000 kr.
    assert steps.loc[("shadow", "all"), "citizens"] == 106
    assert round(float(steps.loc[("shadow", "all"), "annual_cost_dkk"])) == 4_104_000
    assert steps.loc[("actual", "all"), "citizens"] == 26
    assert round(float(steps.loc[("actual", "all"), "annual_cost_dkk"])) == 1_936_000
    for step in ("shadow", "actual"):
        part = steps.loc[step].drop(index="all")
        assert len(part) >= 2  # by paragraph, not only the total
        shown = part[~part["citizens"].isin(["<5", "x"])]
        # no count of 1-4 is shown, and a masked count's kroner are left out
        assert all(int(c) == 0 or int(c) >= 5 for c in shown["citizens"])
        assert (part[part["citizens"].isin(["<5", "x"])]["annual_cost_dkk"] == "").all()


def test_the_referral_steps_give_the_reports_pairs_and_the_paragraphs_only_for_the_whole_report(demo):
    steps = demo_walk(demo, "nordjylland_2021").referral_steps()
    totals = steps[steps["paragraph"] == "all"].pivot(index="kommunekode", columns="step", values="citizens")
    # report 000 prints 38/34 (Aalborg), 119/48 (Hjørring), 22/6 (Thisted), 32/9 (Frederikshavn)
    pairs = {code: (int(row["ended"]), int(row["later_visited"])) for code, row in totals.iterrows() if code != "all"}
    assert pairs == {"851": (38, 34), "860": (119, 48), "787": (22, 6), "813": (32, 9)}
    by_paragraph = steps[steps["paragraph"] != "all"]
    assert set(by_paragraph["kommunekode"]) == {"all"} and len(by_paragraph) >= 3
    assert all(c in ("<5", "x") or int(c) == 0 or int(c) >= 5 for c in steps["citizens"])


def test_the_business_case_summary_follows_step_by_step_from_its_yearly_table(demo):
    walk = demo_walk(demo, "din_indgang_2017")
    for scenario in ("base", "forsigtig"):
        steps = walk.business_case_derivation(scenario).set_index("step")
        assert list(steps.index) == [
            "investment_dkk",
            "npv_dkk",
            "benefit_cost_ratio",
            "payback_months",
            "discounted_payback_months",
            "switching_deadweight",
            "min_effect_years",
        ]
    # the demo is drawn to report 001's C = 1,045,000 kr. and G = 2,168,000 kr.: it pays back in year 1
    assert walk.business_case_derivation().set_index("step").at["payback_months", "derived"] == pytest.approx(
        12 * 1_045_000 / 2_168_000
    )
    summary = walk.context.tables["business_case_summary"]
    mine = (summary.report == "din_indgang_2017") & (summary.scenario == "base") & (summary.kommunekode == "all")
    row = summary.index[mine & (summary.payer == "all")][0]
    summary.at[row, "payback_months"] = "6.5"  # a summary the yearly table does not give
    with pytest.raises(AssertionError, match="payback_months"):
        walk.business_case_derivation()


def test_report_001s_printed_inputs_pay_back_in_about_5_8_months(demo):
    """12 x 1,045,000 / 2,168,000 = 5.78 months: the report's C (section 5.1, line 595) and G (line 587)."""
    printed = demo_walk(demo, "din_indgang_2017").printed_payback()
    inputs = printed.set_index("input")
    assert (inputs.at["C", "value"], inputs.at["C", "line"]) == ("1045000", "595")
    assert (inputs.at["G", "value"], inputs.at["G", "line"]) == ("2168000", "587")
    assert set(inputs["report"].iloc[:2]) == {"001_6a06308218da3ab6.txt"}
    assert float(inputs.at["tilbagebetalingstid (måneder)", "value"]) == pytest.approx(5.78, abs=0.005)
    assert demo_walk(demo, "nordjylland_2021").printed_payback() is None  # no business case
