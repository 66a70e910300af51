"""A small run of the benchmark (bench/run.py), so the harness cannot rot. It checks that every figure is measured
and reported and that the pandas peer agrees with evalkit; the timings themselves are not judged here (targets
are checked by the benchmark run by hand, on the sizes it is meant for)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEASURES = {
    "files",
    "rows",
    "csv_size",
    "synth_s",
    "ingest_s",
    "warehouse_s",
    "tables_s",
    "full_build_s",
    "full_build_peak_gib",
    "raw_scan_s",
    "pandas_s",
    "pandas_raw_s",
    "startup_s",
    "full_build_cpu_s",
    "full_vs_raw_scan",
    "pandas_raw_vs_evalkit",
    "ingest_vs_raw_scan",
    "pandas_vs_evalkit_tables",
    "incremental_figure_tables_s",
    "incremental_s",
    "incremental_vs_full",
    "noop_s",
}


def test_benchmark_smoke_run(tmp_path):
    results_csv, results_md = tmp_path / "results.csv", tmp_path / "results.md"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "2000",
            "--repeat",
            "1",
            "--last-quarters",
            "8",
            "--work",
            str(tmp_path / "work"),
            "--csv",
            str(results_csv),
            "--md",
            str(results_md),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    with open(results_csv, encoding="utf-8", newline="") as handle:
        rows = {row["measure"]: row for row in csv.DictReader(handle)}
    assert MEASURES <= set(rows)
    assert all(float(rows[m]["median"]) > 0 for m in MEASURES)
    assert "values equal to evalkit's" in rows["pandas_s"]["note"]
    assert "values equal to evalkit's" in rows["pandas_raw_s"]["note"]
    assert "ingest[quarter=2023Q1]" in rows["incremental_s"]["note"] and "warehouse" in rows["incremental_s"]["note"]
    report = results_md.read_text(encoding="utf-8")
    assert "## Targets" in report and "end to end" in report and "2,000 courses" in report
    assert not (tmp_path / "work" / "n2000").exists()  # scratch data removed
