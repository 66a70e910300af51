"""Ingest one quarter's delivery folder: every file validated in DuckDB, good rows pseudonymised into Parquet,
bad rows into the quarantine with their reason, and an ingest-log row per file whose counts must add up.

One quarter is one job: a new quarter re-ingests only itself, and a national drop of hundreds of files stays one
DuckDB session instead of hundreds of processes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from evalkit.duck import DEFAULT_RESOURCES, Resources

from .delivery import IngestError, quarter_deliveries
from .pseudonym import write_fingerprint

if TYPE_CHECKING:
    from .staging import FileOutcome


def ingest_quarter(
    raw_dir: Path, quarter: str, out_dir: Path, key: bytes, resources: Resources = DEFAULT_RESOURCES
) -> list[FileOutcome]:
    """Ingest every file of raw_dir/quarter into out_dir/<table>.parquet (+ quarantine, ingest_log).

    All badly named or unreadable files are reported together in one IngestError, and nothing is written then:
    a half-ingested quarter would silently drop a municipality's numbers.
    """
    # Here, not at the top: the workflow and the other commands import this package (the key, the deliveries)
    # without the scanning code and what it loads, which costs every Snakemake start and job a third of a second.
    from .session import Session
    from .staging import ingest_files

    deliveries = quarter_deliveries(raw_dir, quarter)
    # temporary files in the processed folder (out_dir is <processed>/quarters/<quarter>), not in a shared /tmp
    session = Session(key, resources, scratch_root=out_dir.parent.parent / ".tmp")
    try:
        outcomes, problems = ingest_files(session, deliveries)
        if problems:
            raise IngestError(problems)
        session.write_parquet(out_dir)
        write_fingerprint(out_dir, key)
    finally:
        session.close()
    return outcomes
