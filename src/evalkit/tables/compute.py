"""Figure tables (contract section 6): every headline figure, per report and municipality plus the report's total.

One SQL query per family (tables/sql/<family>.sql) computes its measures grouped by `scope`, over views in
which every warehouse row appears once for its municipality and once for `all`, and over the shared definitions
of sql/base.sql. This module does the rest in one place for every family: it prepares each report once for all
the family queries (the views and the shared definitions), fills in a row of zeros for a municipality (or key) a
query had nothing for, and adds the rates with their Wilson intervals."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from evalkit import contract, duck
from evalkit.config import Report, read_unit_costs
from evalkit.contract import ALL, CITIZEN, INGEST_LOG, TABLES
from evalkit.duck import sql_literal
from evalkit.tables import business_case_report
from evalkit.tables.registry import Family, read_sql
from evalkit.tables.stats import register_macros

# Steps that compute a family's rows in Python once per report (Family.prepared_by), before its query reads them.
PREPARE_STEPS = {"business_case": business_case_report.prepare}

CITIZEN_TABLES = {name for name, table in TABLES.items() if any(c.kind == CITIZEN for c in table.columns)}


# --- the shared mechanism ------------------------------------------------------------------------------------


def load_unit_costs(con: duckdb.DuckDBPyConnection, path: str | Path | None) -> None:
    """config/unit_costs.csv -> temp table unit_costs (evalkit.config.read_unit_costs checks the file)."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE unit_costs "
        "(paragraph VARCHAR, unit VARCHAR, price_dkk DOUBLE, price_year INTEGER)"
    )
    rows = read_unit_costs(path) if path is not None else []
    if rows:
        con.executemany("INSERT INTO unit_costs VALUES (?, ?, ?, ?)", rows)


def connect(
    db_path: str | Path,
    unit_costs: str | Path | None,
    resources: duck.Resources = duck.DEFAULT_RESOURCES,
    payers: str | Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse attached read-only as `wh`, the unit costs and payer shares."""
    con = duck.connect(resources=resources)
    con.execute(f"ATTACH {sql_literal(str(db_path))} AS wh (READ_ONLY)")
    register_macros(con)
    load_unit_costs(con, unit_costs)
    business_case_report.load_payers(con, payers)
    return con


def report_municipalities(con: duckdb.DuckDBPyConnection, report: Report) -> list[str]:
    """The configured municipalities, or for `all` every municipality that delivered anything."""
    if report.municipalities is not None:
        return list(dict.fromkeys(report.municipalities))  # a code listed twice must not count twice
    present = {
        name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()
    }
    sources = [t for t in (*TABLES, INGEST_LOG) if t in present]
    union = " UNION ".join(f"SELECT kommunekode FROM wh.main.{t}" for t in sources)
    return [k for (k,) in con.execute(f"SELECT DISTINCT kommunekode FROM ({union}) ORDER BY 1").fetchall()]


def prepare_report(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """Set the report's parameters, scopes and scoped views, then the shared definitions of sql/base.sql.

    The scoped views stay views: the warehouse is already stored by column, and a query reads only the columns
    it needs. The shared definitions that several families read are tables (see sql/base.sql), built here once
    per report, so the family queries that follow do not each recompute them."""
    macros = {
        "period_start": f"DATE '{report.period_start.isoformat()}'",
        "period_end": f"DATE '{report.period_end.isoformat()}'",
        "follow_up_until": f"DATE '{report.follow_up_until.isoformat()}'",
        "price_year_limit": str(report.period_end.year),
        "funnel_programme": sql_literal(report.funnel_programme) if report.funnel_programme else "NULL::VARCHAR",
    }
    for name, value in macros.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {name}() AS {value}")
    municipalities = report_municipalities(con, report)
    con.execute("CREATE OR REPLACE TEMP TABLE scopes (scope VARCHAR, pos INTEGER)")
    con.executemany("INSERT INTO scopes VALUES (?, ?)", [(k, i) for i, k in enumerate([*municipalities, ALL])])
    con.execute(f"""CREATE OR REPLACE TEMP TABLE scope_members AS
        SELECT scope AS kommunekode, scope FROM scopes WHERE scope <> '{ALL}'
        UNION ALL SELECT scope, '{ALL}' FROM scopes WHERE scope <> '{ALL}'""")
    # No figure reads the provenance, and `citizen` replaces citizen_key: left out, the shared tables that copy
    # every column of a view (`SELECT *`) stay small.
    provenance = [name for name, _ in contract.PROVENANCE_COLUMNS]
    for table in TABLES:
        left_out = provenance + (["citizen_key"] if table in CITIZEN_TABLES else [])
        citizen = ", t.kommunekode || '|' || t.citizen_key AS citizen" if table in CITIZEN_TABLES else ""
        con.execute(f"""CREATE OR REPLACE TEMP VIEW {table} AS
            SELECT t.* EXCLUDE ({", ".join(left_out)}), m.scope{citizen}
            FROM wh.main.{table} AS t JOIN scope_members AS m USING (kommunekode)""")
    con.execute("CREATE OR REPLACE TEMP TABLE funnel_steps (step VARCHAR, step_order INTEGER)")
    if report.funnel_steps:
        con.executemany(
            "INSERT INTO funnel_steps VALUES (?, ?)", [(step, i) for i, step in enumerate(report.funnel_steps, start=1)]
        )
    con.execute(read_sql("base"))


def scaffold_query(family: Family) -> str:
    """Wrap a family query: a row per scope x key value, zeros where it has none, rates, fixed column order."""
    keys = [name for name, _ in family.keys]
    same_key = " AND ".join([f"{{a}}.{k} IS NOT DISTINCT FROM {{b}}.{k}" for k in keys] or ["TRUE"])
    key_list = "".join(f", {k}" for k in keys)
    filled = [f"d.{k}" for k in keys]
    filled += [f"CAST(CASE WHEN r.scope IS NULL THEN 0 ELSE r.{c} END AS BIGINT) AS {c}" for c in family.counts]
    filled += [f"CASE WHEN r.scope IS NULL THEN 0 ELSE r.{c} END AS {c}" for c in family.sums]
    derived_names = [name for name, _ in family.derived_counts]
    made_here = {
        *keys,
        *family.counts,
        *family.sums,
        *derived_names,
        *(c for rate in family.rates for c in rate.columns),
    }
    # means, medians and the like: as the query gives them, empty where it has no row
    filled += [f"r.{c}" for c in family.columns if c not in made_here]
    expressions = {c: c for c in family.columns}
    for rate in family.rates:
        num, den = rate.numerator, rate.denominator
        expressions[rate.name] = f"CAST({num} AS DOUBLE) / nullif({den}, 0)"
        expressions[rate.ci[0]] = f"wilson_low({num}, {den})"
        expressions[rate.ci[1]] = f"wilson_high({num}, {den})"
    derived = "".join(f", CAST({sql} AS BIGINT) AS {name}" for name, sql in family.derived_counts)
    order = "".join(f", try_cast({k} AS BIGINT) NULLS LAST, {k}" for k in keys)
    return f"""
WITH result AS (
{read_sql(family.name)}
),
domain AS (
    SELECT pos{key_list} FROM fixed_domain
    UNION ALL
    SELECT DISTINCT NULL::INTEGER{key_list} FROM result AS r
    WHERE NOT EXISTS (SELECT 1 FROM fixed_domain AS f WHERE {same_key.format(a="f", b="r")})
),
filled AS (
    SELECT s.scope AS kommunekode, s.pos AS scope_pos, d.pos AS key_pos, {", ".join(filled)}
    FROM scopes AS s
    CROSS JOIN domain AS d
    LEFT JOIN result AS r ON r.scope = s.scope AND {same_key.format(a="r", b="d")}
),
derived AS (SELECT *{derived} FROM filled)
SELECT kommunekode, {", ".join(f"{expressions[c]} AS {c}" for c in family.columns)}
FROM derived
ORDER BY scope_pos, key_pos NULLS FIRST{order}
"""


def report_rows(con: duckdb.DuckDBPyConnection, family: Family, report: Report) -> list[tuple]:
    """The family's rows for the report prepared on `con` (prepare_report), `report` and `kommunekode` first."""
    if family.per_municipality:
        key_defs = "".join(f", {name} {kind}" for name, kind in family.keys)
        con.execute(f"CREATE OR REPLACE TEMP TABLE fixed_domain (pos INTEGER{key_defs})")
        domain = family.domain(report)
        if domain:
            marks = ", ".join("?" * (1 + len(family.keys)))
            con.executemany(
                f"INSERT INTO fixed_domain VALUES ({marks})", [(i, *values) for i, values in enumerate(domain)]
            )
        query = scaffold_query(family)
    else:
        query = read_sql(family.name)
    return [(report.id, *row) for row in con.execute(query).fetchall()]


def compute_tables(
    con: duckdb.DuckDBPyConnection,
    families: Sequence[Family],
    reports: Sequence[Report],
) -> dict[str, list[tuple]]:
    """Every family's rows for every report (family name -> rows), preparing each report once."""
    rows: dict[str, list[tuple]] = {family.name: [] for family in families}
    steps = dict.fromkeys(family.prepared_by for family in families if family.prepared_by)
    for report in reports:
        prepare_report(con, report)
        for step in steps:
            PREPARE_STEPS[step](con, report)
        for family in families:
            rows[family.name] += report_rows(con, family, report)
    return rows
