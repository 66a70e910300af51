"""What a run checks before any job starts, so that no step takes a stale output for a current one.

Snakemake decides what to rerun from modification times and its own records of params; neither sees a quarter
pseudonymised with another key (a lost key file, another user's home folder) or a warehouse that a failed job
restored to its earlier state with a fresh modification time. These checks look at what the outputs were made
from and mark a stale output as older than its inputs, so the run rebuilds it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from evalkit.ingest.pseudonym import ENV_VAR, recorded_fingerprint
from evalkit.warehouse.build import new_quarters

_LONG_AGO = (0, 0)  # (atime, mtime): older than any input


def _mark_stale(paths: list[Path]) -> None:
    for path in paths:
        os.utime(path, _LONG_AGO)


def key_source(key_file: str) -> str:
    return ENV_VAR if os.environ.get(ENV_VAR) else str(Path(key_file).expanduser())


def reingest_other_key(quarter_dirs: list[Path], key: str, key_file: str) -> list[str]:
    """Mark the ingested quarters made with another key than key (a fingerprint) for ingesting again; their names."""
    other = [d for d in quarter_dirs if d.is_dir() and recorded_fingerprint(d) not in (None, key)]
    if other:
        names = ", ".join(d.name for d in other)
        print(
            f"evalkit: quarters {names} were made with another pseudonymisation key than the current one "
            f"({key_source(key_file)}); they are ingested again with it, so that no warehouse mixes two keys. If "
            "the key was lost or changed by mistake, stop the run and put the earlier key back.",
            file=sys.stderr,
        )
        _mark_stale([p for d in other for p in d.iterdir() if p.is_file()])
    return [d.name for d in other]


def stale_warehouse(db_path: Path, quarter_dirs: list[Path], code: str, key: str) -> str | None:
    """Mark the warehouse for rebuilding unless its build manifest is exactly the current quarters' ingest outputs,
    key and code; why it is stale, or None."""
    if not db_path.exists():
        return None
    added, why = new_quarters(db_path, quarter_dirs, code, key)
    if added == []:
        return None
    _mark_stale([db_path])
    return why
