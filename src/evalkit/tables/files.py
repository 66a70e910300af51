"""Figure tables as CSV files: UTF-8, `,`-separated, a header row, an empty cell for a missing value."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def _cell(value: object) -> object:
    return "" if value is None else value


def write_csv(path: str | Path, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)


def read_csv(path: str | Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        columns = next(reader)
        return columns, list(reader)
