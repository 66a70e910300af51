"""Runs that are never silently wrong: whatever happens between two runs, the next one gives the figures a clean
build would give, or stops with a message that says what happened and what to do. End to end, via --configfile."""

from __future__ import annotations

import os

import duckdb
import yaml
from conftest import write_drop
from test_workflow import (
    CPRS,
    snakemake,
    workspace,  # noqa: F401  (a fixture)
)

from evalkit.ingest.pseudonym import ENV_VAR, KEY_FINGERPRINT_FILE, key_fingerprint

WAREHOUSE_TABLES = ("courses", "services", "ingest_log", "quarantine")


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
    first = snakemake(config, str(db))
    assert "back this file up" in first.stderr.lower() and str(key_file) in first.stderr
    old_key = key_file.read_bytes()
    # The key file is lost between two deliveries; the new quarter names a citizen of the earlier ones.
    key_file.unlink()
    write_drop(
        tmp_path / "drops",
        "2021Q4",
        "851_services.csv",
        f"service_id,citizen_id,paragraph,start_date\ns9,{CPRS[0]},85,2021-10-15\n",
    )
    second = snakemake(config, str(db))
    assert "back this file up" in second.stderr.lower()
    assert "2021Q2, 2021Q3" in second.stderr and "another pseudonymisation key" in second.stderr
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
    clean_build(tmp_path, config, "clean", str(tmp_path / "clean" / "processed" / "evalkit.duckdb"))
    assert warehouse_rows(db) == warehouse_rows(tmp_path / "clean" / "processed" / "evalkit.duckdb")
    # Putting the old key back is a key change too: not "Nothing to be done".
    key_file.write_bytes(old_key)
    third = snakemake(config, str(db))
    assert "Nothing to be done" not in third.stdout + third.stderr
    assert (tmp_path / "processed" / "quarters" / "2021Q4" / KEY_FINGERPRINT_FILE).read_text().strip() == (
        key_fingerprint(old_key.strip())
    )
    assert warehouse_rows(db) != warehouse_rows(tmp_path / "clean" / "processed" / "evalkit.duckdb")
    clean_build(tmp_path, config, "clean_old", str(tmp_path / "clean_old" / "processed" / "evalkit.duckdb"))
    assert warehouse_rows(db) == warehouse_rows(tmp_path / "clean_old" / "processed" / "evalkit.duckdb")
