"""Delivery folders: which files of a quarter folder are data, which municipality and table each holds, and the
errors that stop a quarter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import contract
from ..contract import TABLES, Table
from .dialect import FileProblem

_IGNORED_SUFFIXES = {".md", ".txt"}
DATA_SUFFIXES = (".csv", ".xlsx")
_CPR_LIKE = re.compile(rf"\b{contract.CPR_PATTERN}\b")


class IngestError(Exception):
    """The quarter cannot be ingested; the message lists every file problem found."""


def scrub(text: str) -> str:
    """Remove anything shaped like a CPR number from a message (DuckDB errors may quote a raw line)."""
    return _CPR_LIKE.sub("<cpr removed>", text)


@dataclass(frozen=True)
class Delivery:
    """A delivered file: where it is, which municipality and table it holds."""

    path: Path
    display: str  # path relative to the raw folder, as written to the log and the quarantine
    quarter: str
    kommunekode: str
    table: Table


def is_ignorable(path: Path) -> bool:
    """Hidden and Office lock files and notes; a `.txt` named like a data file is a CSV saved under that name."""
    if path.name.startswith((".", "~$")):
        return True
    return path.suffix.lower() in _IGNORED_SUFFIXES and not contract.FILE_PATTERN.match(path.stem.lower())


def classify(path: Path, quarter: str, display: str) -> Delivery:
    """Read municipality and table from `<kommunekode>_<table>.csv`, or say what is wrong with the name."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        raise FileProblem(display, "csv_as_txt", name=f"{path.stem}.csv")
    if suffix == ".xls":
        raise FileProblem(display, "old_excel")
    if suffix not in DATA_SUFFIXES:
        raise FileProblem(display, "not_data_file")
    match = contract.FILE_PATTERN.match(path.stem.lower())
    if not match:
        raise FileProblem(display, "bad_name")
    kommunekode, table_name = match.groups()
    if table_name not in TABLES:
        raise FileProblem(display, "unknown_table", table=table_name, tables=", ".join(TABLES))
    return Delivery(path, display, quarter, kommunekode, TABLES[table_name])


def quarter_deliveries(raw_dir: Path, quarter: str) -> list[Delivery]:
    """Every data file of a quarter folder; raises IngestError listing all badly named files at once."""
    if not contract.QUARTER_PATTERN.match(quarter):
        raise IngestError(f"{quarter}: a delivery folder must be named YYYYQN, e.g. 2021Q3")
    folder = raw_dir / quarter
    if not folder.is_dir():
        raise IngestError(f"{folder}: no such delivery folder")
    deliveries, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or is_ignorable(path):
            continue
        try:
            deliveries.append(classify(path, quarter, f"{quarter}/{path.name}"))
        except FileProblem as problem:
            problems.append(str(problem))
    problems += [str(problem) for problem in second_files(deliveries)]
    if problems:
        raise IngestError("\n".join(problems))
    return deliveries


def second_files(deliveries: list[Delivery]) -> list[FileProblem]:
    """A problem for each file whose folder already has a file for the same municipality and table."""
    first: dict[tuple, Delivery] = {}
    problems = []
    for delivery in deliveries:
        slot = (delivery.path.parent.resolve(), delivery.kommunekode, delivery.table.name)
        if slot in first:
            problems.append(
                FileProblem(
                    delivery.display,
                    "second_file",
                    other=first[slot].display,
                    table=delivery.table.name,
                    kommunekode=delivery.kommunekode,
                )
            )
        else:
            first[slot] = delivery
    return problems


def discover_quarters(raw_dir: Path) -> list[str]:
    """The delivery folders (YYYYQN) under raw_dir, oldest first; anything else there is not a delivery."""
    if not raw_dir.is_dir():
        return []
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() and contract.QUARTER_PATTERN.match(p.name))
