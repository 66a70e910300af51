"""Report 003 (config report brug_for_alle_2013): Brug for alle, every municipality but two."""

from __future__ import annotations

import datetime as dt
import math
import random

from evalkit.synth.calibration import (
    BRUG_FOR_ALLE,
    BRUG_FOR_ALLE_PERIOD,
    BRUG_FOR_ALLE_REFERENCE_DATE,
    DAY,
    MUNICIPALITIES,
    NORDJYLLAND,
    NOT_IN_BRUG_FOR_ALLE,
)
from evalkit.synth.draw import Citizen, CitizenFactory, Municipality, allocate, quarter_of, random_day, settle

# ---------------------------------------------------------------------------------------------------------
# Report 003: Brug for alle, 96 municipalities.
# ---------------------------------------------------------------------------------------------------------

BRUG_FOR_ALLE_QUARTERS = ("2012Q3", "2013Q3")
PROGRAMME = "brug_for_alle"


def brug_for_alle_plan(rng: random.Random) -> list[dict[str, object]]:
    """Invented per-municipality counts that add up to the national figures (the report's bilagsfigur 1
    survives only as a title). Returns one dict per municipality: target, conversation, meeting, offer,
    mean_days."""
    t = BRUG_FOR_ALLE
    munis = [(code, pop) for code, _, pop in MUNICIPALITIES if code not in NOT_IN_BRUG_FOR_ALLE]
    n = len(munis)
    target = allocate(rng, t["target_group"], [pop * rng.uniform(0.7, 1.4) for _, pop in munis], [4] * n, [10**6] * n)
    conv_rate = [rng.uniform(0.62, 0.9) for _ in range(n)]
    conversation = allocate(
        rng, t["initial_conversation"], [a * r for a, r in zip(target, conv_rate, strict=True)], [2] * n, target
    )
    # Best: every citizen with a conversation had a team meeting; worst: under half (003 l. 381). The best and
    # worst are mid-sized municipalities, so one person does not decide the ranking.
    by_size = sorted(range(n), key=lambda i: (conversation[i], munis[i][0]))
    best, worst = by_size[n // 2], by_size[n // 2 + 1]
    meeting = [0] * n
    meeting[best] = conversation[best]
    meeting[worst] = math.floor(t["worst_conversion"] * conversation[worst])
    rest = [i for i in range(n) if i not in (best, worst)]
    shares = allocate(
        rng,
        t["team_meeting"] - meeting[best] - meeting[worst],
        [conversation[i] * rng.uniform(0.6, 0.95) for i in rest],
        [math.ceil(0.55 * conversation[i]) for i in rest],
        [conversation[i] - 1 for i in rest],
    )
    for i, m in zip(rest, shares, strict=True):
        meeting[i] = m
    offer = allocate(rng, t["employment_offer"], [a * rng.uniform(0.3, 0.55) for a in target], [0] * n, target)
    # Mean days conversation -> meeting per municipality: one under five days, one over ten weeks (l. 460).
    fastest, slowest = by_size[n // 3], by_size[2 * n // 3]
    mean_days = [min(55.0, max(8.0, rng.lognormvariate(math.log(24), 0.35))) for _ in range(n)]
    mean_days[fastest], mean_days[slowest] = t["fastest_mean_days"], t["slowest_mean_days"]
    return [
        {
            "kommunekode": munis[i][0],
            "target": target[i],
            "conversation": conversation[i],
            "meeting": meeting[i],
            "offer": offer[i],
            "mean_days": mean_days[i],
            "fixed_days": i in (fastest, slowest),
        }
        for i in range(n)
    ]


def meeting_days(rng: random.Random, plan: list[dict[str, object]]) -> list[list[int]]:
    """Days from conversation to meeting per citizen, so that the national mean is exactly 25 days."""
    days = []
    for m in plan:
        mean = float(m["mean_days"])
        spread = 0.15 if m["fixed_days"] else 0.5
        days.append(
            [max(1, round(mean * rng.lognormvariate(-(spread**2) / 2, spread))) for _ in range(int(m["meeting"]))]
        )
        if m["fixed_days"]:  # pin the extreme municipalities' means to their targets
            target_sum = round(mean * len(days[-1]))
            days[-1] = settle(rng, days[-1], target_sum, [1] * len(days[-1]), [200] * len(days[-1]))
    free = [i for i, m in enumerate(plan) if not m["fixed_days"]]
    fixed_sum = sum(sum(days[i]) for i in range(len(plan)) if plan[i]["fixed_days"])
    want = BRUG_FOR_ALLE["mean_days"] * sum(int(m["meeting"]) for m in plan) - fixed_sum
    flat = [d for i in free for d in days[i]]
    flat = settle(rng, [max(1, round(d * want / sum(flat))) for d in flat], want, [1] * len(flat), [150] * len(flat))
    out, pos = [], 0
    for i in range(len(plan)):
        if plan[i]["fixed_days"]:
            out.append(days[i])
        else:
            out.append(flat[pos : pos + len(days[i])])
            pos += len(days[i])
    return out


def brug_for_alle(rng: random.Random) -> list[Municipality]:
    plan = brug_for_alle_plan(rng)
    days_per_muni = meeting_days(rng, plan)
    first_q, last_q = BRUG_FOR_ALLE_QUARTERS
    period_start, period_end = BRUG_FOR_ALLE_PERIOD
    dialects = ("excel_dash", "utf8_iso", "excel_dots", "utf8_iso", "utf8_bom")
    out = []
    # A municipality that also delivers for report 000 or 001 keeps its dialect and its kind of citizen id.
    own_style = {site.kommunekode: (site.dialect, site.ids) for site in NORDJYLLAND}
    own_style["607"] = ("utf8_iso", "cpr_dash")
    for index, (m, days) in enumerate(zip(plan, days_per_muni, strict=True)):
        dialect, ids = own_style.get(
            str(m["kommunekode"]), (dialects[index % len(dialects)], ("cpr_dash", "pseudonym", "cpr")[index % 3])
        )
        muni = Municipality(str(m["kommunekode"]), dialect, ids)
        new_citizen = CitizenFactory(rng, "pseudonym" if ids == "pseudonym" else "cpr")
        citizens = [new_citizen(1948, 1994) for _ in range(int(m["target"]))]

        def step(citizen: Citizen, name: str, day: dt.date, muni: Municipality = muni) -> None:
            quarter = max(quarter_of(day), first_q)
            muni.add("milestones", {"programme": PROGRAMME, "step": name, "date": day}, [quarter], citizen)

        for citizen in citizens:
            step(citizen, "target_group", BRUG_FOR_ALLE_REFERENCE_DATE)
        with_conversation = rng.sample(citizens, int(m["conversation"]))
        for n, citizen in enumerate(with_conversation):
            if n < len(days):
                conversation = random_day(rng, period_start, period_end - days[n] * DAY)
                step(citizen, "initial_conversation", conversation)
                step(citizen, "team_meeting", conversation + days[n] * DAY)
            else:
                conversation = random_day(rng, period_start, period_end)
                step(citizen, "initial_conversation", conversation)
                if n == len(days) and conversation > period_end - 40 * DAY:
                    # A meeting after the period's end: not counted (the funnel stops at the period's end).
                    step(citizen, "team_meeting", period_end + rng.randint(1, 25) * DAY)
        for citizen in rng.sample(citizens, int(m["offer"])):
            step(citizen, "employment_offer", random_day(rng, period_start + 30 * DAY, period_end))
        out.append(muni)
    return out
