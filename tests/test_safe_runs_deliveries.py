"""Old files in new quarters, and messages where people look: end to end, via --configfile, as an operator runs it.

A newer quarter that takes courses back (an end date removed, a date moved earlier) or a file that is byte for
byte an older quarter's is warned about on the console and counted in the data-quality report; with
`strict_deliveries: true` either stops the run. A command that fails inside a rule has its own message, in the
configured language, last on the console; a successful run ends with a line per new or changed quarter.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml
from conftest import TEST_KEY, write_drop
from test_workflow import (
    ROOT,
    snakemake,
    workspace,  # noqa: F401  (a fixture)
)

from evalkit.ingest import ingest_quarter
from evalkit.warehouse.build import build_warehouse
from evalkit.warehouse.data_quality import reopened_courses

# The Nordjylland demo deliveries (report 000): small enough to run end to end in seconds.
DEMO_QUARTERS = ("2021Q2", "2021Q3", "2021Q4", "2022Q1")
# What Snakemake itself prints after the workflow's error handler.
SNAKEMAKE_TAIL = ("Complete log(s):", "Elapsed time:", "WorkflowError:", "At least one job did not complete")


def with_config(config_path: Path, **changes) -> Path:
    config_path.write_text(yaml.safe_dump(yaml.safe_load(config_path.read_text()) | changes))
    return config_path


def demo_workspace(tmp_path: Path) -> Path:
    for quarter in DEMO_QUARTERS:
        shutil.copytree(ROOT / "data" / "raw" / quarter, tmp_path / "drops" / quarter)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config |= {
        "raw_dir": str(tmp_path / "drops"),
        "processed_dir": str(tmp_path / "processed"),
        "results_dir": str(tmp_path / "results"),
        "pseudonym_key_file": str(tmp_path / "keys" / "pseudonym.key"),
        "published_figures": "",
        "reports": [r for r in config["reports"] if r["id"] == "nordjylland_2021"],
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "config.yaml"


def ended_citizens(results: Path, kommunekode: str) -> int:
    with open(results / "tables" / "referral_onward.csv", encoding="utf-8") as handle:
        return next(int(r["ended_citizens"]) for r in csv.DictReader(handle) if r["kommunekode"] == kommunekode)


def quality_row(report: Path, table: str) -> dict[str, str]:
    """The first row of a table in a data-quality report, by its header."""
    lines = [line for line in report.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    row = next(line for line in lines if line.startswith(f"| {table} |"))
    return dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))


def last_lines(stderr: str) -> list[str]:
    """The console's lines after Snakemake's last job report, without Snakemake's own closing lines."""
    tail = stderr[stderr.rindex("Exiting because a job execution failed") :].splitlines()[1:]
    return [line for line in tail if line.strip() and not line.startswith(SNAKEMAKE_TAIL)]


def test_an_old_file_in_a_new_quarter_is_counted_and_warned_about_before_the_figures_fail(tmp_path):
    config = with_config(demo_workspace(tmp_path), published_figures=str(ROOT / "data" / "reference" / "published.csv"))
    results = tmp_path / "results"
    targets = ("tables", "data_quality", str(results / "reproduction.md"))
    snakemake(config, *targets)
    assert ended_citizens(results, "851") == 38  # as report 000 publishes
    # Aalborg's 2021Q2 file dropped into a new quarter: the newest quarter wins, so courses ended since re-open.
    (tmp_path / "drops" / "2022Q2").mkdir()
    shutil.copy(tmp_path / "drops" / "2021Q2" / "851_courses.csv", tmp_path / "drops" / "2022Q2" / "851_courses.csv")
    run = snakemake(config, *targets, check=False)
    assert run.returncode != 0 and ended_citizens(results, "851") == 28
    row = quality_row(results / "data_quality" / "2022Q2.md", "forløb")
    assert row["genåbnede forløb"] == "19" and row["ændret"] == "19"
    # every earlier delivery took nothing back
    assert {quality_row(results / "data_quality" / f"{q}.md", "forløb")["genåbnede forløb"] for q in DEMO_QUARTERS} == {
        "0"
    }
    # The console ends with both warnings, then the reproduction's failure: the cause before the symptom.
    last = last_lines(run.stderr)
    assert last[0] == (
        "evalkit run: advarsel: 2022Q2/851_courses.csv er byte for byte den samme fil som 2021Q2/851_courses.csv fra "
        "et tidligere kvartal. Har kommunen sendt en ældre fil ved en fejl, så bed om den aktuelle, og læg den i "
        "stedet for 2022Q2/851_courses.csv (det nyeste kvartal tæller, så en gammel fil tager forløb tilbage); er "
        "intet ændret, så fjern 2022Q2/851_courses.csv."
    )
    assert last[1].startswith("evalkit warehouse: advarsel: 2022Q2/851_courses.csv tager 19 af kommune 851s forløb")
    assert last[2].endswith("reproduce.log:")
    assert last[3] == "evalkit reproduce: fejl: 3 offentliggjorte tal blev ikke genskabt:"
    assert "ended_citizens" in last[4] and "offentliggjort 38, beregnet 28" in last[4]
    # the reproduction's own words, last: how to switch the check off where the change was meant
    assert last[-1].startswith("Figurtabellerne afviger fra de tal, kilderapporterne har offentliggjort.")
    assert last[-1].endswith("`published_figures: ''` i konfigurationen eller `snakemake --config published_figures=`.")


REOPENING = "course_id,citizen_id,paragraph,start_date,end_date,end_reason\nc1,010190-1234,82a,2021-04-01,,\n"


def test_strict_deliveries_stop_the_run_on_an_old_file_or_a_reopened_course(workspace):  # noqa: F811
    tmp_path, config = workspace
    results = tmp_path / "results"
    with_config(config, strict_deliveries=True, language="en")
    snakemake(config, "tables")
    tables = {p.name: p.read_bytes() for p in (results / "tables").iterdir()}
    # An exact copy of 2021Q2's file as 2021Q4's: the run stops before any job.
    (tmp_path / "drops" / "2021Q4").mkdir()
    shutil.copy(tmp_path / "drops" / "2021Q2" / "851_courses.csv", tmp_path / "drops" / "2021Q4" / "851_courses.csv")
    copied = snakemake(config, "tables", check=False)
    assert copied.returncode != 0
    assert "2021Q4/851_courses.csv is byte for byte the same file as 2021Q2/851_courses.csv" in copied.stderr
    assert "strict_deliveries is true in the config, so the run stops here" in copied.stderr
    assert not (tmp_path / "processed" / "quarters" / "2021Q4").exists()
    # evalkit validate, run on the raw folder before the files are dropped in, says the same.
    check = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", "--lang", "en", str(tmp_path / "drops")],
        capture_output=True,
        text=True,
    )
    assert "WARNING: 2021Q4/851_courses.csv is byte for byte the same file as 2021Q2/851_courses.csv" in check.stdout
    # A new file that takes course c1 back (it ended in 2021Q3): the warehouse stops the run, and says so last.
    write_drop(tmp_path / "drops", "2021Q4", "851_courses.csv", REOPENING)
    reopened = snakemake(config, "tables", check=False)
    assert reopened.returncode != 0 and "Error in rule warehouse" in reopened.stderr
    last = last_lines(reopened.stderr)
    assert last[-3].endswith("warehouse.log:")
    assert last[-2].startswith("evalkit warehouse: error: 2021Q4/851_courses.csv takes back 1 of municipality 851's")
    assert last[-1].startswith("strict_deliveries is true in the config, so the run stops here")
    assert {p.name: p.read_bytes() for p in (results / "tables").iterdir()} == tables
    assert not (tmp_path / "processed" / "evalkit.duckdb.manifest").exists()
    assert (results / "run_status.txt").read_text().startswith("failed\n")
    # Without the switch the same delivery is a warning, and the run goes on.
    with_config(config, strict_deliveries=False)
    warned = snakemake(config, "tables", "data_quality")
    assert (tmp_path / "processed" / "evalkit.duckdb.manifest").exists()
    # The run ends with its warning and a line for the one quarter it ingested.
    tail = [line for line in warned.stderr.splitlines() if line.strip() and not line.startswith(SNAKEMAKE_TAIL)]
    assert tail[-2].startswith("evalkit warehouse: warning: 2021Q4/851_courses.csv takes back 1 of municipality 851's")
    assert tail[-1] == (
        f"evalkit: 2021Q4: 1 rows delivered, 1 loaded, 0 quarantined; data quality: {results}/data_quality/2021Q4.md"
    )


def test_a_failed_ingest_says_why_last_in_the_configured_language(workspace):  # noqa: F811
    tmp_path, config = workspace
    write_drop(tmp_path / "drops", "2021Q3", "851_kurser.csv", "course_id\nc1\n")
    danish = snakemake(config, "tables", check=False)
    assert danish.returncode != 0
    assert last_lines(danish.stderr)[-1] == (
        "evalkit ingest: fejl: 2021Q3/851_kurser.csv: ukendt tabel 'kurser': forventede en af courses, services, "
        "shadow, milestones, housing_support, contacts, staff_hours"
    )
    with_config(config, language="en")
    english = snakemake(config, "tables", check=False)
    assert last_lines(english.stderr)[-1].startswith(
        "evalkit ingest: error: 2021Q3/851_kurser.csv: unknown table 'kurser': expected one of courses"
    )


def test_out_of_memory_in_the_warehouse_and_the_tables_says_how_to_give_more(workspace, monkeypatch):  # noqa: F811
    tmp_path, config = workspace
    manifest = str(tmp_path / "processed" / "evalkit.duckdb.manifest")
    snakemake(
        config, *(str(tmp_path / "processed" / "quarters" / q / "ingest_log.parquet") for q in ("2021Q2", "2021Q3"))
    )
    # The rule's own memory, too little: the limit, where it came from and what to raise.
    warehouse = snakemake(config, manifest, "--set-resources", "warehouse:mem_mb=3", check=False)
    assert warehouse.returncode != 0
    assert last_lines(warehouse.stderr)[-1] == (
        "evalkit warehouse: fejl: lageret (warehouse) løb tør for hukommelse ved DuckDB's grænse på 2MB (80 % af "
        "reglens resources mem_mb=3). Hæv reglens resources mem_mb, fx snakemake --set-resources warehouse:mem_mb=6 "
        "--resources mem_mb=6 (eller sæt EVALKIT_DUCKDB_MEMORY, fx 4GB, som tilsidesætter grænsen), inden for "
        "maskinens hukommelse, og kør igen."
    )
    assert "Traceback" not in warehouse.stderr
    with_config(config, language="en")
    monkeypatch.setenv("EVALKIT_DUCKDB_MEMORY", "2MB")
    by_env = snakemake(config, manifest, check=False)
    assert last_lines(by_env.stderr)[-1].startswith(
        "evalkit warehouse: error: the warehouse ran out of memory at DuckDB's limit of 2MB (set by "
        "EVALKIT_DUCKDB_MEMORY=2MB). Raise EVALKIT_DUCKDB_MEMORY"
    )
    monkeypatch.delenv("EVALKIT_DUCKDB_MEMORY")
    snakemake(config, manifest)
    tables = snakemake(config, "tables", "--set-resources", "figure_tables:mem_mb=3", check=False)
    assert tables.returncode != 0 and "Error in rule figure_tables" in tables.stderr
    assert last_lines(tables.stderr)[-1].startswith(
        "evalkit tables: error: the figure tables ran out of memory at DuckDB's limit of 2MB (80 % of the rule's "
        "resources mem_mb=3). Raise resources mem_mb for the rule, e.g. snakemake --set-resources "
        "figure_tables:mem_mb=6"
    )


HEADER = "course_id,citizen_id,paragraph,start_date,end_date,end_reason\n"
TAKEN_BACK = {
    "2021Q2": HEADER + "c1,K-1,82a,2021-04-01,2021-05-01,completed\nc2,K-2,82a,2021-04-10,2021-06-01,completed\n"
    "c3,K-3,82a,2021-04-01,2021-06-01,completed\nc4,K-4,82a,2021-04-01,2021-06-01,completed\n",
    "2021Q3": HEADER + "c1,K-1,82a,2021-04-01,,\n"  # end date removed
    "c2,K-2,82a,2021-04-03,2021-06-01,completed\n"  # start moved earlier
    "c3,K-3,82a,2021-04-01,2021-05-20,completed\n"  # end moved earlier
    "c4,K-4,82a,2021-04-01,2021-06-30,completed\n"  # end moved later: a course that went on, not taken back
    "c5,K-5,82a,2021-07-01,,\n",  # new
}


def test_a_course_taken_back_is_counted_alike_by_an_update_and_a_full_build(tmp_path):
    dirs = []
    for quarter, text in TAKEN_BACK.items():
        write_drop(tmp_path / "raw", quarter, "851_courses.csv", text)
        ingest_quarter(tmp_path / "raw", quarter, tmp_path / "q" / quarter, TEST_KEY.encode())
        dirs.append(tmp_path / "q" / quarter)
    updated, full = tmp_path / "updated.duckdb", tmp_path / "full.duckdb"
    build_warehouse(dirs[:1], updated)
    assert build_warehouse(dirs, updated).startswith("updated with 2021Q3")
    assert build_warehouse(dirs, full).startswith("built in full")
    query = "SELECT quarter, changed_rows, courses_reopened FROM data_quality ORDER BY quarter"
    for db in (updated, full):
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute(query).fetchall() == [("2021Q2", 0, 0), ("2021Q3", 4, 3)]
        [delivery] = reopened_courses(db)
        assert (delivery.file, delivery.n) == ("2021Q3/851_courses.csv", 3)
