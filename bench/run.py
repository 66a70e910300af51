"""evalkit at national scale and beyond: side-by-side timings, run by hand.

    python bench/run.py --sizes 100000 1000000 10000000

For each size N, on one set of files made by `evalkit synth --scale N` under --work (default /tmp/evalkit-bench;
with --keep the drops stay there and a later run on the same size reuses them):

* full build to the figure tables as a user runs it, `snakemake tables --cores 2` from empty folders: wall and CPU
  time and peak memory (RSS summed over the whole process tree, sampled), split at its jobs' start and end lines
  into Snakemake's start, the ingest, the warehouse and the figure tables;
* the limit: DuckDB's own read_csv of the same files into tables, all text, no validation (bench/raw_scan.py);
* the peer from the raw CSVs: what an evaluator's pandas script would do, reading, checking and keeping the newest
  version of every row of every file, then completion, referral-onward and shadow savings (bench/pandas_peer.py
  --raw); and the peer from the build's Parquet files, eight families; each checked once to give evalkit's
  numbers, with its loading and its family computing timed apart;
* the same computing without Snakemake: the `evalkit warehouse` and `evalkit tables` commands the rules run, from
  the build's Parquet files into a scratch folder;
* incremental: one new quarter for one municipality, then `snakemake tables` again: its time, the jobs that ran
  and each job's time;
* no-op: `snakemake tables` with nothing changed.

Each repetition (--repeat, default 3) runs the build, the raw scan and the peers one after the other, so that
they share the machine's load; medians are reported and ratios are of medians of the same run. Results go to
bench/results.csv (rows of the sizes measured are replaced, others kept) and bench/results.md (rendered from the
whole CSV, followed by bench/analysis.md), where the targets are checked.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import re
import resource
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
NEW_QUARTERS_FROM = "2023Q1"  # the first of them: quarter folders from it on are the benchmark's own
# Synthetic, for the benchmark only: the key the ingest hashes citizen ids with (no key file is created).
BENCH_KEY = "evalkit-benchmark-key-not-secret-0123"  # synthetic data only; 32+ bytes as every key
SEED = 2026

# The targets: (measure, sizes it applies to or None for every size, comparison, threshold, text)
TARGETS = (
    (
        "pandas_raw_vs_evalkit",
        None,
        ">=",
        2.0,
        "end to end (raw CSV → figure tables) ≥ 2× faster than the pandas peer from the raw CSVs",
    ),
    ("full_vs_raw_scan", None, "<=", 2.5, "end to end ≤ 2.5× DuckDB's raw scan"),
    ("incremental_vs_full", (1_000_000,), "<=", 0.10, "one new quarter of one municipality ≤ 10 % of a full build"),
    ("incremental_vs_full", (10_000_000,), "<=", 0.05, "one new quarter of one municipality ≤ 5 % of a full build"),
    ("noop_s", None, "<", 2.0, "no-op rerun under 2 s"),
    ("full_build_peak_gib", (10_000_000,), "<", 4.0, "peak memory of the full build under 4 GiB"),
)


# --- measuring -----------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    output: str
    cpu: float = 0.0  # user + system seconds of the whole process tree
    own_cpu: float = 0.0  # the same of the command's own process alone (for snakemake: without its jobs)
    # (seconds since the start, line) of every output line: when each Snakemake job started and finished
    lines: list[tuple[float, str]] = field(default_factory=list)


def tree_rss(process: psutil.Process) -> int:
    """RSS of a process and all its descendants (shared pages counted in each: an upper bound)."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:  # ended between listing and asking
            pass
    return total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], env: dict[str, str] | None = None, interval: float = 0.05) -> Run:
    """Run a command to completion: wall time, CPU time and peak RSS of its process tree, its output lines with
    the time each was printed. Fails loudly."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, own, done = [0], [0.0], threading.Event()

    def sample() -> None:
        watched = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                peak[0] = max(peak[0], tree_rss(watched))
                times = watched.cpu_times()
                own[0] = times.user + times.system
            except psutil.Error:
                return
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = [(time.perf_counter() - started, line.rstrip("\n")) for line in proc.stdout]
    proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    output = "\n".join(line for _, line in lines)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{output[-4000:]}")
    return Run(seconds, peak[0], output, children_cpu() - cpu_before, own[0], lines)


def job_times(run: Run) -> list[tuple[str, float, float]]:
    """(rule, started, finished) of each job of a snakemake run, in seconds since the run started, from the
    times its `rule X:` and `Finished jobid: N (Rule: X)` lines were printed."""
    started: dict[str, list[float]] = {}
    jobs = []
    for at, line in run.lines:
        begun = re.match(r"^(?:local)?rule (\w+):", line.strip())
        if begun:
            started.setdefault(begun.group(1), []).append(at)
        finished = re.match(r"^Finished jobid: \d+ \(Rule: (\w+)\)", line.strip())
        if finished and started.get(finished.group(1)):
            jobs.append((finished.group(1), started[finished.group(1)].pop(0), at))
    return jobs


def stages(run: Run) -> dict[str, float]:
    """A full build's wall time split at its jobs: Snakemake's start (reading the workflow, the DAG) until the
    first job starts, the ingest jobs, the warehouse, the figure tables, and the ingest jobs' summed time."""
    jobs = job_times(run)
    first = min(start for _, start, _ in jobs)
    ingested = max(end for rule, _, end in jobs if rule == "ingest")
    warehouse = max(end for rule, _, end in jobs if rule == "warehouse")
    return {
        "startup": first,
        "ingest": ingested - first,
        "warehouse": warehouse - ingested,
        "tables": run.seconds - warehouse,
        "ingest_jobs": sum(end - start for rule, start, end in jobs if rule == "ingest"),
    }


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


def full_build(size: Size) -> Run:
    """From raw files to figure tables as a user runs it, `snakemake tables --cores 2` from empty processed/ and
    results/ folders: wall and CPU time and peak memory; `stages` splits it at the jobs' start and end."""
    size.clean_build()
    return measure(size.snakemake("tables"), size.env())


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


def pandas_peer(size: Size, source: str, check: bool = False) -> Run:
    """The pandas peer from the raw drops (`source` "raw") or from the full build's Parquet ("processed")."""
    folder = size.raw if source == "raw" else size.processed
    command = [PYTHON, str(BENCH / "pandas_peer.py"), "--config", str(size.config), f"--{source}", str(folder)]
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


def prepare_drops(size: Size, last_quarters: int | None, log) -> float:
    """The size's raw drops: generated once and kept (`--keep`) for later runs on the same size, which remove the
    quarters an earlier run's incremental measurement added. Returns the seconds generating took."""
    wanted = f"{size.courses} {SEED} {last_quarters or ''}"
    marker = size.raw / ".bench-drops"
    if marker.exists() and marker.read_text(encoding="utf-8").split(" seconds ")[0] == wanted:
        for extra in size.raw.iterdir():
            if extra.is_dir() and extra.name >= NEW_QUARTERS_FROM:
                shutil.rmtree(extra)
        log(f"== {size.courses:,} courses: reusing the drops in {size.raw}")
        return float(marker.read_text(encoding="utf-8").split(" seconds ")[1])
    shutil.rmtree(size.work, ignore_errors=True)
    size.work.mkdir(parents=True)
    log(f"== {size.courses:,} courses: generating drops in {size.raw}")
    synth = measure(
        [PYTHON, "-m", "evalkit", "synth", "--scale", str(size.courses), "--out", str(size.raw), "--seed", str(SEED)]
        + (["--last-quarters", str(last_quarters)] if last_quarters else []),
        size.env(),
    )
    marker.write_text(f"{wanted} seconds {synth.seconds}", encoding="utf-8")
    return synth.seconds


def bench_size(
    courses: int, work: Path, repeat: int, pandas_max: int, last_quarters: int | None, command: str, log
) -> list[dict]:
    """Every measurement of one size; returns CSV rows."""
    size = Size(courses, work / f"n{courses}")
    synth_s = prepare_drops(size, last_quarters, log)
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
    facts = dataset_facts(size)
    record("files", "files", [facts["files"]])
    record("rows", "rows", [facts["rows"]], "CSV data rows, all tables")
    record("csv_size", "MB", [facts["csv_mb"]])
    record("synth_s", "s", [synth_s], "evalkit synth --scale, once")

    builds, commands, scans, raw_peers, peers = [], [], [], [], []
    with_pandas = courses <= pandas_max
    for rep in range(repeat):
        log(
            f"  repetition {rep + 1}/{repeat}: full build, raw scan"
            + (", commands alone, pandas peer from raw CSV and from Parquet" if with_pandas else "")
        )
        builds.append(full_build(size))
        scans.append(raw_scan(size))
        if with_pandas:
            # evalkit's side of the comparison from Parquet: only where the peer runs
            commands.append(entry_points(size))
            # the first run also checks the peer's numbers against the build's tables (a few thousand values:
            # milliseconds beside the run)
            raw_peers.append(pandas_peer(size, "raw", check=rep == 0))
            peers.append(pandas_peer(size, "processed", check=rep == 0))
            if rep == 0:
                checked_raw, checked = (run.output.strip().splitlines()[-1] for run in (raw_peers[0], peers[0]))
                log(f"  from raw CSV: {checked_raw}; from Parquet: {checked}")
    split = [stages(b) for b in builds]
    full_s = record("full_build_s", "s", [b.seconds for b in builds], "snakemake tables --cores 2, from empty folders")
    full_cpu = record("full_build_cpu_s", "s", [b.cpu for b in builds], "user + system, whole process tree")
    stage_s = {
        stage: record(f"{stage}_s", "s", [parts[stage] for parts in split])
        for stage in ("startup", "ingest", "warehouse", "tables")
    }
    record("ingest_jobs_s", "s", [parts["ingest_jobs"] for parts in split], "the ingest jobs' times summed")
    record("snakemake_cpu_s", "s", [b.own_cpu for b in builds], "the snakemake process itself, without its jobs")
    record("full_build_peak_gib", "GiB", [b.peak_bytes / GIB for b in builds])
    scan_s = record("raw_scan_s", "s", [s.seconds for s in scans], "DuckDB read_csv of every file, no validation")
    scan_cpu = record("raw_scan_cpu_s", "s", [s.cpu for s in scans])
    record("raw_scan_peak_gib", "GiB", [s.peak_bytes / GIB for s in scans])
    record("full_vs_raw_scan", "×", [full_s / scan_s], "full build time / raw scan time")
    record("full_vs_raw_scan_cpu", "×", [full_cpu / scan_cpu], "full build CPU / raw scan CPU")
    record("ingest_vs_raw_scan", "×", [scan_s / stage_s["ingest"]], "raw scan time / ingest time (throughput ratio)")
    if with_pandas:
        raw_s = record("pandas_raw_s", "s", [p.seconds for p in raw_peers], checked_raw)
        raw_cpu = record("pandas_raw_cpu_s", "s", [p.cpu for p in raw_peers])
        record("pandas_raw_peak_gib", "GiB", [p.peak_bytes / GIB for p in raw_peers])
        raw_phases = [peer_phases(p.output) for p in raw_peers]
        record("pandas_raw_load_s", "s", [p["load"] for p in raw_phases], "reading, checks and newest-wins")
        record("pandas_raw_families_s", "s", [p["families"] for p in raw_phases], "the three headline families")
        record("pandas_raw_vs_evalkit", "×", [raw_s / full_s], "pandas from raw CSV / evalkit full build")
        record("pandas_raw_vs_evalkit_cpu", "×", [raw_cpu / full_cpu], "the same in CPU time")
        command_s = {
            stage: record(
                f"{stage}_command_s", "s", [c[stage].seconds for c in commands], f"evalkit {stage}, without Snakemake"
            )
            for stage in ("warehouse", "tables")
        }
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
        record("pandas_load_vs_warehouse", "×", [load_s / command_s["warehouse"]])
        record("pandas_families_vs_tables_command", "×", [families_s / command_s["tables"]])

    incremental, jobs, parts = [], [], []
    for rep in range(repeat):
        quarter = add_quarter(size, 20 + rep)
        log(f"  incremental {rep + 1}/{repeat}: {NEW_QUARTER_MUNICIPALITY} delivers {quarter}")
        run = measure(size.snakemake("tables"), size.env())
        incremental.append(run)
        jobs = jobs_run(run.output)
        parts.append(job_times(run))
    inc_s = record("incremental_s", "s", [r.seconds for r in incremental], f"jobs: {summarise_jobs(jobs)}")
    record("incremental_cpu_s", "s", [r.cpu for r in incremental])
    record("incremental_snakemake_cpu_s", "s", [r.own_cpu for r in incremental], "the snakemake process itself")
    for rule in sorted({rule for times in parts for rule, _, _ in times}):
        if rule != "tables":
            record(f"incremental_{rule}_s", "s", [sum(e - b for r, b, e in t if r == rule) for t in parts])
    record("incremental_startup_s", "s", [min(b for _, b, _ in t) for t in parts], "before the first job")
    record("incremental_vs_full", "×", [inc_s / full_s])
    noop = [measure(size.snakemake("tables"), size.env()) for _ in range(repeat)]
    for run in noop:
        if jobs_run(run.output):
            raise RuntimeError(f"a rerun with nothing changed ran jobs: {jobs_run(run.output)}")
    record("noop_s", "s", [r.seconds for r in noop], "snakemake tables, nothing to do")
    record("noop_cpu_s", "s", [r.cpu for r in noop])
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
        for courses in at or sizes:
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
    ("full_build_s", "**full build, raw CSV to figure tables (s)**"),
    ("startup_s", "  Snakemake's start and DAG, before the first job (s)"),
    ("ingest_s", "  ingest stage (s)"),
    ("warehouse_s", "  warehouse stage (s)"),
    ("tables_s", "  figure-tables stage (s)"),
    ("ingest_jobs_s", "  ingest jobs' times summed (s; two run at a time)"),
    ("full_build_cpu_s", "full build CPU time, process tree (s)"),
    ("snakemake_cpu_s", "  of which the snakemake process itself (s)"),
    ("full_build_peak_gib", "full build peak memory, process tree (GiB)"),
    ("raw_scan_s", "raw scan: DuckDB read_csv, no validation (s)"),
    ("raw_scan_cpu_s", "raw scan CPU time (s)"),
    ("full_vs_raw_scan", "**full build / raw scan**"),
    ("full_vs_raw_scan_cpu", "full build / raw scan, CPU time"),
    ("ingest_vs_raw_scan", "ingest throughput / raw scan throughput"),
    ("pandas_raw_s", "pandas peer from the raw CSVs (s)"),
    ("pandas_raw_load_s", "  reading, checks, newest-wins (s)"),
    ("pandas_raw_families_s", "  completion, referral_onward, shadow_savings (s)"),
    ("pandas_raw_cpu_s", "pandas peer from the raw CSVs, CPU time (s)"),
    ("pandas_raw_peak_gib", "pandas peer from the raw CSVs, peak memory (GiB)"),
    ("pandas_raw_vs_evalkit", "**pandas from raw CSV / evalkit full build**"),
    ("pandas_raw_vs_evalkit_cpu", "pandas from raw CSV / evalkit full build, CPU time"),
    ("pandas_s", "pandas peer from evalkit's Parquet, 8 families (s)"),
    ("pandas_load_s", "  Parquet and newest-wins (s)"),
    ("pandas_families_s", "  the figure families (s)"),
    ("pandas_peak_gib", "pandas peer from Parquet, peak memory (GiB)"),
    ("pandas_vs_evalkit_tables", "pandas from Parquet / evalkit warehouse + tables stages"),
    ("warehouse_command_s", "evalkit warehouse command alone, no Snakemake (s)"),
    ("tables_command_s", "evalkit tables command alone, no Snakemake (s)"),
    ("pandas_vs_evalkit_commands", "pandas from Parquet / evalkit commands (warehouse + tables)"),
    ("pandas_load_vs_warehouse", "pandas loading / evalkit warehouse command"),
    ("pandas_families_vs_tables_command", "pandas families / evalkit tables command"),
    ("incremental_s", "incremental: one new quarter, one municipality (s)"),
    ("incremental_startup_s", "  Snakemake's start and DAG (s)"),
    ("incremental_ingest_s", "  ingest job (s)"),
    ("incremental_warehouse_s", "  warehouse job (s)"),
    ("incremental_figure_tables_s", "  figure-tables job (s)"),
    ("incremental_cpu_s", "incremental CPU time (s)"),
    ("incremental_snakemake_cpu_s", "  of which the snakemake process itself (s)"),
    ("incremental_vs_full", "**incremental / full build**"),
    ("noop_s", "**no-op rerun (s)**"),
    ("noop_cpu_s", "no-op rerun CPU time (s)"),
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
    for source, measure_name in (("from the raw CSVs", "pandas_raw_s"), ("from Parquet", "pandas_s")):
        lines += [f"* {n:,} courses, {source}: {by[n, measure_name]['note']}" for n in sizes if (n, measure_name) in by]
    lines += ["", "## Targets", "", "| target | measured | verdict |", "|---|---|---|"]
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
