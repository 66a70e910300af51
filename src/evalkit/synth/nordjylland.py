"""Report 000 (config report nordjylland_2021): four § 82 offers in Nordjylland."""

from __future__ import annotations

import datetime as dt
import math
import random

from evalkit.synth.calibration import DAY, NORDJYLLAND, NORDJYLLAND_FOLLOW_UP, NORDJYLLAND_PERIOD, D, NordjyllandSite
from evalkit.synth.draw import (
    Citizen,
    CitizenFactory,
    Municipality,
    delivery_quarters,
    quarter_of,
    random_day,
    weighted,
)

# ---------------------------------------------------------------------------------------------------------
# Report 000: four § 82 offers in Nordjylland.
# ---------------------------------------------------------------------------------------------------------

NORDJYLLAND_QUARTERS = ("2021Q2", "2022Q1")
SERVICE_PARAGRAPHS = (("85", 50), ("83", 14), ("104", 10), ("99", 8), ("107", 4), ("108", 4), ("other", 10))
END_REASONS = (("completed", 55), ("dropped_out", 15), ("referred", 20), ("moved", 4), ("other", 6))


def nordjylland_site(rng: random.Random, site: NordjyllandSite) -> Municipality:
    muni = Municipality(site.kommunekode, site.dialect, site.ids)
    first_q, last_q = NORDJYLLAND_QUARTERS
    period_start, period_end = NORDJYLLAND_PERIOD
    new_citizen = CitizenFactory(rng, site.ids)
    counter = {"course": 0, "service": 0}

    def course(
        citizen: Citizen, start: dt.date, end: dt.date | None, paragraph: str = "", fmt: str = ""
    ) -> dt.date | None:
        counter["course"] += 1
        fmt = fmt or rng.choice(["individual", "individual", "group", "adhoc"])
        paragraph = paragraph or ("82a" if fmt == "group" else "82b")
        if site.kommunekode == "813":
            paragraph = f"§ {paragraph.upper()}"  # Frederikshavn writes the paragraph as in the law text
        muni.add(
            "courses",
            {
                "course_id": f"{site.prefix}-{counter['course']:04d}",
                "offer": site.offer,
                "paragraph": paragraph,
                "access": site.access,
                "format": fmt,
                "start_date": start,
                "end_date": end,
                "end_reason": weighted(rng, END_REASONS) if end else None,
            },
            delivery_quarters(start, end, first_q, last_q),
            citizen,
            hide_end=True,
        )
        return end

    def service(citizen: Citizen, start: dt.date, paragraph: str = "") -> None:
        counter["service"] += 1
        paragraph = paragraph or weighted(rng, SERVICE_PARAGRAPHS)
        hours = rng.choice([1.5, 2, 2.5, 3, 4, 5.5]) if paragraph == "85" else None
        # About half the rows carry their own annual cost; the rest are priced from the unit-cost catalogue.
        cost = rng.randrange(30_000, 400_000, 50) + rng.choice([0, 0.5]) if rng.random() < 0.5 else None
        end = start + dt.timedelta(days=rng.randint(60, 500)) if rng.random() < 0.4 else None
        written_paragraph = f"§ {paragraph}" if site.kommunekode == "851" and paragraph != "other" else paragraph
        muni.add(
            "services",
            {
                "service_id": f"{site.prefix}-S{counter['service']:04d}",
                "paragraph": written_paragraph,
                "start_date": start,
                "end_date": end,
                "hours_per_week": hours,
                "annual_cost_dkk": cost,
            },
            [max(quarter_of(start), first_q)],
            citizen,
            hide_end=True,
        )

    def length() -> int:
        # Courses are meant to last at most six months (000 l. 182); a few run over.
        return min(260, max(3, int(rng.lognormvariate(math.log(80), 0.6))))

    # The municipality's first § 82 course starts on the published date and ended long ago.
    first = new_citizen(1960, 1998)
    course(first, site.first_start, site.first_start + dt.timedelta(days=rng.randint(40, 150)))
    # History: courses that ended before the period.
    for _ in range(site.history):
        end = random_day(rng, site.first_start + 200 * DAY, period_start - DAY)
        course(new_citizen(1950, 2000), max(site.first_start + DAY, end - length() * DAY), end)

    # The published cohort: citizens with a course that ended in the period.
    # Each entry: citizen, first course start, first course end, last course end.
    ended: list[tuple[Citizen, dt.date, dt.date, dt.date]] = []
    for i in range(site.ended_citizens):
        citizen = new_citizen(1952, 2002)
        if i < site.extra_courses:
            # An individual § 82b course followed by a group § 82a course, both ended in the period (l. 238).
            end_1 = random_day(rng, period_start, D(2021, 7, 15))
            start_1 = end_1 - length() * DAY
            course(citizen, start_1, end_1, "82b", "individual")
            end_2 = random_day(rng, end_1 + 14 * DAY, period_end)
            course(citizen, end_1 + DAY, end_2, "82a", "group")
            ended.append((citizen, start_1, end_1, end_2))
        else:
            end = random_day(rng, period_start, period_end)
            start = max(site.first_start + DAY, end - length() * DAY)
            course(citizen, start, end)
            ended.append((citizen, start, end, end))

    # Later visited: a service starting after the (last) course end, no later than the follow-up date.
    visited = rng.sample(range(len(ended)), site.later_visited)
    for n, i in enumerate(sorted(visited)):
        citizen, _, _, end = ended[i]
        start = NORDJYLLAND_FOLLOW_UP if n == 0 else min(NORDJYLLAND_FOLLOW_UP, end + rng.randint(1, 90) * DAY)
        service(citizen, start)
        if rng.random() < 0.2:  # a second service (e.g. § 83 beside § 85): still one citizen (l. 800)
            service(citizen, min(NORDJYLLAND_FOLLOW_UP, start + rng.randint(0, 30) * DAY))
    # The others: some had a service before or during the course (not "efterfølgende"), one got one on the
    # very day the course ended (not after it), some only after the follow-up date. A citizen with two
    # courses gets nothing between them: that would be "after" the first one.
    others = [i for i in range(len(ended)) if i not in set(visited)]
    for n, i in enumerate(others):
        citizen, start, first_end, _ = ended[i]
        if n == 0:
            service(citizen, first_end, "85")
        elif rng.random() < 0.35:
            service(citizen, random_day(rng, start - 400 * DAY, first_end), "85")
        elif rng.random() < 0.15:
            service(citizen, random_day(rng, NORDJYLLAND_FOLLOW_UP + DAY, D(2022, 3, 20)))

    # Active: a course in the period that had not ended by its end; some end in the autumn.
    for _ in range(site.active):
        citizen = new_citizen(1955, 2003)
        start = random_day(rng, D(2021, 3, 1), period_end)
        end = random_day(rng, period_end + DAY, D(2022, 2, 28)) if rng.random() < 0.6 else None
        course(citizen, start, end)
    return muni


def housing_support_series(rng: random.Random, kommunekode: str) -> list[dict[str, object]]:
    """§ 85 series Jan 2018 - Sep 2021 (000 tables 5), shaped after the report's one sentence per municipality."""
    rows, month = [], D(2018, 1, 1)
    while month <= D(2021, 9, 1):
        t = (month.year - 2018) * 12 + month.month - 1  # 0 .. 44
        if kommunekode == "860":  # falling after the § 82 start, slightly rising from mid 2020 (l. 856)
            hours = 2400 - 22 * min(t, 30) + 9 * max(0, t - 30)
        elif kommunekode == "813":  # falling for a period, rising in 2021 (l. 927)
            hours = 1500 - 14 * min(t, 36) + 25 * max(0, t - 36)
        else:  # 851: settled amount and CPR numbers, rising in mid 2021 (l. 809)
            hours = 3000 + 30 * max(0, t - 38)
        hours = round(hours * rng.uniform(0.96, 1.04), 1)
        citizens = round(hours / rng.uniform(7.5, 9.5))
        if kommunekode == "851":
            rows.append(
                {
                    "month": month,
                    "hours": None,
                    "citizens": citizens,
                    "amount_dkk": round(hours * rng.uniform(410, 470), 2),
                }
            )
        else:
            rows.append({"month": month, "hours": hours, "citizens": citizens, "amount_dkk": None})
        month = (month + 32 * DAY).replace(day=1)
    return rows


def nordjylland(rng: random.Random) -> list[Municipality]:
    munis = [nordjylland_site(rng, site) for site in NORDJYLLAND]
    for muni in munis:
        if muni.kommunekode != "787":  # Thisted sent no § 85 table (000 l. 888)
            for cells in housing_support_series(rng, muni.kommunekode):
                muni.add("housing_support", cells, ["2021Q3"])
    return munis
