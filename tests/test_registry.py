"""The registry of figure families (evalkit.tables.registry) agrees with the SQL files and with itself."""

from __future__ import annotations

from importlib import resources

from evalkit.tables.registry import (
    AMOUNT,
    BOUND,
    COLUMNS,
    COUNT,
    FAMILIES,
    KINDS,
    LABEL,
    PUBLISHED,
    RATE,
    read_sql,
)

# Not families: the shared definitions every family query reads, and the inputs of the business case's Python step.
SHARED = {"base", "business_case_citizens"}


def test_every_sql_file_is_a_registered_family_and_every_family_has_one():
    files = {
        p.name.removesuffix(".sql")
        for p in resources.files("evalkit.tables").joinpath("sql").iterdir()
        if p.name.endswith(".sql")
    }
    assert files - SHARED == set(FAMILIES)
    for name in (*FAMILIES, *SHARED):
        assert "SELECT" in read_sql(name).upper(), name


def test_every_column_is_declared_with_a_kind_and_both_headers():
    for family in FAMILIES.values():
        for column in family.header:
            assert column in COLUMNS, f"{family.name}.{column} is not in registry.COLUMNS"
    for name, column in COLUMNS.items():
        assert column.kind in KINDS and column.da and column.en, name
    assert not set(COLUMNS) - {c for f in FAMILIES.values() for c in f.header}, "a column no family writes"


def test_rates_are_computed_from_counts_and_carry_their_bounds():
    for family in FAMILIES.values():
        for rate in family.rates:
            assert COLUMNS[rate.name].kind == RATE
            assert {rate.numerator, rate.denominator} <= set(family.all_counts), (family.name, rate.name)
            assert all(COLUMNS[c].kind == BOUND for c in rate.ci)
            assert set(rate.columns) <= set(family.columns)
        # every rate and bound column belongs to a declared rate: nothing is computed outside the mechanism
        declared = {c for rate in family.rates for c in rate.columns}
        assert {c for c in family.columns if COLUMNS[c].kind in (RATE, BOUND)} == declared, family.name


def test_guarded_values_are_guarded_by_counts_of_the_family():
    for family in FAMILIES.values():
        for column, over in family.guarded.items():
            assert column in family.columns and COLUMNS[column].kind not in (COUNT, LABEL), (family.name, column)
            assert set(over) <= set(family.all_counts), (family.name, column)


def test_counts_and_amounts_follow_from_the_column_kinds():
    shadow = FAMILIES["shadow_savings"]
    assert set(shadow.counts) == {"ended", "ended_citizens", "shadow_visited", "actually_visited", "unpriced_rows"}
    # shadow cost and gain are empty, not 0, where shadow visitation was not registered
    assert set(shadow.sums) == {"actual_cost_dkk", "shadow_municipalities"}
    funnel = FAMILIES["funnel"]
    assert "first_step_citizens" not in funnel.counts and "first_step_citizens" in funnel.all_counts
    assert all(COLUMNS[c].kind == AMOUNT for c in FAMILIES["investment"].sums)


def test_unpriced_rows_are_internal():
    assert "unpriced" in FAMILIES and "unpriced" not in PUBLISHED
    assert len(PUBLISHED) == len(FAMILIES) - 1


def test_the_recipe_describes_every_kind_of_relation_and_every_python_step():
    import typing
    from pathlib import Path

    from evalkit.tables.compute import PREPARE_STEPS
    from evalkit.tables.relations import Declaration

    recipe = (Path(__file__).resolve().parents[1] / "docs" / "adding_a_family.md").read_text(encoding="utf-8")
    for kind in typing.get_args(Declaration):
        assert f"`{kind.__name__}(" in recipe, kind.__name__
    for name in ("prepared_by", "applies_if", "codes=", "PREPARE_STEPS", *KINDS):
        assert name in recipe, name
    assert set(PREPARE_STEPS) == {f.prepared_by for f in FAMILIES.values() if f.prepared_by}
