"""Publication copies of the figure tables (contract section 8), masked together; no cell Excel would run.

Every published table of a run is one problem (evalkit.publish.problem): a count of 1-4 is written `<5`;
secondary suppression (evalkit.publish.suppression) writes `x` on more counts until no `<5` cell can be
narrowed from the others, the same mask wherever a count is printed; a rate and its interval whose numerator
or denominator is masked, and the other values a family ties to a count (`guarded`: a mean length over three
courses, the cost of two citizens' services), are blanked. The audit (evalkit.publish.audit) then proves it:
nothing is written unless no masked count of 1-4 can be narrowed. Zero is not masked.

A text cell that Excel would read as a formula (`=`, `+`, `-`, `@` first) is never written as one: in a CSV it
gets a leading apostrophe (Excel's own "this is text" mark); the workbook stores it with the string type.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from evalkit.contract import MASK, SECONDARY_MASK
from evalkit.publish.audit import SHOWN, Range, audit, require_safe
from evalkit.publish.problem import Tables, build_problem
from evalkit.publish.suppression import Suppression, suppress
from evalkit.tables.files import write_csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPLANATION = {
    "da": f"{MASK}: 1-4 (borgere, forløb, indsatser eller henvendelser). {SECONDARY_MASK}: skjult, så et tal vist "
    f"som {MASK} ikke kan regnes ud af de øvrige tal. Tomt felt: en andel, et gennemsnit eller et beløb over et "
    "skjult tal.",
    "en": f"{MASK}: 1-4 (citizens, courses, services or contacts). {SECONDARY_MASK}: hidden, so that no count shown "
    f"as {MASK} can be worked out from the other figures. Empty: a share, mean or amount over a hidden count.",
}
AUDIT_HEADER = ("table", "row", "column", "lower", "upper")
STEPS = ("primary", "secondary", "derived")


@dataclass
class Publication:
    """The masked rows of every family, the audit's ranges and what each step masked."""

    rows: dict[str, list[list[str]]]
    ranges: list[Range]
    suppression: Suppression
    cells: dict[str, int]  # step -> cells masked or blanked: primary, secondary, derived
    by_family: dict[str, dict[str, int]]  # family -> step -> cells

    def summary(self) -> str:
        rounds = ", ".join(str(n) for n in self.suppression.secondary_per_round) or "0"
        return (
            f"{self.cells['primary']} counts shown as {MASK}; {self.cells['secondary']} more masked as "
            f"{SECONDARY_MASK} (per round: {rounds}); {self.cells['derived']} rates, intervals, means, medians "
            f"and amounts blanked with them; audit: {len(self.ranges)} masked cells, no count of 1-4 narrowed"
        )


def mask(tables: Tables, figures: Iterable[Mapping[str, str]] = ()) -> Publication:
    """Mask every published table together and audit the result (AuditFailed when a `<5` cell can be narrowed;
    RelationBroken when a declared relation does not hold on the tables). figures: the published figures the
    reproduction prints beside the tables (printed_elsewhere)."""
    problem = build_problem(tables, figures)
    suppression = suppress(problem)
    ranges = audit(problem, suppression.status)
    require_safe(ranges, tables.label)
    by_family: dict[str, dict[str, int]] = {}
    out: dict[str, list[list[str]]] = {}
    for name, family in tables.families.items():
        columns = tables.columns[name]
        out[name] = []
        cells = by_family[name] = dict.fromkeys(STEPS, 0)
        for i, row in enumerate(tables.rows[name]):
            masked = dict(row)
            hidden = set()
            for column in family.counts:
                cell = (name, i, column)
                if cell in problem.index:
                    symbol = suppression.status[problem.variable_of(cell)]
                    if symbol != SHOWN:
                        masked[column] = symbol
                        hidden.add(column)
                        cells["primary" if symbol == MASK else "secondary"] += 1
            blank = set()
            for numerator, denominator, derived in family.rates:
                if {numerator, denominator} & hidden:
                    blank.update(derived)
            for column, over in (family.guarded or {}).items():
                if hidden.intersection(over):
                    blank.add(column)
            for column in blank:
                if masked[column] != "":
                    cells["derived"] += 1
                masked[column] = ""
            out[name].append([masked[c] for c in columns])
    total = {step: sum(counts[step] for counts in by_family.values()) for step in STEPS}
    return Publication(out, ranges, suppression, total, by_family)


SUMMARY_TEXT = {
    "da": {
        "title": "Diskretion: maskering og revision af de offentliggjorte tabeller",
        "steps": "Maskerede celler pr. trin",
        "family": "Tabel",
        "primary": f"{MASK} (1-4)",
        "secondary": f"{SECONDARY_MASK} (sekundær)",
        "derived": "tomme (andele, intervaller, gennemsnit, beløb)",
        "total": "i alt",
        "audit": "Revision (lineær programmering): {n} maskerede celler; for hver celle vist som {mask} er det "
        "mindste og største tal, der passer med alt offentliggjort, 1 og 4, så en læser intet lærer ud over "
        "{mask}. Hver celle med sit interval: audit.csv.",
    },
    "en": {
        "title": "Publication safety: masking and audit of the published tables",
        "steps": "Cells masked per step",
        "family": "Table",
        "primary": f"{MASK} (1-4)",
        "secondary": f"{SECONDARY_MASK} (secondary)",
        "derived": "blanked (rates, intervals, means, amounts)",
        "total": "total",
        "audit": "Audit (linear programming): {n} masked cells; for every cell shown as {mask}, the smallest and "
        "largest value consistent with everything published are 1 and 4, so a reader learns nothing beyond "
        "{mask}. Every cell with its range: audit.csv.",
    },
}


def summary_markdown(publication: Publication, language: str = "da") -> str:
    """results/publish/README.md: what the symbols mean, what each step masked, what the audit found."""
    text = SUMMARY_TEXT[language]
    lines = [f"# {text['title']}", "", EXPLANATION[language], "", f"## {text['steps']}", ""]
    lines += [f"| {text['family']} | {' | '.join(text[step] for step in STEPS)} |", "|---|---:|---:|---:|"]
    for name, counts in publication.by_family.items():
        lines.append(f"| {name} | {' | '.join(str(counts[step]) for step in STEPS)} |")
    lines.append(f"| **{text['total']}** | {' | '.join(f'**{publication.cells[step]}**' for step in STEPS)} |")
    lines += ["", text["audit"].format(n=len(publication.ranges), mask=MASK), ""]
    return "\n".join(lines)


def audit_rows(tables: Tables, ranges: Iterable[Range]) -> list[tuple]:
    """audit.csv's rows: every `<5` cell, its row (report, kommunekode and key values) and its range."""
    return [
        (family, tables.row_key(family, row), column, _number(r.lower), _number(r.upper))
        for r in ranges
        for family, row, column in [r.cell]
    ]


def _number(value: float) -> int | float:
    if math.isinf(value):
        return ""  # no bound
    return round(value) if abs(value - round(value)) < 1e-6 else round(value, 6)


def write_audit(path: str | Path, tables: Tables, ranges: Iterable[Range]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(AUDIT_HEADER)
        writer.writerows(audit_rows(tables, ranges))


def is_number(text: str) -> bool:
    """A finite number as Python writes one (so `inf`, `nan` are text)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def csv_safe(value: object) -> object:
    """The value as a CSV cell Excel will not run: text that starts like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not is_number(value):
        return "'" + value
    return value


def write_copies(folder: str | Path, tables: Tables, publication: Publication) -> None:
    """<folder>/<family>.csv for every family: the masked rows, safe to open in Excel; and audit.csv."""
    for name, rows in publication.rows.items():
        write_csv(Path(folder) / f"{name}.csv", tables.columns[name], [[csv_safe(v) for v in row] for row in rows])
    write_audit(Path(folder) / "audit.csv", tables, publication.ranges)
