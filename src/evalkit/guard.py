"""What the workflow checks and records around a run, so that no step takes a stale output for a current one.

Snakemake decides what to rerun from modification times, input checksums and its own records of params; none of
them sees a quarter pseudonymised with another key (a lost key file, another user's home folder) or a warehouse
that a failed job restored to its earlier state with a fresh modification time. Before any job, these checks
look at what the outputs were made from and remove the record that marks a stale output as done (a quarter's key
fingerprint, the warehouse's manifest copy), so the run makes it again. When a run starts, the copies of
withdrawn deliveries go; results/run_status.txt says whether results/ is one successful run's; and a failed
command's own message is repeated on the console.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

from evalkit.ingest.pseudonym import ENV_VAR, KEY_FINGERPRINT_FILE, recorded_fingerprint
from evalkit.warehouse.build import manifest_file, new_quarters


def key_source(key_file: str) -> str:
    return ENV_VAR if os.environ.get(ENV_VAR) else str(Path(key_file).expanduser())


def reingest_other_key(quarter_dirs: list[Path], key: str, key_file: str) -> list[str]:
    """Have the quarters made with another key than key (a fingerprint) ingested again; their names."""
    other = [d for d in quarter_dirs if d.is_dir() and recorded_fingerprint(d) not in (None, key)]
    if other:
        names = ", ".join(d.name for d in other)
        print(
            f"evalkit: quarters {names} were made with another pseudonymisation key than the current one "
            f"({key_source(key_file)}); they are ingested again with it, so that no warehouse mixes two keys. If "
            "the key was lost or changed by mistake, stop the run and put the earlier key back.",
            file=sys.stderr,
        )
        for folder in other:
            (folder / KEY_FINGERPRINT_FILE).unlink()
    return [d.name for d in other]


def stale_warehouse(db_path: Path, quarter_dirs: list[Path], code: str, key: str) -> str | None:
    """Have the warehouse built again unless its build manifest is exactly the current quarters' ingest outputs,
    key and code; why it is stale, or None. A warehouse only waiting for newly ingested quarters is updated."""
    if not db_path.exists():
        return None
    added, why = new_quarters(db_path, quarter_dirs, code, key)
    if added == []:
        return None
    manifest_file(db_path).unlink(missing_ok=True)
    return why


RUN_STATUS_FILE = "run_status.txt"
_STATUS = {
    "running": (
        "A run started {at} and has not ended. Until it has, results/tables/, results/data_quality/, "
        "results/figures/ and results/notebooks/ may already hold its numbers; results/publish/ and "
        "results/tables.xlsx are the last successful run's."
    ),
    "failed": (
        "The run started {at} FAILED (its message is on the console and in results/logs/). results/publish/ and "
        "results/tables.xlsx are the last successful run's. results/tables/, results/data_quality/, "
        "results/figures/ and results/notebooks/ may hold numbers of the failed run: use none of them until a "
        "run succeeds."
    ),
    "complete": "The run started {at} completed: every output in results/ is from it.",
}


def write_run_status(results_dir: Path, state: str, started: str) -> None:
    """results/run_status.txt: whether the outputs in results/ are all from one successful run."""
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / RUN_STATUS_FILE
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(f"{state}\n{_STATUS[state].format(at=started)}\n", encoding="utf-8")
    os.replace(partial, target)


def remove_withdrawn(quarters_dir: Path, data_quality_dir: Path, quarters: list[str]) -> list[str]:
    """Remove the ingest output and data-quality report of every quarter no longer under the raw folder: a
    withdrawn delivery leaves no pseudonymised copy behind. The names of the quarters removed."""
    withdrawn = sorted(
        d.name
        for d in (quarters_dir.iterdir() if quarters_dir.is_dir() else [])
        if d.is_dir() and d.name not in quarters
    )
    reports = [
        p for p in (data_quality_dir.glob("*.md") if data_quality_dir.is_dir() else []) if p.stem not in quarters
    ]
    for name in withdrawn:
        shutil.rmtree(quarters_dir / name)
    for report in reports:
        report.unlink()
    gone = sorted(set(withdrawn) | {p.stem for p in reports})
    if gone:
        print(
            f"evalkit: quarters {', '.join(gone)} were withdrawn from the raw folder; their processed copies and "
            "data-quality reports are removed.",
            file=sys.stderr,
        )
    return gone


def failure_messages(log_dir: Path, since: datetime) -> str:
    """The error messages evalkit commands wrote to the logs of this run (from their `evalkit ...: error:` line
    on), so they can be the last thing on the console rather than only in a log file."""
    found = []
    for log in sorted(log_dir.rglob("*.log")) if log_dir.is_dir() else []:
        if log.stat().st_mtime < since.timestamp():
            continue
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("evalkit ") and ": error: " in line), None)
        if start is not None:
            found.append(f"{log}:\n" + "\n".join(lines[start:]))
    return "\n".join(found)
