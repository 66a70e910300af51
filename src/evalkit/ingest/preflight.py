"""`evalkit validate`: check delivered files before they are dropped into data/raw/, with the pipeline's own checks.

Each file goes through exactly the ingest's validation (evalkit.ingest.staging.ingest_file) in a throw-away DuckDB
session; nothing is written. The report is in plain Danish or English and never shows a CPR number: a citizen
cell is located by its line and column only.

Exit codes: 0 every file is clean, 1 some rows would be quarantined, 2 some file cannot be used at all.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evalkit import console, contract
from evalkit.contract import QUARANTINE

from .delivery import (
    UNREAD_TEXT,
    Repeat,
    Unread,
    classify,
    folder_unread,
    is_ignorable,
    repeated_files,
    scrub,
    second_files,
    unread_entries,
)
from .dialect import FileProblem
from .messages import column_label, example_line, sheet_read
from .session import Session
from .staging import ingest_file

CLEAN, QUARANTINED, UNUSABLE = 0, 1, 2
SHOWN = 10  # lines the text report shows per problem; the JSON lists them all

TEXT = {
    "da": {
        "file": "{file} ({table}, kommune {kommunekode})",
        "counts": "  {read} {read_word} læst: {loaded} kan indlæses, {quarantined} vil blive sat i karantæne.",
        "problem": "  - {column}: {reason} — {rows} {row_word}, fx {examples}",
        "more": " … og {n} flere",
        "row": "række",
        "rows": "rækker",
        "unusable": "{file}: KAN IKKE BRUGES: {problem}",
        "summary": "{files} {file_word} kontrolleret: {clean} uden fejl, {quarantined} med rækker til karantæne, "
        "{unusable} kan ikke bruges.",
        "file_word": "fil",
        "files_word": "filer",
        "no_files": "Ingen CSV- eller Excel-filer fundet i {paths}.",
        "missing_path": "{path}: findes ikke",
        "unread": "{path}: BLIVER IKKE LÆST: {problem}",
        "repeated": "ADVARSEL: {message}",
        "sheet": "  læst fra {read}",
    },
    "en": {
        "file": "{file} ({table}, municipality {kommunekode})",
        "counts": "  {read} {read_word} read: {loaded} would load, {quarantined} would be quarantined.",
        "problem": "  - {column}: {reason} — {rows} {row_word}, e.g. {examples}",
        "more": " … and {n} more",
        "row": "row",
        "rows": "rows",
        "unusable": "{file}: CANNOT BE USED: {problem}",
        "summary": "{files} {file_word} checked: {clean} clean, {quarantined} with rows to quarantine, "
        "{unusable} unusable.",
        "file_word": "file",
        "files_word": "files",
        "no_files": "No CSV or Excel files found in {paths}.",
        "missing_path": "{path}: does not exist",
        "unread": "{path}: WOULD NOT BE READ: {problem}",
        "repeated": "WARNING: {message}",
        "sheet": "  read from {read}",
    },
}

# Danish column names in messages: the contract's own Danish alias where it has one.
_DANISH_TABLE = {name: table.danish for name, table in contract.TABLES.items()}


@dataclass
class Problem:
    column: str | None
    reason_code: str
    reason: str
    rows: int
    examples: list[dict] = field(default_factory=list)  # every line: {"line": n, "value": v or None}


@dataclass
class FileReport:
    file: str
    status: int
    table: str | None = None
    kommunekode: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    sheet: str | None = None  # a workbook's sheet that was read, its header's row and the sheets not read
    header_line: int | None = None
    sheets_not_read: list[str] = field(default_factory=list)


# A folder name meant as a quarter but not written YYYYQN (`2022-Q3`, `2023q3`, `2022Q2 rettet`).
_QUARTER_LIKE = re.compile(r"\d{4}\W*q\W*[1-4]", re.IGNORECASE)


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repeated: list[Repeat] = field(default_factory=list)  # files byte for byte an older quarter's: warned about


def _data_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not is_ignorable(p))


def _files(paths: list[Path]) -> Found:
    """The data files under paths: files, delivery folders, or a raw folder of delivery folders; and what the
    pipeline would not read there."""
    found = Found()
    for path in paths:
        if path.is_dir() and any(contract.QUARTER_PATTERN.match(p.name) for p in path.iterdir() if p.is_dir()):
            unread, notes = unread_entries(path)
            found.unread += unread
            found.notes += notes
            found.repeated += repeated_files(path, [q.name for q in path.iterdir() if q.is_dir() and _is_quarter(q)])
            found.files += [f for q in sorted(path.iterdir()) if q.is_dir() and _is_quarter(q) for f in _data_files(q)]
        elif path.is_dir():
            if not _is_quarter(path) and _QUARTER_LIKE.search(path.name):
                found.unread.append(Unread(f"{path.name}/", "not_quarter"))
            unread, notes = folder_unread(path)
            found.unread += unread
            found.notes += notes
            found.files += _data_files(path)
        elif path.is_file():
            found.files.append(path)
        else:
            found.missing.append(str(path))
    return found


def _is_quarter(folder: Path) -> bool:
    return bool(contract.QUARTER_PATTERN.match(folder.name))


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _quarter(path: Path) -> str:
    return path.parent.name if contract.QUARTER_PATTERN.match(path.parent.name) else "-"


def _problems(session: Session, display: str, language: str) -> list[Problem]:
    reason_column = "reason_da" if language == "da" else "reason"
    grouped = session.con.execute(
        f"""
        SELECT column_name, reason_code, min({reason_column}) AS reason, count(DISTINCT source_line) AS n,
               list({{'line': source_line, 'value': value}} ORDER BY source_line) AS examples
        FROM {QUARANTINE} WHERE source_file = $file
        GROUP BY column_name, reason_code ORDER BY min(source_line)
        """,
        {"file": display},
    ).fetchall()
    return [Problem(column, code, reason, n, list(examples)) for column, code, reason, n, examples in grouped]


def validate_paths(paths: list[Path], language: str = "da") -> tuple[list[FileReport], Found]:
    """A report per file found under paths (files or delivery folders), and what else was found there: the paths
    that do not exist, what the pipeline would not read, the notes."""
    found = _files(paths)
    files = found.files
    reports: dict[str, FileReport] = {}
    deliveries = []
    for path in files:
        try:
            deliveries.append(classify(path, _quarter(path), _display(path)))
        except FileProblem as problem:
            reports[problem.path] = _unusable(problem, language)
    for problem in second_files(deliveries):
        reports[problem.path] = _unusable(problem, language)
    # The key only has to exist: nothing hashed here is kept.
    session = Session(secrets.token_bytes(32))
    try:
        for delivery in deliveries:
            if delivery.display in reports:
                continue
            try:
                outcome = ingest_file(session, delivery)
            except FileProblem as problem:
                reports[delivery.display] = _unusable(problem, language)
                continue
            reports[delivery.display] = FileReport(
                file=delivery.display,
                status=QUARANTINED if outcome.rows_quarantined else CLEAN,
                table=delivery.table.name,
                kommunekode=delivery.kommunekode,
                rows_read=outcome.rows_read,
                rows_loaded=outcome.rows_loaded,
                rows_quarantined=outcome.rows_quarantined,
                problems=_problems(session, delivery.display, language),
                sheet=outcome.sheet,
                header_line=outcome.header_line,
                sheets_not_read=list(outcome.sheets_not_read),
            )
    finally:
        session.close()
    reports = [reports[_display(path)] for path in files]
    return reports, found


def _unusable(problem: FileProblem, language: str) -> FileReport:
    return FileReport(problem.path, UNUSABLE, error=scrub(problem.problem(language)))


def render(reports: list[FileReport], found: Found, language: str) -> str:
    text = TEXT[language]
    lines = [text["missing_path"].format(path=path) for path in found.missing]
    for entry in found.unread:
        name, quarter = entry.path.rstrip("/").rsplit("/", 1)[-1], entry.path.split("/", 1)[0]
        problem = UNREAD_TEXT[language][entry.kind].format(name=name, quarter=quarter)
        lines.append(text["unread"].format(path=entry.path, problem=problem))
    if found.notes:
        lines.append(UNREAD_TEXT[language]["notes"].format(notes=", ".join(found.notes)))
    lines += [text["repeated"].format(message=repeat.message(language)) for repeat in found.repeated]
    for report in reports:
        if report.status == UNUSABLE:
            lines.append(text["unusable"].format(file=report.file, problem=report.error))
            continue
        table = _DANISH_TABLE[report.table] if language == "da" else report.table
        lines.append(text["file"].format(file=report.file, table=table, kommunekode=report.kommunekode))
        if report.sheet is not None:
            read = sheet_read(report.sheet, report.header_line, report.sheets_not_read, language)
            lines.append(text["sheet"].format(read=read))
        lines.append(
            text["counts"].format(
                read=report.rows_read,
                read_word=text["row"] if report.rows_read == 1 else text["rows"],
                loaded=report.rows_loaded,
                quarantined=report.rows_quarantined,
            )
        )
        for problem in report.problems:
            lines.append(
                text["problem"].format(
                    column=column_label(report.table, problem.column, language),
                    reason=problem.reason,
                    rows=problem.rows,
                    row_word=text["row"] if problem.rows == 1 else text["rows"],
                    examples=", ".join(example_line(e["line"], e["value"], language) for e in problem.examples[:SHOWN]),
                )
                + (text["more"].format(n=len(problem.examples) - SHOWN) if len(problem.examples) > SHOWN else "")
            )
    count = len(reports)
    lines.append(
        text["summary"].format(
            files=count,
            file_word=text["file_word"] if count == 1 else text["files_word"],
            clean=sum(r.status == CLEAN for r in reports),
            quarantined=sum(r.status == QUARANTINED for r in reports),
            unusable=sum(r.status == UNUSABLE for r in reports),
        )
    )
    return "\n".join(lines)


def exit_code(reports: list[FileReport], found: Found) -> int:
    return max([r.status for r in reports] + [UNUSABLE] * bool(found.missing or found.unread) + [CLEAN])


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="evalkit validate",
        description="Check delivered CSV/Excel files with the pipeline's own validation, before dropping them in. "
        "Exit code 0: clean; 1: some rows would be quarantined; 2: some file cannot be used.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="files, or delivery folders such as data/raw/2022Q1")
    parser.add_argument(
        "--lang",
        choices=("da", "en"),
        default=console.language(),
        help="language of the report (default: EVALKIT_LANGUAGE, else da), as every command's",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON for machines")
    args = parser.parse_args(argv)
    reports, found = validate_paths(args.paths, args.lang)
    if not reports and not found.missing and not found.unread:
        print(TEXT[args.lang]["no_files"].format(paths=", ".join(map(str, args.paths))), file=sys.stderr)
        return UNUSABLE
    code = exit_code(reports, found)
    if args.json:
        print(
            json.dumps(
                {
                    "exit_code": code,
                    "missing": found.missing,
                    "unread": [asdict(u) for u in found.unread],
                    "notes": found.notes,
                    "repeated": [asdict(r) for r in found.repeated],
                    "files": [asdict(r) for r in reports],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(render(reports, found, args.lang))
    return code
