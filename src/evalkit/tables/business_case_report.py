"""A report's business case (contract section 7) from its registrations: the inputs per municipality and citizen
(sql/business_case_citizens.sql), the arithmetic of evalkit.tables.business_case for every scenario, municipality,
`all` and payer, and the rows of the two families (business_case, business_case_summary) as the temp tables their
queries read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa

from evalkit.config import Report, read_payers
from evalkit.contract import ALL, PAYERS
from evalkit.tables.business_case import (
    NPV_PERCENTILES,
    SENSITIVITY_PARAMETERS,
    investment,
    municipality_rng,
    npv_percentiles,
    resample_sums,
    scenarios,
    sensitivities,
    summary,
    yearly,
)
from evalkit.tables.registry import (
    BUSINESS_CASE_DISTRIBUTION,
    BUSINESS_CASE_SENSITIVITY,
    BUSINESS_CASE_SUMMARY,
    BUSINESS_CASE_YEAR,
    GAIN_COUNTS,
    read_sql,
)

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
SENSITIVITY_COLUMNS = BUSINESS_CASE_SENSITIVITY
DISTRIBUTION_COLUMNS = BUSINESS_CASE_DISTRIBUTION
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


class BusinessCaseRows(NamedTuple):
    """A report's rows of the four families, each (scenario, kommunekode, ...) as business_case() describes."""

    years: list[tuple]
    summaries: list[tuple]
    sensitivities: list[tuple]
    distributions: list[tuple]


def business_case(municipalities: Sequence[Municipality], block: Mapping) -> BusinessCaseRows:
    """A report's rows for every scenario, municipality and `all`:

    * years (scenario, kommunekode, payer, year, *YEAR_COLUMNS, *COUNT_COLUMNS) and summaries (scenario,
      kommunekode, payer, *SUMMARY_COLUMNS, *COUNT_COLUMNS), per payer, `all` first;
    * sensitivities (scenario, kommunekode, parameter, *SENSITIVITY_COLUMNS, *COUNT_COLUMNS) and, for a scenario
      with resamples, distributions (scenario, kommunekode, percentile, *DISTRIBUTION_COLUMNS, *COUNT_COLUMNS):
      for the public budget as a whole (payer `all`), what the tornado and the NPV's distribution show.

    An empty business case (no shadow visitation registered) keeps its rows with every value empty."""
    rows = BusinessCaseRows([], [], [], [])
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
                _empty(rows, name, kommunekode, a)
                continue
            counts = (sum(m.shadow_visited for m in covered), sum(m.actually_visited for m in covered))
            gains = np.sum([m.citizens.sum(axis=0) for m in covered], axis=0)
            scope_draws = np.sum([draws[m.kommunekode] for m in covered], axis=0) if draws else None
            cost = investment(report_investment, a)
            for column, payer in enumerate(SCOPE_PAYERS):
                payer_cost = cost if payer in (ALL, "kommune") else 0.0  # the investment is the kommune's
                table = yearly(payer_cost, float(gains[column]), a)
                rows.years.extend(
                    (name, kommunekode, payer, int(t), *[float(table[c][t]) for c in YEAR_COLUMNS], *counts)
                    for t in table["year"]
                )
                row = summary(
                    payer_cost, float(gains[column]), a, None if scope_draws is None else scope_draws[:, column]
                )
                rows.summaries.append((name, kommunekode, payer, *[row[c] for c in SUMMARY_COLUMNS], *counts))
            rows.sensitivities.extend(
                (name, kommunekode, *values, *counts)
                for values in sensitivities(report_investment, float(gains[0]), a, block["sensitivity"])
            )
            if scope_draws is not None:
                rows.distributions.extend(
                    (name, kommunekode, q, value, *counts) for q, value in npv_percentiles(cost, scope_draws[:, 0], a)
                )
    return rows


def _empty(rows: BusinessCaseRows, scenario: str, kommunekode: str, a) -> None:
    """The rows of a municipality (or `all`) without a business case: every key, every value empty."""
    empty = len(COUNT_COLUMNS) * [None]
    for payer in SCOPE_PAYERS:
        rows.years.extend(
            (scenario, kommunekode, payer, t, *[None] * len(YEAR_COLUMNS), *empty) for t in range(a.horizon_years + 1)
        )
        rows.summaries.append((scenario, kommunekode, payer, *[None] * len(SUMMARY_COLUMNS), *empty))
    rows.sensitivities.extend(
        (scenario, kommunekode, p, *[None] * len(SENSITIVITY_COLUMNS), *empty) for p in SENSITIVITY_PARAMETERS
    )
    if a.bootstrap:
        rows.distributions.extend(
            (scenario, kommunekode, q, *[None] * len(DISTRIBUTION_COLUMNS), *empty) for q in NPV_PERCENTILES
        )


# --- the figure tables ---------------------------------------------------------------------------------------

YEARS_TABLE = "business_case_years"
SUMMARY_TABLE = "business_case_summaries"
SENSITIVITY_TABLE = "business_case_sensitivities"
DISTRIBUTION_TABLE = "business_case_distributions"
_KEYS = (("kommunekode", pa.string()), ("scenario", pa.string()))
_COUNTS = [(c, pa.int64()) for c in COUNT_COLUMNS]
_PAYER = ("payer", pa.string())
YEARS_SCHEMA = pa.schema([*_KEYS, _PAYER, ("year", pa.int64()), *[(c, pa.float64()) for c in YEAR_COLUMNS], *_COUNTS])
SUMMARY_SCHEMA = pa.schema(
    [*_KEYS, _PAYER, *[(c, pa.int64() if c == "min_effect_years" else pa.float64()) for c in SUMMARY_COLUMNS], *_COUNTS]
)
SENSITIVITY_SCHEMA = pa.schema(
    [*_KEYS, ("parameter", pa.string()), *[(c, pa.float64()) for c in SENSITIVITY_COLUMNS], *_COUNTS]
)
DISTRIBUTION_SCHEMA = pa.schema(
    [*_KEYS, ("percentile", pa.float64()), *[(c, pa.float64()) for c in DISTRIBUTION_COLUMNS], *_COUNTS]
)


def prepare(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """The report's business case as the temp tables the four families' queries read (sql/business_case*.sql),
    in their row order (`pos`); empty for a report without a business_case block. Needs the report prepared on
    `con` (evalkit.tables.compute.prepare_report) and the payers loaded."""
    rows = (
        business_case(report_inputs(con), report.business_case)
        if report.business_case
        else BusinessCaseRows([], [], [], [])
    )
    tables = (
        (YEARS_TABLE, YEARS_SCHEMA, rows.years),
        (SUMMARY_TABLE, SUMMARY_SCHEMA, rows.summaries),
        (SENSITIVITY_TABLE, SENSITIVITY_SCHEMA, rows.sensitivities),
        (DISTRIBUTION_TABLE, DISTRIBUTION_SCHEMA, rows.distributions),
    )
    for name, schema, found in tables:
        # rows are (scenario, kommunekode, ...): kommunekode first, as in every figure table
        ordered = [(r[1], r[0], *r[2:]) for r in found]
        columns = list(zip(*ordered, strict=True)) if ordered else [()] * len(schema)
        table = pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema)
        table = table.append_column("pos", pa.array(range(len(ordered)), type=pa.int64()))
        con.register(f"{name}_rows", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_rows")
        con.unregister(f"{name}_rows")
