"""The README's "Adding a new quarter" walkthrough, on its example delivery."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from evalkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "new_quarter" / "2022Q2"


def test_the_readme_shows_what_validate_prints_for_the_example(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "tests/data/new_quarter/2022Q2"]) == 1
    printed = capsys.readouterr().out.strip().splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ .venv/bin/evalkit validate tests/data/new_quarter/2022Q2\n", 1)[1].split("\n$ ", 1)[0]
    assert printed == shown.splitlines()


def test_the_example_is_a_delivery_in_aalborgs_dialect():
    assert sorted(p.name for p in EXAMPLE.iterdir()) == ["851_courses.csv", "851_services.csv"]
    raw = (EXAMPLE / "851_courses.csv").read_bytes()
    assert "–".encode("cp1252") in raw and b";" in raw.splitlines()[0]


def test_the_readme_job_table_names_rules_of_the_workflow():
    """The rerun's job stats in the README were copied from a real run; a renamed rule must not leave them stale."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("Job stats:\n", 1)[1].split("```", 1)[0].splitlines()[2:]  # after the header lines
    counts = {name: int(count) for name, count in (line.split() for line in table if line.strip())}
    total = counts.pop("total")
    assert sum(counts.values()) == total
    listed = subprocess.run(
        [sys.executable, "-m", "snakemake", "--list-rules"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(counts) <= set(listed), set(counts) - set(listed)
