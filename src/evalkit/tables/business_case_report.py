"""A report's business case (contract section 7) from its registrations: the inputs per municipality and citizen
(sql/business_case_citizens.sql), the arithmetic of evalkit.tables.business_case for every scenario, municipality,
`all` and payer, and the rows of the two families (business_case, business_case_summary) as the temp tables their
queries read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from evalkit.config import Report, read_payers
from evalkit.contract import ALL, PAYERS
from evalkit.tables.business_case import investment, municipality_rng, resample_sums, scenarios, summary, yearly
from evalkit.tables.registry import BUSINESS_CASE_SUMMARY, BUSINESS_CASE_YEAR, GAIN_COUNTS, read_sql

# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Municipality:
    """A municipality's inputs: its investment and, per citizen with an ended course, the annual shadow cost minus
    the actual cost, in columns (all, kommune, region, stat). `citizens` is None where no ended course has a
    shadow row at all: shadow visitation was not registered, and the business case is empty."""

    kommunekode: str
    investment_dkk: float
    citizens: np.ndarray | None
    shadow_visited: int = 0  # the citizens the gain rests on (for the publication copies)
    actually_visited: int = 0


SCOPE_PAYERS = (ALL, *PAYERS)
# The columns of both tables, declared with the families in the registry; after the values, the citizens the
# gain rests on, over the municipalities the row covers.
YEAR_COLUMNS = BUSINESS_CASE_YEAR
SUMMARY_COLUMNS = BUSINESS_CASE_SUMMARY
COUNT_COLUMNS = GAIN_COUNTS


def load_payers(con: duckdb.DuckDBPyConnection, path: str | None) -> None:
    """The payer shares (evalkit.config.read_payers) as the temp table `payers` that
    sql/business_case_citizens.sql reads; without a file, no paragraph is listed."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE payers "
        "(paragraph VARCHAR PRIMARY KEY, kommune DOUBLE, region DOUBLE, stat DOUBLE)"
    )
    payers = read_payers(path) if path is not None else {}
    if payers:
        con.executemany("INSERT INTO payers VALUES (?, ?, ?, ?)", [(p, *split) for p, split in payers.items()])


def report_inputs(con: duckdb.DuckDBPyConnection) -> list[Municipality]:
    """The business case's inputs of the report prepared on `con` (evalkit.tables.compute.prepare_report, with the
    `payers` table loaded): per municipality of the report, in its order, the investment and the citizens."""
    scopes = con.execute("SELECT scope FROM scopes WHERE scope <> ? ORDER BY pos", [ALL]).fetchall()
    codes = [k for (k,) in scopes]
    invested = dict(con.execute(f"SELECT scope, investment_dkk FROM ({read_sql('investment')}) AS i").fetchall())
    found = con.execute(read_sql("business_case_citizens")).fetchnumpy()
    values = (
        np.column_stack([np.asarray(found[f"net_{payer}"], dtype=float) for payer in SCOPE_PAYERS])
        if len(found["kommunekode"])
        else np.zeros((0, len(SCOPE_PAYERS)))
    )
    kommunekoder = np.asarray(found["kommunekode"], dtype=object)
    registered, shadow_visited, actually_visited = (
        np.asarray(found[c], dtype=bool) for c in ("shadow_registered", "shadow_visited", "actually_visited")
    )
    municipalities = []
    for code in codes:
        mine = kommunekoder == code
        investment_dkk = float(invested.get(code) or 0.0)
        if registered[mine].any():
            municipalities.append(
                Municipality(
                    code,
                    investment_dkk,
                    values[mine],
                    int(shadow_visited[mine].sum()),
                    int(actually_visited[mine].sum()),
                )
            )
        else:
            municipalities.append(Municipality(code, investment_dkk, None))
    return municipalities


def _scopes(municipalities: Sequence[Municipality]) -> list[tuple[str, float, list[Municipality]]]:
    """(kommunekode, report investment, registered municipalities it covers) per municipality, then `all`, which
    covers only the municipalities that registered shadow visitation."""
    registered = [m for m in municipalities if m.citizens is not None]
    scopes = [(m.kommunekode, m.investment_dkk, [m] if m.citizens is not None else []) for m in municipalities]
    return [*scopes, (ALL, sum(m.investment_dkk for m in registered), registered)]


def business_case(municipalities: Sequence[Municipality], block: Mapping) -> tuple[list[tuple], list[tuple]]:
    """A report's yearly rows (scenario, kommunekode, payer, year, *YEAR_COLUMNS, *COUNT_COLUMNS) and summary rows
    (scenario, kommunekode, payer, *SUMMARY_COLUMNS, *COUNT_COLUMNS), for every scenario, municipality and `all`,
    payer `all` first. An empty business case (no shadow visitation registered) keeps its rows with every value
    empty."""
    years, summaries = [], []
    resampled: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    for name, a in scenarios(block):
        if a.bootstrap and (a.bootstrap, a.seed) not in resampled:
            resampled[(a.bootstrap, a.seed)] = {
                m.kommunekode: resample_sums(m.citizens, a.bootstrap, municipality_rng(a.seed, m.kommunekode))
                for m in municipalities
                if m.citizens is not None
            }
        draws = resampled.get((a.bootstrap, a.seed), {})
        for kommunekode, report_investment, covered in _scopes(municipalities):
            if not covered:
                empty = len(COUNT_COLUMNS) * [None]
                for payer in SCOPE_PAYERS:
                    years += [
                        (name, kommunekode, payer, t, *[None] * len(YEAR_COLUMNS), *empty)
                        for t in range(a.horizon_years + 1)
                    ]
                    summaries.append((name, kommunekode, payer, *[None] * len(SUMMARY_COLUMNS), *empty))
                continue
            counts = (sum(m.shadow_visited for m in covered), sum(m.actually_visited for m in covered))
            gains = np.sum([m.citizens.sum(axis=0) for m in covered], axis=0)
            scope_draws = np.sum([draws[m.kommunekode] for m in covered], axis=0) if draws else None
            cost = investment(report_investment, a)
            for column, payer in enumerate(SCOPE_PAYERS):
                payer_cost = cost if payer in (ALL, "kommune") else 0.0  # the investment is the kommune's
                table = yearly(payer_cost, float(gains[column]), a)
                years += [
                    (name, kommunekode, payer, int(t), *[float(table[c][t]) for c in YEAR_COLUMNS], *counts)
                    for t in table["year"]
                ]
                row = summary(
                    payer_cost, float(gains[column]), a, None if scope_draws is None else scope_draws[:, column]
                )
                summaries.append((name, kommunekode, payer, *[row[c] for c in SUMMARY_COLUMNS], *counts))
    return years, summaries


# --- the figure tables ---------------------------------------------------------------------------------------

YEARS_TABLE = "business_case_years"
SUMMARY_TABLE = "business_case_summaries"
_KEYS = (("kommunekode", pa.string()), ("scenario", pa.string()), ("payer", pa.string()))
_COUNTS = [(c, pa.int64()) for c in COUNT_COLUMNS]
YEARS_SCHEMA = pa.schema([*_KEYS, ("year", pa.int64()), *[(c, pa.float64()) for c in YEAR_COLUMNS], *_COUNTS])
SUMMARY_SCHEMA = pa.schema(
    [*_KEYS, *[(c, pa.int64() if c == "min_effect_years" else pa.float64()) for c in SUMMARY_COLUMNS], *_COUNTS]
)


def prepare(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """The report's business case as the temp tables the two families' queries read (sql/business_case.sql,
    sql/business_case_summary.sql), in their row order (`pos`); empty for a report without a business_case
    block. Needs the report prepared on `con` (evalkit.tables.compute.prepare_report) and the payers loaded."""
    years, summaries = business_case(report_inputs(con), report.business_case) if report.business_case else ([], [])
    for name, schema, rows in ((YEARS_TABLE, YEARS_SCHEMA, years), (SUMMARY_TABLE, SUMMARY_SCHEMA, summaries)):
        # rows are (scenario, kommunekode, payer, ...): kommunekode first, as in every figure table
        ordered = [(r[1], r[0], *r[2:]) for r in rows]
        columns = list(zip(*ordered, strict=True)) if ordered else [()] * len(schema)
        table = pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
        table = table.append_column("pos", pa.array(range(len(ordered)), type=pa.int64()))
        con.register(f"{name}_rows", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_rows")
        con.unregister(f"{name}_rows")
