"""Time the business case of one report on a built warehouse: the per-citizen inputs (SQL) and the bootstrap.

    PATH=$PWD/.venv/bin:$PATH python bench/business_case.py --db /tmp/evalkit-bench/processed/evalkit.duckdb \
        --config bench/config.yaml --report national_2021 [--resamples 2000] [--repeat 3]

Prints the citizens resampled, the seconds of each phase (median of --repeat) and the draws per second. The
limit (the business-case issue): the bootstrap of the national report at 1M courses under 5 s. --citizens N also
times the bootstrap on N citizens drawn from the report's own per-citizen rows, spread over its municipalities in
the same proportions (a report with more citizens than the synthetic drops give).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from evalkit.config import Report, business_case_defaults, load_config  # noqa: E402
from evalkit.tables import business_case_report as bcr  # noqa: E402
from evalkit.tables.compute import connect, prepare_report  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--resamples", type=int, default=business_case_defaults()["bootstrap"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--citizens", type=int, help="also time the bootstrap on this many citizens")
    args = parser.parse_args(argv)
    config = load_config([ROOT / "config" / "config.yaml", args.config])
    entry = next(r for r in config["reports"] if r["id"] == args.report)
    block = {**business_case_defaults(), **entry.get("business_case", {}), "bootstrap": args.resamples}
    con = connect(args.db, config["unit_costs"], payers=ROOT / config["payers"])
    prepare_started = time.perf_counter()
    prepare_report(con, Report.from_config(entry))
    prepare_s = time.perf_counter() - prepare_started
    inputs_s, case_s, case_cpu = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        municipalities = bcr.report_inputs(con)
        inputs_s.append(time.perf_counter() - started)
        started, cpu = time.perf_counter(), time.process_time()
        bcr.business_case(municipalities, block)
        case_s.append(time.perf_counter() - started)
        case_cpu.append(time.process_time() - cpu)
    citizens = sum(len(m.citizens) for m in municipalities if m.citizens is not None)
    case = statistics.median(case_s)
    print(
        f"report {args.report}: {len(municipalities)} municipalities, {citizens:,} citizens with an ended course "
        f"in those that registered shadow visitation, {args.resamples} resamples"
    )
    print(f"prepare_report (shared definitions, once): {prepare_s:.2f} s")
    print(f"per-citizen inputs (SQL, median of {args.repeat}): {statistics.median(inputs_s):.2f} s")
    print(
        f"business case with bootstrap (median of {args.repeat}): {case:.2f} s, CPU "
        f"{statistics.median(case_cpu):.2f} s ({citizens * args.resamples / case / 1e6:.0f} M citizen-draws/s); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if args.citizens:
        registered = [m for m in municipalities if m.citizens is not None]
        rng = np.random.default_rng(0)
        scale = args.citizens / citizens
        larger = [
            bcr.Municipality(
                m.kommunekode,
                m.investment_dkk,
                m.citizens[rng.integers(0, len(m.citizens), round(len(m.citizens) * scale))],
            )
            for m in registered
        ]
        seconds = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            bcr.business_case(larger, block)
            seconds.append(time.perf_counter() - started)
        print(
            f"business case with bootstrap on {sum(len(m.citizens) for m in larger):,} citizens "
            f"(median of {args.repeat}): {statistics.median(seconds):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
