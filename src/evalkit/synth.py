"""`evalkit synth`: the synthetic demo drops in data/raw/, calibrated to the source reports' published figures.

Every registration written here is invented. The generator is calibrated: the published figures of the source
reports (data/reference/published.csv) come out of these registrations exactly, under the definitions of the
registration contract (section 4) and docs/figure_tables.md. Everything the reports do not publish (ages, course
lengths, dates, paragraphs, costs per row, the other municipalities of report 003) is drawn at random from
plausible ranges and documented as invented in data/raw/README.md.

The generator never imports the figure code (evalkit.tables, src/evalkit/sql): the reproduction
(`evalkit reproduce`) is only a check if the registrations and the figures are made independently. The counts
are built by construction instead: each target is met by choosing exactly that many citizens.

Same seed, same bytes: one `random.Random(seed)` drives every draw, and nothing iterates over a set.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEED = 2026
D = dt.date
DAY = dt.timedelta(days=1)

# ---------------------------------------------------------------------------------------------------------
# Calibration targets. Each value is a published figure; the comment names the report line it comes from.
# tests/test_synth.py checks every one against data/reference/published.csv and config/config.yaml.
# ---------------------------------------------------------------------------------------------------------

# Report 000 (config report nordjylland_2021): courses ended 1 Apr - 30 Sep 2021, follow-up to 31 Dec 2021.
NORDJYLLAND_PERIOD = (D(2021, 4, 1), D(2021, 9, 30))
NORDJYLLAND_FOLLOW_UP = D(2021, 12, 31)


@dataclass(frozen=True)
class NordjyllandSite:
    kommunekode: str
    offer: str
    prefix: str  # course and service ids
    ended_citizens: int  # "Antal borgere, der har afsluttet et § 82 forløb i perioden"
    later_visited: int  # "Heraf har N borgere efterfølgende modtaget en visiteret indsats"
    first_start: dt.date  # the municipality's first § 82 course; published for 860 and 813 only
    access: str
    dialect: str
    ids: str  # how citizen_id is written: cpr_dash, cpr, pseudonym
    extra_courses: int  # citizens with two ended courses in the period (invented)
    active: int  # citizens with a course in the period that did not end in it (invented)
    history: int  # courses that ended before the period (invented)


NORDJYLLAND = (
    # 000 l. 174 / 780: Aalborg, Fremdrift 38 / 34. Start "et par år" (l. 168): invented 4 Mar 2019.
    NordjyllandSite("851", "Fremdrift – værksted & café", "FD", 38, 34, D(2019, 3, 4), "open", "excel_dash",
                    "cpr_dash", 4, 9, 30),
    # 000 l. 312 / 823: Hjørring, Den Gode Modtagelse 119 / 48; § 82 start 01.05.2017 (l. 856).
    NordjyllandSite("860", "Den Gode Modtagelse", "DGM", 119, 48, D(2017, 5, 1), "open", "utf8_iso",
                    "pseudonym", 3, 24, 60),
    # 000 l. 544 / 868: Thisted, Daghuset 22 / 6; "i ca. 2 år" (l. 542): invented 2 Sep 2019. Access to § 82
    # goes through the jobcentre or the authority (l. 552), hence `decision`.
    NordjyllandSite("787", "Daghuset", "DH", 22, 6, D(2019, 9, 2), "decision", "utf8_bom", "cpr", 1, 6, 18),
    # 000 l. 444 / 898: Frederikshavn, Det Sociale Pitstop 32 / 9; § 82 start 01.07.2018 (l. 927).
    NordjyllandSite("813", "Det Sociale Pitstop – åben rådgivning", "SP", 32, 9, D(2018, 7, 1), "open",
                    "excel_dots", "cpr", 2, 8, 24),
)

# Report 001 (config report din_indgang_2017): Din Indgang, Fredericia (607), 9 Sep 2016 - 6 Dec 2017.
DIN_INDGANG_PERIOD = (D(2016, 9, 9), D(2017, 12, 6))
DIN_INDGANG_CONTACTS_END = D(2017, 12, 3)  # "til og med uge 48 i 2017" (l. 604): ISO week 48 ends 3 Dec
DIN_INDGANG_ENDED_BY = D(2017, 10, 31)  # "I oktober 2017 havde Voksenservice afsluttet 186 borgere" (l. 587)
DIN_INDGANG = {
    "citizens_with_course": 269,  # l. 580, fn 4 l. 591
    "active_citizens": 83,  # fn 4 l. 591
    "ended_citizens": 186,  # l. 587 (= 269 - 83)
    "adhoc_citizens": 67,  # l. 582, Tabel 5.1 l. 760
    "group_citizens": 57,  # l. 583, Tabel 5.2 l. 865
    "returning_citizens": 14,  # l. 584, fn 5 l. 593, l. 984
    "shadow_visited": 106,  # l. 587
    "shadow_cost_dkk": 4_104_000,  # l. 587
    "actually_visited": 26,  # l. 587
    "actual_cost_dkk": 1_936_000,  # l. 587
    "staff_hours": 3_350,  # l. 595
    "investment_dkk": 1_045_000,  # l. 595 ("i omegnen af")
    "contacts": {"citizen": 698, "relative": 126, "partner": 572},  # 1,396 = 50 / 9 / 41 % (l. 604)
}

# Report 003 (config report brug_for_alle_2013): Brug for alle, Aug 2012 - Aug 2013, table 3-1.
BRUG_FOR_ALLE_PERIOD = (D(2012, 8, 1), D(2013, 8, 31))
BRUG_FOR_ALLE_REFERENCE_DATE = D(2012, 4, 1)  # the gross target group: matchgruppe 3 on 1 April 2012 (l. 80)
BRUG_FOR_ALLE = {
    "target_group": 29_572,  # Tabel 3-1 l. 224
    "initial_conversation": 22_576,  # l. 225 (76 %)
    "team_meeting": 17_449,  # l. 226 (59 %; 77 % of those with a conversation, l. 219)
    "employment_offer": 12_420,  # 42 % of the gross target group (l. 126, 190, 611); the count is invented
    "mean_days": 25,  # conversation -> team meeting (l. 460)
    "fastest_mean_days": 4,  # "under fem dage" (l. 460)
    "slowest_mean_days": 74,  # "mere end ti uger" (l. 460)
    "worst_conversion": 0.46,  # "under halvdelen i den dårligst præsterende kommune" (l. 381)
}

# The 98 municipalities (code, name, rough population in thousands, used only to size the invented target
# groups). Fredensborg (210) and Holstebro (661) are left out: report 003 says all but two took part (l. 72)
# and they are the two names missing from its Bilagstabel 1 (an inference, not stated in the report).
MUNICIPALITIES = (
    ("101", "København", 550), ("147", "Frederiksberg", 100), ("151", "Ballerup", 48), ("153", "Brøndby", 34),
    ("155", "Dragør", 14), ("157", "Gentofte", 73), ("159", "Gladsaxe", 66), ("161", "Glostrup", 22),
    ("163", "Herlev", 27), ("165", "Albertslund", 28), ("167", "Hvidovre", 51), ("169", "Høje-Taastrup", 48),
    ("173", "Lyngby-Taarbæk", 54), ("175", "Rødovre", 37), ("183", "Ishøj", 21), ("185", "Tårnby", 42),
    ("187", "Vallensbæk", 15), ("190", "Furesø", 38), ("201", "Allerød", 24), ("210", "Fredensborg", 39),
    ("217", "Helsingør", 62), ("219", "Hillerød", 49), ("223", "Hørsholm", 25), ("230", "Rudersdal", 55),
    ("240", "Egedal", 42), ("250", "Frederikssund", 44), ("253", "Greve", 48), ("259", "Køge", 58),
    ("260", "Halsnæs", 31), ("265", "Roskilde", 84), ("269", "Solrød", 21), ("270", "Gribskov", 41),
    ("306", "Odsherred", 33), ("316", "Holbæk", 70), ("320", "Faxe", 35), ("326", "Kalundborg", 49),
    ("329", "Ringsted", 33), ("330", "Slagelse", 78), ("336", "Stevns", 22), ("340", "Sorø", 29),
    ("350", "Lejre", 27), ("360", "Lolland", 45), ("370", "Næstved", 82), ("376", "Guldborgsund", 62),
    ("390", "Vordingborg", 46), ("400", "Bornholm", 41), ("410", "Middelfart", 37), ("420", "Assens", 41),
    ("430", "Faaborg-Midtfyn", 52), ("440", "Kerteminde", 24), ("450", "Nyborg", 32), ("461", "Odense", 193),
    ("479", "Svendborg", 59), ("480", "Nordfyns", 30), ("482", "Langeland", 13), ("492", "Ærø", 6),
    ("510", "Haderslev", 56), ("530", "Billund", 26), ("540", "Sønderborg", 76), ("550", "Tønder", 39),
    ("561", "Esbjerg", 115), ("563", "Fanø", 3), ("573", "Varde", 50), ("575", "Vejen", 43),
    ("580", "Aabenraa", 60), ("607", "Fredericia", 50), ("615", "Horsens", 84), ("621", "Kolding", 90),
    ("630", "Vejle", 109), ("657", "Herning", 86), ("661", "Holstebro", 57), ("665", "Lemvig", 21),
    ("671", "Struer", 22), ("706", "Syddjurs", 42), ("707", "Norddjurs", 38), ("710", "Favrskov", 47),
    ("727", "Odder", 22), ("730", "Randers", 96), ("740", "Silkeborg", 89), ("741", "Samsø", 4),
    ("746", "Skanderborg", 58), ("751", "Aarhus", 314), ("756", "Ikast-Brande", 41),
    ("760", "Ringkøbing-Skjern", 57), ("766", "Hedensted", 46), ("773", "Morsø", 21), ("779", "Skive", 47),
    ("787", "Thisted", 44), ("791", "Viborg", 95), ("810", "Brønderslev", 36), ("813", "Frederikshavn", 61),
    ("820", "Vesthimmerland", 37), ("825", "Læsø", 2), ("840", "Rebild", 29), ("846", "Mariagerfjord", 42),
    ("849", "Jammerbugt", 39), ("851", "Aalborg", 201), ("860", "Hjørring", 66),
)
NOT_IN_BRUG_FOR_ALLE = ("210", "661")

# ---------------------------------------------------------------------------------------------------------
# File dialects (contract section 2) and column names (contract section 3).
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    encoding: str
    delimiter: str
    date_format: str
    decimal_comma: bool
    danish: bool  # Danish column-name aliases where the contract has them
    newline: str
    header_case: Callable[[str], str] = str.lower


DIALECTS = {
    # What Danish Excel writes: Windows-1252, semicolons, CRLF, decimal comma.
    "excel_dash": Dialect("windows-1252", ";", "%d-%m-%Y", True, True, "\r\n", str.capitalize),
    "excel_dots": Dialect("windows-1252", ";", "%d.%m.%Y", True, True, "\r\n"),
    "utf8_iso": Dialect("utf-8", ",", "%Y-%m-%d", False, False, "\n"),
    "utf8_bom": Dialect("utf-8-sig", ";", "%d.%m.%Y", True, False, "\r\n", str.upper),
}

COLUMNS = {
    "courses": ("course_id", "citizen_id", "offer", "paragraph", "access", "format", "birth_year",
                "start_date", "end_date", "end_reason"),
    "services": ("service_id", "citizen_id", "paragraph", "start_date", "end_date", "hours_per_week",
                 "annual_cost_dkk"),
    "shadow": ("course_id", "shadow_paragraph", "shadow_hours_per_week", "shadow_annual_cost_dkk"),
    "milestones": ("programme", "citizen_id", "step", "date"),
    "housing_support": ("month", "hours", "citizens", "amount_dkk"),
    "contacts": ("contact_id", "date", "source", "citizen_id"),
    "staff_hours": ("offer", "month", "hours", "hourly_cost_dkk"),
}
DANISH_NAMES = {
    "course_id": "forloeb_id", "citizen_id": "CPR", "offer": "tilbud", "paragraph": "paragraf",
    "access": "adgang", "format": "form", "birth_year": "Fødselsår", "start_date": "startdato",
    "end_date": "slutdato", "end_reason": "afslutningsårsag", "hours_per_week": "timer_pr_uge",
    "annual_cost_dkk": "aarlig_udgift",
}


class Raw(str):
    """A cell written exactly as given: how the deliberately broken rows get their bad values in."""


@dataclass
class Citizen:
    ident: str  # ten CPR digits, or an already pseudonymised key
    birth_year: int
    is_cpr: bool
    show_birth_year: bool = True

    def written(self, dashed: bool) -> str:
        if self.is_cpr and dashed:
            return f"{self.ident[:6]}-{self.ident[6:]}"
        return self.ident


@dataclass
class Row:
    """One registration: its cells, and the quarters in which its municipality delivers it."""

    table: str
    cells: dict[str, object]
    quarters: list[str]
    citizen: Citizen | None = None
    hide_end_after_quarter: bool = False  # courses and services: end_date shown only once it has passed


@dataclass
class Municipality:
    kommunekode: str
    dialect: str
    ids: str
    rows: list[Row] = field(default_factory=list)
    broken: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)  # (quarter, table, cells)

    def add(self, table: str, cells: dict[str, object], quarters: list[str], citizen: Citizen | None = None,
            hide_end: bool = False) -> None:
        self.rows.append(Row(table, cells, quarters, citizen, hide_end))


# ---------------------------------------------------------------------------------------------------------
# Small helpers: quarters, dates, CPR numbers, exact splits.
# ---------------------------------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_end(quarter: str) -> dt.date:
    year, q = int(quarter[:4]), int(quarter[5])
    first_of_next = D(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return first_of_next - DAY


def quarter_range(first: str, last: str) -> list[str]:
    out, q = [], first
    while q <= last:
        out.append(q)
        q = quarter_of(quarter_end(q) + DAY)
    return out


def delivery_quarters(start: dt.date, end: dt.date | None, first: str, last: str) -> list[str]:
    """A row is delivered from the quarter it starts in until the quarter it ends in (history: first drop)."""
    begin = max(quarter_of(start), first)
    stop = min(quarter_of(end), last) if end else last
    return quarter_range(begin, max(begin, stop))


def random_day(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def century_digits(year: int) -> list[int]:
    """7th CPR digits that give `year` its century under the CPR office's rule."""
    yy = year % 100
    if 1900 <= year <= 1999:
        return [0, 1, 2, 3] + ([4, 9] if yy >= 37 else [])
    if 2000 <= year <= 2036:
        return [4, 9] + [5, 6, 7, 8]
    if 2037 <= year <= 2057:
        return [5, 6, 7, 8]
    raise ValueError(f"no CPR century digit for {year}")


def make_cpr(rng: random.Random, birth: dt.date, used: set[str]) -> str:
    """A CPR-shaped number: a real birth date, a consistent century digit, and the modulus-11 check."""
    while True:
        digits = [int(c) for c in birth.strftime("%d%m%y")]
        digits += [rng.choice(century_digits(birth.year)), rng.randint(0, 9), rng.randint(0, 9)]
        check = -sum(w * d for w, d in zip(CPR_WEIGHTS, digits, strict=False)) % 11
        if check == 10:
            continue
        cpr = "".join(map(str, digits)) + str(check)
        if cpr not in used:
            used.add(cpr)
            return cpr


PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def make_pseudonym(rng: random.Random, used: set[str]) -> str:
    """An already pseudonymised key: letters first, so it can never be read as a CPR number."""
    while True:
        key = rng.choice("BCDFGHJKLMNPQRSTVWXZ") + "".join(rng.choice(PSEUDONYM_ALPHABET) for _ in range(9))
        if key not in used:
            used.add(key)
            return key


class CitizenFactory:
    def __init__(self, rng: random.Random, ids: str):
        self.rng, self.ids, self.used = rng, ids, set()

    def __call__(self, born_low: int, born_high: int) -> Citizen:
        birth = random_day(self.rng, D(born_low, 1, 1), D(born_high, 12, 31))
        if self.ids == "pseudonym":
            return Citizen(make_pseudonym(self.rng, self.used), birth.year, False)
        # Some CPR municipalities leave birth_year empty: the ingest derives it from the number.
        return Citizen(make_cpr(self.rng, birth, self.used), birth.year, True, self.rng.random() < 0.7)


def split_total(rng: random.Random, total: int, n: int, low: int, high: int, step: int = 100) -> list[int]:
    """n amounts, multiples of `step` within [low, high], that add up to `total` exactly (a multiple of step)."""
    if total % step or not n * low <= total <= n * high:
        raise ValueError(f"cannot split {total} into {n} amounts in [{low}, {high}]")
    units, lo, hi = total // step, low // step, high // step
    weights = [rng.lognormvariate(0, 0.5) for _ in range(n)]
    amounts = [min(hi, max(lo, round(units * w / sum(weights)))) for w in weights]
    return [a * step for a in _settle(rng, amounts, units, [lo] * n, [hi] * n)]


def allocate(rng: random.Random, total: int, weights: Sequence[float], low: Sequence[int],
             high: Sequence[int]) -> list[int]:
    """Integers proportional to weights, each within [low, high], adding up to `total` exactly."""
    amounts = [min(h, max(lo, math.floor(total * w / sum(weights)))) for w, lo, h in
               zip(weights, low, high, strict=True)]
    return _settle(rng, amounts, total, low, high)


def _settle(rng: random.Random, amounts: list[int], total: int, low: Sequence[int],
            high: Sequence[int]) -> list[int]:
    """Move the rounding difference one unit at a time onto entries that still have room."""
    order = list(range(len(amounts)))
    while (gap := total - sum(amounts)) != 0:
        rng.shuffle(order)
        moved = False
        for i in order:
            if gap > 0 and amounts[i] < high[i]:
                amounts[i] += 1
                gap -= 1
                moved = True
            elif gap < 0 and amounts[i] > low[i]:
                amounts[i] -= 1
                gap += 1
                moved = True
            if gap == 0:
                break
        if not moved:
            raise ValueError("bounds leave no room to reach the total")
    return amounts


# ---------------------------------------------------------------------------------------------------------
# Report 000: four § 82 offers in Nordjylland.
# ---------------------------------------------------------------------------------------------------------

NORDJYLLAND_QUARTERS = ("2021Q2", "2022Q1")
SERVICE_PARAGRAPHS = (("85", 50), ("83", 14), ("104", 10), ("99", 8), ("107", 4), ("108", 4), ("other", 10))
END_REASONS = (("completed", 55), ("dropped_out", 15), ("referred", 20), ("moved", 4), ("other", 6))


def weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def nordjylland_site(rng: random.Random, site: NordjyllandSite) -> Municipality:
    muni = Municipality(site.kommunekode, site.dialect, site.ids)
    first_q, last_q = NORDJYLLAND_QUARTERS
    period_start, period_end = NORDJYLLAND_PERIOD
    new_citizen = CitizenFactory(rng, site.ids)
    counter = {"course": 0, "service": 0}

    def course(citizen: Citizen, start: dt.date, end: dt.date | None, paragraph: str = "",
               fmt: str = "") -> dt.date | None:
        counter["course"] += 1
        fmt = fmt or rng.choice(["individual", "individual", "group", "adhoc"])
        paragraph = paragraph or ("82a" if fmt == "group" else "82b")
        if site.kommunekode == "813":
            paragraph = f"§ {paragraph.upper()}"  # Frederikshavn writes the paragraph as in the law text
        muni.add("courses", {
            "course_id": f"{site.prefix}-{counter['course']:04d}", "offer": site.offer, "paragraph": paragraph,
            "access": site.access, "format": fmt, "start_date": start, "end_date": end,
            "end_reason": weighted(rng, END_REASONS) if end else None,
        }, delivery_quarters(start, end, first_q, last_q), citizen, hide_end=True)
        return end

    def service(citizen: Citizen, start: dt.date, paragraph: str = "") -> None:
        counter["service"] += 1
        paragraph = paragraph or weighted(rng, SERVICE_PARAGRAPHS)
        hours = rng.choice([1.5, 2, 2.5, 3, 4, 5.5]) if paragraph == "85" else None
        # About half the rows carry their own annual cost; the rest are priced from the unit-cost catalogue.
        cost = rng.randrange(30_000, 400_000, 50) + rng.choice([0, 0.5]) if rng.random() < 0.5 else None
        end = start + dt.timedelta(days=rng.randint(60, 500)) if rng.random() < 0.4 else None
        written_paragraph = f"§ {paragraph}" if site.kommunekode == "851" and paragraph != "other" else paragraph
        muni.add("services", {
            "service_id": f"{site.prefix}-S{counter['service']:04d}", "paragraph": written_paragraph,
            "start_date": start, "end_date": end, "hours_per_week": hours, "annual_cost_dkk": cost,
        }, [max(quarter_of(start), first_q)], citizen, hide_end=True)

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
            rows.append({"month": month, "hours": None, "citizens": citizens,
                         "amount_dkk": round(hours * rng.uniform(410, 470), 2)})
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
        muni.add("courses", {
            "course_id": course_id, "offer": "Din Indgang", "paragraph": "82a" if fmt == "group" else "82b",
            "access": "open", "format": fmt, "start_date": start, "end_date": end, "end_reason": reason,
        }, delivery_quarters(start, end, first_q, last_q), citizen, hide_end=True)
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
        cells: dict[str, object] = {"course_id": course_id, "shadow_paragraph": "none",
                                    "shadow_hours_per_week": None, "shadow_annual_cost_dkk": None}
        if i in chosen:
            paragraph = weighted(rng, SHADOW_PARAGRAPHS)
            cells.update(shadow_paragraph=paragraph, shadow_annual_cost_dkk=next(costs),
                         shadow_hours_per_week=rng.choice([2, 3, 4.5, 6]) if paragraph == "85" else None)
        muni.add("shadow", cells, [quarter_of(end)])
    for course_id in active_ids[:20]:  # staff also judge running courses; those are not counted
        muni.add("shadow", {"course_id": course_id, "shadow_paragraph": weighted(rng, SHADOW_PARAGRAPHS),
                            "shadow_annual_cost_dkk": rng.randrange(10_000, 90_000, 100)}, [last_q])

    # Actually visited: 26 ended citizens got an ordinary offer after their course, 1,936,000 kr. a year in all.
    # Most of them were among the shadow-visited; a few were judged to need nothing.
    candidates = [i for i in range(len(ended)) if i not in set(returning)]
    in_shadow = [i for i in candidates if i in chosen]
    not_in_shadow = [i for i in candidates if i not in chosen]
    visited = sorted(rng.sample(in_shadow, 22) + rng.sample(not_in_shadow, t["actually_visited"] - 22))
    n_services = len(visited) + 3  # three citizens got two services
    costs = iter(split_total(rng, t["actual_cost_dkk"], n_services, 15_000, 180_000))
    n_service = 0

    def service(citizen: Citizen, paragraph: str, start: dt.date, cost: int,
                provisional_cost: int | None = None) -> None:
        nonlocal n_service
        n_service += 1
        cells = {"service_id": f"VS-{n_service:05d}", "paragraph": paragraph, "start_date": start,
                 "hours_per_week": rng.choice([2, 3, 4, 5]) if paragraph == "85" else None,
                 "annual_cost_dkk": cost}
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
        day = random_day(rng, D(2015, 1, 1), end - 30 * DAY) if rng.random() < 0.7 else \
            random_day(rng, period_end + DAY, D(2018, 3, 25))
        service(citizen, "85", day, rng.randrange(20_000, 90_000, 100))

    # Contacts 9 Sep 2016 - week 48 of 2017 by source (figure 5.1), plus later ones outside the period.
    contact_days = []
    for source, count in t["contacts"].items():
        contact_days += [(random_day(rng, start_day, DIN_INDGANG_CONTACTS_END), source) for _ in range(count)]
    contact_days += [(random_day(rng, period_end + DAY, D(2018, 3, 28)), rng.choice(["citizen", "partner"]))
                     for _ in range(45)]
    known = [c for c, _, _ in ended]
    for n, (day, source) in enumerate(sorted(contact_days)):
        citizen = rng.choice(known) if source == "citizen" and rng.random() < 0.4 else None
        muni.add("contacts", {"contact_id": f"H{n + 1:05d}", "date": day, "source": source},
                 [quarter_of(day)], citizen)

    # Staff hours: 3,350 hours, 1,025 in 2016 at 305 kr. and 2,325 in 2017 at 315 kr. = 1,045,000 kr. The
    # hourly costs are invented; the report prints none. No hours in Nov-Dec 2017 (the investment is for the
    # 186 ended by October); 2018 hours fall outside the period.
    months_2016 = [D(2016, m, 1) for m in range(9, 13)]
    months_2017 = [D(2017, m, 1) for m in range(1, 11)]
    for months, hours_total, rate in ((months_2016, 1_025, 305), (months_2017, 2_325, 315)):
        hours = split_total(rng, hours_total * 2, len(months), 60, 600, step=1)  # in half hours
        for month, half_hours in zip(months, hours, strict=True):
            muni.add("staff_hours", {"offer": "Din Indgang", "month": month, "hours": half_hours / 2,
                                     "hourly_cost_dkk": rate}, [quarter_of(month)])
    for m in (1, 2, 3):
        muni.add("staff_hours", {"offer": "Din Indgang", "month": D(2018, m, 1),
                                 "hours": rng.randint(200, 300) + 0.5, "hourly_cost_dkk": 322}, ["2018Q1"])
    return muni


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
    target = allocate(rng, t["target_group"], [pop * rng.uniform(0.7, 1.4) for _, pop in munis],
                      [4] * n, [10**6] * n)
    conv_rate = [rng.uniform(0.62, 0.9) for _ in range(n)]
    conversation = allocate(rng, t["initial_conversation"], [a * r for a, r in zip(target, conv_rate, strict=True)],
                            [2] * n, target)
    # Best: every citizen with a conversation had a team meeting; worst: under half (003 l. 381). The best and
    # worst are mid-sized municipalities, so one person does not decide the ranking.
    by_size = sorted(range(n), key=lambda i: (conversation[i], munis[i][0]))
    best, worst = by_size[n // 2], by_size[n // 2 + 1]
    meeting = [0] * n
    meeting[best] = conversation[best]
    meeting[worst] = math.floor(t["worst_conversion"] * conversation[worst])
    rest = [i for i in range(n) if i not in (best, worst)]
    shares = allocate(rng, t["team_meeting"] - meeting[best] - meeting[worst],
                      [conversation[i] * rng.uniform(0.6, 0.95) for i in rest],
                      [math.ceil(0.55 * conversation[i]) for i in rest], [conversation[i] - 1 for i in rest])
    for i, m in zip(rest, shares, strict=True):
        meeting[i] = m
    offer = allocate(rng, t["employment_offer"], [a * rng.uniform(0.3, 0.55) for a in target], [0] * n, target)
    # Mean days conversation -> meeting per municipality: one under five days, one over ten weeks (l. 460).
    fastest, slowest = by_size[n // 3], by_size[2 * n // 3]
    mean_days = [min(55.0, max(8.0, rng.lognormvariate(math.log(24), 0.35))) for _ in range(n)]
    mean_days[fastest], mean_days[slowest] = t["fastest_mean_days"], t["slowest_mean_days"]
    return [{"kommunekode": munis[i][0], "target": target[i], "conversation": conversation[i],
             "meeting": meeting[i], "offer": offer[i], "mean_days": mean_days[i],
             "fixed_days": i in (fastest, slowest)} for i in range(n)]


def meeting_days(rng: random.Random, plan: list[dict[str, object]]) -> list[list[int]]:
    """Days from conversation to meeting per citizen, so that the national mean is exactly 25 days."""
    days = []
    for m in plan:
        mean = float(m["mean_days"])
        spread = 0.15 if m["fixed_days"] else 0.5
        days.append([max(1, round(mean * rng.lognormvariate(-spread**2 / 2, spread)))
                     for _ in range(int(m["meeting"]))])
        if m["fixed_days"]:  # pin the extreme municipalities' means to their targets
            target_sum = round(mean * len(days[-1]))
            days[-1] = _settle(rng, days[-1], target_sum, [1] * len(days[-1]), [200] * len(days[-1]))
    free = [i for i, m in enumerate(plan) if not m["fixed_days"]]
    fixed_sum = sum(sum(days[i]) for i in range(len(plan)) if plan[i]["fixed_days"])
    want = BRUG_FOR_ALLE["mean_days"] * sum(int(m["meeting"]) for m in plan) - fixed_sum
    flat = [d for i in free for d in days[i]]
    flat = _settle(rng, [max(1, round(d * want / sum(flat))) for d in flat], want, [1] * len(flat),
                   [150] * len(flat))
    out, pos = [], 0
    for i in range(len(plan)):
        if plan[i]["fixed_days"]:
            out.append(days[i])
        else:
            out.append(flat[pos:pos + len(days[i])])
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
        dialect, ids = own_style.get(str(m["kommunekode"]),
                                     (dialects[index % len(dialects)], ("cpr_dash", "pseudonym", "cpr")[index % 3]))
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


# ---------------------------------------------------------------------------------------------------------
# Rows that validation must quarantine. None of them carries a figure: each is an extra registration, and
# each lies outside every report's period, so the figures hold whether or not it is loaded.
# ---------------------------------------------------------------------------------------------------------


def add_broken_rows(munis: dict[str, Municipality], rng: random.Random) -> None:
    def bad(code: str, quarter: str, table: str, **cells: object) -> None:
        munis[code].broken.append((quarter, table, cells))

    used: set[str] = set()
    cpr = make_cpr(rng, D(1979, 3, 14), used)
    bad("851", "2021Q2", "courses", course_id="FD-X001", citizen_id=cpr, offer="Fremdrift", paragraph="82b",
        access="open", format="individual", start_date=Raw("31-02-2021"), end_date=None)  # no such date
    bad("860", "2021Q3", "courses", course_id="DGM-X001", citizen_id="QZ8K4M2RTW", paragraph="82a",
        access="open", format="group", start_date=D(2020, 11, 20), end_date=D(2020, 10, 2),
        end_reason="completed")  # ends before it starts
    bad("787", "2021Q3", "courses", course_id="DH-X001", citizen_id=make_cpr(rng, D(1988, 6, 2), used),
        paragraph="82c", access="decision", format="individual", start_date=D(2020, 9, 1),
        end_date=D(2021, 1, 15), end_reason="completed")  # § 82c is not a course paragraph in the contract
    bad("813", "2021Q4", "courses", course_id="SP-X001", citizen_id=make_cpr(rng, D(1993, 1, 9), used),
        paragraph="82b", access="open", format="adhoc", start_date=D(2021, 11, 2), end_date=None,
        end_reason="completed")  # an end reason without an end date
    # 31 February: not a CPR number. Joined from two parts so that no CPR-shaped literal stands in the source
    # (the project's check for CPR numbers in tracked files cannot tell an impossible date from a real one).
    bad("607", "2018Q1", "courses", course_id="DI-X001", citizen_id=Raw("-".join(("310285", "1234"))),
        paragraph="82b", access="open", format="individual", start_date=D(2018, 1, 8))
    bad("607", "2018Q1", "contacts", contact_id="H-X001", date=D(2018, 2, 5), source="email")  # unknown source
    bad("607", "2018Q1", "staff_hours", offer="Din Indgang – café (20 €)", month=D(2018, 1, 1), hours=-12,
        hourly_cost_dkk=322)  # negative hours
    bad("860", "2021Q2", "services", service_id="DGM-SX01", citizen_id="QZ8K4M2RTW", paragraph="85",
        start_date=D(2019, 2, 1), annual_cost_dkk=41_000)
    bad("860", "2021Q2", "services", service_id="DGM-SX01", citizen_id="QZ8K4M2RTW", paragraph="85",
        start_date=D(2019, 2, 1), annual_cost_dkk=43_000)  # the same key twice in one file
    bad("461", "2013Q1", "milestones", programme=PROGRAMME, citizen_id="TX7K2M9QPL", step=None,
        date=D(2013, 2, 11))  # a required cell left empty
    bad("751", "2012Q4", "milestones", programme=PROGRAMME, citizen_id="VN3Q8L2KDR", step="team_meeting",
        date=Raw("2012-11-31"))  # no such date


# ---------------------------------------------------------------------------------------------------------
# Writing the drops.
# ---------------------------------------------------------------------------------------------------------


def format_cell(value: object, dialect: Dialect) -> str:
    if value is None:
        return ""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dt.date):
        return value.strftime(dialect.date_format)
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if dialect.decimal_comma else text
    return str(value)


def column_order(table: str, kommunekode: str, seed: int) -> list[str]:
    """The municipality's own column order: the contract matches columns by name, not position."""
    columns = list(COLUMNS[table])
    if int(kommunekode) % 3 == 0:
        random.Random(f"{seed}-{kommunekode}-{table}").shuffle(columns)
    return columns


def render(table: str, kommunekode: str, dialect: Dialect, rows: list[dict[str, object]], seed: int) -> bytes:
    columns = column_order(table, kommunekode, seed)
    header = [dialect.header_case(DANISH_NAMES.get(c, c) if dialect.danish else c) for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=dialect.newline)
    writer.writerow(header)
    for cells in rows:
        writer.writerow([format_cell(cells.get(c), dialect) for c in columns])
    return buffer.getvalue().encode(dialect.encoding)


def month_cell(cells: dict[str, object]) -> dict[str, object]:
    """Months are written YYYY-MM whatever the dialect (contract section 3)."""
    if isinstance(cells.get("month"), dt.date):
        return dict(cells, month=Raw(cells["month"].strftime("%Y-%m")))
    return cells


def files_of(muni: Municipality, seed: int) -> dict[str, bytes]:
    """{'<quarter>/<kommunekode>_<table>.csv': bytes} for one municipality."""
    dialect = DIALECTS[muni.dialect]
    grouped: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in muni.rows:
        for quarter in row.quarters:
            cells = dict(row.cells)
            if row.hide_end_after_quarter and cells.get("end_date") and cells["end_date"] > quarter_end(quarter):
                cells["end_date"] = None
                cells.pop("end_reason", None)
            if row.citizen is not None:
                cells["citizen_id"] = row.citizen.written(muni.ids == "cpr_dash" and quarter != "2021Q4")
                if row.table == "courses":
                    cells["birth_year"] = row.citizen.birth_year if row.citizen.show_birth_year else None
            grouped[quarter, row.table].append(month_cell(cells))
    for quarter, table, cells in muni.broken:
        grouped[quarter, table].append(month_cell(cells))
    return {f"{quarter}/{muni.kommunekode}_{table}.csv": render(table, muni.kommunekode, dialect, rows, seed)
            for (quarter, table), rows in sorted(grouped.items())}


def generate(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """Every demo file, by its path relative to the raw folder."""
    rng = random.Random(seed)
    munis = nordjylland(rng) + [din_indgang(rng)] + brug_for_alle(rng)
    # A municipality in two reports (Aalborg in 000 and 003, ...) has one object per report; their quarters
    # differ, so their files never collide. Broken rows go with the first (the § 82 reports').
    by_code: dict[str, Municipality] = {}
    for muni in munis:
        by_code.setdefault(muni.kommunekode, muni)
    add_broken_rows(by_code, rng)
    files: dict[str, bytes] = {}
    for muni in munis:
        files.update(files_of(muni, seed))
    # København re-delivers its 2012Q4 milestones unchanged inside its 2013Q1 drop: nothing may count twice.
    redelivered = files["2012Q4/101_milestones.csv"].splitlines(keepends=True)[1:]
    files["2013Q1/101_milestones.csv"] += b"".join(redelivered)
    return dict(sorted(files.items()))


def write(out: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data/raw", help="raw folder to write the quarter folders into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--scale", type=int, metavar="N",
                        help="instead of the calibrated demo: N courses over 98 municipalities and 20 quarters, "
                        "streamed to --out (benchmarks; see evalkit.synth_scale)")
    parser.add_argument("--last-quarters", type=int, metavar="K",
                        help="with --scale: write only the last K of the 20 quarters (a quick smoke run)")
    args = parser.parse_args(argv)
    if args.scale is not None:
        from . import synth_scale  # numpy-backed; only needed for the scale drops

        if args.scale < 1:
            parser.error("--scale needs at least one course")
        quarters = range(synth_scale.QUARTERS - (args.last_quarters or synth_scale.QUARTERS), synth_scale.QUARTERS)
        count, rows = synth_scale.generate(Path(args.out), args.scale, args.seed, quarters)
        print(f"evalkit synth: {count} files, {rows:,} rows, {args.scale:,} courses, seed {args.seed}, in {args.out}")
        return 0
    files = generate(args.seed)
    write(Path(args.out), files)
    size = sum(len(b) for b in files.values())
    print(f"evalkit synth: {len(files)} files, {size / 1e6:.1f} MB, seed {args.seed}, in {args.out}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(cli(sys.argv[1:]))
