"""evalkit at national scale and beyond: side-by-side timings, run by hand.

    python bench/run.py --sizes 100000 1000000 10000000

For each size N, on one set of files made by `evalkit synth --scale N` under --work (default /tmp/evalkit-bench):

* full build to the figure tables (ingest, warehouse, tables; no figures or notebooks): wall time and peak memory
  (RSS summed over the whole process tree, sampled), with the three stages timed on their own;
* the limit: DuckDB's own read_csv of the same files into tables, all text, no validation (bench/raw_scan.py);
* the same computing without Snakemake: the `evalkit warehouse` and `evalkit tables` commands the rules run, from
  the build's Parquet files into a scratch folder;
* the peer: the same figure families in pandas from the same Parquet files (bench/pandas_peer.py), checked once
  to give evalkit's numbers, with its loading and its family computing timed apart;
* incremental: one new quarter for one municipality, then `snakemake tables` again: its time and the jobs that ran;
* no-op: `snakemake tables` with nothing changed.

Each timing is repeated (--repeat, default 3) and its median reported; ratios are of medians of the same run.
Results go to bench/results.csv (rows of the sizes measured are replaced, others kept) and bench/results.md
(rendered from the whole CSV, followed by bench/analysis.md). The targets of issue 7 are checked there.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PYTHON = sys.executable
GIB = 1 << 30
MIB = 1 << 20
NEW_QUARTER_MUNICIPALITY = "851"  # Aalborg delivers the incremental quarters
# Synthetic, for the benchmark only: the key the ingest hashes citizen ids with (no key file is created).
BENCH_KEY = "evalkit-benchmark-key-not-secret-0123"  # synthetic data only; 32+ bytes as every key
SEED = 2026

# Issue 7's targets: (measure, size it applies to or None for every size, comparison, threshold, text)
TARGETS = (
    ("ingest_vs_raw_scan", None, ">=", 0.5, "ingest with validation ≥ 0.5× the raw scan's throughput"),
    (
        "pandas_vs_evalkit_tables",
        1_000_000,
        ">=",
        10.0,
        "figure tables ≥ 10× faster than the pandas peer at 1M, from Parquet (warehouse + tables)",
    ),
    (
        "pandas_vs_evalkit_commands",
        1_000_000,
        ">=",
        10.0,
        "figure tables ≥ 10× faster than the pandas peer at 1M, from Parquet (the two commands, no Snakemake)",
    ),
    (
        "pandas_families_vs_tables",
        1_000_000,
        ">=",
        10.0,
        "figure tables ≥ 10× faster than the pandas peer at 1M, the families alone (tables stage)",
    ),
    (
        "pandas_families_vs_tables_command",
        1_000_000,
        ">=",
        10.0,
        "figure tables ≥ 10× faster than the pandas peer at 1M, the families alone (tables command)",
    ),
    ("full_build_peak_gib", 10_000_000, "<", 4.0, "10M courses build with peak memory under 4 GiB"),
    ("incremental_vs_full", 1_000_000, "<=", 0.10, "one-quarter rebuild ≤ 10 % of the full build at 1M"),
    ("noop_s", None, "<", 5.0, "no-op rebuild under 5 s"),
)


# --- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    output: str


def tree_rss(process: psutil.Process) -> int:
    """RSS of a process and all its descendants (shared pages counted in each: an upper bound)."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # ended between listing and asking
            pass
    return total


def measure(command: list[str], env: dict[str, str] | None = None, interval: float = 0.05) -> Run:
    """Run a command to completion: wall time, peak RSS of its process tree, combined output. Fails loudly."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, done = [0], threading.Event()

    def sample() -> None:
        watched = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                peak[0] = max(peak[0], tree_rss(watched))
            except psutil.Error:
                return
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{output[-4000:]}")
    return Run(seconds, peak[0], output)


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Size:
    """The scratch folders and commands of one size."""

    courses: int
    work: Path
    config: Path = field(init=False)

    def __post_init__(self) -> None:
        self.raw = self.work / "raw"
        self.processed = self.work / "processed"
        self.results = self.work / "results"
        self.config = self.work / "config.yaml"

    def env(self) -> dict[str, str]:
        bin_dir = str(Path(PYTHON).parent)
        return dict(
            os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", EVALKIT_PSEUDONYM_KEY=BENCH_KEY
        )

    def write_config(self) -> None:
        config = yaml.safe_load((BENCH / "config.yaml").read_text(encoding="utf-8"))
        config |= {
            "raw_dir": str(self.raw),
            "processed_dir": str(self.processed),
            "results_dir": str(self.results),
            "pseudonym_key_file": str(self.work / "unused.key"),
            "unit_costs": str(ROOT / config["unit_costs"]),
        }
        self.config.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    def snakemake(self, *args: str) -> list[str]:
        # Targets before --configfile, which takes every argument after it.
        return [PYTHON, "-m", "snakemake", *args, "--cores", "2", "--configfile", str(self.config)]

    def clean_build(self) -> None:
        shutil.rmtree(self.processed, ignore_errors=True)
        shutil.rmtree(self.results, ignore_errors=True)


# --- the measurements of one size ----------------------------------------------------------------------------


def full_build(size: Size) -> dict[str, Run]:
    """From raw files to figure tables, stage by stage (--until): each stage's time, the total, the peak."""
    size.clean_build()
    stages = {
        "ingest": measure(size.snakemake("tables", "--until", "ingest"), size.env()),
        "warehouse": measure(size.snakemake("tables", "--until", "warehouse"), size.env()),
        "tables": measure(size.snakemake("tables"), size.env()),
    }
    total = Run(sum(r.seconds for r in stages.values()), max(r.peak_bytes for r in stages.values()), "")
    return stages | {"full_build": total}


def entry_points(size: Size) -> dict[str, Run]:
    """The warehouse and figure-tables commands the rules run, timed without Snakemake, from the full build's
    Parquet files into a scratch folder: evalkit's own computing, like for like with the peer's one process."""
    scratch = size.work / "entry_points"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    db = scratch / "evalkit.duckdb"
    quarters = sorted(str(p) for p in (size.processed / "quarters").iterdir())
    evalkit = [PYTHON, "-m", "evalkit"]
    return {
        "warehouse": measure([*evalkit, "warehouse", "--db", str(db), *quarters], size.env()),
        "tables": measure(
            [*evalkit, "tables", "--config", str(size.config), "--db", str(db), "--out-dir", str(scratch / "tables")],
            size.env(),
        ),
    }


def raw_scan(size: Size) -> Run:
    return measure([PYTHON, str(BENCH / "raw_scan.py"), str(size.raw)])


def pandas_peer(size: Size, check: bool = False) -> Run:
    command = [PYTHON, str(BENCH / "pandas_peer.py"), "--config", str(size.config), "--processed", str(size.processed)]
    return measure(command + (["--check", str(size.results / "tables")] if check else []))


def peer_phases(output: str) -> dict[str, float]:
    """The peer's `pandas peer phases: load=… families=…` line as seconds per phase."""
    line = next(x for x in output.splitlines() if x.startswith("pandas peer phases:"))
    return {name: float(value) for name, value in re.findall(r"(\w+)=([\d.]+)", line)}


def jobs_run(output: str) -> list[str]:
    """The jobs a snakemake run executed, as `rule` or `rule[wildcards]`, from its log."""
    jobs, current = [], None
    for line in output.splitlines():
        match = re.match(r"^(?:local)?rule (\w+):", line.strip())
        if match:
            if current:
                jobs.append(current)
            current = match.group(1)
            continue
        wildcards = re.match(r"^wildcards: (.*)$", line.strip())
        if wildcards and current and "[" not in current:
            current = f"{current}[{wildcards.group(1)}]"
    if current:
        jobs.append(current)
    return [job for job in jobs if job != "tables"]  # the target rule does nothing


def summarise_jobs(jobs: list[str]) -> str:
    """`ingest[quarter=2023Q1], warehouse, figure_tables`, or `ingest ×20, ...`: one entry per rule, with its
    wildcards when it ran one job and the job count when it ran several."""
    counts: dict[str, list[str]] = {}
    for job in jobs:
        counts.setdefault(job.split("[")[0], []).append(job)
    return ", ".join(items[0] if len(items) == 1 else f"{rule} ×{len(items)}" for rule, items in counts.items())


def add_quarter(size: Size, index: int) -> str:
    """Write quarter number `index` (20 = 2023Q1, ...) for one municipality into the size's raw folder."""
    from evalkit.synth import scale as synth_scale

    synth_scale.generate(
        size.raw,
        size.courses,
        SEED,
        quarters=range(index, index + 1),
        municipalities={NEW_QUARTER_MUNICIPALITY},
        progress=False,
    )
    return synth_scale.quarter_name(index)


def dataset_facts(size: Size) -> dict[str, float]:
    files = list(size.raw.rglob("*.csv"))
    rows = 0
    for path in files:
        with open(path, "rb") as handle:
            rows += sum(1 for _ in handle) - 1
    return {"files": len(files), "rows": rows, "csv_mb": sum(p.stat().st_size for p in files) / 1e6}


def bench_size(
    courses: int, work: Path, repeat: int, pandas_max: int, last_quarters: int | None, command: str, log
) -> list[dict]:
    """Every measurement of one size; returns CSV rows."""
    size = Size(courses, work / f"n{courses}")
    shutil.rmtree(size.work, ignore_errors=True)
    size.work.mkdir(parents=True)
    size.write_config()
    rows: list[dict] = []

    def record(measure_name: str, unit: str, values: list[float], note: str = "") -> float:
        value = median(values)
        rows.append(
            {
                "courses": courses,
                "measure": measure_name,
                "unit": unit,
                "median": f"{value:.6g}",
                "runs": " ".join(f"{v:.4g}" for v in values),
                "note": note,
            }
        )
        log(f"  {measure_name}: {value:.4g} {unit}" + (f" ({note})" if note else ""))
        return value

    info = machine() | {"command": command}
    rows.append(
        {
            "courses": courses,
            "measure": "run",
            "unit": "",
            "median": "0",
            "runs": "",
            "note": "; ".join(f"{k}: {v}" for k, v in info.items()),
        }
    )
    log(f"== {courses:,} courses: generating drops in {size.raw}")
    synth = measure(
        [PYTHON, "-m", "evalkit", "synth", "--scale", str(courses), "--out", str(size.raw), "--seed", str(SEED)]
        + (["--last-quarters", str(last_quarters)] if last_quarters else []),
        size.env(),
    )
    facts = dataset_facts(size)
    record("files", "files", [facts["files"]])
    record("rows", "rows", [facts["rows"]], "CSV data rows, all tables")
    record("csv_size", "MB", [facts["csv_mb"]])
    record("synth_s", "s", [synth.seconds], "evalkit synth --scale, once")
    record("synth_peak_mib", "MiB", [synth.peak_bytes / MIB])

    builds, commands, scans, peers = [], [], [], []
    with_pandas = courses <= pandas_max
    for rep in range(repeat):
        log(
            f"  repetition {rep + 1}/{repeat}: full build, commands alone, raw scan"
            + (", pandas peer" if with_pandas else "")
        )
        builds.append(full_build(size))
        commands.append(entry_points(size))
        if rep == 0 and with_pandas:
            checked = pandas_peer(size, check=True).output.strip().splitlines()[-1]
            log(f"  {checked}")
        scans.append(raw_scan(size))
        if with_pandas:
            peers.append(pandas_peer(size))
    stage_s = {
        stage: record(f"{stage}_s", "s", [b[stage].seconds for b in builds])
        for stage in ("ingest", "warehouse", "tables", "full_build")
    }
    record("full_build_peak_gib", "GiB", [b["full_build"].peak_bytes / GIB for b in builds])
    record("ingest_peak_gib", "GiB", [b["ingest"].peak_bytes / GIB for b in builds])
    record("warehouse_peak_gib", "GiB", [b["warehouse"].peak_bytes / GIB for b in builds])
    record("tables_peak_gib", "GiB", [b["tables"].peak_bytes / GIB for b in builds])
    command_s = {
        stage: record(
            f"{stage}_command_s", "s", [c[stage].seconds for c in commands], f"evalkit {stage}, without Snakemake"
        )
        for stage in ("warehouse", "tables")
    }
    scan_s = record("raw_scan_s", "s", [s.seconds for s in scans], "DuckDB read_csv of every file, no validation")
    record("raw_scan_peak_gib", "GiB", [s.peak_bytes / GIB for s in scans])
    record("ingest_rows_per_s", "rows/s", [facts["rows"] / b["ingest"].seconds for b in builds])
    record("raw_scan_rows_per_s", "rows/s", [facts["rows"] / s.seconds for s in scans])
    record("ingest_vs_raw_scan", "×", [scan_s / stage_s["ingest"]], "raw scan time / ingest time (throughput ratio)")
    if with_pandas:
        peer_s = record("pandas_s", "s", [p.seconds for p in peers], checked)
        record("pandas_peak_gib", "GiB", [p.peak_bytes / GIB for p in peers])
        record(
            "pandas_vs_evalkit_tables",
            "×",
            [peer_s / (stage_s["warehouse"] + stage_s["tables"])],
            "pandas / (warehouse + tables), both from the same Parquet",
        )
        phases = [peer_phases(p.output) for p in peers]
        load_s = record("pandas_load_s", "s", [p["load"] for p in phases], "Parquet and newest-wins")
        families_s = record("pandas_families_s", "s", [p["families"] for p in phases], "the figure families")
        record(
            "pandas_vs_evalkit_commands",
            "×",
            [peer_s / (command_s["warehouse"] + command_s["tables"])],
            "pandas / (evalkit warehouse + evalkit tables), both from the same Parquet, without Snakemake",
        )
        record(
            "pandas_load_vs_warehouse",
            "×",
            [load_s / command_s["warehouse"]],
            "pandas loading / evalkit warehouse command",
        )
        record(
            "pandas_families_vs_tables",
            "×",
            [families_s / stage_s["tables"]],
            "pandas computing the families / evalkit tables stage",
        )
        record(
            "pandas_families_vs_tables_command",
            "×",
            [families_s / command_s["tables"]],
            "pandas computing the families / evalkit tables command",
        )

    incremental, jobs = [], []
    for rep in range(repeat):
        quarter = add_quarter(size, 20 + rep)
        log(f"  incremental {rep + 1}/{repeat}: {NEW_QUARTER_MUNICIPALITY} delivers {quarter}")
        run = measure(size.snakemake("tables"), size.env())
        incremental.append(run.seconds)
        jobs = jobs_run(run.output)
    inc_s = record("incremental_s", "s", incremental, f"jobs: {summarise_jobs(jobs)}")
    record("incremental_vs_full", "×", [inc_s / stage_s["full_build"]])
    noop = [measure(size.snakemake("tables"), size.env()) for _ in range(repeat)]
    for run in noop:
        if jobs_run(run.output):
            raise RuntimeError(f"a rerun with nothing changed ran jobs: {jobs_run(run.output)}")
    record("noop_s", "s", [r.seconds for r in noop], "snakemake tables, nothing to do")
    return rows


# --- the report ----------------------------------------------------------------------------------------------

CSV_COLUMNS = ("courses", "measure", "unit", "median", "runs", "note")


def merge_csv(path: Path, new_rows: list[dict]) -> list[dict]:
    """The CSV's rows for other sizes, then the new ones."""
    measured = {int(r["courses"]) for r in new_rows}
    old = []
    if path.exists():
        with open(path, encoding="utf-8", newline="") as handle:
            old = [r for r in csv.DictReader(handle) if int(r["courses"]) not in measured]
    rows = sorted(old + new_rows, key=lambda r: int(r["courses"]))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def machine() -> dict[str, str]:
    import duckdb
    import pandas
    import snakemake

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "src", "bench", "workflow"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / GIB:.0f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        "versions": f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pandas {pandas.__version__}, "
        f"Snakemake {snakemake.__version__}",
        "evalkit": f"commit {commit.stdout.strip() or '?'}" + (" + uncommitted changes" if dirty else ""),
    }


def check_targets(rows: list[dict]) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each target and size it applies to."""
    value = {(int(r["courses"]), r["measure"]): float(r["median"]) for r in rows}
    sizes = sorted({int(r["courses"]) for r in rows})
    out = []
    for name, at, op, threshold, text in TARGETS:
        for courses in [at] if at else sizes:
            if (courses, name) not in value:
                out.append((text, f"{courses:,}: not measured", "—"))
                continue
            v = value[courses, name]
            met = {">=": v >= threshold, "<": v < threshold, "<=": v <= threshold}[op]
            out.append((text, f"{courses:,} courses: {number(v)}", "met" if met else "**missed**"))
    return out


MEASURE_ORDER = (
    ("files", "delivered files"),
    ("rows", "CSV rows (all tables)"),
    ("csv_size", "CSV size (MB)"),
    ("full_build_s", "full build to figure tables (s)"),
    ("ingest_s", "  ingest stage (s)"),
    ("warehouse_s", "  warehouse stage (s)"),
    ("tables_s", "  figure-tables stage (s)"),
    ("full_build_peak_gib", "full build peak memory, process tree (GiB)"),
    ("raw_scan_s", "raw scan: DuckDB read_csv, no validation (s)"),
    ("ingest_vs_raw_scan", "**ingest throughput / raw scan throughput**"),
    ("pandas_s", "pandas peer from the same Parquet (s)"),
    ("pandas_vs_evalkit_tables", "**pandas / evalkit (warehouse + tables)**"),
    ("pandas_load_s", "  pandas: Parquet and newest-wins (s)"),
    ("pandas_families_s", "  pandas: the figure families (s)"),
    ("warehouse_command_s", "evalkit warehouse command alone, no Snakemake (s)"),
    ("tables_command_s", "evalkit tables command alone, no Snakemake (s)"),
    ("pandas_vs_evalkit_commands", "**pandas / evalkit commands (warehouse + tables)**"),
    ("pandas_load_vs_warehouse", "pandas loading / evalkit warehouse command"),
    ("pandas_families_vs_tables", "**pandas families / evalkit figure-tables stage**"),
    ("pandas_families_vs_tables_command", "**pandas families / evalkit tables command**"),
    ("pandas_peak_gib", "pandas peer peak memory (GiB)"),
    ("incremental_s", "incremental: one new quarter, one municipality (s)"),
    ("incremental_vs_full", "**incremental / full build**"),
    ("noop_s", "**no-op rerun (s)**"),
    ("synth_s", "generating the drops, evalkit synth --scale (s, once)"),
)


def number(value: float) -> str:
    """Three significant digits, without an exponent: 7,840 files, 65.2 s, 0.208×."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def render(rows: list[dict]) -> str:
    sizes = sorted({int(r["courses"]) for r in rows})
    by = {(int(r["courses"]), r["measure"]): r for r in rows}
    lines = [
        "# evalkit benchmark results",
        "",
        "Written by `bench/run.py` from results.csv (do not edit by hand; the analysis at the end is",
        "bench/analysis.md). Each size was measured in one run, on one set of files:",
        "",
        *[f"* {n:,} courses: {by[n, 'run']['note']}" for n in sizes if (n, "run") in by],
        "",
        "Medians of the repetitions (all runs in results.csv); ratios are of medians measured side by side in the",
        "same run, on the same files. Peak memory is the RSS of the whole process tree (snakemake and its jobs).",
        "",
        "| measure | " + " | ".join(f"{n:,} courses" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name, label in MEASURE_ORDER:
        cells = []
        for n in sizes:
            row = by.get((n, name))
            cells.append("—" if row is None else number(float(row["median"])))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Jobs that re-ran for the incremental quarter:", ""]
    lines += [
        f"* {n:,} courses: {by[n, 'incremental_s']['note'].removeprefix('jobs: ')}"
        for n in sizes
        if (n, "incremental_s") in by
    ]
    lines += ["", "Pandas peer check (same numbers as evalkit's figure tables):", ""]
    lines += [f"* {n:,} courses: {by[n, 'pandas_s']['note']}" for n in sizes if (n, "pandas_s") in by]
    lines += ["", "## Targets (issue 7)", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in check_targets(rows)]
    analysis = BENCH / "analysis.md"
    if analysis.exists():
        lines += ["", analysis.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each timing (median reported)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/evalkit-bench"), help="scratch folder")
    parser.add_argument("--csv", type=Path, default=BENCH / "results.csv")
    parser.add_argument("--md", type=Path, default=BENCH / "results.md")
    parser.add_argument("--keep", action="store_true", help="keep each size's scratch folder")
    parser.add_argument(
        "--last-quarters",
        type=int,
        metavar="K",
        help="generate only the last K of the 20 quarters: fewer jobs, for a quick smoke run",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: write --md again from --csv (and bench/analysis.md)",
    )
    parser.add_argument(
        "--pandas-max",
        type=int,
        default=2_000_000,
        metavar="N",
        help="run the pandas peer only up to N courses (it holds everything in memory: about "
        "3 GiB at 1M courses, so 10M would not fit in 24 GiB)",
    )
    args = parser.parse_args(argv)
    command = "python bench/run.py " + " ".join(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.render_only:
        args.md.write_text(render(merge_csv(args.csv, [])), encoding="utf-8")
        return 0
    for courses in args.sizes:
        rows = bench_size(courses, args.work, args.repeat, args.pandas_max, args.last_quarters, command, log)
        # written after every size, so a long run that is stopped keeps what it measured
        args.md.write_text(render(merge_csv(args.csv, rows)), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(args.work / f"n{courses}", ignore_errors=True)
    log(f"results: {args.md}, {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
