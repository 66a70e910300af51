"""Runs that are never silently wrong: whatever happens between two runs, the next one gives the figures a clean
build would give, or stops with a message that says what happened and what to do. End to end, via --configfile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import write_drop
from test_workflow import (
    CPRS,
    snakemake,
    workspace,  # noqa: F401  (a fixture)
)

from evalkit.ingest.pseudonym import ENV_VAR, KEY_FINGERPRINT_FILE, key_fingerprint

WAREHOUSE_TABLES = ("courses", "services", "ingest_log", "quarantine")
CONTACTS = "contact_id,date,source\nh1,2021-10-01,citizen\n"


def without_env_key():
    """The key from the key file only, as on an operator's machine."""
    os.environ.pop(ENV_VAR, None)


def warehouse_rows(db) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in WAREHOUSE_TABLES}
    finally:
        con.close()


def clean_build(tmp_path, config_path, name: str, *targets: str) -> dict:
    """The same deliveries and key built from nothing in fresh folders."""
    config = yaml.safe_load(config_path.read_text())
    config |= {"processed_dir": str(tmp_path / name / "processed"), "results_dir": str(tmp_path / name / "results")}
    clean = tmp_path / f"{name}.yaml"
    clean.write_text(yaml.safe_dump(config))
    snakemake(clean, *targets)
    return config


def test_a_lost_key_reingests_every_quarter_with_the_new_one(workspace, monkeypatch):  # noqa: F811
    monkeypatch.delenv(ENV_VAR)
    tmp_path, config = workspace
    db = tmp_path / "processed" / "evalkit.duckdb"
    key_file = tmp_path / "keys" / "pseudonym.key"
    first = snakemake(config, "warehouse")
    # in the configured language (Danish): the key's creation, and a key change, on the console
    assert "Tag en sikkerhedskopi af filen" in first.stderr and str(key_file) in first.stderr
    old_key = key_file.read_bytes()
    # The key file is lost between two deliveries; the new quarter names a citizen of the earlier ones.
    key_file.unlink()
    write_drop(
        tmp_path / "drops",
        "2021Q4",
        "851_services.csv",
        f"service_id,citizen_id,paragraph,start_date\ns9,{CPRS[0]},85,2021-10-15\n",
    )
    second = snakemake(config, "warehouse")
    assert "Tag en sikkerhedskopi af filen" in second.stderr
    assert "kvartalerne 2021Q2, 2021Q3 er lavet med en anden pseudonymiseringsnøgle" in second.stderr
    new_fingerprint = key_fingerprint(key_file.read_bytes().strip())
    for quarter in ("2021Q2", "2021Q3", "2021Q4"):
        assert (tmp_path / "processed" / "quarters" / quarter / KEY_FINGERPRINT_FILE).read_text().strip() == (
            new_fingerprint
        )
    con = duckdb.connect(str(db), read_only=True)
    assert {k for (k,) in con.execute("SELECT DISTINCT key_fingerprint FROM build_manifest").fetchall()} == {
        new_fingerprint
    }
    # The citizen of course c1 and of service s9 is one citizen again, as in a clean build.
    joined = (
        "SELECT count(*) FROM courses JOIN services USING (citizen_key) WHERE course_id = 'c1' AND service_id = 's9'"
    )
    assert con.execute(joined).fetchone() == (1,)
    con.close()
    clean_build(tmp_path, config, "clean", "warehouse")
    assert warehouse_rows(db) == warehouse_rows(tmp_path / "clean" / "processed" / "evalkit.duckdb")
    # Putting the old key back is a key change too: not "Nothing to be done".
    key_file.write_bytes(old_key)
    third = snakemake(config, "warehouse")
    assert "Nothing to be done" not in third.stdout + third.stderr
    assert (tmp_path / "processed" / "quarters" / "2021Q4" / KEY_FINGERPRINT_FILE).read_text().strip() == (
        key_fingerprint(old_key.strip())
    )
    assert warehouse_rows(db) != warehouse_rows(tmp_path / "clean" / "processed" / "evalkit.duckdb")
    clean_build(tmp_path, config, "clean_old", "warehouse")
    assert warehouse_rows(db) == warehouse_rows(tmp_path / "clean_old" / "processed" / "evalkit.duckdb")


CONTACTS = "contact_id,date,source\nh1,2021-10-01,citizen\n"


UNREAD_CASES = {
    "dash in the quarter": ("2022-Q3/851_courses.csv", "2022-Q3/: a folder whose name is not a quarter"),
    "lower-case q": ("2023q3/851_courses.csv", "2023q3/: a folder whose name is not a quarter"),
    "a word after": ("2022Q2 rettet/851_courses.csv", "2022Q2 rettet/: a folder whose name is not a quarter"),
    "file in the raw folder": ("851_courses.csv", "851_courses.csv: a file outside a quarter folder"),
    "unzipped into a sub-folder": ("2021Q3/Aalborg/851_courses.csv", "2021Q3/Aalborg/: a folder inside a quarter"),
    "a table saved as .txt": ("2021Q3/851_contacts.txt", "2021Q3/851_contacts.txt: a text file holding a table"),
}


@pytest.mark.parametrize("case", UNREAD_CASES)
def test_anything_the_pipeline_would_not_read_stops_the_run_before_any_ingest(workspace, case):  # noqa: F811
    tmp_path, config = workspace
    english = tmp_path / "english.yaml"
    english.write_text(yaml.safe_dump(yaml.safe_load(config.read_text()) | {"language": "en"}))
    misplaced, message = UNREAD_CASES[case]
    write_drop(tmp_path / "drops", str(Path(misplaced).parent), Path(misplaced).name, CONTACTS)
    # Notes stay allowed, and are listed.
    write_drop(tmp_path / "drops", ".", "README.md", "# Leverancer\n")
    write_drop(tmp_path / "drops", "2021Q2", "noter.txt", "Aalborg sendte en rettelse.\n")
    run = snakemake(english, check=False)
    assert run.returncode != 0
    assert message in run.stderr
    assert "expected" in next(line for line in run.stderr.splitlines() if message in line)  # and the form
    assert "Notes, not read: 2021Q2/noter.txt, README.md" in run.stderr
    assert not (tmp_path / "processed").exists()  # nothing ingested
    check = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", "--lang", "en", str(tmp_path / "drops")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 2, check.stdout + check.stderr
    assert message.replace(": ", ": WOULD NOT BE READ: ", 1) in check.stdout


def test_notes_beside_the_deliveries_do_not_stop_the_run(workspace):  # noqa: F811
    tmp_path, config = workspace
    write_drop(tmp_path / "drops", ".", "README.md", "# Leverancer\n")
    write_drop(tmp_path / "drops", "2021Q2", "noter.txt", "Aalborg sendte en rettelse.\n")
    snakemake(config, "warehouse")
    check = subprocess.run(
        [sys.executable, "-m", "evalkit", "validate", str(tmp_path / "drops")], capture_output=True, text=True
    )
    assert check.returncode == 1 and "Noter, ikke læst: 2021Q2/noter.txt, README.md" in check.stdout


def table_files(results) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((results / "tables").glob("*.csv"))}


LATE_COURSE = (
    "course_id,citizen_id,paragraph,start_date,end_date,end_reason\nc5,K-5,82b,2021-05-03,2021-09-20,completed\n"
)


def test_a_failed_warehouse_job_leaves_no_stale_warehouse_behind(workspace, monkeypatch):  # noqa: F811
    tmp_path, config = workspace
    snakemake(config, "tables")
    before = table_files(tmp_path / "results")
    write_drop(tmp_path / "drops", "2021Q4", "851_courses.csv", LATE_COURSE)
    snakemake(config, str(tmp_path / "processed" / "quarters" / "2021Q4" / "ingest_log.parquet"))
    # The warehouse job runs out of memory (the quarter is ingested already, so only it fails).
    monkeypatch.setenv("EVALKIT_DUCKDB_MEMORY", "2MB")
    failed = snakemake(config, "tables", check=False)
    assert failed.returncode != 0 and "Error in rule warehouse" in failed.stderr
    monkeypatch.delenv("EVALKIT_DUCKDB_MEMORY")
    snakemake(config, "tables")
    after = table_files(tmp_path / "results")
    assert after != before  # the late course counts
    clean = clean_build(tmp_path, config, "clean", "tables")
    expected = table_files(Path(clean["results_dir"]))
    assert {k: v for k, v in after.items() if expected[k] != v} == {}


def test_a_deleted_warehouse_is_built_again_though_its_manifest_remains(workspace):  # noqa: F811
    # The database is not a Snakemake output (an update would copy it whole first): its loss must still be seen.
    tmp_path, config = workspace
    snakemake(config, "tables")
    before = table_files(tmp_path / "results")
    db = tmp_path / "processed" / "evalkit.duckdb"
    db.unlink()
    rerun = snakemake(config, "tables")
    assert "rule warehouse" in rerun.stderr and db.exists()
    assert table_files(tmp_path / "results") == before


def test_a_run_that_fails_its_checks_rewrites_no_publication_copy(workspace):  # noqa: F811
    tmp_path, config_path = workspace
    published = tmp_path / "published.csv"
    published.write_text(
        "report,location,line,report_id,kommunekode,family,metric,value,unit,rounding,quote,figure,basis,"
        "known_deviation\n"
        "synthetic.txt,3.1,1,aalborg_2021,851,completion,rate,100,percent,whole_percent,"
        "Alle gennemførte,completion rate,printed,\n"
    )
    report = {"id": "aalborg_2021", "title": "Aalborg", "municipalities": ["851"]}
    report["period"] = {"start": "2021-04-01", "end": "2021-09-30"}
    config = yaml.safe_load(config_path.read_text()) | {"published_figures": str(published), "reports": [report]}
    config_path.write_text(yaml.safe_dump(config))
    results = tmp_path / "results"
    snakemake(config_path)
    assert (results / "run_status.txt").read_text().startswith("complete\n")
    assert STALE not in report_front_page(config_path, tmp_path / "report.html")
    released = {p.name: p.read_bytes() for p in [*(results / "publish").iterdir(), results / "tables.xlsx"]}
    assert "funnel.csv" in released
    # A late course that was not completed makes the rate 67 %, not the published 100 %: the check fails. (The
    # published figure is a share: a printed count of 1-4 would itself fail the publication audit.)
    # (In a new quarter, whose data-quality page the failed run never makes: the report is made without it.)
    write_drop(tmp_path / "drops", "2021Q4", "851_courses.csv", LATE_COURSE.replace(",completed", ",dropped_out"))
    failed = snakemake(config_path, check=False)
    assert failed.returncode != 0 and "Error in rule reproduce" in failed.stderr
    assert "snakemake --config published_figures=" in failed.stderr  # how to switch the check off
    assert {p.name: p.read_bytes() for p in [*(results / "publish").iterdir(), results / "tables.xlsx"]} == released
    status = (results / "run_status.txt").read_text()
    assert status.startswith("failed\n") and "results/tables/" in status
    # A report made now opens with the warning, and making it leaves the status as it is.
    front_page = report_front_page(config_path, tmp_path / "after_failure.html")
    assert STALE in front_page and "MISLYKKEDES" in front_page and str(results / "run_status.txt") in front_page
    assert not (results / "report_pages" / "data_quality" / "2021Q4.html").exists()
    assert (results / "run_status.txt").read_text() == status


STALE = "Resultaterne kan være forældede"


def report_front_page(config_path: Path, report: Path) -> str:
    """The front page of the report `snakemake --report` makes now (its text is a JavaScript string)."""
    snakemake(config_path, "--report", str(report))
    page = report.read_text(encoding="utf-8")
    script = page[page.index("var workflow_desc = ") :].split("\n", 1)[0]
    return script.encode("latin-1", "backslashreplace").decode("unicode_escape")


def test_plain_snakemake_with_municipality_codes_as_numbers_and_no_reproduction(workspace):  # noqa: F811
    """As the README and the contract write it: no venv activated, codes as numbers, the check off by --config."""
    tmp_path, config_path = workspace
    report = {"id": "aalborg_2021", "title": "Aalborg", "municipalities": [851, 860]}
    report["period"] = {"start": "2021-04-01", "end": "2021-09-30"}
    config_path.write_text(yaml.safe_dump(yaml.safe_load(config_path.read_text()) | {"reports": [report]}))
    env = dict(os.environ, PATH=os.pathsep.join(["/usr/bin", "/bin"]))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--config",
            "published_figures=",
            "--configfile",
            str(config_path),
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "rule reproduce" not in run.stdout + run.stderr
    results = tmp_path / "results"
    assert (results / "tables" / "completion.csv").read_text().splitlines()[1].startswith("aalborg_2021,851,2,2,1.0,")
    assert (results / "publish" / "completion.csv").exists() and (results / "tables.xlsx").exists()


def test_a_withdrawn_quarter_leaves_no_processed_copy_or_report(workspace):  # noqa: F811
    tmp_path, config = workspace
    snakemake(config, "data_quality")
    assert (tmp_path / "processed" / "quarters" / "2021Q3" / "services.parquet").exists()
    shutil.rmtree(tmp_path / "drops" / "2021Q3")
    run = snakemake(config, "data_quality")
    assert "kvartalerne 2021Q3 er trukket tilbage fra mappen med rådata" in run.stderr  # the configured language
    assert not (tmp_path / "processed" / "quarters" / "2021Q3").exists()
    assert not (tmp_path / "results" / "data_quality" / "2021Q3.md").exists()
    assert (tmp_path / "results" / "data_quality" / "2021Q2.md").exists()
    con = duckdb.connect(str(tmp_path / "processed" / "evalkit.duckdb"), read_only=True)
    assert con.execute("SELECT DISTINCT quarter FROM ingest_log").fetchall() == [("2021Q2",)]
