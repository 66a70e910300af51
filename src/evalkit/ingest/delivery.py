"""Delivery folders: which files of a quarter folder are data, which municipality and table each holds, and the
errors that stop a quarter."""

from __future__ import annotations

import hashlib
import json
import os
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
    """The quarter cannot be ingested; the message lists every file problem found (in English; message() in the
    configured language)."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))

    def message(self, language: str = "en") -> str:
        return "\n".join(f"{p.path}: {p.problem(language)}" for p in self.problems)


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
        raise IngestError([FileProblem(quarter, "not_quarter")])
    folder = raw_dir / quarter
    if not folder.is_dir():
        raise IngestError([FileProblem(str(folder), "no_folder")])
    deliveries, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or is_ignorable(path):
            continue
        try:
            deliveries.append(classify(path, quarter, f"{quarter}/{path.name}"))
        except FileProblem as problem:
            problems.append(problem)
    problems += second_files(deliveries)
    if problems:
        raise IngestError(problems)
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


@dataclass(frozen=True)
class Unread:
    """Something under the raw folder that the pipeline would not read: a delivery it would silently miss."""

    path: str  # relative to the raw folder; a folder ends in "/"
    kind: str  # a key of UNREAD_TEXT


UNREAD_TEXT = {
    "en": {
        "not_quarter": "a folder whose name is not a quarter: expected YYYYQN, e.g. 2022Q3",
        "outside_quarter": "a file outside a quarter folder: expected it in a quarter folder, e.g. 2022Q3/{name}",
        "sub_folder": "a folder inside a quarter folder: expected the files directly in the quarter folder, "
        "e.g. {quarter}/851_courses.csv",
        "data_note": "a text file holding a table: expected a .csv file named <kommunekode>_<table>.csv",
        "heading": "{raw_dir} holds what the pipeline would not read, so nothing was run. Rename or move each "
        "(notes, .md and .txt files that are not tables, may stay):",
        "notes": "Notes, not read: {notes}",
    },
    "da": {
        "not_quarter": "en mappe hvis navn ikke er et kvartal: forventede ÅÅÅÅQN, fx 2022Q3",
        "outside_quarter": "en fil uden for en kvartalsmappe: forventede den i en kvartalsmappe, fx 2022Q3/{name}",
        "sub_folder": "en mappe inde i en kvartalsmappe: forventede filerne direkte i kvartalsmappen, "
        "fx {quarter}/851_courses.csv",
        "data_note": "en tekstfil med en tabel: forventede en .csv-fil med navnet <kommunekode>_<tabel>.csv",
        "heading": "{raw_dir} indeholder noget, pipelinen ikke ville læse, så intet blev kørt. Omdøb eller flyt "
        "hver (noter, .md- og .txt-filer der ikke er tabeller, må blive):",
        "notes": "Noter, ikke læst: {notes}",
    },
}

_KNOWN_HEADERS = {name for table in TABLES.values() for name in contract.header_lookup(table)}


def _holds_a_table(path: Path) -> bool:
    """A .txt note whose first line is a header of contract columns is a delivery under the wrong name."""
    if path.suffix.lower() != ".txt":
        return False
    with open(path, "rb") as handle:
        first = handle.readline(4096).decode("utf-8", "replace")
    cells = {contract.normalise_header(c) for c in re.split(r"[;,\t]", first)}
    return len(cells & _KNOWN_HEADERS) >= 2


def _is_note(path: Path) -> bool:
    return path.is_file() and is_ignorable(path) and not _holds_a_table(path)


def unread_entries(raw_dir: Path) -> tuple[list[Unread], list[str]]:
    """What under raw_dir the pipeline would not read, and the notes it leaves alone (both relative to raw_dir)."""
    if not raw_dir.is_dir():
        return [], []
    unread, notes = [], []
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if _is_note(path):
            notes.append(path.name)
        elif path.is_file():
            unread.append(Unread(path.name, "data_note" if _holds_a_table(path) else "outside_quarter"))
        elif not contract.QUARTER_PATTERN.match(path.name):
            unread.append(Unread(f"{path.name}/", "not_quarter"))
        else:
            inner_unread, inner_notes = folder_unread(path)
            unread += inner_unread
            notes += inner_notes
    return unread, notes


def folder_unread(folder: Path) -> tuple[list[Unread], list[str]]:
    """In a delivery folder: the sub-folders and disguised tables the ingest would not read, and the notes."""
    unread, notes = [], []
    # scandir: a national quarter is hundreds of files, and this runs at every workflow start
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path, shown = Path(entry.path), f"{folder.name}/{entry.name}"
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                unread.append(Unread(f"{shown}/", "sub_folder"))
            elif _holds_a_table(path):
                unread.append(Unread(shown, "data_note"))
            elif entry.is_file() and is_ignorable(path):
                notes.append(shown)
    return unread, notes


def unread_message(raw_dir: Path, unread: list[Unread], notes: list[str], language: str = "en") -> str:
    """One message listing everything the pipeline would not read and the form expected for each."""
    text = UNREAD_TEXT["da" if language == "da" else "en"]
    lines = [text["heading"].format(raw_dir=raw_dir)]
    for entry in unread:
        name = entry.path.rstrip("/").rsplit("/", 1)[-1]
        quarter = entry.path.split("/", 1)[0]
        lines.append(f"  {entry.path}: " + text[entry.kind].format(name=name, quarter=quarter))
    if notes:
        lines.append(text["notes"].format(notes=", ".join(notes)))
    return "\n".join(lines)


def discover_quarters(raw_dir: Path) -> list[str]:
    """The delivery folders (YYYYQN) under raw_dir, oldest first; anything else there is not a delivery."""
    if not raw_dir.is_dir():
        return []
    return sorted(p.name for p in raw_dir.iterdir() if p.is_dir() and contract.QUARTER_PATTERN.match(p.name))


@dataclass(frozen=True)
class Repeat:
    """A delivered file byte for byte the same as a file of an older quarter: as a rule an old file sent again,
    in place of the current one."""

    file: str  # quarter/name, as the ingest log names it
    earlier: str  # the newest older quarter's file with the same bytes

    def message(self, language: str = "da") -> str:
        return REPEAT_TEXT["da" if language == "da" else "en"].format(file=self.file, earlier=self.earlier)


REPEAT_TEXT = {
    "en": "{file} is byte for byte the same file as {earlier}, of an earlier quarter. If the municipality sent an "
    "older file by mistake, ask for its current one and put it in place of {file} (the newest quarter counts, so an "
    "old file takes courses back); if nothing changed, remove {file}.",
    "da": "{file} er byte for byte den samme fil som {earlier} fra et tidligere kvartal. Har kommunen sendt en ældre "
    "fil ved en fejl, så bed om den aktuelle, og læg den i stedet for {file} (det nyeste kvartal tæller, så en "
    "gammel fil tager forløb tilbage); er intet ændret, så fjern {file}.",
}


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _has_rows(path: Path) -> bool:
    """Whether a file holds more than a header: two files that deliver no rows are alike without meaning anything."""
    if path.suffix.lower() != ".csv":
        return True
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip()) > 1


def _load_digests(cache: Path | None) -> dict[str, list]:
    try:
        return json.loads(cache.read_text(encoding="utf-8")) if cache else {}
    except (OSError, ValueError):
        return {}


def _save_digests(cache: Path, digests: dict[str, list]) -> None:
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f".{cache.name}.partial")
    partial.write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")
    os.replace(partial, cache)


def repeated_files(raw_dir: Path, quarters: list[str], cache: Path | None = None) -> list[Repeat]:
    """The data files of the quarters byte for byte equal to a file of an older quarter, oldest first. Only files of
    equal size are read, so a run's start reads little more than the folder listing; with a cache file, each
    file's digest is kept there by its size and modification time, and a file is read again only when they
    change (national drops have thousands of small files of equal sizes)."""
    by_size: dict[int, list[tuple[str, Path, int]]] = {}
    for quarter in sorted(quarters):
        with os.scandir(raw_dir / quarter) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                path = Path(entry.path)
                if entry.is_file() and not is_ignorable(path) and path.suffix.lower() in DATA_SUFFIXES:
                    stat = entry.stat()
                    by_size.setdefault(stat.st_size, []).append((quarter, path, stat.st_mtime_ns))
    known, digests = _load_digests(cache), {}
    repeats = []
    for size, files in by_size.items():
        if len({quarter for quarter, _, _ in files}) < 2:
            continue
        seen: dict[str, tuple[str, str]] = {}  # digest -> (quarter, display) of the newest file so far
        for quarter, path, mtime in files:
            display = f"{quarter}/{path.name}"
            cached = known.get(display)
            digest = cached[2] if cached and cached[:2] == [size, mtime] else _digest(path)
            # only names of the contract's form: any other name may hold what the raw folder alone may keep
            if contract.FILE_PATTERN.match(path.stem.lower()):
                digests[display] = [size, mtime, digest]
            earlier = seen.get(digest)
            if earlier and earlier[0] < quarter and _has_rows(path):
                repeats.append(Repeat(display, earlier[1]))
            if not earlier or earlier[0] < quarter:
                seen[digest] = (quarter, display)
    if cache and digests != known:
        _save_digests(cache, digests)
    return sorted(repeats, key=lambda r: r.file)
