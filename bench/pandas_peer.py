"""The benchmark's peer: the figure families computed with pandas, from the raw CSV drops or from evalkit's Parquet.

A straightforward, idiomatic pandas implementation of the definitions in docs/figure_tables.md, written to be read
rather than tuned, in two versions:

* `--raw RAW_DIR`: what an evaluator's own script would do. Read every file of every quarter (the encoding and
  separator sniffed from each file, Danish headers mapped), check each cell the way the contract describes (dates in
  the three formats, decimal commas, codes, required cells, a CPR number's birth date, end before start, keys
  repeated in a file) and drop the rows that fail, keep each key's newest version across quarters, then compute
  completion, referral_onward and shadow_savings. Citizen ids stay as delivered (no pseudonymisation; the CPR
  numbers are only ever in memory), a citizen identified by municipality and id.
* `--processed PROCESSED_DIR`: from evalkit's own per-quarter Parquet files (validated and pseudonymised already):
  the newest version of each key, then every family the scale drops (evalkit synth --scale) have data for:
  completion, referral_onward, services_before_after, course_length, age, funnel, shadow_savings and
  paragraph_counts.

`compare` checks its numbers against evalkit's results/tables, so the timing compares two ways to the same figures.

    python bench/pandas_peer.py --config CONFIG (--raw RAW_DIR | --processed PROCESSED_DIR) [--check TABLES_DIR]
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ALL = "all"
Z = 1.959963984540054
KEYS = {
    "courses": ["kommunekode", "course_id"],
    "services": ["kommunekode", "service_id"],
    "shadow": ["kommunekode", "course_id"],
    "milestones": ["kommunekode", "programme", "citizen_key", "step"],
}
CITIZEN_TABLES = ("courses", "services", "milestones")
AGE_BANDS = ["under_18", "18_29", "30_39", "40_49", "50_59", "60_plus", "unknown"]


def load(processed: Path) -> dict[str, pd.DataFrame]:
    """Every contract table the scale drops fill, newest quarter's version of each key."""
    quarters = sorted((processed / "quarters").iterdir())
    tables = {}
    for name, key in KEYS.items():
        frame = pd.concat([pd.read_parquet(q / f"{name}.parquet") for q in quarters], ignore_index=True)
        for column in ("start_date", "end_date", "date"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
        tables[name] = frame.sort_values("quarter", kind="stable").drop_duplicates(key, keep="last")
    log = pd.concat([pd.read_parquet(q / "ingest_log.parquet") for q in quarters], ignore_index=True)
    tables["municipalities"] = sorted(set(log["kommunekode"]).union(*(set(t["kommunekode"]) for t in tables.values())))
    return tables


# --- from the raw CSV drops ------------------------------------------------------------------------------------

RAW_TABLES = ("courses", "services", "shadow", "milestones")
# Header names as municipalities write them (English or Danish, any case) -> the contract's column names.
HEADER_NAMES = {
    "forloeb_id": "course_id",
    "cpr": "citizen_id",
    "cpr_nr": "citizen_id",
    "borger_id": "citizen_id",
    "tilbud": "offer",
    "paragraf": "paragraph",
    "adgang": "access",
    "form": "format",
    "foedselsaar": "birth_year",
    "startdato": "start_date",
    "slutdato": "end_date",
    "afslutningsaarsag": "end_reason",
    "indsats_id": "service_id",
    "timer_pr_uge": "hours_per_week",
    "aarlig_udgift": "annual_cost_dkk",
    "skyggeparagraf": "shadow_paragraph",
    "program": "programme",
    "trin": "step",
    "dato": "date",
}
REQUIRED = {
    "courses": ["course_id", "citizen_id", "paragraph", "start_date"],
    "services": ["service_id", "citizen_id", "paragraph", "start_date"],
    "shadow": ["course_id", "shadow_paragraph"],
    "milestones": ["programme", "citizen_id", "step", "date"],
}
CODES = {
    "paragraph": ("82a", "82b"),
    "access": ("open", "decision"),
    "format": ("individual", "group", "adhoc"),
    "end_reason": ("completed", "dropped_out", "moved", "referred", "other"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
NUMBERS = ("birth_year", "hours_per_week", "annual_cost_dkk", "shadow_hours_per_week", "shadow_annual_cost_dkk")


def header_name(cell: str) -> str:
    name = cell.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    name = "_".join(name.replace("-", " ").split())
    return HEADER_NAMES.get(name, name)


def read_file(path: Path) -> pd.DataFrame:
    """One delivered file as text cells under the contract's column names: UTF-8 (with or without a byte order
    mark) or else Windows-1252, the separator the one most used in the header."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    header = text.split("\n", 1)[0]
    separator = max(";,\t", key=header.count)
    frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    frame.columns = [header_name(c) for c in frame.columns]
    return frame


def parse_dates(cells: pd.Series) -> pd.Series:
    parsed = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        parsed = parsed.fillna(pd.to_datetime(cells, format=fmt, errors="coerce"))
    return parsed


def cpr_birth(digits: pd.Series) -> pd.Series:
    """The birth date of ten-digit CPR numbers (NaT where the first six digits are no date), the century from
    the seventh digit by the CPR office's rule."""
    yy = pd.to_numeric(digits.str[4:6], errors="coerce")
    seventh = digits.str[6]
    century = np.select(
        [seventh.isin(list("0123")), seventh.isin(list("49")) & (yy <= 36), seventh.isin(list("49"))],
        [1900, 2000, 1900],
        np.where(yy <= 57, 2000, 1800),
    )
    year = (yy + century).astype("Int64").astype(str)
    return pd.to_datetime(digits.str[:4] + year, format="%d%m%Y", errors="coerce")


def validate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that pass every check, their cells typed; the others dropped."""
    frame = frame.fillna("").apply(lambda column: column.str.strip())
    bad = pd.Series(False, index=frame.index)
    for column in REQUIRED[name]:
        bad |= frame[column].eq("")
    for column in [c for c in frame.columns if c in CODES]:
        codes = CODES[column] if not (name == "services" and column == "paragraph") else None
        cells = frame[column].str.lower().str.replace("§", "").str.replace(" ", "")
        if codes:
            bad |= cells.ne("") & ~cells.isin(codes)
        frame[column] = cells.replace("", None)
    if "shadow_paragraph" in frame:
        cells = frame.shadow_paragraph.str.lower().str.replace("§", "").str.replace(" ", "")
        frame["shadow_paragraph"] = cells.replace("ingen", "none")
    for column in [c for c in ("start_date", "end_date", "date") if c in frame]:
        parsed = parse_dates(frame[column])
        bad |= frame[column].ne("") & (parsed.isna() | ~parsed.dt.year.between(1900, 2100))
        frame[column] = parsed
    for column in [c for c in NUMBERS if c in frame]:
        cells = frame[column].str.replace(" ", "").str.replace(",", ".")
        parsed = pd.to_numeric(cells.replace("", None), errors="coerce")
        bad |= frame[column].ne("") & (parsed.isna() | (parsed < 0))
        frame[column] = parsed
    if "citizen_id" in frame:
        # a CPR number (with or without its dash) must carry a real birth date; other ids are taken as delivered
        digits = frame.citizen_id.str.replace("-", "")
        is_cpr = digits.str.fullmatch(r"[0-9]{10}")
        born = cpr_birth(digits.where(is_cpr))
        bad |= is_cpr & born.isna()
        frame["citizen_key"] = digits.where(is_cpr, frame.citizen_id)
        if "birth_year" in frame:
            frame["birth_year"] = frame.birth_year.fillna(born.dt.year)
    if "end_date" in frame and "start_date" in frame:
        bad |= frame.end_date < frame.start_date
    if "end_reason" in frame:
        bad |= frame.end_reason.isna() != frame.end_date.isna()
    frame = frame[~bad]
    # a key twice in one file: identical rows are one row, different ones cannot be told apart and are dropped
    key = ["quarter", *KEYS[name]]
    frame = frame.drop_duplicates()
    return frame[~frame.duplicated(key, keep=False)]


def load_raw(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Every file of every quarter folder, checked, newest quarter's version of each key."""
    files: dict[str, list[pd.DataFrame]] = {name: [] for name in RAW_TABLES}
    municipalities = set()
    for path in sorted(raw_dir.glob("*/*.csv")):
        kommunekode, name = path.stem.split("_", 1)
        municipalities.add(kommunekode)
        if name in files:
            files[name].append(read_file(path).assign(kommunekode=kommunekode, quarter=path.parent.name))
    tables: dict = {}
    for name, frames in files.items():
        frame = validate(name, pd.concat(frames, ignore_index=True))
        tables[name] = frame.sort_values("quarter", kind="stable").drop_duplicates(KEYS[name], keep="last")
    tables["municipalities"] = sorted(municipalities)
    return tables


def scoped(frame: pd.DataFrame, municipalities: list[str]) -> pd.DataFrame:
    """Each row once for its municipality and once for `all`; citizens identified within their municipality."""
    frame = frame[frame["kommunekode"].isin(municipalities)]
    if "citizen_key" in frame:
        frame = frame.assign(citizen=frame["kommunekode"] + "|" + frame["citizen_key"])
    return pd.concat([frame.assign(scope=frame["kommunekode"]), frame.assign(scope=ALL)], ignore_index=True)


def wilson(k: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    k, n = k.astype(float), n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (k + Z * Z / 2) / (n + Z * Z)
        half = Z * np.sqrt(n) / (n + Z * Z) * np.sqrt((k / n) * (1 - k / n) + Z * Z / (4 * n))
    valid = (n > 0) & (k >= 0) & (k <= n)
    low = (centre - half).where(k != 0, 0.0).where(valid)
    high = (centre + half).where(k != n, 1.0).where(valid)
    return low, high


def add_rate(
    frame: pd.DataFrame, name: str, numerator: str, denominator: str, ci: tuple[str, str] = ("ci_low", "ci_high")
) -> pd.DataFrame:
    frame[name] = frame[numerator] / frame[denominator].replace(0, np.nan)
    frame[ci[0]], frame[ci[1]] = wilson(frame[numerator], frame[denominator])
    return frame


def per_scope(parts: dict[str, pd.Series], scopes: list[str]) -> pd.DataFrame:
    """Measures indexed by scope as columns, a row for every scope (zeros where a measure has nothing)."""
    return pd.DataFrame(parts).reindex(scopes).fillna(0).rename_axis("kommunekode").reset_index()


class Report:
    def __init__(self, entry: dict, tables: dict):
        self.id = entry["id"]
        wanted = entry["municipalities"]
        self.municipalities = tables["municipalities"] if wanted == ALL else [f"{int(m):03d}" for m in wanted]
        self.scopes = [*self.municipalities, ALL]
        self.start = pd.Timestamp(entry["period"]["start"])
        self.end = pd.Timestamp(entry["period"]["end"])
        self.follow_up = pd.Timestamp(entry.get("follow_up_until") or entry["period"]["end"])
        self.funnel = entry.get("funnel")
        self.courses = scoped(tables["courses"], self.municipalities)
        self.services = scoped(tables["services"], self.municipalities)
        self.shadow = scoped(tables["shadow"], self.municipalities)
        self.milestones = scoped(tables["milestones"], self.municipalities)
        c = self.courses
        self.period_courses = c[(c.start_date <= self.end) & (c.end_date.isna() | (c.end_date >= self.start))]
        self.ended = c[(c.start_date <= c.end_date) & c.end_date.between(self.start, self.end)]
        # every (ended course, service of the same citizen and municipality) pair, timed against the course
        pairs = self.ended[["scope", "citizen", "course_id", "end_date"]].merge(
            self.services[
                [
                    "scope",
                    "citizen",
                    "kommunekode",
                    "service_id",
                    "paragraph",
                    "start_date",
                    "hours_per_week",
                    "annual_cost_dkk",
                ]
            ],
            on=["scope", "citizen"],
        )
        pairs["timing"] = np.where(
            pairs.start_date <= pairs.end_date,
            "before_during",
            np.where(pairs.start_date <= self.follow_up, "after", None),
        )
        self.pairs = pairs


def completion(r: Report) -> pd.DataFrame:
    p, e = r.period_courses, r.ended
    first_end = r.courses.groupby(["scope", "citizen"]).end_date.min().rename("first_end")
    p = p.join(first_end, on=["scope", "citizen"])
    returning = p[p.first_end < p.start_date]
    out = per_scope(
        {
            "ended": e.groupby("scope").size(),
            "completed": e[e.end_reason == "completed"].groupby("scope").size(),
            "citizens_with_course": p.groupby("scope").citizen.nunique(),
            "ended_citizens": e.groupby("scope").citizen.nunique(),
            "returning_citizens": returning.groupby("scope").citizen.nunique(),
            **{
                f"{f}_citizens": p[p.format == f].groupby("scope").citizen.nunique()
                for f in ("adhoc", "group", "individual")
            },
        },
        r.scopes,
    )
    out["active_citizens"] = out.citizens_with_course - out.ended_citizens
    out["first_course_start"] = out.kommunekode.map(r.courses.groupby("scope").start_date.min().dt.strftime("%Y-%m-%d"))
    return add_rate(out, "rate", "completed", "ended")


def referral_onward(r: Report) -> pd.DataFrame:
    visited = r.pairs[r.pairs.timing == "after"]
    out = per_scope(
        {
            "ended_citizens": r.ended.groupby("scope").citizen.nunique(),
            "later_visited": visited.groupby("scope").citizen.nunique(),
        },
        r.scopes,
    )
    return add_rate(out, "share", "later_visited", "ended_citizens")


def services_before_after(r: Report) -> pd.DataFrame:
    pairs = r.pairs[r.pairs.timing.notna()]
    pairs = pd.concat([pairs, pairs.assign(paragraph=ALL)])
    before, after = pairs[pairs.timing == "before_during"], pairs[pairs.timing == "after"]
    by = ["scope", "paragraph"]
    out = pd.DataFrame(
        {
            "before_during": before.groupby(by).size(),
            "after": after.groupby(by).size(),
            "citizens_before_during": before.groupby(by).citizen.nunique(),
            "citizens_after": after.groupby(by).citizen.nunique(),
        }
    )
    full = pd.MultiIndex.from_product([r.scopes, sorted(set(pairs.paragraph))], names=["scope", "paragraph"])
    return out.reindex(full).fillna(0).rename_axis(["kommunekode", "paragraph"]).reset_index()


def course_length(r: Report) -> pd.DataFrame:
    e = r.ended.assign(days=(r.ended.end_date - r.ended.start_date).dt.days)
    g = e.groupby("scope").days
    out = per_scope(
        {
            "ended": g.size(),
            "d0_30": e[e.days <= 30].groupby("scope").size(),
            "d31_91": e[e.days.between(31, 91)].groupby("scope").size(),
            "d92_183": e[e.days.between(92, 183)].groupby("scope").size(),
            "d184_plus": e[e.days > 183].groupby("scope").size(),
        },
        r.scopes,
    )
    out["mean_days"] = out.kommunekode.map(g.mean())
    out["median_days"] = out.kommunekode.map(g.median())
    return out


def age(r: Report) -> pd.DataFrame:
    # exact where the ingest had a CPR number, else the age reached in the end date's calendar year
    by_year = r.ended.end_date.dt.year - r.ended.birth_year
    e = r.ended.assign(age=r.ended.age_at_end.astype(float).fillna(by_year.astype(float)))
    bins = pd.cut(e.age, [0, 18, 30, 40, 50, 60, np.inf], right=False, labels=AGE_BANDS[:-1])
    e["age_band"] = bins.astype(object).where(e.age.notna() & (e.age >= 0), "unknown")
    latest = e.sort_values(["end_date", "course_id"], ascending=False).drop_duplicates(["scope", "citizen"])
    out = pd.DataFrame(
        {"citizens": latest.groupby(["scope", "age_band"]).size(), "courses": e.groupby(["scope", "age_band"]).size()}
    )
    full = pd.MultiIndex.from_product([r.scopes, AGE_BANDS], names=["scope", "age_band"])
    return out.reindex(full).fillna(0).rename_axis(["kommunekode", "age_band"]).reset_index()


def funnel(r: Report) -> pd.DataFrame:
    if not r.funnel:
        return pd.DataFrame()
    order = {step: i for i, step in enumerate(r.funnel["steps"], start=1)}
    m = r.milestones
    m = m[(m.programme == r.funnel["programme"]) & (m.date <= r.end) & m.step.isin(list(order))]
    m = m.assign(step_order=m.step.map(order)).sort_values(["scope", "citizen", "step_order"])
    g = m.groupby(["scope", "citizen"])
    m["steps_so_far"] = g.cumcount() + 1
    m["previous_order"] = g.step_order.shift()
    m["days"] = (m.date - g.date.shift()).dt.days
    with_previous = m[m.previous_order == m.step_order - 1]
    out = pd.DataFrame(
        {
            "citizens": m.groupby(["scope", "step_order"]).size(),
            "citizens_through": m[m.steps_so_far == m.step_order].groupby(["scope", "step_order"]).size(),
            "citizens_with_previous": with_previous.groupby(["scope", "step_order"]).size(),
            "mean_days_from_previous": with_previous.groupby(["scope", "step_order"]).days.mean(),
        }
    )
    full = pd.MultiIndex.from_product([r.scopes, list(order.values())], names=["scope", "step_order"])
    out = out.reindex(full)
    counts = ["citizens", "citizens_through", "citizens_with_previous"]
    out[counts] = out[counts].fillna(0)
    out = out.rename_axis(["kommunekode", "step_order"]).reset_index()
    out["step"] = out.step_order.map({i: s for s, i in order.items()})
    by_scope = out.groupby("kommunekode").citizens
    out["first_step_citizens"] = by_scope.transform("first")
    out["previous_step_citizens"] = by_scope.shift()
    add_rate(out, "share_of_first", "citizens", "first_step_citizens")
    return add_rate(
        out, "share_of_previous", "citizens", "previous_step_citizens", ("ci_low_previous", "ci_high_previous")
    )


def unit_prices(path: Path, year: int) -> pd.DataFrame:
    costs = pd.read_csv(path, dtype={"paragraph": str})
    costs["paragraph"] = costs.paragraph.str.lower().str.replace("§", "").str.replace(" ", "")
    costs = costs[costs.price_year <= year].sort_values("price_year")
    return costs.drop_duplicates(["paragraph", "unit"], keep="last").pivot(
        index="paragraph", columns="unit", values="price_dkk"
    )


def priced(rows: pd.DataFrame, prices: pd.DataFrame) -> pd.Series:
    hourly = rows.paragraph.map(prices.get("hour", pd.Series(dtype=float)))
    yearly = rows.paragraph.map(prices.get("year", pd.Series(dtype=float)))
    return rows.own_cost.fillna(rows.hours_per_week * 52 * hourly).fillna(yearly)


def shadow_savings(r: Report, unit_costs: Path) -> pd.DataFrame:
    prices = unit_prices(unit_costs, r.end.year)
    shadow = r.shadow.merge(
        r.ended[["scope", "kommunekode", "course_id", "citizen"]], on=["scope", "kommunekode", "course_id"]
    )
    registered = set(shadow.kommunekode)  # an ended course with any shadow row, `none` included
    shadow = shadow[shadow.shadow_paragraph != "none"].rename(
        columns={
            "shadow_paragraph": "paragraph",
            "shadow_hours_per_week": "hours_per_week",
            "shadow_annual_cost_dkk": "own_cost",
        }
    )
    shadow["cost"] = priced(shadow, prices)
    later = r.pairs[r.pairs.timing == "after"].drop_duplicates(["scope", "kommunekode", "service_id"])
    later = later.rename(columns={"annual_cost_dkk": "own_cost"})
    later["cost"] = priced(later, prices)
    out = per_scope(
        {
            "ended": r.ended.groupby("scope").size(),
            "ended_citizens": r.ended.groupby("scope").citizen.nunique(),
            "shadow_visited": shadow.groupby("scope").citizen.nunique(),
            "shadow_cost_dkk": shadow.groupby("scope").cost.sum(),
            "actually_visited": later.groupby("scope").citizen.nunique(),
            "actual_cost_dkk": later.groupby("scope").cost.sum(),
            "unpriced_shadow": shadow[shadow.cost.isna()].groupby("scope").size(),
            "unpriced_services": later[later.cost.isna()].groupby("scope").size(),
            "measured_actual_cost_dkk": later[later.kommunekode.isin(registered)].groupby("scope").cost.sum(),
            "shadow_municipalities": shadow_scopes(r, registered),
        },
        r.scopes,
    )
    measured = out.shadow_municipalities > 0  # the gain only where shadow visitation was registered
    for column in ("shadow_cost_dkk", "measured_actual_cost_dkk"):
        out[column] = out[column].where(measured)
    out["annual_gain_dkk"] = out.shadow_cost_dkk - out.measured_actual_cost_dkk
    out["unpriced_rows"] = out.pop("unpriced_shadow") + out.pop("unpriced_services")
    return out


def shadow_scopes(r: Report, registered: set[str]) -> pd.Series:
    """Per scope, the municipalities that registered shadow visitation."""
    counts = {k: int(k in registered) for k in r.municipalities}
    return pd.Series({**counts, ALL: sum(counts.values())})


def paragraph_counts(r: Report) -> pd.DataFrame:
    p = r.period_courses
    return per_scope(
        {
            "citizens_82a": p[p.paragraph == "82a"].groupby("scope").citizen.nunique(),
            "citizens_82b": p[p.paragraph == "82b"].groupby("scope").citizen.nunique(),
            "citizens": p.groupby("scope").citizen.nunique(),
        },
        r.scopes,
    )


FAMILIES = {
    "completion": completion,
    "referral_onward": referral_onward,
    "services_before_after": services_before_after,
    "course_length": course_length,
    "age": age,
    "funnel": funnel,
    "paragraph_counts": paragraph_counts,
    "shadow_savings": shadow_savings,
}
KEY_COLUMNS = {"services_before_after": ["paragraph"], "age": ["age_band"], "funnel": ["step"]}


# What the script from the raw CSVs computes: the headline figures.
RAW_FAMILIES = ("completion", "referral_onward", "shadow_savings")


def compute(
    config: dict, processed: Path | None = None, raw: Path | None = None, phases: dict[str, float] | None = None
) -> dict[str, pd.DataFrame]:
    """Every family for every report of the config, from evalkit's Parquet (`processed`) or, the headline
    families only, from the raw drops (`raw`): {family: frame with report, kommunekode, ...}. `phases` gets the
    seconds spent loading (reading, checks and newest-wins) and computing the families."""
    start = time.perf_counter()
    tables = load_raw(raw) if raw else load(processed)
    loaded = time.perf_counter()
    unit_costs = Path(config["unit_costs"])
    families = {name: FAMILIES[name] for name in (RAW_FAMILIES if raw else FAMILIES)}
    out: dict[str, list[pd.DataFrame]] = {name: [] for name in families}
    for entry in config["reports"]:
        report = Report(entry, tables)
        for name, family in families.items():
            frame = family(report, unit_costs) if name == "shadow_savings" else family(report)
            out[name].append(frame.assign(report=report.id))
    result = {name: pd.concat(frames, ignore_index=True) for name, frames in out.items()}
    if phases is not None:
        phases |= {"load": loaded - start, "families": time.perf_counter() - loaded}
    return result


def known_difference(family: str, column: str, mine: object, theirs: object) -> bool:
    """Where evalkit departs from docs/figure_tables.md and the peer follows the document (reported upstream).

    A funnel's first step has no previous step, so its share_of_previous and interval are empty; where the first
    step also has no citizens, evalkit's wilson_low(0, NULL) gives 0.0 instead (src/evalkit/stats.py: `NOT (n > 0
    ...)` is NULL, not true, when n is NULL, and the next branch, k = 0, answers 0.0).
    """
    return family == "funnel" and column == "ci_low_previous" and same(mine, float("nan")) and same(theirs, 0.0)


def compare(ours: dict[str, pd.DataFrame], tables_dir: Path) -> tuple[int, int]:
    """Check every value the peer computes against evalkit's figure table: (values compared, known differences)."""
    compared, known, mismatches = 0, 0, []
    for name, frame in ours.items():
        theirs = pd.read_csv(
            tables_dir / f"{name}.csv", dtype={"kommunekode": str}, keep_default_na=False, na_values=[""]
        )
        keys = ["report", "kommunekode", *KEY_COLUMNS.get(name, [])]
        if frame.empty:
            continue
        merged = frame.merge(theirs, on=keys, how="left", suffixes=("", "_evalkit"), indicator=True)
        missing = merged[merged._merge != "both"]
        mismatches += [f"{name}: no evalkit row for {row}" for row in missing[keys].to_dict("records")[:5]]
        for column in [c for c in frame.columns if c not in keys and f"{c}_evalkit" in merged]:
            for key, mine, other in zip(
                merged[keys].itertuples(index=False), merged[column], merged[f"{column}_evalkit"], strict=True
            ):
                compared += 1
                if known_difference(name, column, mine, other):
                    known += 1
                elif not same(mine, other):
                    mismatches.append(f"{name}.{column} {tuple(key)}: pandas {mine!r}, evalkit {other!r}")
    if mismatches:
        raise AssertionError(f"{len(mismatches)} values differ:\n" + "\n".join(mismatches[:20]))
    return compared, known


def same(a: object, b: object) -> bool:
    blank = [x is None or (isinstance(x, float) and math.isnan(x)) for x in (a, b)]
    if any(blank):
        return all(blank)
    if isinstance(a, str) or isinstance(b, str):
        return str(a) == str(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--processed", type=Path, help="evalkit's processed folder: its per-quarter Parquet files")
    source.add_argument("--raw", type=Path, help="the raw drops: <RAW>/<YYYYQN>/<kommunekode>_<table>.csv")
    parser.add_argument("--check", help="evalkit's results/tables folder: fail unless every value matches")
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.config).read_text(encoding="utf-8"))
    phases: dict[str, float] = {}
    result = compute(config, args.processed, args.raw, phases)
    print("pandas peer phases: " + " ".join(f"{name}={seconds:.4f}" for name, seconds in phases.items()))
    if args.check:
        compared, known = compare(result, Path(args.check))
        extra = f" (but {known} known differences: see known_difference)" if known else ""
        print(f"pandas peer: {compared - known} values equal to evalkit's{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
