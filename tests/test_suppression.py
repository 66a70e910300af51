"""Secondary suppression and the publication audit (contract section 8), on small hand-made tables.

Each case is one a naive mask (counts 1-4 shown as `<5`, nothing else) gets wrong: the audit must catch it, and
the suppression must fix it so that the audit passes."""

from __future__ import annotations

import numpy as np
import pytest

from evalkit.publish import masking
from evalkit.publish import problem as publication
from evalkit.publish.audit import (
    AT_MOST,
    PRIMARY,
    SECONDARY,
    SHOWN,
    AuditFailed,
    Problem,
    RelationBroken,
    audit,
    require_safe,
    same,
    total,
)
from evalkit.publish.problem import FamilyTable, Tables
from evalkit.publish.suppression import suppress
from evalkit.tables.relations import KeyTotal, Link, RowTotal, SameAcrossReports


def naive(problem: Problem) -> np.ndarray:
    status = np.full(problem.n, SHOWN, dtype=object)
    status[problem.primary] = PRIMARY
    return status


def by_cell(problem: Problem, status: np.ndarray) -> dict:
    return {cell: status[problem.variable_of(cell)] for cell in problem.cells}


def ranges_of(problem: Problem, status: np.ndarray) -> dict:
    return {r.cell: (r.lower, r.upper) for r in audit(problem, status)}


def test_the_all_row_minus_the_other_municipalities_gives_a_masked_count_back():
    problem = Problem({"a": 3, "b": 10, "all": 13}, [total("all", ["a", "b"])])
    status = naive(problem)
    assert ranges_of(problem, status)["a"] == (3, 3)
    with pytest.raises(AuditFailed, match=r"\ba \(<5\): 3-3"):
        require_safe(audit(problem, status))
    fixed = suppress(problem)
    assert by_cell(problem, fixed.status) == {"a": PRIMARY, "b": SECONDARY, "all": SHOWN}
    assert ranges_of(problem, fixed.status)["a"] == (1, 4)
    require_safe(audit(problem, fixed.status))
    assert (fixed.primary, fixed.secondary) == (1, 1)


def test_two_masked_cells_adding_up_to_a_published_difference_are_narrowed():
    # total - c = 7 = a + b, both <5: each is 3 or 4
    problem = Problem({"a": 3, "b": 4, "c": 15, "total": 22}, [total("total", ["a", "b", "c"])])
    assert ranges_of(problem, naive(problem)) == {"a": (3, 4), "b": (3, 4)}
    fixed = suppress(problem)
    assert by_cell(problem, fixed.status)["c"] == SECONDARY  # the smaller of c and total
    require_safe(audit(problem, fixed.status))


def test_a_published_sum_of_five_leaves_two_masked_parts_the_whole_range():
    problem = Problem({"a": 2, "b": 3, "c": 15, "total": 20}, [total("total", ["a", "b", "c"])])
    require_safe(audit(problem, naive(problem)))
    assert suppress(problem).secondary == 0


def test_the_same_count_in_two_tables_has_one_mask_in_both():
    # course_length: ended = short + long; completion prints the same ended
    values = {"cl.ended": 12, "cl.short": 3, "cl.long": 9, "co.ended": 12, "co.completed": 7}
    relations = [total("cl.ended", ["cl.short", "cl.long"]), same("cl.ended", "co.ended")]
    problem = Problem(values, relations)
    fixed = suppress(problem)
    masks = by_cell(problem, fixed.status)
    assert masks["cl.short"] == PRIMARY
    assert masks["cl.ended"] == masks["co.ended"]  # one count, one pattern
    require_safe(audit(problem, fixed.status))
    # the copies are one variable: an `x` on one is an `x` on the other
    assert problem.variable_of("cl.ended") == problem.variable_of("co.ended")


def test_a_total_printed_only_in_another_table_gives_a_masked_part_back():
    # age bands of ended citizens have no total row of their own; completion prints their total
    problem = Problem(
        {"age.young": 3, "age.old": 9, "completion.ended_citizens": 12},
        [total("completion.ended_citizens", ["age.young", "age.old"])],
    )
    with pytest.raises(AuditFailed, match=r"age.young \(<5\): 3-3"):
        require_safe(audit(problem, naive(problem)))
    fixed = suppress(problem)
    assert by_cell(problem, fixed.status)["age.old"] == SECONDARY  # 9, not the total 12
    require_safe(audit(problem, fixed.status))


def grid(values: dict[tuple[str, str], int]) -> Problem:
    """Municipalities x bands with row totals and an `all` row: two relations through every cell."""
    municipalities = sorted({m for m, _ in values})
    bands = sorted({b for _, b in values})
    relations = [total((m, "total"), [(m, b) for b in bands]) for m in municipalities + ["all"]]
    relations += [total(("all", b), [(m, b) for m in municipalities]) for b in [*bands, "total"]]
    cells = dict(values)
    for m in municipalities:
        cells[(m, "total")] = sum(values[(m, b)] for b in bands)
    for b in [*bands, "total"]:
        cells[("all", b)] = sum(cells[(m, b)] for m in municipalities)
    return Problem(cells, relations)


def test_crossing_relations_municipality_by_band():
    values = {
        ("101", "short"): 2,
        ("101", "long"): 30,
        ("147", "short"): 20,
        ("147", "long"): 40,
        ("151", "short"): 11,
        ("151", "long"): 13,
    }
    problem = grid(values)
    with pytest.raises(AuditFailed):
        require_safe(audit(problem, naive(problem)))
    fixed = suppress(problem)
    masks = by_cell(problem, fixed.status)
    require_safe(audit(problem, fixed.status))
    # every row and every column through the <5 cell holds a second masked cell
    assert masks[("101", "long")] != SHOWN or masks[("101", "total")] != SHOWN
    assert any(masks[(m, "short")] != SHOWN for m in ("147", "151", "all") if (m, "short") in masks)
    # and it took the small cells: 151 (11 + 13) rather than 147 (20 + 40)
    assert masks[("147", "short")] == SHOWN and masks[("147", "long")] == SHOWN


def test_two_small_parts_of_a_small_total_show_the_total_as_x():
    # the total is <5, so each of two <5 parts is at most 3 whatever else is masked: the total must be `x`
    problem = Problem({"a": 1, "b": 1, "c": 0, "t": 2}, [total("t", ["a", "b", "c"])])
    with pytest.raises(AuditFailed):
        require_safe(audit(problem, naive(problem)))
    fixed = suppress(problem)
    masks = by_cell(problem, fixed.status)
    assert masks == {"a": PRIMARY, "b": PRIMARY, "c": SHOWN, "t": SECONDARY}
    ranges = audit(problem, fixed.status)
    require_safe(ranges)
    assert {r.cell: (r.lower, r.upper) for r in ranges}["t"] == (2, 8)  # a reader cannot tell it is small


def test_a_shown_zero_is_never_masked():
    problem = Problem({"a": 3, "z": 0, "b": 9, "t": 12}, [total("t", ["a", "z", "b"])])
    masks = by_cell(problem, suppress(problem).status)
    assert masks["z"] == SHOWN and masks["b"] == SECONDARY


def test_inequalities_are_relations_a_reader_knows():
    # completed <= ended: with ended masked only by <5 and completed shown as 4, ended is 4
    from evalkit.publish.audit import Relation

    problem = Problem(
        {"completed": 4, "ended": 4, "other": 10, "all": 14},
        [Relation((("completed", 1), ("ended", -1)), AT_MOST), total("all", ["ended", "other"])],
    )
    assert ranges_of(problem, naive(problem))["completed"] == (1, 4)
    status = naive(problem)
    status[problem.variable_of("other")] = SECONDARY
    require_safe(audit(problem, status))


def test_a_relation_that_does_not_hold_stops_the_run():
    with pytest.raises(RelationBroken, match="does not hold"):
        Problem({"a": 3, "b": 10, "all": 14}, [total("all", ["a", "b"], what="all = a + b")])


# --- the figure tables -----------------------------------------------------------------------------------------


BANDS = FamilyTable(
    "length",
    counts=("ended", "short", "long"),
    guarded={"mean_days": ("ended",)},
    relations=(RowTotal("ended", ("short", "long")), Link("ended", "rate", "ended")),
)
RATE = FamilyTable("rate", counts=("ended", "completed"), rates=(("completed", "ended", ("rate",)),))
KEYED = FamilyTable(
    "support", counts=("citizens",), keys=("month",), relations=(KeyTotal("month", columns=("citizens",)),)
)


def table(rows: list[tuple]) -> tuple[list[str], list[list[str]]]:
    header, *body = rows
    return list(header), [[str(v) for v in row] for row in body]


def tables() -> Tables:
    length = table(
        [
            ("report", "kommunekode", "ended", "mean_days", "short", "long"),
            ("r", "101", 12, 30.5, 3, 9),
            ("r", "147", 20, 40.0, 10, 10),
            ("r", "all", 32, 36.2, 13, 19),
        ]
    )
    rate = table(
        [
            ("report", "kommunekode", "ended", "completed", "rate"),
            ("r", "101", 12, 6, 0.5),
            ("r", "147", 20, 2, 0.1),
            ("r", "all", 32, 8, 0.25),
        ]
    )
    support = table(
        [
            ("report", "kommunekode", "month", "citizens"),
            ("r", "101", "2021-01", 6),
            ("r", "101", "2021-02", 7),
            ("r", "101", "all", 13),
            ("r", "147", "2021-01", 9),
            ("r", "147", "2021-02", 9),
            ("r", "147", "all", 18),
            ("r", "all", "2021-01", 15),
            ("r", "all", "2021-02", 16),
            ("r", "all", "all", 31),
        ]
    )
    return Tables([BANDS, RATE, KEYED], {"length": length, "rate": rate, "support": support})


def test_family_tables_are_masked_together_and_pass_the_audit():
    t = tables()
    naive_problem = publication.build_problem(t)
    with pytest.raises(AuditFailed, match=r"length.csv line 2 \(r, 101\) short"):
        require_safe(audit(naive_problem, naive(naive_problem)), t.label)
    published = masking.mask(t)
    rows = {
        name: [dict(zip(t.columns[name], row, strict=True)) for row in body] for name, body in published.rows.items()
    }
    assert rows["length"][0]["short"] == PRIMARY
    assert rows["rate"][1]["completed"] == PRIMARY and rows["rate"][1]["rate"] == ""
    # the same count has the same symbol in both families, and what is computed over a masked count is blank
    for i in range(3):
        assert rows["length"][i]["ended"] == rows["rate"][i]["ended"]
        if rows["length"][i]["ended"] in (PRIMARY, SECONDARY):
            assert rows["length"][i]["mean_days"] == "" and rows["rate"][i]["rate"] == ""
    assert all(r.safe for r in published.ranges)
    assert published.cells["primary"] == 2 and published.cells["secondary"] > 0
    nothing_small = {name: body for name, body in rows.items() if name == "support"}
    assert all(v not in (PRIMARY, SECONDARY) for row in nothing_small["support"] for v in row.values())


def test_audit_csv_lists_every_masked_cell(tmp_path):
    t = tables()
    published = masking.mask(t)
    path = tmp_path / "audit.csv"
    masking.write_audit(path, t, published.ranges)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "table,row,column,lower,upper"
    assert 'length,"r, 101",short,1,4' in lines
    masked = sum(v in (PRIMARY, SECONDARY) for body in published.rows.values() for row in body for v in row)
    assert len(lines) - 1 == masked


def test_a_broken_declaration_names_the_cells():
    t = tables()
    t.values[("length", 0, "long")] = 8  # ended 12 is no longer short + long
    with pytest.raises(RelationBroken, match=r"length.csv line 2 \(r, 101\) long = 8"):
        publication.build_problem(t)


def test_a_month_of_housing_support_is_one_count_in_every_report():
    # both reports end after 2021-02, so 101's months are the same counts in both; only month `all` differs
    keyed = FamilyTable(
        "support",
        counts=("citizens",),
        keys=("month",),
        relations=(KeyTotal("month", columns=("citizens",)), SameAcrossReports("month")),
    )
    body = [("report", "kommunekode", "month", "citizens")]
    for report, months in (
        ("early", {"2021-01": 3, "2021-02": 9}),
        ("late", {"2021-01": 3, "2021-02": 9, "2021-03": 8}),
    ):
        body += [(report, "101", m, n) for m, n in months.items()] + [(report, "101", "all", sum(months.values()))]
        body += [(report, "all", m, n) for m, n in months.items()] + [(report, "all", "all", sum(months.values()))]
    t = Tables([keyed], {"support": table(body)})
    problem = publication.build_problem(t)
    assert problem.variable_of(("support", 0, "citizens")) == problem.variable_of(("support", 6, "citizens"))
    published = masking.mask(t)
    rows = [dict(zip(t.columns["support"], row, strict=True)) for row in published.rows["support"]]
    by_key = {}
    for row in rows:
        if row["month"] != "all":
            by_key.setdefault((row["kommunekode"], row["month"]), set()).add(row["citizens"])
    assert all(len(symbols) == 1 for symbols in by_key.values()), by_key


def test_a_count_the_reproduction_prints_is_never_masked_and_counts_as_published():
    # without the reproduction, 147's completed (10) is the cheapest cell to mask for 101's 3; the reproduction
    # prints it (and 151's completion rate, to two decimals), so other cells must do
    rate = table(
        [
            ("report", "kommunekode", "ended", "completed", "rate"),
            ("r", "101", 12, 3, 0.25),
            ("r", "147", 20, 10, 0.5),
            ("r", "151", 30, 12, 0.4),
            ("r", "all", 62, 25, 25 / 62),
        ]
    )
    t = Tables([RATE], {"rate": rate})
    plain = masking.mask(t)
    assert plain.rows["rate"][1][3] == SECONDARY
    figures = [
        {
            "report_id": "r",
            "kommunekode": "147",
            "family": "rate",
            "metric": "completed",
            "unit": "citizens",
            "value": "10",
            "rounding": "exact",
        },
        {
            "report_id": "r",
            "kommunekode": "151",
            "family": "rate",
            "metric": "rate",
            "unit": "percent",
            "value": "40.0",
            "rounding": "one_decimal_percent",
        },
        # a figure the tables do not match is not printed with them (the reproduction fails the run instead)
        {
            "report_id": "r",
            "kommunekode": "101",
            "family": "rate",
            "metric": "completed",
            "unit": "citizens",
            "value": "30",
            "rounding": "exact",
        },
    ]
    published = masking.mask(t, figures)
    rows = published.rows["rate"]
    assert rows[0][3] == PRIMARY and rows[1][3] == "10"
    assert all(r.safe for r in published.ranges)
    problem = publication.build_problem(t, figures)
    status = naive(problem)
    status[problem.variable_of(("rate", 1, "completed"))] = SECONDARY  # masked in the table, printed elsewhere
    with pytest.raises(AuditFailed, match=r"rate.csv line 2 \(r, 101\) completed"):
        require_safe(audit(problem, status), t.label)


def one_row_table(row: dict) -> Tables:
    family = FamilyTable(
        "rate",
        counts=("ended", "completed"),
        rates=(("completed", "ended", ("rate", "ci_low", "ci_high")),),
        guarded={"mean": ("ended",)},
    )
    header = ["report", "kommunekode", *row]
    return Tables([family], {"rate": (header, [["r", "101", *row.values()]])})


def test_counts_1_to_4_are_masked_and_rates_over_them_blanked():
    t = one_row_table(
        {"ended": "12", "completed": "4", "rate": "0.33", "ci_low": "0.1", "ci_high": "0.6", "mean": "7.5"}
    )
    assert masking.mask(t).rows["rate"][0][2:] == ["12", PRIMARY, "", "", "", "7.5"]


def test_a_masked_denominator_blanks_the_rate_even_over_zero():
    t = one_row_table(
        {"ended": "3", "completed": "0", "rate": "0.0", "ci_low": "0.0", "ci_high": "0.56", "mean": "4.0"}
    )
    assert masking.mask(t).rows["rate"][0][2:] == [PRIMARY, "0", "", "", "", ""]


@pytest.mark.parametrize(("value", "shown"), [("0", "0"), ("1", PRIMARY), ("4", PRIMARY), ("5", "5"), ("", "")])
def test_mask_edges(value, shown):
    t = one_row_table({"ended": value, "completed": "0", "rate": "", "ci_low": "", "ci_high": "", "mean": ""})
    assert masking.mask(t).rows["rate"][0][2] == shown


def test_an_x_cell_without_an_upper_bound_is_unbounded_in_the_audit(tmp_path):
    from evalkit.publish.audit import at_most

    problem = Problem({"part": 3, "whole": 10}, [at_most(["part"], ["whole"])])
    status = naive(problem)
    status[problem.variable_of("whole")] = SECONDARY
    assert ranges_of(problem, status)["whole"] == (1, np.inf)  # at least the part, nothing above
    assert masking._number(np.inf) == ""  # audit.csv: an empty upper bound


def registry_table(name: str, rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    """A family's table with the registry's columns: the given cells, 0 for the other counts, empty otherwise."""
    from evalkit.tables.registry import FAMILIES

    family = FAMILIES[name]
    fill = {c: "0" for c in family.all_counts}
    return family.header, [[str({**fill, **row}.get(c, "")) for c in family.header] for row in rows]


def test_the_business_case_repeats_shadow_counts_under_the_same_mask():
    """A business-case row prints the counts its gain rests on: without the links to shadow_savings, its shown
    `all` and 147 rows would give 101's masked shadow-visited citizens back (13 - 10 = 3)."""
    shadow = [
        {"report": "r", "kommunekode": k, "ended": e, "ended_citizens": e, "shadow_visited": n, "actually_visited": a}
        for k, e, n, a in (("101", 8, 3, 6), ("147", 15, 10, 6), ("all", 23, 13, 12))
    ]
    case = [
        {
            "report": "r",
            "kommunekode": row["kommunekode"],
            "scenario": "base",
            "payer": "all",
            "shadow_visited": row["shadow_visited"],
            "actually_visited": row["actually_visited"],
        }
        for row in shadow
    ]
    names = ["shadow_savings", "business_case_summary"]
    t = Tables(
        publication.family_tables(names),
        {
            "shadow_savings": registry_table("shadow_savings", shadow),
            "business_case_summary": registry_table("business_case_summary", case),
        },
    )
    published = masking.mask(t)
    assert all(r.safe for r in published.ranges)
    header = t.columns["business_case_summary"]
    for i, row in enumerate(published.rows["business_case_summary"]):
        shown = dict(zip(header, row, strict=True))["shadow_visited"]
        assert (
            shown
            == dict(zip(t.columns["shadow_savings"], published.rows["shadow_savings"][i], strict=True))[
                "shadow_visited"
            ]
        )
    assert dict(zip(header, published.rows["business_case_summary"][0], strict=True))["shadow_visited"] == PRIMARY
