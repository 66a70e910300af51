"""How the pipeline's big steps (ingest, warehouse, figure tables) open DuckDB: with the job's threads and memory.

The Snakemake rules declare each job's `threads:` and `resources: mem_mb=` (workflow/rules/, profiles/default/)
and hand them to the command (`--threads`, `--memory-mb`), so the scheduler and DuckDB agree on what a job may
use. Capped, DuckDB spills sorts, joins and temporary tables to disk instead of taking 80 % of the machine, its
default, which two jobs side by side cannot both have. EVALKIT_DUCKDB_MEMORY (a DuckDB size such as `4GB`)
overrides the cap. A command run by hand without them gets DuckDB's defaults.
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

ENV_VAR = "EVALKIT_DUCKDB_MEMORY"
# DuckDB's limit covers its buffer manager, not all its memory nor Python's: keep a fifth of the job's share free.
MEMORY_SHARE = 0.8
_numbers = itertools.count()


@dataclass(frozen=True)
class Resources:
    """What a job may use; None leaves DuckDB's default."""

    threads: int | None = None
    memory_mb: int | None = None

    @property
    def memory_limit(self) -> str | None:
        if os.environ.get(ENV_VAR):
            return os.environ[ENV_VAR]
        return None if self.memory_mb is None else f"{int(self.memory_mb * MEMORY_SHARE)}MB"


DEFAULT_RESOURCES = Resources()


def add_resource_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=int, help="DuckDB threads (the rule's threads)")
    parser.add_argument(
        "--memory-mb",
        type=int,
        help="the job's memory in MB (the rule's mem_mb); DuckDB is "
        f"capped at {MEMORY_SHARE * 100:.0f} %% of it. {ENV_VAR} overrides the cap",
    )


def resources_from(args: argparse.Namespace) -> Resources:
    return Resources(args.threads, args.memory_mb)


def sql_literal(text: str) -> str:
    """Text as a SQL string literal, for the places DuckDB takes no parameter (file lists, COPY targets, SET)."""
    return "'" + text.replace("'", "''") + "'"


def connect(
    database: str = ":memory:", resources: Resources = DEFAULT_RESOURCES, temp_directory: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection with the job's threads and memory cap. An in-memory database spills to `temp_directory`, or
    to a folder of its own under the system's temporary folder (DuckDB's default, `.tmp` in the working
    directory, would be inside the project); DuckDB creates it only when it spills and removes it on close. A
    database file spills next to itself."""
    con = duckdb.connect(database)
    if resources.memory_limit:
        con.execute(f"SET memory_limit = {sql_literal(resources.memory_limit)}")
    if resources.threads:
        con.execute(f"SET threads = {int(resources.threads)}")
    if database == ":memory:":
        spill = (
            str(temp_directory)
            if temp_directory
            else os.path.join(tempfile.gettempdir(), f"evalkit-duckdb-{os.getpid()}-{next(_numbers)}")
        )
        con.execute(f"SET temp_directory = {sql_literal(spill)}")
    return con
