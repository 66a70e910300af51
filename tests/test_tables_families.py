"""Every figure family on one hand-built drop, with the expected numbers worked out by hand below.

Report `r`: municipalities 851, 860, 787 and 999 (which delivered nothing), period 2021-04-01 .. 2021-09-30,
follow-up until 2021-12-31. Report `every`: the same period over `all` municipalities. Report `fun`: a funnel
in 2012-13, when nobody had a course.

851 courses (citizen, paragraph, format, birth year, start .. end, end reason):
  c1  A 82b individual 1990  2021-03-01 .. 2021-04-01 completed    ends on the period's first day: ended, 31 days
  c2  B 82a group      2000  2021-06-01 .. 2021-09-30 dropped_out  ends on its last day: ended, 121 days
  c3  C 82b adhoc      -     2021-01-10 .. 2021-03-31 completed    ends the day before: not ended, not in period
  c4  C 82a group      -     2021-09-01 .. 2021-10-01 completed    ends the day after: not ended, in period;
                                                                   C returns (c4 starts after c3 ended)
  c5  D 82b individual 1960  2021-04-05 .. 2021-05-04 completed    ended, 29 days
  c6  D 82a group      1960  2021-05-10 .. 2021-08-17 completed    ended, 99 days; D returns
  c7  E 82b adhoc      2005  2021-09-15 .. (running)               in period, active
  c8  F 82a            1970  2020-01-01 .. 2020-06-30 completed    outside the period altogether
  c9  G 82b individual 2004  2021-07-01 .. 2021-07-01 moved        ended, 0 days, age 17
851 services (citizen, paragraph, start, hours/week, annual cost):
  s1 A 85    2021-04-01  -  -       on c1's end date: before/during
  s2 A 85    2021-04-02  -  50000   the day after: after
  s3 B 104   2021-12-31  -  -       on follow_up_until: after; priced at the 2019 yearly price 150000
  s4 B 107   2022-01-01  -  -       the day after follow_up_until: counted nowhere
  s5 D 83    2021-08-20  2  -       after both of D's courses; priced 2 x 52 x 400 = 41600, once
  s6 D 85    2021-06-01  -  30000   after c5, before/during c6
  s7 E 85    2021-10-01  -  -       E has no ended course
  s8 B other 2021-07-01  -  -       during c2: before/during
851 shadow (course, paragraph, hours/week, annual cost):
  c1 85 3 -       -> 3 x 52 x 400 = 62400      c2 none           c5 104 - 100000     c6 85 - 20000
  c9 108 - -      -> unpriced (no catalogue entry)                c7 85 - 99999 (course not ended: ignored)

860: citizen key A again (another person: keys count within a municipality)
  d1  A 82a group      2003  2021-02-01 .. 2021-09-30 completed    241 days, age 18
  d2  H 82b individual 1981  2021-04-01 .. 2021-07-01 referred     91 days, age 40
  t1 A 85  2021-10-15 5 h  -> 5 x 52 x 400 = 104000    t2 H 108 2021-08-01 -> unpriced (no catalogue entry)
  t3 H 83  2021-09-01 no hours -> unpriced (83 has only an hourly price)
  shadow: d1 none, d2 85 10000

787: six ended courses of six citizens, all ending 2021-09-30 and completed, lengths 30, 31, 91, 92, 183, 184
  days and birth years giving ages 29, 30, 59, 60, 50 and unknown.
813 (not in report r): one course of Z, 2021-05-01 .. 2021-05-31, completed.   607: delivered an empty file.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from warehouse_factory import build_warehouse

from evalkit.config import Report
from evalkit.publish.masking import mask
from evalkit.publish.problem import Tables, family_tables
from evalkit.tables.compute import compute_tables, connect
from evalkit.tables.registry import FAMILIES, PUBLISHED

PERIOD = (date(2021, 4, 1), date(2021, 9, 30))
FOLLOW_UP = date(2021, 12, 31)
R = Report("r", ("851", "860", "787", "999"), *PERIOD, FOLLOW_UP)
EVERY = Report("every", None, *PERIOD, FOLLOW_UP)
FUN = Report(
    "fun",
    ("851",),
    date(2012, 8, 1),
    date(2013, 8, 31),
    date(2013, 8, 31),
    "bfa",
    ("target_group", "initial_conversation", "team_meeting"),
)

UNIT_COSTS = """paragraph,unit,price_dkk,price_year
85,hour,380,2020
§ 85,hour,400,2021
85,hour,420,2022
83,hour,400,2021
104,year,150000,2019
104,year,170000,2022
"""


def course(k, cid, citizen, paragraph, start, end, reason=None, fmt=None, birth=None):
    return dict(
        kommunekode=k,
        course_id=cid,
        citizen_key=citizen,
        paragraph=paragraph,
        format=fmt,
        birth_year=birth,
        start_date=start,
        end_date=end,
        end_reason=reason,
    )


def service(k, sid, citizen, paragraph, start, hours=None, cost=None):
    return dict(
        kommunekode=k,
        service_id=sid,
        citizen_key=citizen,
        paragraph=paragraph,
        start_date=start,
        hours_per_week=hours,
        annual_cost_dkk=cost,
    )


def shadow(k, cid, paragraph, hours=None, cost=None):
    return dict(
        kommunekode=k,
        course_id=cid,
        shadow_paragraph=paragraph,
        shadow_hours_per_week=hours,
        shadow_annual_cost_dkk=cost,
    )


D = date
END = PERIOD[1]
LENGTHS_787 = [(30, 1992), (31, 1991), (91, 1962), (92, 1961), (183, 1971), (184, None)]

DROP = {
    "courses": [
        course("851", "c1", "A", "82b", D(2021, 3, 1), D(2021, 4, 1), "completed", "individual", 1990),
        course("851", "c2", "B", "82a", D(2021, 6, 1), D(2021, 9, 30), "dropped_out", "group", 2000),
        course("851", "c3", "C", "82b", D(2021, 1, 10), D(2021, 3, 31), "completed", "adhoc"),
        course("851", "c4", "C", "82a", D(2021, 9, 1), D(2021, 10, 1), "completed", "group"),
        course("851", "c5", "D", "82b", D(2021, 4, 5), D(2021, 5, 4), "completed", "individual", 1960),
        course("851", "c6", "D", "82a", D(2021, 5, 10), D(2021, 8, 17), "completed", "group", 1960),
        course("851", "c7", "E", "82b", D(2021, 9, 15), None, None, "adhoc", 2005),
        course("851", "c8", "F", "82a", D(2020, 1, 1), D(2020, 6, 30), "completed", None, 1970),
        course("851", "c9", "G", "82b", D(2021, 7, 1), D(2021, 7, 1), "moved", "individual", 2004),
        course("860", "d1", "A", "82a", D(2021, 2, 1), D(2021, 9, 30), "completed", "group", 2003),
        course("860", "d2", "H", "82b", D(2021, 4, 1), D(2021, 7, 1), "referred", "individual", 1981),
        *[
            course("787", f"l{days}", f"L{days}", "82a", END - timedelta(days=days), END, "completed", None, born)
            for days, born in LENGTHS_787
        ],
        course("813", "z1", "Z", "82a", D(2021, 5, 1), D(2021, 5, 31), "completed"),
    ],
    "services": [
        service("851", "s1", "A", "85", D(2021, 4, 1)),
        service("851", "s2", "A", "85", D(2021, 4, 2), cost=50000.0),
        service("851", "s3", "B", "104", D(2021, 12, 31)),
        service("851", "s4", "B", "107", D(2022, 1, 1), cost=1.0),
        service("851", "s5", "D", "83", D(2021, 8, 20), hours=2.0),
        service("851", "s6", "D", "85", D(2021, 6, 1), cost=30000.0),
        service("851", "s7", "E", "85", D(2021, 10, 1), cost=1.0),
        service("851", "s8", "B", "other", D(2021, 7, 1)),
        service("860", "t1", "A", "85", D(2021, 10, 15), hours=5.0),
        service("860", "t2", "H", "108", D(2021, 8, 1)),
        service("860", "t3", "H", "83", D(2021, 9, 1)),
    ],
    "shadow": [
        shadow("851", "c1", "85", hours=3.0),
        shadow("851", "c2", "none"),
        shadow("851", "c5", "104", cost=100000.0),
        shadow("851", "c6", "85", cost=20000.0),
        shadow("851", "c9", "108"),
        shadow("851", "c7", "85", cost=99999.0),
        shadow("860", "d1", "none"),
        shadow("860", "d2", "85", cost=10000.0),
    ],
    "milestones": [
        dict(kommunekode="851", programme="bfa", citizen_key=p, step=s, date=d)
        for p, s, d in [
            ("P1", "target_group", D(2012, 5, 1)),  # before the period: still counts
            ("P1", "initial_conversation", D(2012, 9, 1)),  # 123 days later
            ("P1", "team_meeting", D(2012, 10, 1)),  # 30 days later
            ("P2", "target_group", D(2012, 8, 1)),
            ("P2", "initial_conversation", D(2012, 8, 21)),  # 20 days later
            ("P3", "target_group", D(2012, 8, 1)),
            ("P3", "team_meeting", D(2013, 8, 31)),  # on the period's end; skipped the conversation
            ("P4", "target_group", D(2013, 1, 1)),
            ("P4", "initial_conversation", D(2013, 9, 1)),  # after the period's end: not counted
            ("P6", "coffee", D(2013, 1, 1)),  # not a configured step
        ]
    ]
    + [dict(kommunekode="851", programme="other", citizen_key="P5", step="target_group", date=D(2013, 1, 1))],
    "housing_support": [
        dict(kommunekode="851", month=D(2018, 1, 1), hours=10.0, citizens=2, amount_dkk=1000.0),
        dict(kommunekode="851", month=D(2021, 9, 1), hours=20.5, citizens=3, amount_dkk=None),
        dict(kommunekode="851", month=D(2021, 10, 1), hours=99.0, citizens=9, amount_dkk=9.0),
        dict(kommunekode="860", month=D(2021, 9, 1), hours=4.0, citizens=1, amount_dkk=400.0),
    ],
    "contacts": [
        dict(kommunekode="851", contact_id=i, date=d, source=s, citizen_key=c)
        for i, d, s, c in [
            ("h1", D(2021, 4, 1), "citizen", "A"),
            ("h2", D(2021, 9, 30), "relative", "B"),
            ("h3", D(2021, 3, 31), "partner", None),
            ("h4", D(2021, 10, 1), "citizen", "A"),
            ("h5", D(2021, 5, 5), "partner", "D"),
            ("h6", D(2021, 6, 6), "partner", None),
        ]
    ],
    "staff_hours": [
        dict(kommunekode="851", offer=o, month=m, hours=h, hourly_cost_dkk=c)
        for o, m, h, c in [
            ("a", D(2021, 3, 1), 100.0, 300.0),  # the month before the period
            ("a", D(2021, 4, 1), 10.0, 300.0),
            ("b", D(2021, 4, 1), 5.0, 200.0),
            ("a", D(2021, 9, 1), 20.0, 310.0),
            ("a", D(2021, 10, 1), 100.0, 300.0),  # the month after
        ]
    ],
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    db = build_warehouse(folder / "evalkit.duckdb", DROP, delivered_empty=[("607", "contacts")])
    (folder / "unit_costs.csv").write_text(UNIT_COSTS, encoding="utf-8")
    con = connect(db, folder / "unit_costs.csv")
    computed = compute_tables(con, list(FAMILIES.values()), [R, EVERY, FUN])
    con.close()
    return {name: (family.header, computed[name]) for name, family in FAMILIES.items()}


def rows_of(tables, family, report=None, kommunekode=None):
    columns, rows = tables[family]
    found = [dict(zip(columns, r, strict=True)) for r in rows]
    return [
        r
        for r in found
        if (report is None or r["report"] == report) and (kommunekode is None or r["kommunekode"] == kommunekode)
    ]


def one(tables, family, report, kommunekode, **keys):
    found = [r for r in rows_of(tables, family, report, kommunekode) if all(r[k] == v for k, v in keys.items())]
    assert len(found) == 1, (family, report, kommunekode, keys, found)
    return found[0]


def wilson_by_hand(k, n, z=1.96):
    """The textbook formula, written out here independently of evalkit.stats."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def assert_counts(row, **expected):
    for column, value in expected.items():
        assert row[column] == value, (column, row)
        assert type(row[column]) is int, (column, row)


# --- shared mechanism ----------------------------------------------------------------------------------------


def test_every_family_has_a_row_per_municipality_in_config_order_then_all(tables):
    for name, family in FAMILIES.items():
        if not family.per_municipality or name == "funnel":
            continue
        order = []
        for row in rows_of(tables, name, "r"):
            if not order or order[-1] != row["kommunekode"]:
                order.append(row["kommunekode"])
        assert order == ["851", "860", "787", "999", "all"], name


def test_all_municipalities_means_every_one_that_delivered_something(tables):
    codes = [r["kommunekode"] for r in rows_of(tables, "completion", "every")]
    assert codes == ["607", "787", "813", "851", "860", "all"]
    assert one(tables, "completion", "every", "all")["ended"] == 5 + 2 + 6 + 1


def test_a_municipality_without_data_gets_zeros_and_empty_rates(tables):
    row = one(tables, "completion", "r", "999")
    assert_counts(row, ended=0, completed=0, citizens_with_course=0, ended_citizens=0, active_citizens=0)
    assert row["rate"] is None and row["ci_low"] is None and row["ci_high"] is None
    row = one(tables, "shadow_savings", "r", "999")  # no shadow visitation registered: no gain, not 0 - 0
    assert (row["shadow_cost_dkk"], row["actual_cost_dkk"], row["annual_gain_dkk"]) == (None, 0, None)
    assert len(rows_of(tables, "age", "r", "999")) == 7
    assert all(r["citizens"] == 0 and r["courses"] == 0 for r in rows_of(tables, "age", "r", "999"))
    # 999 gets every paragraph any municipality of the report has, each zero
    paragraphs = [r["paragraph"] for r in rows_of(tables, "services_before_after", "r", "999")]
    assert paragraphs == ["83", "85", "104", "108", "other", "all"]
    assert one(tables, "course_length", "r", "999")["mean_days"] is None
    row = one(tables, "contacts", "r", "860", source="citizen")
    assert row["contacts"] == 0 and row["share"] is None


# --- completion ----------------------------------------------------------------------------------------------


def test_completion(tables):
    # 851: ended c1 c2 c5 c6 c9 (not c3, ended the day before; not c4, the day after); completed c1 c5 c6
    row = one(tables, "completion", "r", "851")
    assert_counts(
        row,
        ended=5,
        completed=3,
        citizens_with_course=6,
        ended_citizens=4,
        active_citizens=2,
        returning_citizens=2,
        adhoc_citizens=1,
        group_citizens=3,
        individual_citizens=3,
    )
    assert row["rate"] == pytest.approx(3 / 5)
    low, high = wilson_by_hand(3, 5)
    assert row["ci_low"] == pytest.approx(low, abs=1e-4) and row["ci_high"] == pytest.approx(high, abs=1e-4)
    assert_counts(
        one(tables, "completion", "r", "860"),
        ended=2,
        completed=1,
        citizens_with_course=2,
        ended_citizens=2,
        active_citizens=0,
        returning_citizens=0,
        group_citizens=1,
        individual_citizens=1,
    )
    assert_counts(one(tables, "completion", "r", "787"), ended=6, completed=6, ended_citizens=6)
    total = one(tables, "completion", "r", "all")
    # citizen A of 851 and citizen A of 860 are two citizens
    assert_counts(
        total,
        ended=13,
        completed=10,
        citizens_with_course=14,
        ended_citizens=12,
        active_citizens=2,
        returning_citizens=2,
        adhoc_citizens=1,
        group_citizens=4,
        individual_citizens=4,
    )
    assert total["rate"] == pytest.approx(10 / 13)


def test_first_course_start_is_the_earliest_course_ever_delivered(tables):
    assert one(tables, "completion", "r", "851")["first_course_start"] == date(2020, 1, 1)  # c8, long before
    assert one(tables, "completion", "r", "860")["first_course_start"] == date(2021, 2, 1)
    assert one(tables, "completion", "r", "all")["first_course_start"] == date(2020, 1, 1)
    assert one(tables, "completion", "r", "999")["first_course_start"] is None
    # the funnel report's period has no courses, the date is still there
    assert one(tables, "completion", "fun", "851")["first_course_start"] == date(2020, 1, 1)


def test_paragraph_counts(tables):
    # in the period: 82a B C D (851), A (860), six in 787; 82b A D E G (851), H (860)
    assert_counts(one(tables, "paragraph_counts", "r", "851"), citizens_82a=3, citizens_82b=4, citizens=6)
    assert_counts(one(tables, "paragraph_counts", "r", "860"), citizens_82a=1, citizens_82b=1, citizens=2)
    assert_counts(one(tables, "paragraph_counts", "r", "all"), citizens_82a=10, citizens_82b=5, citizens=14)


# --- referral onward, before/after ---------------------------------------------------------------------------


def test_referral_onward(tables):
    # 851: A (s2 the day after c1), B (s3 on follow_up_until), D (s5, s6); not G
    row = one(tables, "referral_onward", "r", "851")
    assert_counts(row, ended_citizens=4, later_visited=3)
    assert row["share"] == pytest.approx(0.75)
    # 860: A (t1), H (t2, t3)
    assert_counts(one(tables, "referral_onward", "r", "860"), ended_citizens=2, later_visited=2)
    total = one(tables, "referral_onward", "r", "all")
    assert_counts(total, ended_citizens=12, later_visited=5)
    low, high = wilson_by_hand(5, 12)
    assert total["share"] == pytest.approx(5 / 12)
    assert total["ci_low"] == pytest.approx(low, abs=1e-4) and total["ci_high"] == pytest.approx(high, abs=1e-4)


def test_services_before_after(tables):
    def counts(kommunekode, paragraph):
        r = one(tables, "services_before_after", "r", kommunekode, paragraph=paragraph)
        return r["before_during"], r["after"], r["citizens_before_during"], r["citizens_after"]

    # pairs: c1-s1 bd, c1-s2 after, c2-s3 after, c2-s8 bd, c5-s5 after, c5-s6 after, c6-s5 after, c6-s6 bd
    assert counts("851", "83") == (0, 2, 0, 1)  # s5 once per course: after c5 and after c6
    assert counts("851", "85") == (2, 2, 2, 2)
    assert counts("851", "104") == (0, 1, 0, 1)
    assert counts("851", "other") == (1, 0, 1, 0)
    assert counts("851", "108") == (0, 0, 0, 0)
    assert counts("851", "all") == (3, 5, 3, 3)
    # 860's A is not 851's A: 851's s1/s2 (before d1 ended) are no before/during services of d1
    assert counts("860", "85") == (0, 1, 0, 1)
    assert counts("860", "all") == (0, 3, 0, 2)
    assert counts("all", "all") == (3, 8, 3, 5)
    # s4 started the day after follow_up_until: its paragraph appears nowhere
    assert not [r for r in rows_of(tables, "services_before_after") if r["paragraph"] == "107"]


# --- course length, age --------------------------------------------------------------------------------------


def test_course_length(tables):
    # 851 lengths 31, 121, 29, 99, 0
    row = one(tables, "course_length", "r", "851")
    assert_counts(row, ended=5, d0_30=2, d31_91=1, d92_183=2, d184_plus=0)
    assert row["mean_days"] == pytest.approx(280 / 5) and row["median_days"] == 31
    # 860: 241 and 91 days: the median of an even number is the mean of the middle two
    row = one(tables, "course_length", "r", "860")
    assert_counts(row, ended=2, d31_91=1, d184_plus=1)
    assert row["median_days"] == pytest.approx(166)
    # 787: the band edges 30 | 31, 91 | 92, 183 | 184
    row = one(tables, "course_length", "r", "787")
    assert_counts(row, ended=6, d0_30=1, d31_91=2, d92_183=2, d184_plus=1)
    assert row["mean_days"] == pytest.approx(611 / 6) and row["median_days"] == pytest.approx(91.5)
    # all: 0 29 30 31 31 91 91 92 99 121 183 184 241
    row = one(tables, "course_length", "r", "all")
    assert_counts(row, ended=13, d0_30=3, d31_91=4, d92_183=4, d184_plus=2)
    assert row["mean_days"] == pytest.approx(1223 / 13) and row["median_days"] == 91


def test_age(tables):
    def bands(kommunekode):
        return {r["age_band"]: (r["citizens"], r["courses"]) for r in rows_of(tables, "age", "r", kommunekode)}

    # 851: G 17, B 21, A 31, D 61 (two courses, one citizen)
    assert bands("851") == {
        "under_18": (1, 1),
        "18_29": (1, 1),
        "30_39": (1, 1),
        "40_49": (0, 0),
        "50_59": (0, 0),
        "60_plus": (1, 2),
        "unknown": (0, 0),
    }
    # 787: 29, 30, 59, 60, 50, unknown
    assert bands("787") == {
        "under_18": (0, 0),
        "18_29": (1, 1),
        "30_39": (1, 1),
        "40_49": (0, 0),
        "50_59": (2, 2),
        "60_plus": (1, 1),
        "unknown": (1, 1),
    }
    assert bands("all") == {
        "under_18": (1, 1),
        "18_29": (3, 3),
        "30_39": (2, 2),
        "40_49": (1, 1),
        "50_59": (2, 2),
        "60_plus": (2, 3),
        "unknown": (1, 1),
    }
    assert [r["age_band"] for r in rows_of(tables, "age", "r", "851")] == [
        "under_18",
        "18_29",
        "30_39",
        "40_49",
        "50_59",
        "60_plus",
        "unknown",
    ]


# --- shadow savings and pricing ------------------------------------------------------------------------------


def test_shadow_savings(tables):
    row = one(tables, "shadow_savings", "r", "851")
    # shadow-visited A, D, G (not B: `none`; not E: c7 did not end); cost 62400 + 100000 + 20000, c9 unpriced.
    # actually visited A, B, D; cost s2 50000 + s3 150000 + s5 41600 (once, though after two courses) + s6 30000
    assert_counts(row, ended=5, ended_citizens=4, shadow_visited=3, actually_visited=3, unpriced_rows=1)
    assert row["shadow_cost_dkk"] == pytest.approx(182400)
    assert row["actual_cost_dkk"] == pytest.approx(271600)
    assert row["annual_gain_dkk"] == pytest.approx(182400 - 271600)
    row = one(tables, "shadow_savings", "r", "860")
    # actual: t1 104000; t2, t3 unpriced and left out of the sum
    assert_counts(row, shadow_visited=1, actually_visited=2, unpriced_rows=2)
    assert row["shadow_cost_dkk"] == pytest.approx(10000) and row["actual_cost_dkk"] == pytest.approx(104000)
    row = one(tables, "shadow_savings", "r", "all")
    assert_counts(row, ended=13, shadow_visited=4, actually_visited=5, unpriced_rows=3, shadow_municipalities=2)
    assert row["annual_gain_dkk"] == pytest.approx(192400 - 375600)
    row = one(tables, "shadow_savings", "r", "787")  # six ended courses, none with a shadow row
    assert (row["shadow_municipalities"], row["shadow_cost_dkk"], row["annual_gain_dkk"]) == (0, None, None)


def test_unpriced_rows_are_listed_by_id(tables):
    listed = [
        (r["kommunekode"], r["table_name"], r["row_id"], r["paragraph"], r["reason"])
        for r in rows_of(tables, "unpriced", "r")
    ]
    assert listed == [
        ("851", "shadow", "c9", "108", "no_catalogue_price"),
        ("860", "services", "t2", "108", "no_catalogue_price"),
        ("860", "services", "t3", "83", "no_hours_per_week_for_hourly_price"),
    ]
    assert len(rows_of(tables, "unpriced", "fun")) == 0


# --- funnel --------------------------------------------------------------------------------------------------


def test_funnel(tables):
    assert rows_of(tables, "funnel", "r") == []  # no funnel configured
    steps = {r["step"]: r for r in rows_of(tables, "funnel", "fun", "851")}
    assert list(steps) == ["target_group", "initial_conversation", "team_meeting"]
    first, talk, meeting = steps.values()
    assert_counts(first, step_order=1, citizens=4, citizens_through=4)
    assert first["share_of_first"] == 1 and first["share_of_previous"] is None
    # P1, P2 (P4's conversation is after the period's end)
    assert_counts(talk, step_order=2, citizens=2, citizens_through=2, citizens_with_previous=2)
    assert talk["share_of_first"] == pytest.approx(0.5) and talk["share_of_previous"] == pytest.approx(0.5)
    assert talk["mean_days_from_previous"] == pytest.approx((123 + 20) / 2)
    low, high = wilson_by_hand(2, 4)
    assert talk["ci_low"] == pytest.approx(low, abs=1e-4) and talk["ci_high"] == pytest.approx(high, abs=1e-4)
    # P1 and P3 (on the period's last day); only P1 went through the conversation
    assert_counts(meeting, citizens=2, citizens_through=1, citizens_with_previous=1)
    assert meeting["share_of_first"] == pytest.approx(0.5) and meeting["share_of_previous"] == 1
    assert meeting["mean_days_from_previous"] == pytest.approx(30)
    assert [r["citizens"] for r in rows_of(tables, "funnel", "fun", "all")] == [4, 2, 2]


def test_a_report_with_a_funnel_and_no_courses(tables):
    assert_counts(one(tables, "completion", "fun", "851"), ended=0, citizens_with_course=0)
    assert one(tables, "shadow_savings", "fun", "all")["annual_gain_dkk"] is None


# --- monthly and event tables --------------------------------------------------------------------------------


def test_housing_support(tables):
    def months(kommunekode):
        return {
            r["month"]: (r["hours"], r["citizens"], r["amount_dkk"])
            for r in rows_of(tables, "housing_support", "r", kommunekode)
        }

    # every month up to the period's end (2018 included, 2021-10 not); an empty delivered cell stays empty
    assert months("851") == {"2018-01": (10, 2, 1000), "2021-09": (20.5, 3, None), "all": (30.5, 5, 1000)}
    assert months("860") == {"2018-01": (0, 0, 0), "2021-09": (4, 1, 400), "all": (4, 1, 400)}
    assert months("all") == {"2018-01": (10, 2, 1000), "2021-09": (24.5, 4, 400), "all": (34.5, 6, 1400)}


def test_contacts(tables):
    # in the period: h1 citizen, h2 relative, h5 and h6 partner (h3 the day before, h4 the day after)
    shares = {r["source"]: (r["contacts"], r["share"]) for r in rows_of(tables, "contacts", "r", "851")}
    assert shares == {"citizen": (1, 0.25), "relative": (1, 0.25), "partner": (2, 0.5), "all": (4, 1.0)}


def test_investment(tables):
    # April (10 x 300 + 5 x 200) and September (20 x 310); not March, not October
    row = one(tables, "investment", "r", "851")
    assert row["staff_hours"] == pytest.approx(35) and row["investment_dkk"] == pytest.approx(10200)
    assert_counts(row, months=2)
    row = one(tables, "investment", "r", "860")
    assert (row["staff_hours"], row["investment_dkk"], row["months"]) == (0, 0, 0)


# --- publication copies --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def publication(tables):
    """Every published family masked together (the relations checked on these tables first)."""
    text = {
        n: (c, [["" if v is None else v for v in r] for r in rows]) for n, (c, rows) in tables.items() if n in PUBLISHED
    }
    return mask(Tables(family_tables(), text))


def published(publication, tables, family, report, kommunekode, **keys):
    """The publication copy of one row."""
    columns = tables[family][0]
    masked = [dict(zip(columns, r, strict=True)) for r in publication.rows[family]]
    found = [
        r
        for r in masked
        if r["report"] == report and r["kommunekode"] == kommunekode and all(r[k] == v for k, v in keys.items())
    ]
    assert len(found) == 1
    return found[0]


def test_publication_masks_counts_1_to_4_and_what_derives_from_them(publication, tables):
    # this warehouse is small: many counts are 1-4, and secondary suppression masks many more as x
    hidden = ("<5", "x")
    row = published(publication, tables, "completion", "r", "851")
    assert (row["completed"], row["rate"], row["ci_low"], row["ci_high"]) == ("<5", "", "", "")
    assert row["ended"] == "x"  # 5 ended courses, but shown they would give the <5 ones back
    row = published(publication, tables, "completion", "r", "787")  # 6 of 6: nothing small, yet ended protects 851's
    assert (row["completed"], row["ended"], row["rate"]) == (6, "x", "")
    row = published(publication, tables, "completion", "r", "999")  # zero is not masked
    assert (row["ended"], row["completed"]) == (0, 0)
    row = published(publication, tables, "course_length", "r", "860")
    assert row["ended"] in hidden and (row["mean_days"], row["median_days"], row["d0_30"]) == ("", "", 0)
    row = published(publication, tables, "shadow_savings", "r", "851")
    assert row["shadow_visited"] in hidden and (row["shadow_cost_dkk"], row["annual_gain_dkk"]) == ("", "")
    row = published(publication, tables, "contacts", "r", "851", source="citizen")
    assert (row["contacts"], row["share"]) == ("<5", "")
    assert (
        row["all_contacts"] == published(publication, tables, "contacts", "r", "851", source="all")["contacts"]
    )  # one count
    row = published(publication, tables, "investment", "r", "851")  # staff hours and months are not counts of people
    assert row["investment_dkk"] == pytest.approx(10200) and row["months"] == 2


def test_no_count_of_1_to_4_is_shown_anywhere(tables):
    text = {
        n: (c, [["" if v is None else v for v in r] for r in rows]) for n, (c, rows) in tables.items() if n in PUBLISHED
    }
    publication = mask(Tables(family_tables(), text))
    for name in PUBLISHED:
        columns, rows = tables[name]
        for raw, shown in zip(rows, publication.rows[name], strict=True):
            for column, true, cell in zip(columns, raw, shown, strict=True):
                if column in FAMILIES[name].all_counts and true is not None and 0 < true < 5:
                    assert cell in ("<5", "x"), (name, raw, column)
