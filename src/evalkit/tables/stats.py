"""The 95 % Wilson score interval and the sum of amounts, defined once, as DuckDB macros.

Every rate in the figure tables gets its interval from these macros (contract section 4: "a rate is reported
with its 95 % Wilson score interval"), so the tables, and anything else that asks DuckDB, cannot disagree.
Amounts and hours are summed as decimals with six places: a sum of doubles depends on the order DuckDB's threads
happen to add the rows in, and two runs on the same data must give byte-identical tables.
"""

from __future__ import annotations

import duckdb

# The two-sided 95 % normal quantile, to the precision of a double.
Z_95 = 1.959963984540054

# k successes out of n. NULL when n is 0 or missing, or k is not between 0 and n: then it is not a proportion.
_CENTRE = "(k + z * z / 2.0) / (n + z * z)"
_HALF_WIDTH = "z * sqrt(n) / (n + z * z) * sqrt((k / n) * (1 - k / n) + z * z / (4.0 * n))"
_VALID = "n > 0 AND k >= 0 AND k <= n"

# At k = 0 and k = n the bound is exactly 0 or 1; written out so rounding cannot leave 0.9999999999999999.
MACROS = (
    f"CREATE OR REPLACE TEMP MACRO wilson_low(k, n, z := {Z_95}) AS "
    f"CASE WHEN NOT coalesce({_VALID}, false) THEN NULL WHEN k = 0 THEN 0.0 ELSE {_CENTRE} - {_HALF_WIDTH} END",
    f"CREATE OR REPLACE TEMP MACRO wilson_high(k, n, z := {Z_95}) AS "
    f"CASE WHEN NOT coalesce({_VALID}, false) THEN NULL WHEN k = n THEN 1.0 ELSE {_CENTRE} + {_HALF_WIDTH} END",
    "CREATE OR REPLACE TEMP MACRO exact_sum(x) AS CAST(sum(CAST(x AS DECIMAL(38, 6))) AS DOUBLE)",
)


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create `wilson_low(k, n)`, `wilson_high(k, n)` and `exact_sum(x)` on the connection."""
    for statement in MACROS:
        con.execute(statement)
