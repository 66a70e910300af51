"""The gain only where it was measured, and the business case's per-citizen inputs, on a hand-built warehouse.

Report `r`, period 2021-01-01 .. 2021-12-31, follow-up to 2022-06-30, municipalities 607, 851, 787:

607 (registered shadow visitation):
  P  course p1 ended 2021-03-31, shadow 107 at 100,000 kr.
  Q  course q1 ended 2021-05-31, shadow `none` (registered: judged no service)
  R  course r1 ended 2021-06-30, no shadow row; service 107 from 2021-08-01 at 40,000 kr.
  S  course s1 ended 2021-06-30, no shadow row; service 85 from 2021-07-01 at 10,000 kr.
  staff hours: 100 h at 300 kr. = 30,000 kr.
  shadow cost 100,000, actual 50,000, gain 50,000.
  By payer (payers.csv: 107 is 0.6 kommune, 0.1 region, 0.3 stat; 85 is not listed, so the kommune's):
  shadow 60,000 / 10,000 / 30,000; actual 24,000 + 10,000 / 4,000 / 12,000; G 26,000 / 6,000 / 18,000.
851 (no shadow visitation registered, like Aalborg in the demo):
  A  course a1 ended 2021-04-30; service 107 from 2021-06-01 at 70,000 kr.
  staff hours: 10 h at 100 kr.
  shadow cost, gain: empty (not 0 - 70,000); actual cost 70,000.
787: a shadow row only on a course that did not end in the period (z1 ends 2022-02-01): not registered.
`all`: actual cost of every municipality 120,000; the gain over 607 alone, 50,000.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from warehouse_factory import build_warehouse

from evalkit.config import Report, business_case_defaults
from evalkit.publish import masking
from evalkit.publish.problem import Tables, family_tables
from evalkit.tables import business_case as bc
from evalkit.tables import business_case_report as bcr
from evalkit.tables.compute import compute_tables, connect, prepare_report
from evalkit.tables.registry import FAMILIES

D = date
R = Report("r", ("607", "851", "787"), D(2021, 1, 1), D(2021, 12, 31), D(2022, 6, 30))
PAYERS = "paragraph,kommune,region,stat\n107,0.6,0.1,0.3\n"


def course(k, cid, citizen, end):
    return dict(
        kommunekode=k,
        course_id=cid,
        citizen_key=citizen,
        paragraph="82b",
        start_date=D(2021, 1, 4),
        end_date=end,
        end_reason="completed",
    )


def service(k, sid, citizen, paragraph, start, cost):
    return dict(
        kommunekode=k, service_id=sid, citizen_key=citizen, paragraph=paragraph, start_date=start, annual_cost_dkk=cost
    )


ROWS = {
    "courses": [
        course("607", "p1", "P", D(2021, 3, 31)),
        course("607", "q1", "Q", D(2021, 5, 31)),
        course("607", "r1", "R", D(2021, 6, 30)),
        course("607", "s1", "S", D(2021, 6, 30)),
        course("851", "a1", "A", D(2021, 4, 30)),
        course("787", "z1", "Z", D(2022, 2, 1)),
    ],
    "services": [
        service("607", "x1", "R", "107", D(2021, 8, 1), 40000.0),
        service("607", "x2", "S", "85", D(2021, 7, 1), 10000.0),
        service("851", "y1", "A", "107", D(2021, 6, 1), 70000.0),
    ],
    "shadow": [
        dict(kommunekode="607", course_id="p1", shadow_paragraph="107", shadow_annual_cost_dkk=100000.0),
        dict(kommunekode="607", course_id="q1", shadow_paragraph="none"),
        dict(kommunekode="787", course_id="z1", shadow_paragraph="85", shadow_annual_cost_dkk=5000.0),
    ],
    "staff_hours": [
        dict(kommunekode="607", offer="o", month=D(2021, 2, 1), hours=100.0, hourly_cost_dkk=300.0),
        dict(kommunekode="851", offer="o", month=D(2021, 2, 1), hours=10.0, hourly_cost_dkk=100.0),
    ],
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bc")
    db = build_warehouse(folder / "wh.duckdb", ROWS)
    (folder / "payers.csv").write_text(PAYERS, encoding="utf-8")
    connection = connect(db, None, payers=folder / "payers.csv")
    prepare_report(connection, R)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def shadow_savings(con):
    family = FAMILIES["shadow_savings"]
    rows = compute_tables(con, [family], [R])["shadow_savings"]
    return {r[1]: dict(zip(family.header, r, strict=True)) for r in rows}


def test_a_municipality_without_shadow_rows_has_no_shadow_cost_and_no_gain(shadow_savings):
    row = shadow_savings["851"]
    assert row["shadow_cost_dkk"] is None and row["annual_gain_dkk"] is None
    assert row["actual_cost_dkk"] == pytest.approx(70000) and row["actually_visited"] == 1
    assert row["shadow_municipalities"] == 0


def test_a_shadow_row_on_a_course_that_did_not_end_is_no_registration(shadow_savings):
    row = shadow_savings["787"]
    assert row["shadow_cost_dkk"] is None and row["annual_gain_dkk"] is None and row["actual_cost_dkk"] == 0


def test_a_none_row_is_a_registration_and_the_gain_is_computed(shadow_savings):
    row = shadow_savings["607"]
    assert row["shadow_municipalities"] == 1
    assert (row["shadow_cost_dkk"], row["actual_cost_dkk"], row["annual_gain_dkk"]) == pytest.approx(
        (100000, 50000, 50000)
    )
    assert row["measured_actual_cost_dkk"] == pytest.approx(50000)


def test_all_gains_only_over_the_municipalities_that_registered_shadow_visitation(shadow_savings):
    row = shadow_savings["all"]
    assert row["shadow_municipalities"] == 1
    assert row["actual_cost_dkk"] == pytest.approx(120000)  # every later-visited citizen, as the contract has it
    assert row["measured_actual_cost_dkk"] == pytest.approx(50000)  # of 607 only
    assert row["annual_gain_dkk"] == pytest.approx(50000)  # not 100,000 - 120,000


def test_publication_blanks_the_measured_actual_cost_over_a_masked_count(shadow_savings):
    family = FAMILIES["shadow_savings"]
    rows = [["" if row[c] is None else str(row[c]) for c in family.header] for row in shadow_savings.values()]
    tables = Tables(family_tables(["shadow_savings"]), {"shadow_savings": (family.header, rows)})
    copy = masking.mask(tables).rows["shadow_savings"]
    published = {r[1]: dict(zip(family.header, r, strict=True)) for r in copy}
    assert published["607"]["actually_visited"] == "<5"
    assert published["607"]["measured_actual_cost_dkk"] == ""
    assert published["851"]["annual_gain_dkk"] == "" and published["851"]["shadow_municipalities"] == "0"


# --- the business case's inputs ------------------------------------------------------------------------------


def test_the_inputs_per_citizen_split_by_payer(con):
    municipalities = {m.kommunekode: m for m in bcr.report_inputs(con)}
    assert list(municipalities) == ["607", "851", "787"]  # the report's order
    assert municipalities["851"].citizens is None and municipalities["787"].citizens is None
    assert municipalities["851"].investment_dkk == pytest.approx(1000)
    m = municipalities["607"]
    assert m.investment_dkk == pytest.approx(30000)
    assert (m.shadow_visited, m.actually_visited) == (1, 2)  # P; R and S (Q's row is `none`)
    # one row per citizen (P, Q, R, S), columns all, kommune, region, stat
    assert m.citizens.shape == (4, 4)
    assert sorted(map(tuple, m.citizens.round(6).tolist())) == sorted(
        [(100000, 60000, 10000, 30000), (0, 0, 0, 0), (-40000, -24000, -4000, -12000), (-10000, -10000, 0, 0)]
    )
    assert m.citizens.sum(axis=0) == pytest.approx([50000, 26000, 6000, 18000])


def test_the_payers_gains_add_up_to_the_gain(con, shadow_savings):
    gains = next(m for m in bcr.report_inputs(con) if m.kommunekode == "607").citizens.sum(axis=0)
    assert gains[1:].sum() == pytest.approx(gains[0])
    assert gains[0] == pytest.approx(shadow_savings["607"]["annual_gain_dkk"])


def test_the_bootstrap_resamples_the_citizens_of_the_municipality(con):
    """607's four citizens are worth 100,000, 0, -40,000 and -10,000: a resample of four is at least -160,000 and
    at most 400,000, and a multiple of 10,000."""
    m = next(m for m in bcr.report_inputs(con) if m.kommunekode == "607")
    sums = bc.resample_sums(m.citizens, 500, bc.municipality_rng(1, "607"))[:, 0]
    assert sums.min() >= -160000 and sums.max() <= 400000
    assert np.allclose(sums / 10000, np.round(sums / 10000))
    assert len(np.unique(sums)) > 5


def test_the_figures_tables_come_from_the_registrations_and_their_copies_blank_a_gain_of_few_citizens(con):
    """607: C = 30,000, G = 50,000, ten years at the Ministry of Finance's 3.5 % (annuity factor 8.316605): with a
    deadweight of 0.5, NPV = -30,000 + 25,000 × 8.316605 = 177,915. 851 registered no shadow visitation: its rows
    are empty. 607's gain rests on one shadow-visited citizen: the publication copy blanks every NPV."""
    report = replace(R, business_case={**business_case_defaults(), "bootstrap": 50})
    names = ("business_case_sensitivity", "business_case_distribution")
    computed = compute_tables(con, [FAMILIES[n] for n in names], [report])
    header = FAMILIES["business_case_sensitivity"].header
    sensitivity = {(r[1], r[3]): dict(zip(header, r, strict=True)) for r in computed["business_case_sensitivity"]}
    deadweight = sensitivity[("607", "deadweight")]
    assert (deadweight["range_low"], deadweight["range_high"]) == (0.0, 0.5)
    assert deadweight["npv_high_dkk"] == pytest.approx(-30_000 + 25_000 * 8.316605, abs=1)
    assert deadweight["npv_low_dkk"] == pytest.approx(-30_000 + 50_000 * 8.316605, abs=1)
    assert sensitivity[("851", "deadweight")]["npv_low_dkk"] is None
    distribution = [r for r in computed["business_case_distribution"] if r[1] == "607"]
    assert len(distribution) == 41 and distribution[0][4] <= distribution[20][4] <= distribution[-1][4]
    text = {n: (FAMILIES[n].header, [["" if v is None else str(v) for v in r] for r in computed[n]]) for n in names}
    copy = masking.mask(Tables(family_tables(list(names)), text)).rows
    for name, column in (("business_case_sensitivity", "npv_low_dkk"), ("business_case_distribution", "npv_dkk")):
        rows = [dict(zip(FAMILIES[name].header, r, strict=True)) for r in copy[name]]
        assert {r["shadow_visited"] for r in rows if r["kommunekode"] == "607"} == {"<5"}
        assert all(r[column] == "" for r in rows)
