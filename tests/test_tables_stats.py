"""The Wilson interval (one shared SQL macro) and the masking of publication copies."""

from __future__ import annotations

import duckdb
import pytest

from evalkit.tables.stats import register_macros


@pytest.fixture
def con():
    connection = duckdb.connect()
    register_macros(connection)
    yield connection
    connection.close()


# Published 95 % Wilson score intervals: Newcombe (1998), Statistics in Medicine 17:857-872, table II.
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_published_intervals(con, k, n, low, high):
    got = con.execute("SELECT wilson_low(?, ?), wilson_high(?, ?)", [k, n, k, n]).fetchone()
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_of_all_successes_reaches_one_and_is_symmetric(con):
    low, high = con.execute("SELECT wilson_low(5, 5), wilson_high(5, 5)").fetchone()
    mirror_low, mirror_high = con.execute("SELECT wilson_low(0, 5), wilson_high(0, 5)").fetchone()
    assert high == 1.0 and mirror_low == 0.0
    assert low == pytest.approx(1 - mirror_high)


@pytest.mark.parametrize(("k", "n"), [(0, 0), (3, 0), (5, 4), (-1, 4), (None, 4), (0, None), (2, None)])
def test_wilson_is_empty_when_it_is_not_a_proportion(con, k, n):
    assert con.execute("SELECT wilson_low(?, ?), wilson_high(?, ?)", [k, n, k, n]).fetchone() == (None, None)
