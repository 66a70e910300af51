"""Build the one DuckDB database every figure reads, from the per-quarter Parquet files of the ingest.

Per contract table the newest quarter's version of each key wins (a re-delivered identical file changes nothing;
a later quarter's row replaces the earlier one); the replaced rows are listed in `superseded`.

A full build writes a temporary file and moves it into place, so a failed build never leaves a half-written
warehouse. When the only change since the last build is one or more quarters newer than every quarter already in
it (the usual new delivery), the warehouse is updated instead, in one transaction: newest-wins lets a new quarter
replace only the keys it delivers, so the rest of the database stays as it is. `build_manifest` records what
each build was made from (every quarter's Parquet files, the pseudonym key's fingerprint and this code); anything
else, such as a re-ingested or removed quarter, a late delivery for an older quarter, another key or changed code,
rebuilds in full. Quarters pseudonymised with different keys are never built into one warehouse.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from evalkit import contract, duck
from evalkit.contract import INGEST_LOG, QUARANTINE, TABLES, AccountingError
from evalkit.duck import sql_literal
from evalkit.ingest.pseudonym import KEY_FINGERPRINT_FILE, KeyError_, recorded_fingerprint
from evalkit.provenance import files_fingerprint, source_fingerprint

# The modules whose change rebuilds the warehouse (also the warehouse rule's rerun trigger in common.smk).
CODE_MODULES = ("contract.py", "duck.py", "warehouse")

SUPERSEDED_COLUMNS = (
    ("table_name", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("key", "VARCHAR"),
    ("quarter", "VARCHAR"),
    ("replaced_by_quarter", "VARCHAR"),
)

DELIVERY_CHANGES_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("new_rows", "BIGINT"),
    ("changed_rows", "BIGINT"),
    ("unchanged_rows", "BIGINT"),
    ("courses_closed", "BIGINT"),
    ("courses_reopened", "BIGINT"),
)

MANIFEST = "build_manifest"
MANIFEST_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("files", "VARCHAR"),  # files_fingerprint of the quarter's folder: re-ingested, it changes
    ("code", "VARCHAR"),  # source_fingerprint(*CODE_MODULES) of the build that added the quarter
    ("key_fingerprint", "VARCHAR"),  # the pseudonym key's fingerprint the quarter was made with
)


def manifest_file(db_path: Path) -> Path:
    """The text copy of the build manifest written beside the warehouse when a build succeeds. The pipeline's
    readers depend on it rather than on the database alone: a failed job leaves no copy, so the next run builds
    again instead of taking a database restored to its earlier state for a current one."""
    return db_path.with_name(db_path.name + ".manifest")


def _write_manifest_file(db_path: Path) -> None:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(f"SELECT * FROM {MANIFEST} ORDER BY quarter").fetchall()
    finally:
        con.close()
    target = manifest_file(db_path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(
        "".join("\t".join(map(str, row)) + "\n" for row in [[c for c, _ in MANIFEST_COLUMNS], *rows]),
        encoding="utf-8",
    )
    os.replace(partial, target)


# Rows the build read per delivered file, before newest-wins removes any: the accounting's `loaded` side.
LOADED = "loaded_rows"


def _parquet(quarter_dirs: list[Path], name: str) -> str:
    files = [sql_literal(str(d / f"{name}.parquet")) for d in quarter_dirs]
    return "read_parquet([" + ", ".join(files) + "])"


def _typed(columns, source: str) -> str:
    """The source's rows with exactly the warehouse's column types, so content hashes compare like with like."""
    return "SELECT " + ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in columns) + f" FROM {source}"


def _content(table: contract.Table) -> str:
    """What a delivered row says, without where it came from: two versions with equal content are a repeat."""
    return ", ".join(
        name for name, _ in contract.warehouse_columns(table) if name not in {"quarter", "source_file", "source_line"}
    )


def _key_text(table: contract.Table, alias: str = "") -> str:
    return " || '|' || ".join(f"CAST({alias}{k} AS VARCHAR)" for k in table.warehouse_key[1:])


def _names(table: contract.Table) -> str:
    return ", ".join(c for c, _ in contract.warehouse_columns(table))


def _reopened(earlier: str, later: str) -> str:
    """A course version that takes the course back: its end date removed, or its start or end date earlier than
    in the version it replaces (as a rule an older file delivered again); the prefixes name the two versions."""
    return (
        f"({earlier}end_date IS NOT NULL AND {later}end_date IS NULL OR {later}start_date < {earlier}start_date "
        f"OR {later}end_date < {earlier}end_date)"
    )


# The tables' rows in delivery order: reproducible files, and a municipality's rows close together.
ROW_ORDER = "ORDER BY kommunekode, quarter, source_file, source_line"


def _resolve_all(con: duckdb.DuckDBPyConnection, table: contract.Table, quarter_dirs: list[Path]) -> None:
    """Full build of one table: every delivered version, ranked per key in one window pass, gives the newest
    versions (the table), the replaced ones (`superseded`) and what each delivery changed (`delivery_changes`)."""
    name, key = table.name, ", ".join(table.warehouse_key)
    con.execute(contract.ddl(name, contract.warehouse_columns(table)))
    if not quarter_dirs:
        return
    courses = name == "courses"
    con.execute(
        f"""
        CREATE TEMP TABLE versions AS
        SELECT *, hash({_content(table)}) AS content_hash,
               lag(hash({_content(table)})) OVER versions AS previous_hash,
               {"lag(end_date) OVER versions" if courses else "NULL::DATE"} AS previous_end_date,
               {"lag(start_date) OVER versions" if courses else "NULL::DATE"} AS previous_start_date,
               lead(quarter) OVER versions IS NULL AS newest,
               max(quarter) OVER (PARTITION BY {key}) AS newest_quarter
        FROM ({_typed(contract.warehouse_columns(table), _parquet(quarter_dirs, name))})
        WINDOW versions AS (PARTITION BY {key} ORDER BY quarter)
        """
    )
    con.execute(f"INSERT INTO {LOADED} SELECT source_file, count(*) FROM versions GROUP BY source_file")
    con.execute(f"INSERT INTO {name} SELECT {_names(table)} FROM versions WHERE newest {ROW_ORDER}")
    con.execute(f"""INSERT INTO superseded SELECT '{name}', kommunekode, {_key_text(table)}, quarter, newest_quarter
                    FROM versions WHERE NOT newest""")
    closed = (
        "count(*) FILTER (WHERE previous_hash IS NOT NULL AND previous_end_date IS NULL AND end_date IS NOT NULL)"
        if courses
        else "0"
    )
    reopened = f"count(*) FILTER (WHERE previous_hash IS NOT NULL AND {_reopened('previous_', '')})" if courses else "0"
    con.execute(
        f"""
        INSERT INTO delivery_changes
        SELECT quarter, kommunekode, '{name}',
               count(*) FILTER (WHERE previous_hash IS NULL),
               count(*) FILTER (WHERE previous_hash <> content_hash),
               count(*) FILTER (WHERE previous_hash = content_hash),
               {closed}, {reopened}
        FROM versions GROUP BY quarter, kommunekode
        """
    )
    con.execute("DROP TABLE versions")


def _apply_quarter(con: duckdb.DuckDBPyConnection, table: contract.Table, quarter_dir: Path) -> None:
    """Update of one table by a quarter newer than all it holds: the quarter's rows replace their keys' current
    versions, which move to `superseded`; the same counts as `_resolve_all` gives that quarter."""
    name, key = table.name, table.warehouse_key
    same_key = " AND ".join(f"t.{k} = i.{k}" for k in key)
    columns = contract.warehouse_columns(table)
    con.execute(f"""CREATE TEMP TABLE incoming AS SELECT *, hash({_content(table)}) AS content_hash
                    FROM ({_typed(columns, _parquet([quarter_dir], name))})""")
    con.execute(f"INSERT INTO {LOADED} SELECT source_file, count(*) FROM incoming GROUP BY source_file")
    con.execute(f"""CREATE TEMP TABLE replaced AS SELECT t.*, hash({_content(table)}) AS content_hash
                    FROM {name} AS t SEMI JOIN incoming AS i ON {same_key}""")
    closed = (
        "count(*) FILTER (WHERE t.quarter IS NOT NULL AND t.end_date IS NULL AND i.end_date IS NOT NULL)"
        if name == "courses"
        else "0"
    )
    courses = name == "courses"
    reopened = f"count(*) FILTER (WHERE t.quarter IS NOT NULL AND {_reopened('t.', 'i.')})" if courses else "0"
    con.execute(
        f"""
        INSERT INTO delivery_changes
        SELECT i.quarter, i.kommunekode, '{name}',
               count(*) FILTER (WHERE t.quarter IS NULL),
               count(*) FILTER (WHERE t.content_hash <> i.content_hash),
               count(*) FILTER (WHERE t.content_hash = i.content_hash),
               {closed}, {reopened}
        FROM incoming AS i LEFT JOIN replaced AS t ON {same_key}
        GROUP BY i.quarter, i.kommunekode
        """
    )
    # Earlier versions of these keys now name this quarter as the one that replaced them, as a full build would.
    con.execute(f"""UPDATE superseded AS s SET replaced_by_quarter = i.quarter
                    FROM (SELECT DISTINCT quarter, kommunekode, {_key_text(table)} AS key FROM incoming) AS i
                    WHERE s.table_name = '{name}' AND s.kommunekode = i.kommunekode AND s.key = i.key""")
    con.execute(f"""INSERT INTO superseded SELECT '{name}', t.kommunekode, {_key_text(table, "t.")}, t.quarter,
                    i.quarter FROM replaced AS t JOIN incoming AS i ON {same_key}""")
    con.execute(f"DELETE FROM {name} AS t USING incoming AS i WHERE {same_key}")
    con.execute(f"INSERT INTO {name} SELECT {_names(table)} FROM incoming {ROW_ORDER}")
    con.execute("DROP TABLE incoming; DROP TABLE replaced")


# One row per delivered (quarter, municipality, table): what came in, what was loaded, quarantined, replaced.
DATA_QUALITY_SQL = """
CREATE OR REPLACE TABLE data_quality AS
WITH delivered AS (
    SELECT quarter, kommunekode, table_name, count(*) AS files, sum(rows_read) AS rows_delivered,
           sum(rows_loaded) AS rows_loaded, sum(rows_quarantined) AS rows_quarantined
    FROM ingest_log GROUP BY ALL
),
replaced AS (
    SELECT quarter, kommunekode, table_name, count(*) AS replaced_by_newer_quarter
    FROM superseded GROUP BY ALL
)
SELECT d.quarter, d.kommunekode, d.table_name, d.files, d.rows_delivered, d.rows_loaded, d.rows_quarantined,
       coalesce(c.new_rows, 0) AS new_rows, coalesce(c.changed_rows, 0) AS changed_rows,
       coalesce(c.unchanged_rows, 0) AS unchanged_rows, coalesce(c.courses_closed, 0) AS courses_closed,
       coalesce(c.courses_reopened, 0) AS courses_reopened,
       coalesce(r.replaced_by_newer_quarter, 0) AS replaced_by_newer_quarter
FROM delivered d
LEFT JOIN delivery_changes c USING (quarter, kommunekode, table_name)
LEFT JOIN replaced r USING (quarter, kommunekode, table_name)
ORDER BY d.quarter, d.kommunekode, d.table_name
"""


# What check_accounting reads of a file whose counts do not add up, as AccountingError's texts name them.
_COUNTS = ("file", "read", "loaded", "quarantined", "held", "lines", "above", "blank", "in_cells")
_HELD = ("file", "logged", "held")


def check_accounting(con: duckdb.DuckDBPyConnection, quarters: list[str]) -> None:
    """For the files of these quarters: rows read = loaded + quarantined, recounted from the rows the build read
    (`loaded_rows`) and the quarantine; physical lines = header + loaded + quarantined + blank + lines inside
    multi-line cells + lines above the header (a workbook's titles); and the log's loaded count is what the tables
    received. Raise otherwise."""
    in_quarters = "l.quarter IN (" + ", ".join(sql_literal(q) for q in quarters) + ")" if quarters else "false"
    bad = con.execute(
        f"""
        WITH quarantined AS (SELECT source_file, count(DISTINCT source_line) AS n FROM {QUARANTINE}
                             GROUP BY source_file)
        SELECT l.source_file, l.rows_read, l.rows_loaded, l.rows_quarantined,
               coalesce(q.n, 0) AS quarantine_rows, l.lines, l.header_line - 1, l.lines_blank, l.lines_in_cells
        FROM {INGEST_LOG} l LEFT JOIN quarantined q USING (source_file)
        WHERE {in_quarters}
          AND (l.rows_read <> l.rows_loaded + l.rows_quarantined OR l.rows_quarantined <> coalesce(q.n, 0)
               OR l.lines IS DISTINCT FROM
                  l.header_line + l.rows_loaded + l.rows_quarantined + l.lines_blank + l.lines_in_cells)
        ORDER BY l.source_file
        """
    ).fetchall()
    if bad:
        raise AccountingError("warehouse_counts", files=[dict(zip(_COUNTS, row, strict=True)) for row in bad])
    mismatched = con.execute(
        f"""
        SELECT l.source_file, l.rows_loaded, coalesce(sum(d.n), 0)
        FROM {INGEST_LOG} l LEFT JOIN {LOADED} d USING (source_file)
        WHERE {in_quarters}
        GROUP BY l.source_file, l.rows_loaded HAVING l.rows_loaded <> coalesce(sum(d.n), 0)
        ORDER BY l.source_file
        """
    ).fetchall()
    if mismatched:
        raise AccountingError("warehouse_tables", files=[dict(zip(_HELD, row, strict=True)) for row in mismatched])


def _record_manifest(con: duckdb.DuckDBPyConnection, quarter_dirs: list[Path], code: str, key: str) -> None:
    if quarter_dirs:
        con.executemany(
            f"INSERT INTO {MANIFEST} VALUES (?, ?, ?, ?)",
            [(d.name, files_fingerprint(d), code, key) for d in quarter_dirs],
        )


def check_key(quarter_dirs: list[Path], key: str | None) -> str | None:
    """The fingerprint of the key every quarter was pseudonymised with (key, where given); raise if they differ."""
    recorded = {d.name: recorded_fingerprint(d) for d in quarter_dirs}
    key = key or (recorded[max(recorded)] if recorded else None)
    other = sorted(q for q, k in recorded.items() if k != key)
    if other:
        raise KeyError_("other_key", quarters=", ".join(other), key=key, file=KEY_FINGERPRINT_FILE)
    return key


def new_quarters(
    db_path: Path, quarter_dirs: list[Path], code: str, key: str | None = None
) -> tuple[list[Path] | None, str]:
    """The quarters an existing warehouse can be updated with, or None and why it must be rebuilt in full; key,
    where given, the fingerprint of the key the warehouse must have been built with."""
    if not db_path.exists():
        return None, "no warehouse yet"
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        return None, f"the existing warehouse cannot be opened ({error})"
    try:
        built = {q: (files, c, k) for q, files, c, k in con.execute(f"SELECT * FROM {MANIFEST}").fetchall()}
    except (duckdb.CatalogException, duckdb.InvalidInputException, ValueError):
        return None, "the existing warehouse has no build manifest of this version"
    finally:
        con.close()
    if any(c != code for _, c, _ in built.values()):
        return None, "the warehouse code changed"
    if key is not None and any(k != key for _, _, k in built.values()):
        return None, "the pseudonymisation key changed"
    given = {d.name: d for d in quarter_dirs}
    if set(built) - set(given):
        return None, "quarters were removed: " + ", ".join(sorted(set(built) - set(given)))
    changed = sorted(q for q in built if not given[q].is_dir() or built[q][0] != files_fingerprint(given[q]))
    if changed:
        return None, "quarters were ingested again: " + ", ".join(changed)
    added = sorted(set(given) - set(built))
    if built and added and added[0] <= max(built):
        return None, f"{added[0]} is older than the newest quarter already in the warehouse, {max(built)}"
    return [given[q] for q in added], "only newer quarters were added"


def _create_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in (
        (QUARANTINE, contract.QUARANTINE_COLUMNS),
        (INGEST_LOG, contract.INGEST_LOG_COLUMNS),
        ("superseded", SUPERSEDED_COLUMNS),
        ("delivery_changes", DELIVERY_CHANGES_COLUMNS),
        (MANIFEST, MANIFEST_COLUMNS),
    ):
        con.execute(contract.ddl(name, columns))


def _append(con: duckdb.DuckDBPyConnection, name: str, columns, quarter_dirs: list[Path]) -> None:
    if quarter_dirs:
        con.execute(f"INSERT INTO {name} {_typed(columns, _parquet(quarter_dirs, name))}")


def _load_bookkeeping(con: duckdb.DuckDBPyConnection, quarter_dirs: list[Path]) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {LOADED} (source_file VARCHAR, n BIGINT)")
    _append(con, QUARANTINE, contract.QUARANTINE_COLUMNS, quarter_dirs)
    _append(con, INGEST_LOG, contract.INGEST_LOG_COLUMNS, quarter_dirs)


def _full_build(quarter_dirs: list[Path], db_path: Path, code: str, key: str, resources: duck.Resources) -> None:
    partial = db_path.with_name(f".{db_path.name}.partial")
    partial.unlink(missing_ok=True)
    con = duck.connect(str(partial), resources)
    try:
        _create_bookkeeping(con)
        _load_bookkeeping(con, quarter_dirs)
        for table in TABLES.values():
            _resolve_all(con, table, quarter_dirs)
        check_accounting(con, [d.name for d in quarter_dirs])
        con.execute(DATA_QUALITY_SQL)
        _record_manifest(con, quarter_dirs, code, key)
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(partial, db_path)


def _update(quarter_dirs: list[Path], db_path: Path, code: str, key: str, resources: duck.Resources) -> None:
    con = duck.connect(str(db_path), resources)
    try:
        con.begin()
        _load_bookkeeping(con, quarter_dirs)
        for quarter_dir in quarter_dirs:
            for table in TABLES.values():
                _apply_quarter(con, table, quarter_dir)
        check_accounting(con, [d.name for d in quarter_dirs])
        con.execute(DATA_QUALITY_SQL)
        _record_manifest(con, quarter_dirs, code, key)
        con.commit()
        con.execute("CHECKPOINT")
    finally:
        con.close()


def build_warehouse(
    quarter_dirs: list[Path],
    db_path: Path,
    resources: duck.Resources = duck.DEFAULT_RESOURCES,
    key: str | None = None,
) -> str:
    """Create or update db_path from the ingest output folders of the given quarters; returns what was done. All
    quarters must have been made with one key: the one of fingerprint key, where given."""
    quarter_dirs = sorted(quarter_dirs, key=lambda d: d.name)
    key = check_key(quarter_dirs, key)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    code = source_fingerprint(*CODE_MODULES)
    added, why = new_quarters(db_path, quarter_dirs, code, key)
    manifest_file(db_path).unlink(missing_ok=True)
    if added is None:
        _full_build(quarter_dirs, db_path, code, key, resources)
        _write_manifest_file(db_path)
        return f"built in full from {len(quarter_dirs)} quarters ({why})"
    if added:
        _update(added, db_path, code, key, resources)
    _write_manifest_file(db_path)
    return f"updated with {', '.join(d.name for d in added) or 'nothing'} ({why})"
