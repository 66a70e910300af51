"""`evalkit synth --scale N`: national-scale synthetic drops for benchmarks, streamed to disk.

N courses over the 98 municipalities (weighted by population) and 20 quarters (2018Q1-2022Q4), with services,
shadow rows and milestones in proportion, written in the contract's layout
(`<out>/<YYYY>Q<N>/<kommunekode>_<table>.csv`) in the demo's four dialects. Every value is invented; the
CPR-shaped citizen ids are synthetic (a real calendar date and made-up digits) and are meant for temporary
benchmark folders only.

Memory stays flat in N: the courses of a (municipality, quarter) are drawn in blocks of at most BLOCK rows, each
block from its own seeded generator, and written as they are drawn. A course that is still open at the end of its
quarter is delivered again, ended, in the quarter it ends in; that quarter re-draws the (few) earlier blocks
instead of remembering them. Same seed and size, same bytes.

Unlike `evalkit synth` (the calibrated demo in evalkit.synth), nothing here is calibrated to a published figure.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evalkit.synth.calibration import MUNICIPALITIES
from evalkit.synth.files import DANISH_NAMES, DIALECTS, Dialect, column_order

FIRST_YEAR = 2018
QUARTERS = 20  # 2018Q1 .. 2022Q4
BLOCK = 10_000  # courses drawn at a time: bounds memory whatever N is
MAX_QUARTERS_OPEN = 4  # a course ends at most this many quarters after the one it starts in
TABLES = ("courses", "services", "shadow", "milestones")
PROGRAMME = "brug_for_alle"
STEPS = ("target_group", "initial_conversation", "team_meeting", "employment_offer")
STEP_SHARE = (1.0, 0.76, 0.59, 0.42)  # share of courses whose citizen reaches the step (report 003's funnel)
PARAGRAPHS = ("82a", "82b")
ACCESS = ("open", "decision")
FORMATS = ("individual", "group", "adhoc")
END_REASONS = ("completed", "dropped_out", "moved", "referred", "other")
END_WEIGHTS = (0.55, 0.2, 0.08, 0.12, 0.05)
SERVICE_PARAGRAPHS = ("85", "83", "99", "103", "104", "107", "108", "other")
SERVICE_WEIGHTS = (0.4, 0.15, 0.1, 0.1, 0.05, 0.08, 0.07, 0.05)
SHADOW_PARAGRAPHS = ("none", "85", "83", "99", "103", "107", "108")
SHADOW_WEIGHTS = (0.4, 0.25, 0.1, 0.08, 0.07, 0.05, 0.05)
HOURLY = {"83", "85"}  # priced per hour in config/unit_costs.csv: these rows get hours, not always a cost
CITIZENS_PER_COURSE = 0.85  # below 1, so some citizens return for a second course
BROKEN_EVERY = 1000  # about one row in this many is broken on purpose (bad date, unknown code)
EPOCH = dt.date(2000, 1, 1)
DAYS = (dt.date(2040, 1, 1) - EPOCH).days
FIRST_BIRTH = dt.date(1937, 1, 1)  # the synthetic citizens are born on one of CPR_DAYS days from here
CPR_DAYS = (dt.date(2005, 12, 31) - FIRST_BIRTH).days
DIALECT_NAMES = ("utf8_iso", "excel_dash", "utf8_bom", "excel_dots")


def quarter_name(index: int) -> str:
    return f"{FIRST_YEAR + index // 4}Q{index % 4 + 1}"


def quarter_bounds(index: int) -> tuple[int, int]:
    """First and last day of quarter `index` as day numbers since EPOCH."""
    year, q = FIRST_YEAR + index // 4, index % 4
    first = dt.date(year, 3 * q + 1, 1)
    after = dt.date(year + (q == 3), 1 if q == 3 else 3 * q + 4, 1)
    return (first - EPOCH).days, (after - EPOCH).days - 1


def quarter_index(day: np.ndarray) -> np.ndarray:
    """Quarter index of each day number (vectorised; exact, via the calendar year and month)."""
    dates = np.datetime64(EPOCH.isoformat(), "D") + day
    months = dates.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    return (months - (FIRST_YEAR - 1970) * 12) // 3


@dataclass(frozen=True)
class Site:
    """A municipality of the scale drops: its share of the courses, its dialect and how it writes citizen ids."""

    kommunekode: str
    index: int
    courses: int  # over all quarters
    dialect: Dialect
    id_style: str  # cpr_dash, cpr or pseudonym
    offer: str


def sites(n_courses: int) -> list[Site]:
    """The 98 municipalities with N courses split by population (largest remainders, so they add up to N)."""
    weights = np.array([population for _, _, population in MUNICIPALITIES], dtype=float)
    exact = n_courses * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: n_courses - counts.sum()]:
        counts[i] += 1
    styles = ("cpr_dash", "cpr", "pseudonym", "cpr")
    return [
        Site(
            code,
            i,
            int(counts[i]),
            DIALECTS[DIALECT_NAMES[i % 4]],
            styles[i % 4 if i % 7 else 2],
            f"{name}: åben rådgivning",
        )  # Danish letters, but nothing DuckDB's latin-1 reader refuses (bench/)
        for i, (code, name, _) in enumerate(MUNICIPALITIES)
    ]


def per_quarter(total: int, quarter: int) -> int:
    """Courses starting in quarter `quarter` (0-based) out of `total` spread evenly over QUARTERS."""
    return total // QUARTERS + (quarter < total % QUARTERS)


class Citizens:
    """Deterministic synthetic citizen ids: citizen j of a municipality, cheap to recompute, unique per j."""

    # DDMMYY of every birth day, and the CPR office's century digit (7th digit: 0-3 for 1900-1999, 4 from 2000)
    _DDMMYY = [(FIRST_BIRTH + dt.timedelta(days=d)).strftime("%d%m%y") for d in range(CPR_DAYS)]
    _FROM_2000 = (dt.date(2000, 1, 1) - FIRST_BIRTH).days

    def __init__(self, site: Site):
        self.site = site
        self.pool = max(1, int(site.courses * CITIZENS_PER_COURSE))

    def birth(self, j: np.ndarray) -> np.ndarray:
        # spread over the birth days; site.index shifts the municipalities apart
        return (j * 7919 + self.site.index * 104729) % CPR_DAYS

    def ids(self, j: np.ndarray) -> list[str]:
        if self.site.id_style == "pseudonym":
            return [f"PS{self.site.kommunekode}X{jj:08d}" for jj in j.tolist()]
        dash = "-" if self.site.id_style == "cpr_dash" else ""
        births = self.birth(j).tolist()
        serial = ((j // CPR_DAYS) % 1000).tolist()  # unique (birth day, serial) per j up to CPR_DAYS * 1000
        table, from_2000 = self._DDMMYY, self._FROM_2000
        return [
            f"{table[b]}{dash}{4 if b >= from_2000 else jj % 4}{s:03d}"
            for b, s, jj in zip(births, serial, j.tolist(), strict=True)
        ]

    def birth_years(self, j: np.ndarray) -> np.ndarray:
        born = np.datetime64(FIRST_BIRTH.isoformat(), "D") + self.birth(j)
        return born.astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass
class Block:
    """One block of courses of a (municipality, start quarter), with everything attached to them."""

    site: Site
    quarter: int
    first: int  # number of the block's first course within its (municipality, quarter)
    n: int
    citizen: np.ndarray
    paragraph: np.ndarray
    access: np.ndarray
    format: np.ndarray
    show_birth_year: np.ndarray
    start: np.ndarray  # day numbers since EPOCH
    end: np.ndarray
    end_quarter: np.ndarray
    end_reason: np.ndarray
    broken: np.ndarray  # 0 fine, 1 bad date, 2 unknown paragraph
    has_shadow: np.ndarray
    shadow_paragraph: np.ndarray
    shadow_hours: np.ndarray
    shadow_cost_given: np.ndarray
    services: np.ndarray  # 0-2 per course
    service_offset: np.ndarray  # (n, 2) days from the course's end to the service's start
    service_paragraph: np.ndarray  # (n, 2)
    service_hours: np.ndarray  # (n, 2)
    service_cost_given: np.ndarray  # (n, 2)
    steps: np.ndarray  # number of milestone steps reached (0 = not in the programme)
    step_gap: np.ndarray  # (n, len(STEPS)) days between steps
    first_of_citizen: np.ndarray  # the block's first course of its citizen: the one milestones are written for

    def course_id(self, i: int) -> str:
        return f"F{self.site.kommunekode}-{quarter_name(self.quarter)}-{self.first + i:06d}"


def draw_block(seed: int, site: Site, citizens: Citizens, quarter: int, block: int) -> Block:
    """Block `block` of the courses starting in `quarter` at `site`: the same draws every time it is asked for."""
    total = per_quarter(site.courses, quarter % QUARTERS)
    first = block * BLOCK
    n = max(0, min(BLOCK, total - first))
    rng = np.random.default_rng([seed, site.index, quarter, block])
    q_first, q_last = quarter_bounds(quarter)
    start = q_first + rng.integers(0, q_last - q_first + 1, n)
    length = np.minimum(rng.geometric(1 / 75, n) - 1, 300)
    end = start + length
    end_quarter = np.minimum(quarter_index(end), quarter + MAX_QUARTERS_OPEN)
    citizen = rng.integers(0, citizens.pool, n)
    _, first_seen = np.unique(citizen, return_index=True)
    first_of_citizen = np.zeros(n, dtype=bool)
    first_of_citizen[first_seen] = True
    broken = np.where(rng.integers(0, BROKEN_EVERY, n) == 0, rng.integers(1, 3, n), 0)
    return Block(
        site=site,
        quarter=quarter,
        first=first,
        n=n,
        citizen=citizen,
        paragraph=rng.choice(2, n, p=(0.6, 0.4)),
        access=rng.choice(2, n, p=(0.7, 0.3)),
        format=rng.choice(3, n, p=(0.5, 0.3, 0.2)),
        show_birth_year=rng.random(n) < 0.7,
        start=start,
        end=end,
        end_quarter=end_quarter,
        end_reason=rng.choice(len(END_REASONS), n, p=END_WEIGHTS),
        broken=broken,
        has_shadow=rng.random(n) < 0.8,
        shadow_paragraph=rng.choice(len(SHADOW_PARAGRAPHS), n, p=SHADOW_WEIGHTS),
        shadow_hours=rng.integers(2, 21, n) / 2,
        shadow_cost_given=rng.random(n) < 0.5,
        services=rng.choice(3, n, p=(0.5, 0.35, 0.15)),
        service_offset=rng.integers(-200, 201, (n, 2)),
        service_paragraph=rng.choice(len(SERVICE_PARAGRAPHS), (n, 2), p=SERVICE_WEIGHTS),
        service_hours=rng.integers(2, 31, (n, 2)) / 2,
        service_cost_given=rng.random((n, 2)) < 0.5,
        steps=np.searchsorted(-np.array(STEP_SHARE), -rng.random(n), side="right") * (rng.random(n) < 0.5),
        step_gap=rng.integers(0, 60, (n, len(STEPS))),
        first_of_citizen=first_of_citizen,
    )


def blocks(seed: int, site: Site, citizens: Citizens, quarter: int) -> Iterator[Block]:
    total = per_quarter(site.courses, quarter % QUARTERS)
    for block in range((total + BLOCK - 1) // BLOCK):
        yield draw_block(seed, site, citizens, quarter, block)


class Formatter:
    """Cells as the municipality's dialect writes them; dates from a table made once per dialect."""

    def __init__(self, dialect: Dialect):
        self.dialect = dialect
        self.dates = [(EPOCH + dt.timedelta(days=d)).strftime(dialect.date_format) for d in range(DAYS)]

    def number(self, value: float) -> str:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if self.dialect.decimal_comma else text


class Writer:
    """The four files of one (quarter, municipality), each in the municipality's column order and dialect."""

    def __init__(self, folder: Path, site: Site, seed: int):
        self.handles, self.writers, self.orders = {}, {}, {}
        self.rows = 0
        dialect = site.dialect
        for table in TABLES:
            order = column_order(table, site.kommunekode, seed)
            header = [dialect.header_case(DANISH_NAMES.get(c, c) if dialect.danish else c) for c in order]
            handle = open(
                folder / f"{site.kommunekode}_{table}.csv",
                "w",
                encoding=dialect.encoding,  # noqa: SIM115
                newline="",
            )
            writer = csv.writer(handle, delimiter=dialect.delimiter, lineterminator=dialect.newline)
            writer.writerow(header)
            self.handles[table], self.writers[table], self.orders[table] = handle, writer, order

    def write(self, table: str, rows: list[dict[str, str]]) -> None:
        order = self.orders[table]
        self.writers[table].writerows([row.get(c, "") for c in order] for row in rows)
        self.rows += len(rows)

    def close(self) -> None:
        for handle in self.handles.values():
            handle.close()


def course_rows(
    block: Block, citizens: Citizens, ids: list[str], fmt: Formatter, ended_only: bool, quarter: int
) -> list[dict]:
    """The block's courses as delivered in `quarter`: new ones (open or ended), or (ended_only) those ending now."""
    dates = fmt.dates
    birth_years = citizens.birth_years(block.citizen).tolist()
    rows = []
    for i in range(block.n):
        ended = block.end_quarter[i] == quarter
        if ended_only and not ended:
            continue
        row = {
            "course_id": block.course_id(i),
            "citizen_id": ids[i],
            "offer": block.site.offer,
            "paragraph": PARAGRAPHS[block.paragraph[i]],
            "access": ACCESS[block.access[i]],
            "format": FORMATS[block.format[i]],
            "birth_year": str(birth_years[i]) if block.show_birth_year[i] or block.site.id_style == "pseudonym" else "",
            "start_date": dates[block.start[i]],
        }
        if ended:
            row["end_date"] = dates[block.end[i]]
            row["end_reason"] = END_REASONS[block.end_reason[i]]
        if block.broken[i] == 1:
            row["start_date"] = "2021-02-31"  # no such day, in any of the date formats
        elif block.broken[i] == 2:
            row["paragraph"] = "82c"
        rows.append(row)
    return rows


def shadow_rows(block: Block, fmt: Formatter) -> list[dict]:
    rows = []
    for i in np.flatnonzero(block.has_shadow).tolist():
        paragraph = SHADOW_PARAGRAPHS[block.shadow_paragraph[i]]
        row = {"course_id": block.course_id(i), "shadow_paragraph": paragraph}
        if paragraph != "none":
            if paragraph in HOURLY:
                row["shadow_hours_per_week"] = fmt.number(block.shadow_hours[i])
            if block.shadow_cost_given[i] or paragraph not in HOURLY:
                row["shadow_annual_cost_dkk"] = fmt.number(float(20_000 + 1000 * (i % 300)))
        rows.append(row)
    return rows


def service_rows(block: Block, ids: list[str], fmt: Formatter, quarter: int) -> list[dict]:
    """Services of the block's courses that end in `quarter`, delivered with the ended course."""
    rows = []
    for i in np.flatnonzero((block.end_quarter == quarter) & (block.services > 0)).tolist():
        for k in range(block.services[i]):
            paragraph = SERVICE_PARAGRAPHS[block.service_paragraph[i, k]]
            start = int(block.end[i] + block.service_offset[i, k])
            row = {
                "service_id": f"{block.course_id(i)}-S{k}",
                "citizen_id": ids[i],
                "paragraph": paragraph,
                "start_date": fmt.dates[start],
                "end_date": fmt.dates[start + 180] if k == 0 else "",
            }
            if paragraph in HOURLY:
                row["hours_per_week"] = fmt.number(block.service_hours[i, k])
            if block.service_cost_given[i, k] or paragraph not in HOURLY:
                row["annual_cost_dkk"] = fmt.number(float(30_000 + 1000 * ((i + k) % 400)))
            rows.append(row)
    return rows


def milestone_rows(block: Block, ids: list[str], fmt: Formatter) -> list[dict]:
    rows = []
    for i in np.flatnonzero((block.steps > 0) & block.first_of_citizen).tolist():
        day = int(block.start[i])
        for step in range(block.steps[i]):
            day += int(block.step_gap[i, step])
            rows.append({"programme": PROGRAMME, "citizen_id": ids[i], "step": STEPS[step], "date": fmt.dates[day]})
    return rows


def write_delivery(out: Path, seed: int, site: Site, citizens: Citizens, quarter: int, fmt: Formatter) -> int:
    """The files of `site` for `quarter`: new courses and their shadow rows and milestones, and the earlier
    quarters' courses that end in this one with their services. Returns the rows written."""
    folder = out / quarter_name(quarter)
    folder.mkdir(parents=True, exist_ok=True)
    writer = Writer(folder, site, seed)
    try:
        for earlier in range(max(0, quarter - MAX_QUARTERS_OPEN), quarter + 1):
            for block in blocks(seed, site, citizens, earlier):
                ids = citizens.ids(block.citizen)
                if earlier == quarter:
                    writer.write("courses", course_rows(block, citizens, ids, fmt, False, quarter))
                    writer.write("shadow", shadow_rows(block, fmt))
                    writer.write("milestones", milestone_rows(block, ids, fmt))
                elif (block.end_quarter == quarter).any():
                    writer.write("courses", course_rows(block, citizens, ids, fmt, True, quarter))
                writer.write("services", service_rows(block, ids, fmt, quarter))
    finally:
        writer.close()
    return writer.rows


def generate(
    out: Path,
    n_courses: int,
    seed: int,
    quarters: range = range(QUARTERS),
    municipalities: set[str] | None = None,
    progress: bool = True,
) -> tuple[int, int]:
    """Write the drops for `quarters` (indices; 20 = 2023Q1 and on are extra quarters past the usual 20) of the
    given municipalities (default: all 98). Returns (files, rows)."""
    chosen = [s for s in sites(n_courses) if municipalities is None or s.kommunekode in municipalities]
    formatters: dict[Dialect, Formatter] = {}
    total, rows, done, started, shown = len(chosen) * len(quarters), 0, 0, time.monotonic(), 0.0
    for site in chosen:
        if site.dialect not in formatters:
            formatters[site.dialect] = Formatter(site.dialect)
        fmt = formatters[site.dialect]
        citizens = Citizens(site)
        for quarter in quarters:
            rows += write_delivery(out, seed, site, citizens, quarter, fmt)
            done += 1
            elapsed = time.monotonic() - started
            # a counter on stderr, redrawn at most twice a second: a log file gets a few lines, not thousands
            if progress and (elapsed - shown >= 0.5 or done == total):
                shown = elapsed
                print(
                    f"\revalkit synth --scale: {done}/{total} deliveries, {rows:,} rows, {elapsed:.0f} s",
                    end="" if done < total else "\n",
                    file=sys.stderr,
                    flush=True,
                )
    return done * len(TABLES), rows
