"""Report 001 (config report din_indgang_2017): Din Indgang, Fredericia."""

from __future__ import annotations

import datetime as dt
import random

from evalkit.synth.calibration import (
    DAY,
    DIN_INDGANG,
    DIN_INDGANG_CONTACTS_END,
    DIN_INDGANG_ENDED_BY,
    DIN_INDGANG_PERIOD,
    D,
)
from evalkit.synth.draw import (
    Citizen,
    CitizenFactory,
    Municipality,
    delivery_quarters,
    quarter_end,
    quarter_of,
    random_day,
    split_total,
    weighted,
)

# ---------------------------------------------------------------------------------------------------------
# Report 001: Din Indgang, Fredericia.
# ---------------------------------------------------------------------------------------------------------

DIN_INDGANG_QUARTERS = ("2016Q3", "2018Q1")
SHADOW_PARAGRAPHS = (("85", 45), ("107", 10), ("108", 8), ("104", 15), ("103", 7), ("83", 15))


def din_indgang(rng: random.Random) -> Municipality:
    muni = Municipality("607", "utf8_iso", "cpr_dash")
    first_q, last_q = DIN_INDGANG_QUARTERS
    start_day, period_end = DIN_INDGANG_PERIOD
    t = DIN_INDGANG
    new_citizen = CitizenFactory(rng, "cpr")
    n_courses = 0

    def course(citizen: Citizen, fmt: str, start: dt.date, end: dt.date | None) -> str:
        nonlocal n_courses
        n_courses += 1
        course_id = f"DI-{n_courses:04d}"
        reason = rng.choice(["completed", "completed", "referred", "dropped_out", "moved"]) if end else None
        muni.add(
            "courses",
            {
                "course_id": course_id,
                "offer": "Din Indgang",
                "paragraph": "82a" if fmt == "group" else "82b",
                "access": "open",
                "format": fmt,
                "start_date": start,
                "end_date": end,
                "end_reason": reason,
            },
            delivery_quarters(start, end, first_q, last_q),
            citizen,
            hide_end=True,
        )
        return course_id

    def length_days(fmt: str) -> int:
        # Ad hoc help is short; a course runs 4-20 weeks (001 l. 486, 781).
        return rng.randint(1, 14) if fmt == "adhoc" else 7 * rng.randint(4, 20)

    # Formats of each citizen's (first) course: 67 ad hoc, 57 group, the rest individual (split invented).
    ended_formats = ["adhoc"] * 60 + ["group"] * 40
    ended_formats += ["individual"] * (t["ended_citizens"] - len(ended_formats))
    active_formats = ["adhoc"] * (t["adhoc_citizens"] - 60) + ["group"] * (t["group_citizens"] - 40)
    active_formats += ["individual"] * (t["active_citizens"] - len(active_formats))
    rng.shuffle(ended_formats)

    # Ended: one ended course each, ending by October 2017 (no course ended between 1 Nov and 6 Dec 2017,
    # which keeps the 186 of October and the 269 - 83 of 6 December the same citizens).
    ended = []
    for fmt in ended_formats:
        citizen = new_citizen(1950, 1998)
        end = random_day(rng, D(2016, 9, 26), DIN_INDGANG_ENDED_BY)
        start = max(start_day, end - length_days(fmt) * DAY)
        ended.append((citizen, course(citizen, fmt, start, end), end))
    # Returning: 14 of them came back for a new course that is still running (fn 5 l. 593).
    returning = rng.sample(range(len(ended)), t["returning_citizens"])
    for i in sorted(returning):
        citizen, _, end = ended[i]
        restart = random_day(rng, end + 7 * DAY, min(end + 120 * DAY, period_end))
        course(citizen, "individual", restart, None)
    # Active on 6 December 2017 (some end in early 2018, delivered ended in 2018Q1).
    active_ids = []
    for fmt in active_formats:
        citizen = new_citizen(1950, 1998)
        start = random_day(rng, D(2017, 6, 1), period_end - 2 * DAY)
        end = random_day(rng, period_end + DAY, D(2018, 3, 20)) if rng.random() < 0.5 else None
        active_ids.append(course(citizen, fmt, start, end))

    # Shadow visitation over the ended courses: 106 judged to need an ordinary offer, at 4,104,000 kr. a year.
    shadow_of = rng.sample(range(len(ended)), t["shadow_visited"])
    costs = iter(split_total(rng, t["shadow_cost_dkk"], t["shadow_visited"], 6_000, 160_000))
    chosen = set(shadow_of)
    for i, (_, course_id, end) in enumerate(ended):
        cells: dict[str, object] = {
            "course_id": course_id,
            "shadow_paragraph": "none",
            "shadow_hours_per_week": None,
            "shadow_annual_cost_dkk": None,
        }
        if i in chosen:
            paragraph = weighted(rng, SHADOW_PARAGRAPHS)
            cells.update(
                shadow_paragraph=paragraph,
                shadow_annual_cost_dkk=next(costs),
                shadow_hours_per_week=rng.choice([2, 3, 4.5, 6]) if paragraph == "85" else None,
            )
        muni.add("shadow", cells, [quarter_of(end)])
    for course_id in active_ids[:20]:  # staff also judge running courses; those are not counted
        muni.add(
            "shadow",
            {
                "course_id": course_id,
                "shadow_paragraph": weighted(rng, SHADOW_PARAGRAPHS),
                "shadow_annual_cost_dkk": rng.randrange(10_000, 90_000, 100),
            },
            [last_q],
        )

    # Actually visited: 26 ended citizens got an ordinary offer after their course, 1,936,000 kr. a year in all.
    # Most of them were among the shadow-visited; a few were judged to need nothing.
    candidates = [i for i in range(len(ended)) if i not in set(returning)]
    in_shadow = [i for i in candidates if i in chosen]
    not_in_shadow = [i for i in candidates if i not in chosen]
    visited = sorted(rng.sample(in_shadow, 22) + rng.sample(not_in_shadow, t["actually_visited"] - 22))
    n_services = len(visited) + 3  # three citizens got two services
    costs = iter(split_total(rng, t["actual_cost_dkk"], n_services, 15_000, 180_000))
    n_service = 0

    def service(
        citizen: Citizen, paragraph: str, start: dt.date, cost: int, provisional_cost: int | None = None
    ) -> None:
        nonlocal n_service
        n_service += 1
        cells = {
            "service_id": f"VS-{n_service:05d}",
            "paragraph": paragraph,
            "start_date": start,
            "hours_per_week": rng.choice([2, 3, 4, 5]) if paragraph == "85" else None,
            "annual_cost_dkk": cost,
        }
        quarter = max(quarter_of(start), first_q)
        if provisional_cost is not None:
            # Delivered first with a provisional cost, corrected in the next drop: the newest row wins.
            muni.add("services", dict(cells, annual_cost_dkk=provisional_cost), [quarter], citizen)
            quarter = quarter_of(quarter_end(quarter) + DAY)
        muni.add("services", cells, [quarter], citizen)

    for n, i in enumerate(visited):
        citizen, _, end = ended[i]
        for _ in range(2 if n < 3 else 1):
            start = random_day(rng, end + DAY, min(end + 60 * DAY, period_end))
            cost = next(costs)
            service(citizen, weighted(rng, SHADOW_PARAGRAPHS), start, cost, cost + 12_400 if n == 3 else None)
    # Services that do not make anyone "actually visited": before the course, or after the extraction date.
    for i in rng.sample(candidates, 30):
        if i in set(visited):
            continue
        citizen, _, end = ended[i]
        day = (
            random_day(rng, D(2015, 1, 1), end - 30 * DAY)
            if rng.random() < 0.7
            else random_day(rng, period_end + DAY, D(2018, 3, 25))
        )
        service(citizen, "85", day, rng.randrange(20_000, 90_000, 100))

    # Contacts 9 Sep 2016 - week 48 of 2017 by source (figure 5.1), plus later ones outside the period.
    contact_days = []
    for source, count in t["contacts"].items():
        contact_days += [(random_day(rng, start_day, DIN_INDGANG_CONTACTS_END), source) for _ in range(count)]
    contact_days += [
        (random_day(rng, period_end + DAY, D(2018, 3, 28)), rng.choice(["citizen", "partner"])) for _ in range(45)
    ]
    known = [c for c, _, _ in ended]
    for n, (day, source) in enumerate(sorted(contact_days)):
        citizen = rng.choice(known) if source == "citizen" and rng.random() < 0.4 else None
        muni.add("contacts", {"contact_id": f"H{n + 1:05d}", "date": day, "source": source}, [quarter_of(day)], citizen)

    # Staff hours: 3,350 hours, 1,025 in 2016 at 305 kr. and 2,325 in 2017 at 315 kr. = 1,045,000 kr. The
    # hourly costs are invented; the report prints none. No hours in Nov-Dec 2017 (the investment is for the
    # 186 ended by October); 2018 hours fall outside the period.
    months_2016 = [D(2016, m, 1) for m in range(9, 13)]
    months_2017 = [D(2017, m, 1) for m in range(1, 11)]
    for months, hours_total, rate in ((months_2016, 1_025, 305), (months_2017, 2_325, 315)):
        hours = split_total(rng, hours_total * 2, len(months), 60, 600, step=1)  # in half hours
        for month, half_hours in zip(months, hours, strict=True):
            muni.add(
                "staff_hours",
                {"offer": "Din Indgang", "month": month, "hours": half_hours / 2, "hourly_cost_dkk": rate},
                [quarter_of(month)],
            )
    for m in (1, 2, 3):
        muni.add(
            "staff_hours",
            {
                "offer": "Din Indgang",
                "month": D(2018, m, 1),
                "hours": rng.randint(200, 300) + 0.5,
                "hourly_cost_dkk": 322,
            },
            ["2018Q1"],
        )
    return muni
