"""What the workflow checks and records around a run, so that no step takes a stale output for a current one.

Snakemake decides what to rerun from modification times, input checksums and its own records of params; none of
them sees a quarter pseudonymised with another key (a lost key file, another user's home folder) or a warehouse
that a failed job restored to its earlier state with a fresh modification time. Before any job, these checks
look at what the outputs were made from and remove the record that marks a stale output as done (a quarter's key
fingerprint, the warehouse's manifest copy), so the run makes it again. When a run starts, the copies of
withdrawn deliveries go; results/run_status.txt says whether results/ is one successful run's, and a report
made after a run that did not complete says so on its front page. A run ends on the console with the warnings
its commands wrote to their logs, then a line per new or changed quarter or, when it failed, the failed
commands' own messages.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from evalkit import console
from evalkit.console import ERROR_WORDS
from evalkit.contract import INGEST_LOG
from evalkit.duck import sql_literal
from evalkit.ingest.pseudonym import ENV_VAR, KEY_FINGERPRINT_FILE, recorded_fingerprint
from evalkit.warehouse.build import manifest_file, new_quarters


def key_source(key_file: str) -> str:
    return ENV_VAR if os.environ.get(ENV_VAR) else str(Path(key_file).expanduser())


# What the workflow says on the console before any job, in the configured language.
NOTICE = {
    "en": {
        "other_key": "evalkit: quarters {quarters} were made with another pseudonymisation key than the current one "
        "({source}); they are ingested again with it, so that no warehouse mixes two keys. If the key was lost or "
        "changed by mistake, stop the run and put the earlier key back.",
        "withdrawn": "evalkit: quarters {quarters} were withdrawn from the raw folder; their processed copies and "
        "data-quality reports are removed.",
    },
    "da": {
        "other_key": "evalkit: kvartalerne {quarters} er lavet med en anden pseudonymiseringsnøgle end den nuværende "
        "({source}); de indlæses igen med den, så intet lager (warehouse) blander to nøgler. Er nøglen mistet eller "
        "ændret ved en fejl, så stop kørslen, og læg den tidligere nøgle tilbage.",
        "withdrawn": "evalkit: kvartalerne {quarters} er trukket tilbage fra mappen med rådata; deres behandlede "
        "kopier og datakvalitetsrapporter er fjernet.",
    },
}


def reingest_other_key(quarter_dirs: list[Path], key: str, key_file: str, language: str = "da") -> list[str]:
    """Have the quarters made with another key than key (a fingerprint) ingested again; their names."""
    other = [d for d in quarter_dirs if d.is_dir() and recorded_fingerprint(d) not in (None, key)]
    if other:
        names = ", ".join(d.name for d in other)
        notice = console.text(NOTICE, "other_key", language, quarters=names, source=key_source(key_file))
        print(notice, file=sys.stderr)
        for folder in other:
            (folder / KEY_FINGERPRINT_FILE).unlink()
    return [d.name for d in other]


def stale_warehouse(db_path: Path, quarter_dirs: list[Path], code: str, key: str) -> str | None:
    """Have the warehouse built again unless its build manifest is exactly the current quarters' ingest outputs,
    key and code; why it is stale, or None. A warehouse only waiting for newly ingested quarters is updated. The
    manifest copy is the warehouse rule's output (the database beside it is not, so that Snakemake neither deletes
    nor copies it before an update): without the database, the copy goes too."""
    if not db_path.exists():
        if manifest_file(db_path).exists():
            manifest_file(db_path).unlink()
            return "no warehouse"
        return None
    added, why = new_quarters(db_path, quarter_dirs, code, key)
    if added == []:
        return None
    manifest_file(db_path).unlink(missing_ok=True)
    return why


RUN_STATUS_FILE = "run_status.txt"
_STATUS = {
    "en": {
        "running": (
            "A run started {at} and has not ended. Until it has, results/tables/, results/data_quality/, "
            "results/figures/ and results/notebooks/ may already hold its numbers; results/publish/ and "
            "results/tables.xlsx are the last successful run's."
        ),
        "failed": (
            "The run started {at} FAILED (its message is on the console and in results/logs/). results/publish/ and "
            "results/tables.xlsx are the last successful run's. results/tables/, results/data_quality/, "
            "results/figures/ and results/notebooks/, and a report.html made since, may hold numbers of the failed "
            "run: use none of them until a run succeeds."
        ),
        "complete": "The run started {at} completed: every output in results/ is from it.",
    },
    "da": {
        "running": (
            "En kørsel startede {at} og er ikke afsluttet. Indtil den er, kan results/tables/, results/data_quality/, "
            "results/figures/ og results/notebooks/ allerede indeholde dens tal; results/publish/ og "
            "results/tables.xlsx er fra den seneste vellykkede kørsel."
        ),
        "failed": (
            "Kørslen startet {at} MISLYKKEDES (dens fejlmeddelelse står på konsollen og i results/logs/). "
            "results/publish/ og results/tables.xlsx er fra den seneste vellykkede kørsel. results/tables/, "
            "results/data_quality/, results/figures/ og results/notebooks/ samt en report.html lavet siden kan "
            "indeholde tal fra den mislykkede kørsel: brug ingen af dem, før en kørsel er gennemført."
        ),
        "complete": "Kørslen startet {at} blev gennemført: alt i results/ er fra den.",
    },
}


def write_run_status(results_dir: Path, state: str, started: str, language: str = "da") -> None:
    """results/run_status.txt: whether the outputs in results/ are all from one successful run (its first line
    the state: running, failed or complete)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / RUN_STATUS_FILE
    partial = target.with_name(f".{target.name}.partial")
    text = _STATUS["da" if language == "da" else "en"][state].format(at=started)
    partial.write_text(f"{state}\n{text}\n", encoding="utf-8")
    os.replace(partial, target)


def run_status(results_dir: Path) -> tuple[str, str] | None:
    """The state and text results/run_status.txt holds, or None where no run has written one."""
    target = results_dir / RUN_STATUS_FILE
    if not target.is_file():
        return None
    state, _, text = target.read_text(encoding="utf-8").partition("\n")
    return state.strip(), text.strip()


STALE_BANNER = {"en": "Results may be stale", "da": "Resultaterne kan være forældede"}


def report_front_page(results_dir: Path, front_page: Path, language: str = "da") -> Path:
    """The front page of `snakemake --report`: front_page itself after a complete run; otherwise a copy with a
    warning on top, so that a report made after a failed run says that its figures may be the failed run's."""
    status = run_status(results_dir)
    if status is None or status[0] == "complete":
        return front_page
    title = STALE_BANNER["da" if language == "da" else "en"]
    warning = f".. admonition:: {title}\n   :class: warning\n\n   {status[1]} ({results_dir / RUN_STATUS_FILE})\n\n"
    text = front_page.read_text(encoding="utf-8")
    # the warning after the page's title (its first two lines), so the title stays the report's
    head, _, rest = text.partition("\n")
    underline, _, body = rest.partition("\n")
    target = results_dir / "report_pages" / "front_page.rst"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"{head}\n{underline}\n\n{warning}{body}", encoding="utf-8")
    return target.resolve()


def remove_withdrawn(
    quarters_dir: Path, data_quality_dir: Path, quarters: list[str], language: str = "da"
) -> list[str]:
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
        print(console.text(NOTICE, "withdrawn", language, quarters=", ".join(gone)), file=sys.stderr)
    return gone


def _logs_of_run(log_dir: Path, since: datetime) -> list[tuple[Path, list[str]]]:
    logs = sorted(log_dir.rglob("*.log")) if log_dir.is_dir() else []
    return [
        (log, log.read_text(encoding="utf-8", errors="replace").splitlines())
        for log in logs
        if log.stat().st_mtime >= since.timestamp()
    ]


def failure_messages(log_dir: Path, since: datetime) -> str:
    """The error messages evalkit commands wrote to the logs of this run (from their `evalkit ...: error:` line
    on), so they can be the last thing on the console rather than only in a log file; of a command that stopped
    on an exception it did not expect, the exception's line."""
    found = []
    for log, lines in _logs_of_run(log_dir, since):
        start = next(
            (i for i, line in enumerate(lines) if (m := console.LINE.match(line)) and m["severity"] in ERROR_WORDS),
            None,
        )
        if start is not None:
            found.append(f"{log}:\n" + "\n".join(lines[start:]))
        elif "Traceback (most recent call last):" in lines:
            found.append(f"{log}:\n" + next(line for line in reversed(lines) if line.strip()))
    return "\n".join(found)


def warnings_of_run(log_dir: Path, since: datetime) -> list[str]:
    """The warnings evalkit commands wrote to the logs of this run (`evalkit ...: warning: ...`)."""
    return [
        line
        for _, lines in _logs_of_run(log_dir, since)
        for line in lines
        if (m := console.LINE.match(line)) and m["severity"] not in ERROR_WORDS
    ]


SUMMARY = {
    "en": "{quarter}: {delivered} rows delivered, {loaded} loaded, {quarantined} quarantined; data quality: {report}",
    "da": "{quarter}: {delivered} rækker leveret, {loaded} indlæst, {quarantined} i karantæne; datakvalitet: {report}",
}
NO_REPORT = {
    "en": "not made yet (snakemake data_quality)",
    "da": "ikke lavet endnu (snakemake data_quality)",
}


# Touched when a run completes: the quarters ingested after it are the ones the next successful run reports.
LAST_COMPLETE_FILE = ".last_complete_run"


def quarter_summary(
    quarters_dir: Path, data_quality_dir: Path, results_dir: Path, quarters: list[str], language: str = "da"
) -> list[str]:
    """One line per quarter new or changed since the last complete run (ingested since, in this run or in one that
    failed): its rows delivered, loaded and quarantined (its ingest log) and where its data-quality report is."""
    lang = "da" if language == "da" else "en"
    marker = results_dir / LAST_COMPLETE_FILE
    since = marker.stat().st_mtime if marker.is_file() else 0.0
    lines = []
    for quarter in quarters:
        log = quarters_dir / quarter / f"{INGEST_LOG}.parquet"
        if not log.is_file() or log.stat().st_mtime <= since:
            continue
        delivered, loaded, quarantined = duckdb.execute(
            "SELECT coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0) "
            f"FROM read_parquet({sql_literal(str(log))})"
        ).fetchone()
        report = data_quality_dir / f"{quarter}.md"
        made = report.is_file() and report.stat().st_mtime >= log.stat().st_mtime
        lines.append(
            SUMMARY[lang].format(
                quarter=quarter,
                delivered=delivered,
                loaded=loaded,
                quarantined=quarantined,
                report=report if made else NO_REPORT[lang],
            )
        )
    return lines


def mark_complete(results_dir: Path) -> None:
    (results_dir / LAST_COMPLETE_FILE).touch()


def run_summary(warnings: list[str], quarters: list[str]) -> str:
    """What a successful run ends with: its warnings, then a line per new or changed quarter."""
    return "\n".join([*warnings, *(f"evalkit: {line}" for line in quarters)])
