"""How the pipeline's big steps (ingest, warehouse, figure tables) open DuckDB: with a memory cap.

DuckDB's default lets one process take 80 % of the machine's memory, and Snakemake runs two jobs side by side on
the project's 2-core, 24 GiB machines: at 10M courses the warehouse build alone reached 8 GiB (bench/results.md).
Capped, DuckDB spills sorts, joins and temporary tables to disk instead, and the whole build stays under 4 GiB.
EVALKIT_DUCKDB_MEMORY overrides the cap (a DuckDB size such as `4GB`) on a machine with memory to spare.
"""

from __future__ import annotations

import itertools
import os
import tempfile

import duckdb

ENV_VAR = "EVALKIT_DUCKDB_MEMORY"
# Per DuckDB process; two jobs plus Snakemake itself must fit in 4 GiB with room for what DuckDB does not count.
MEMORY_LIMIT = "1GB"
_numbers = itertools.count()


def sql_literal(text: str) -> str:
    """Text as a SQL string literal, for the places DuckDB takes no parameter (file lists, COPY targets, SET)."""
    return "'" + text.replace("'", "''") + "'"


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A connection with the memory cap. An in-memory database spills to a folder of its own under the system's
    temporary folder (DuckDB's default, `.tmp` in the working directory, would be inside the project); DuckDB
    creates it only when it spills and removes it on close. A database file spills next to itself."""
    con = duckdb.connect(database)
    limit = os.environ.get(ENV_VAR) or MEMORY_LIMIT
    con.execute(f"SET memory_limit = {sql_literal(limit)}")
    if database == ":memory:":
        spill = os.path.join(tempfile.gettempdir(), f"evalkit-duckdb-{os.getpid()}-{next(_numbers)}")
        con.execute(f"SET temp_directory = {sql_literal(spill)}")
    return con
