"""Snakemake end to end in temporary folders via --configfile: ingest, warehouse, logs, and no CPR number anywhere."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import write_drop

from evalkit.tables.registry import FAMILIES

ROOT = Path(__file__).resolve().parents[1]

# Synthetic CPR-shaped values (real calendar dates, invented serials).
CPRS = ["010190-1234", "2412851937", "150372-4411", "300606-4123"]


def snakemake(config: Path, *targets: str, check: bool = True) -> subprocess.CompletedProcess:
    # Targets go first: --configfile takes every argument after it.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *targets, "--cores", "2", "--configfile", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


# Folders of the checkout a run may not touch when the config points elsewhere (Snakemake's own .snakemake aside).
UNTOUCHED_SKIP = {".git", ".snakemake", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


def checkout_files() -> dict[str, tuple[int, int]]:
    """Size and modification time of every file in the checkout outside the tool folders."""
    files = {}
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if d not in UNTOUCHED_SKIP and not d.endswith(".egg-info")]
        for name in names:
            stat = (Path(folder) / name).stat()
            files[os.path.relpath(Path(folder) / name, ROOT)] = (stat.st_size, stat.st_mtime_ns)
    return files


def changed_in_checkout(before: dict[str, tuple[int, int]]) -> list[str]:
    after = checkout_files()
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


@pytest.fixture
def workspace(tmp_path):
    raw = tmp_path / "drops"
    write_drop(
        raw,
        "2021Q2",
        "851_courses.csv",
        "forloeb_id;cpr;paragraf;startdato;slutdato;afslutningsaarsag\n"
        f"c1;{CPRS[0]};82a;01-04-2021;;\n"
        f"c2;{CPRS[1]};82b;02-04-2021;30-06-2021;completed\n"
        f"c3;{CPRS[2]};82q;02-04-2021;;\n",
        encoding="cp1252",
    )
    write_drop(
        raw,
        "2021Q3",
        "851_courses.csv",
        "course_id,citizen_id,paragraph,start_date,end_date,end_reason\n"
        f"c1,{CPRS[0]},82a,2021-04-01,2021-08-31,completed\n",
    )
    write_drop(
        raw,
        "2021Q3",
        "851_services.csv",
        f"service_id,citizen_id,paragraph,start_date\ns1,{CPRS[3]},85,2021-09-15\ns2,31{CPRS[3][2:]},85,2021-09-15\n",
    )
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config |= {
        "raw_dir": str(raw),
        "processed_dir": str(tmp_path / "processed"),
        "results_dir": str(tmp_path / "results"),
        "pseudonym_key_file": str(tmp_path / "keys" / "pseudonym.key"),
    }
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    return tmp_path, config_path


def test_pipeline_ingests_every_quarter_into_one_warehouse(workspace):
    tmp_path, config = workspace
    db = tmp_path / "processed" / "evalkit.duckdb"
    before = checkout_files()
    snakemake(config, "warehouse")
    assert changed_in_checkout(before) == []  # every output went to the configured folders
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT course_id, end_reason FROM courses ORDER BY 1").fetchall() == [
        ("c1", "completed"),
        ("c2", "completed"),
    ]
    log = con.execute(
        "SELECT source_file, rows_read, rows_loaded, rows_quarantined FROM ingest_log ORDER BY 1"
    ).fetchall()
    assert log == [
        ("2021Q2/851_courses.csv", 3, 2, 1),
        ("2021Q3/851_courses.csv", 1, 1, 0),
        ("2021Q3/851_services.csv", 2, 1, 1),
    ]
    assert (tmp_path / "results" / "logs" / "ingest" / "2021Q2.log").exists()
    # Nothing changed, nothing to do: every rule's params (code fingerprints included) are stable.
    rerun = snakemake(config, "warehouse", "--dry-run")
    assert "Nothing to be done" in rerun.stdout + rerun.stderr


def test_no_cpr_number_is_written_outside_the_raw_folder(workspace):
    tmp_path, config = workspace
    snakemake(config, "warehouse")
    written = [p for folder in ("processed", "results") for p in (tmp_path / folder).rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in written) and any(p.suffix == ".duckdb" for p in written)
    forms = {f for cpr in CPRS for f in (cpr, cpr.replace("-", ""), f"31{CPRS[3][2:]}")}
    for path in written:
        data = path.read_bytes()
        for form in forms:
            assert form.encode() not in data, f"{form} found in {path}"


def test_a_removed_file_leaves_the_results_and_a_new_quarter_ingests_only_itself(workspace):
    tmp_path, config = workspace
    db = str(tmp_path / "processed" / "evalkit.duckdb")
    snakemake(config, "warehouse")
    (tmp_path / "drops" / "2021Q3" / "851_services.csv").unlink()
    write_drop(tmp_path / "drops", "2021Q4", "860_contacts.csv", "contact_id,date,source\nh1,2021-10-01,citizen\n")
    run = snakemake(config, "warehouse", "--printshellcmds")
    assert "--quarter 2021Q3" in run.stderr + run.stdout
    assert "--quarter 2021Q4" in run.stderr + run.stdout
    assert "--quarter 2021Q2" not in run.stderr + run.stdout
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM services").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (1,)


def test_a_file_that_cannot_be_used_fails_the_run_with_a_message_naming_it(workspace):
    tmp_path, config = workspace
    write_drop(tmp_path / "drops", "2021Q3", "851_forloeb.csv", "x\n")
    run = snakemake(config, "warehouse", check=False)
    assert run.returncode != 0
    log = (tmp_path / "results" / "logs" / "ingest" / "2021Q3.log").read_text()
    assert "2021Q3/851_forloeb.csv: ukendt tabel 'forloeb'" in log  # the configured language, Danish
    # The command's own message is on the console after Snakemake's error block, not only in the log.
    assert run.stderr.rfind("2021Q3/851_forloeb.csv: ukendt tabel 'forloeb'") > run.stderr.rfind("Error in rule")


def test_the_workflow_lints_clean():
    run = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Congratulations, your workflow is in a good condition" in run.stdout + run.stderr


def test_every_run_writes_a_data_quality_report_per_delivery(workspace):
    tmp_path, config = workspace
    snakemake(config, "data_quality")
    report = (tmp_path / "results" / "data_quality" / "2021Q3.md").read_text()
    assert report.startswith("# Datakvalitet: leverancen 2021Q3")
    # 2021Q3 re-delivers c1 (ended now) and adds a services file with one bad CPR number.
    assert "| forløb | 1 | 1 | 1 | 0 | 0 | 1 | 0 | 1 | 0 |" in report
    assert "| visiterede indsatser | cpr (citizen_id) | ikke et gyldigt CPR-nummer" in report
    assert (tmp_path / "results" / "data_quality" / "2021Q2.md").exists()


def test_the_whole_default_pipeline_runs_on_other_folders_and_reports(workspace):
    tmp_path, config_path = workspace
    config = yaml.safe_load(config_path.read_text())
    config["reports"] = [
        {
            "id": "aalborg_2021",
            "title": "Aalborg",
            "municipalities": ["851"],
            "period": {"start": "2021-04-01", "end": "2021-09-30"},
        }
    ]
    config_path.write_text(yaml.safe_dump(config))
    before = checkout_files()
    snakemake(config_path)  # the default target: everything `make results` builds
    assert changed_in_checkout(before) == []  # every output went to the configured folders
    # A municipality's own data has no published figures: the config switches the reproduction off.
    without = tmp_path / "without_published.yaml"
    without.write_text(yaml.safe_dump(config | {"published_figures": ""}))
    assert "reproduce" not in snakemake(without, "--dry-run", "--forceall").stdout
    results = tmp_path / "results"
    # c1 (closed in 2021Q3) and c2 ended in the period, both completed; c3 was quarantined.
    assert (results / "tables" / "completion.csv").read_text().splitlines()[1].startswith("aalborg_2021,851,2,2,1.0,")
    assert (results / "tables.xlsx").exists() and (results / "data_quality" / "2021Q3.md").exists()
    # One job computes every figure table, another writes every publication copy.
    log = (results / "logs" / "tables.log").read_text()
    assert [line.split(":")[0] for line in log.splitlines()] == list(FAMILIES)
    assert not (results / "publish" / "unpriced.csv").exists() and (results / "publish" / "funnel.csv").exists()
    assert any((results / "figures" / "aalborg_2021").glob("*.png"))
    # The demo's published figures belong to reports this run does not have: nothing to compare, nothing fails.
    assert "0 figures" in (results / "reproduction.md").read_text()


def test_a_config_given_on_the_command_line_reaches_the_commands(workspace):
    """`snakemake --config key=value` changes what the commands compute, and reruns only the jobs that read it."""
    tmp_path, config = workspace
    figures = tmp_path / "results" / "figures" / "nordjylland_2021"
    snakemake(config, str(figures))
    danish = (figures / "figures.csv").read_text(encoding="utf-8")
    assert "Andel borgere, der efter et afsluttet § 82 forløb" in danish
    plan = snakemake(config, str(figures), "--config", "language=en", "--dry-run").stdout
    assert "figures_report" in plan and "rule ingest" not in plan and "rule warehouse" not in plan
    snakemake(config, str(figures), "--config", "language=en")
    english = (figures / "figures.csv").read_text(encoding="utf-8")
    assert "Share of citizens granted a service by decision after an ended § 82 course" in english


def test_a_report_with_a_business_case_gets_both_tables_with_snakemake_tables(workspace):
    """c2 (ended 2021-06-30) has a shadow row for § 107 at 120,000 kr. a year and no later service; staff hours
    100 x 300 kr. = 30,000 kr. So G = 120,000 (region 0.1 of it by config/payers.csv), payback 12 x 30 / 120 = 3
    months; the scenario with deadweight 0.5 halves the gain, so 6 months. One shadow-visited citizen: the
    publication copy masks the count and blanks everything computed from the gain."""
    tmp_path, config_path = workspace
    write_drop(
        tmp_path / "drops",
        "2021Q3",
        "851_shadow.csv",
        "course_id,shadow_paragraph,shadow_annual_cost_dkk\nc2,107,120000\n",
    )
    write_drop(
        tmp_path / "drops",
        "2021Q3",
        "851_staff_hours.csv",
        "offer,month,hours,hourly_cost_dkk\nKom godt videre,2021-05,100,300\n",
    )
    config = yaml.safe_load(config_path.read_text())
    block = {"bootstrap": 50, "scenarios": [{"name": "halv", "deadweight": 0.5}]}
    config["reports"] = [
        {
            "id": "aalborg_2021",
            "municipalities": ["851"],
            "period": {"start": "2021-04-01", "end": "2021-09-30"},
            "business_case": block,
        }
    ]
    config_path.write_text(yaml.safe_dump(config))
    summary_copy = tmp_path / "results" / "publish" / "business_case_summary.csv"
    snakemake(config_path, "tables", str(summary_copy))
    tables = tmp_path / "results" / "tables"
    with open(tables / "business_case_summary.csv", encoding="utf-8") as handle:
        rows = {(r["kommunekode"], r["scenario"], r["payer"]): r for r in csv.DictReader(handle)}
    assert len(rows) == 2 * 2 * 4  # (851, all) x (base, halv) x payers
    base = rows[("851", "base", "all")]
    assert (float(base["investment_dkk"]), float(base["annual_gain_dkk"])) == (30000, 120000)
    assert float(base["payback_months"]) == pytest.approx(3)
    assert float(rows[("all", "halv", "all")]["payback_months"]) == pytest.approx(6)
    assert float(rows[("851", "base", "region")]["annual_gain_dkk"]) == pytest.approx(12000)
    with open(tables / "business_case.csv", encoding="utf-8") as handle:
        years = [r for r in csv.DictReader(handle) if r["scenario"] == "base" and r["kommunekode"] == "851"]
    assert [r["year"] for r in years if r["payer"] == "all"] == [str(t) for t in range(11)]
    with open(summary_copy, encoding="utf-8") as handle:
        published = next(r for r in csv.DictReader(handle) if r["scenario"] == "base" and r["payer"] == "all")
    assert (published["shadow_visited"], published["annual_gain_dkk"], published["npv_dkk"]) == ("<5", "", "")
    assert published["investment_dkk"] == "30000.0"
