"""Figure tables (contract section 6): every headline figure, per report and municipality plus the report's total.

One SQL query per family (src/evalkit/sql/<family>.sql) computes its measures grouped by `scope`, over views in
which every warehouse row appears once for its municipality and once for `all`, and over the shared definitions
of sql/base.sql. This module does the rest in one place for every family: it prepares each report once for all
the family queries (the views and the shared definitions), fills in a row of zeros for a municipality (or key) a
query had nothing for, adds the rates with their Wilson intervals, and writes the CSVs."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import duckdb

from evalkit import contract, duck
from evalkit.config import load_config
from evalkit.duck import sql_literal
from evalkit.excel import csv_safe
from evalkit.publish import mask_row
from evalkit.stats import register_wilson

CONTRACT_TABLES = ("courses", "services", "shadow", "milestones", "housing_support", "contacts", "staff_hours")
CITIZEN_TABLES = ("courses", "services", "milestones", "contacts")
ALL = "all"
AGE_BANDS = ("under_18", "18_29", "30_39", "40_49", "50_59", "60_plus", "unknown")
CONTACT_SOURCES = ("citizen", "relative", "partner", ALL)
PRICE_UNITS = ("hour", "year")


# --- reports -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    id: str
    municipalities: tuple[str, ...] | None  # None: every municipality that delivered data
    period_start: date
    period_end: date
    follow_up_until: date
    funnel_programme: str | None = None
    funnel_steps: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, entry: Mapping) -> Report:
        """A report of a validated configuration (evalkit.config.load_config)."""
        municipalities = entry["municipalities"]
        funnel = entry.get("funnel") or {}
        return cls(
            id=entry["id"],
            municipalities=None if municipalities == ALL else tuple(municipalities),
            period_start=entry["period"]["start"],
            period_end=entry["period"]["end"],
            follow_up_until=entry["follow_up_until"],
            funnel_programme=funnel.get("programme"),
            funnel_steps=tuple(funnel.get("steps", ())),
        )


# --- families ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    name: str
    numerator: str
    denominator: str
    ci: tuple[str, str] = ("ci_low", "ci_high")


@dataclass(frozen=True)
class Family:
    """How the shared mechanism treats a family query's columns (everything else is in its SQL)."""

    name: str
    columns: tuple[str, ...]  # output order after report, kommunekode
    keys: tuple[tuple[str, str], ...] = ()  # (column, DuckDB type): a row per scope and key value
    counts: tuple[str, ...] = ()  # integers; 0 where the query has no row; masked 1-4 for publication
    sums: tuple[str, ...] = ()  # other totals; 0 where the query has no row. Other query columns stay empty
    derived_counts: tuple[tuple[str, str], ...] = ()  # (column, SQL over the filled rows): denominators
    rates: tuple[Rate, ...] = ()
    # published copies blank a value when any of the counts it is computed over is masked
    guarded: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # key values every scope gets a row for, in this order (values only found in the data come first)
    domain: Callable[[Report], list[tuple]] = lambda report: [()]
    per_municipality: bool = True  # False: the query's rows as they are (unpriced)
    publish: bool = True

    @property
    def header(self) -> list[str]:
        return ["report", "kommunekode", *self.columns]

    @property
    def all_counts(self) -> tuple[str, ...]:
        return self.counts + tuple(name for name, _ in self.derived_counts)


def _rate_columns(*rates: Rate) -> tuple[str, ...]:
    return tuple(c for r in rates for c in (r.name, *r.ci))


_COMPLETION = Rate("rate", "completed", "ended")
_REFERRAL = Rate("share", "later_visited", "ended_citizens")
_FIRST = Rate("share_of_first", "citizens", "first_step_citizens")
_PREVIOUS = Rate("share_of_previous", "citizens", "previous_step_citizens",
                 ("ci_low_previous", "ci_high_previous"))
_CONTACT_SHARE = Rate("share", "contacts", "all_contacts")
_FUNNEL_WINDOW = "OVER (PARTITION BY kommunekode, programme ORDER BY step_order)"
_COMPLETION_CITIZENS = ("citizens_with_course", "ended_citizens", "active_citizens", "returning_citizens",
                        "adhoc_citizens", "group_citizens", "individual_citizens")
_BANDS = ("d0_30", "d31_91", "d92_183", "d184_plus")
_SERVICE_COUNTS = ("before_during", "after", "citizens_before_during", "citizens_after")
_SHADOW_COUNTS = ("ended", "ended_citizens", "shadow_visited", "actually_visited", "unpriced_rows")

FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "completion",
            columns=("ended", "completed", *_rate_columns(_COMPLETION), *_COMPLETION_CITIZENS,
                     "first_course_start"),
            counts=("ended", "completed", *_COMPLETION_CITIZENS),
            rates=(_COMPLETION,),
        ),
        Family(
            "referral_onward",
            columns=("ended_citizens", "later_visited", *_rate_columns(_REFERRAL)),
            counts=("ended_citizens", "later_visited"),
            rates=(_REFERRAL,),
        ),
        Family(
            "services_before_after",
            keys=(("paragraph", "VARCHAR"),),
            columns=("paragraph", *_SERVICE_COUNTS),
            counts=_SERVICE_COUNTS,
            domain=lambda report: [(ALL,)],
        ),
        Family(
            "course_length",
            columns=("ended", "mean_days", "median_days", *_BANDS),
            counts=("ended", *_BANDS),
            guarded={"mean_days": ("ended",), "median_days": ("ended",)},
        ),
        Family(
            "age",
            keys=(("age_band", "VARCHAR"),),
            columns=("age_band", "citizens", "courses"),
            counts=("citizens", "courses"),
            domain=lambda report: [(band,) for band in AGE_BANDS],
        ),
        Family(
            "funnel",
            keys=(("programme", "VARCHAR"), ("step", "VARCHAR"), ("step_order", "INTEGER")),
            columns=("programme", "step", "step_order", "citizens", "citizens_through", "share_of_first",
                     "share_of_previous", "ci_low", "ci_high", "mean_days_from_previous", "ci_low_previous",
                     "ci_high_previous", "citizens_with_previous", "first_step_citizens", "previous_step_citizens"),
            counts=("citizens", "citizens_through", "citizens_with_previous"),
            derived_counts=(("first_step_citizens", f"first_value(citizens) {_FUNNEL_WINDOW}"),
                            ("previous_step_citizens", f"lag(citizens) {_FUNNEL_WINDOW}")),
            rates=(_FIRST, _PREVIOUS),
            guarded={"mean_days_from_previous": ("citizens_with_previous",)},
            domain=lambda report: [(report.funnel_programme, step, order)
                                   for order, step in enumerate(report.funnel_steps, start=1)],
        ),
        Family(
            "housing_support",
            keys=(("month", "VARCHAR"),),
            columns=("month", "hours", "citizens", "amount_dkk"),
            counts=("citizens",),
            sums=("hours", "amount_dkk"),
            guarded={"hours": ("citizens",), "amount_dkk": ("citizens",)},
            domain=lambda report: [(ALL,)],
        ),
        Family(
            "contacts",
            keys=(("source", "VARCHAR"),),
            columns=("source", "contacts", *_rate_columns(_CONTACT_SHARE), "all_contacts"),
            counts=("contacts",),
            derived_counts=(("all_contacts",
                             f"max(CASE WHEN source = '{ALL}' THEN contacts END) OVER (PARTITION BY kommunekode)"),),
            rates=(_CONTACT_SHARE,),
            domain=lambda report: [(source,) for source in CONTACT_SOURCES],
        ),
        Family(
            "investment",
            columns=("staff_hours", "investment_dkk", "months"),
            sums=("staff_hours", "investment_dkk", "months"),  # no counts of people: nothing to mask
        ),
        Family(
            "shadow_savings",
            columns=("ended", "shadow_visited", "shadow_cost_dkk", "actually_visited", "actual_cost_dkk",
                     "annual_gain_dkk", "unpriced_rows", "ended_citizens", "shadow_municipalities",
                     "measured_actual_cost_dkk"),
            counts=_SHADOW_COUNTS,
            # shadow cost and gain stay empty where shadow visitation was not registered (sql/shadow_savings.sql)
            sums=("actual_cost_dkk", "shadow_municipalities"),
            guarded={"shadow_cost_dkk": ("shadow_visited",), "actual_cost_dkk": ("actually_visited",),
                     "measured_actual_cost_dkk": ("actually_visited",),
                     "annual_gain_dkk": ("shadow_visited", "actually_visited")},
        ),
        Family(
            "paragraph_counts",
            columns=("citizens_82a", "citizens_82b", "citizens"),
            counts=("citizens_82a", "citizens_82b", "citizens"),
        ),
        Family(
            "unpriced",
            columns=("table_name", "row_id", "paragraph", "hours_per_week", "reason"),
            per_municipality=False,
            publish=False,
        ),
    )
}


def read_sql(name: str) -> str:
    return resources.files("evalkit").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


# --- the shared mechanism ------------------------------------------------------------------------------------


def load_unit_costs(con: duckdb.DuckDBPyConnection, path: str | Path | None) -> None:
    """config/unit_costs.csv -> temp table unit_costs, paragraphs normalised as the warehouse normalises them."""
    con.execute("CREATE OR REPLACE TEMP TABLE unit_costs "
                "(paragraph VARCHAR, unit VARCHAR, price_dkk DOUBLE, price_year INTEGER)")
    if path is None:
        return
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            paragraph = record["paragraph"].strip().lower().replace("§", "").replace(" ", "")
            unit = record["unit"].strip().lower()
            if unit not in PRICE_UNITS:
                raise ValueError(f"{path}:{line}: unit must be one of {PRICE_UNITS}, not {unit!r}")
            rows.append((paragraph, unit, float(record["price_dkk"]), int(record["price_year"])))
    seen = set()
    for paragraph, unit, _, year in rows:
        if (paragraph, unit, year) in seen:  # two prices for one year: which one holds would be arbitrary
            raise ValueError(f"{path}: two {unit} prices for paragraph {paragraph} in {year}")
        seen.add((paragraph, unit, year))
    if rows:
        con.executemany("INSERT INTO unit_costs VALUES (?, ?, ?, ?)", rows)


def connect(db_path: str | Path, unit_costs: str | Path | None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse attached read-only as `wh`."""
    con = duck.connect()
    con.execute(f"ATTACH {sql_literal(str(db_path))} AS wh (READ_ONLY)")
    register_wilson(con)
    load_unit_costs(con, unit_costs)
    return con


def report_municipalities(con: duckdb.DuckDBPyConnection, report: Report) -> list[str]:
    """The configured municipalities, or for `all` every municipality that delivered anything."""
    if report.municipalities is not None:
        return list(dict.fromkeys(report.municipalities))  # a code listed twice must not count twice
    present = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'wh'").fetchall()}
    sources = [t for t in (*CONTRACT_TABLES, "ingest_log") if t in present]
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
    con.executemany("INSERT INTO scopes VALUES (?, ?)",
                    [(k, i) for i, k in enumerate([*municipalities, ALL])])
    con.execute(f"""CREATE OR REPLACE TEMP TABLE scope_members AS
        SELECT scope AS kommunekode, scope FROM scopes WHERE scope <> '{ALL}'
        UNION ALL SELECT scope, '{ALL}' FROM scopes WHERE scope <> '{ALL}'""")
    # No figure reads the provenance, and `citizen` replaces citizen_key: left out, the shared tables that copy
    # every column of a view (`SELECT *`) stay small.
    provenance = [name for name, _ in contract.PROVENANCE_COLUMNS]
    for table in CONTRACT_TABLES:
        left_out = provenance + (["citizen_key"] if table in CITIZEN_TABLES else [])
        citizen = ", t.kommunekode || '|' || t.citizen_key AS citizen" if table in CITIZEN_TABLES else ""
        con.execute(f"""CREATE OR REPLACE TEMP VIEW {table} AS
            SELECT t.* EXCLUDE ({", ".join(left_out)}), m.scope{citizen}
            FROM wh.main.{table} AS t JOIN scope_members AS m USING (kommunekode)""")
    con.execute("CREATE OR REPLACE TEMP TABLE funnel_steps (step VARCHAR, step_order INTEGER)")
    if report.funnel_steps:
        con.executemany("INSERT INTO funnel_steps VALUES (?, ?)",
                        [(step, i) for i, step in enumerate(report.funnel_steps, start=1)])
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
    made_here = {*keys, *family.counts, *family.sums, *derived_names, *_rate_columns(*family.rates)}
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
            con.executemany(f"INSERT INTO fixed_domain VALUES ({marks})",
                            [(i, *values) for i, values in enumerate(domain)])
        query = scaffold_query(family)
    else:
        query = read_sql(family.name)
    return [(report.id, *row) for row in con.execute(query).fetchall()]


def compute_tables(con: duckdb.DuckDBPyConnection, families: Sequence[Family], reports: Sequence[Report],
                   ) -> dict[str, list[tuple]]:
    """Every family's rows for every report (family name -> rows), preparing each report once."""
    rows: dict[str, list[tuple]] = {family.name: [] for family in families}
    for report in reports:
        prepare_report(con, report)
        for family in families:
            rows[family.name] += report_rows(con, family, report)
    return rows


# --- files ---------------------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    return "" if value is None else value


def write_csv(path: str | Path, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)


def publication_rows(family: Family, columns: Sequence[str], rows: Sequence[Sequence]) -> list[list]:
    """The publication copy of a family's rows (see evalkit.publish)."""
    rates = [(r.numerator, r.denominator, (r.name, *r.ci)) for r in family.rates]
    masked = [mask_row(dict(zip(columns, row, strict=True)), family.all_counts, rates, family.guarded)
              for row in rows]
    return [[m[c] for c in columns] for m in masked]


def write_publication(path: str | Path, family: Family, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """The publication copy as CSV: masked, and safe to open in Excel (no text cell read as a formula)."""
    write_csv(path, columns, [[csv_safe(v) for v in row] for row in publication_rows(family, columns, rows)])


def read_csv(path: str | Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = next(reader)
        return columns, list(reader)


def build_tables(families: Sequence[Family], db_path: str | Path, reports: Sequence[Report],
                 out_dir: str | Path, unit_costs: str | Path | None, publish_dir: str | Path | None = None,
                 ) -> dict[str, int]:
    """Compute the families for every report in one session and write <out_dir>/<family>.csv (and the
    publication copies of the published ones to publish_dir). Returns the row count per family."""
    con = connect(db_path, unit_costs)
    try:
        computed = compute_tables(con, families, reports)
    finally:
        con.close()
    for family in families:
        write_csv(Path(out_dir) / f"{family.name}.csv", family.header, computed[family.name])
        if publish_dir is not None and family.publish:
            write_publication(Path(publish_dir) / f"{family.name}.csv", family, family.header,
                              computed[family.name])
    return {name: len(rows) for name, rows in computed.items()}


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="evalkit tables",
        allow_abbrev=False,  # the old --out FILE must fail, not be taken for --out-dir
        description="Write figure tables (<out-dir>/<family>.csv) for every configured report, all families "
        "from one DuckDB session, and optionally their publication copies (<publish-dir>/<family>.csv, counts "
        "1-4 masked; every family but unpriced). With --from-dir, write only the publication copies, from "
        "tables written before.",
        epilog="examples: evalkit tables --config config/config.yaml --db data/processed/evalkit.duckdb "
        "--out-dir results/tables;  evalkit tables --from-dir results/tables --publish-dir results/publish")
    parser.add_argument("--family", nargs="+", action="extend", choices=list(FAMILIES), metavar="FAMILY",
                        help=f"the families to write (default: all): {', '.join(FAMILIES)}")
    parser.add_argument("--config", nargs="+", action="extend", default=[],
                        help="config file(s); several are merged as snakemake merges them (later keys win)")
    parser.add_argument("--db", help="the warehouse, data/processed/evalkit.duckdb")
    parser.add_argument("--unit-costs", help="unit-cost catalogue (default: the config's unit_costs)")
    parser.add_argument("--out-dir", help="write the tables to this folder")
    parser.add_argument("--publish-dir", help="also write the publication copies to this folder")
    parser.add_argument("--from-dir", help="write only the publication copies, from the tables in this folder")
    args = parser.parse_args(argv)
    families = [FAMILIES[name] for name in dict.fromkeys(args.family or FAMILIES)]
    if args.publish_dir and not any(family.publish for family in families):
        parser.error(f"{', '.join(f.name for f in families)}: not published")
    if args.from_dir:
        if not args.publish_dir:
            parser.error("--from-dir needs --publish-dir")
        for family in families:
            if family.publish:
                columns, rows = read_csv(Path(args.from_dir) / f"{family.name}.csv")
                write_publication(Path(args.publish_dir) / f"{family.name}.csv", family, columns, rows)
                print(f"{family.name}: published {len(rows)} rows to {args.publish_dir}", file=sys.stderr)
        return 0
    if not (args.config and args.db and args.out_dir):
        parser.error("--config, --db and --out-dir are required (or --from-dir with --publish-dir)")
    config = load_config(args.config)
    reports = [Report.from_config(entry) for entry in config["reports"]]
    unit_costs = args.unit_costs or config.get("unit_costs")
    counts = build_tables(families, args.db, reports, args.out_dir, unit_costs, args.publish_dir)
    for name, count in counts.items():
        print(f"{name}: {count} rows for {len(reports)} reports -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
