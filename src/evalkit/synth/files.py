"""Writing synthetic delivery files as municipalities send them: the dialects of contract section 2 and the
column names of section 3 (Danish aliases where a municipality uses them)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
    "courses": (
        "course_id",
        "citizen_id",
        "offer",
        "paragraph",
        "access",
        "format",
        "birth_year",
        "start_date",
        "end_date",
        "end_reason",
    ),
    "services": (
        "service_id",
        "citizen_id",
        "paragraph",
        "start_date",
        "end_date",
        "hours_per_week",
        "annual_cost_dkk",
    ),
    "shadow": ("course_id", "shadow_paragraph", "shadow_hours_per_week", "shadow_annual_cost_dkk"),
    "milestones": ("programme", "citizen_id", "step", "date"),
    "housing_support": ("month", "hours", "citizens", "amount_dkk"),
    "contacts": ("contact_id", "date", "source", "citizen_id"),
    "staff_hours": ("offer", "month", "hours", "hourly_cost_dkk"),
}
DANISH_NAMES = {
    "course_id": "forloeb_id",
    "citizen_id": "CPR",
    "offer": "tilbud",
    "paragraph": "paragraf",
    "access": "adgang",
    "format": "form",
    "birth_year": "Fødselsår",
    "start_date": "startdato",
    "end_date": "slutdato",
    "end_reason": "afslutningsårsag",
    "hours_per_week": "timer_pr_uge",
    "annual_cost_dkk": "aarlig_udgift",
}


class Raw(str):
    """A cell written exactly as given: how the deliberately broken rows get their bad values in."""


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


def write(out: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
