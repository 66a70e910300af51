"""`results/data_quality/<quarter>.md`: per delivery, what came in and what became of every row.

Read from the warehouse's `data_quality` and `quarantine` tables, for a secretariat that wants to know, without
SQL, whether a municipality's quarter arrived whole and what it changed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import duckdb

from evalkit import console
from evalkit.contract import INGEST_LOG, TABLES
from evalkit.ingest.messages import column_label, example_line, sheet_read

TEXT = {
    "da": {
        "title": "# Datakvalitet: leverancen {quarter}",
        "intro": "Hver række i de leverede filer er enten indlæst eller sat i karantæne med en årsag; "
        "tallene nedenfor summerer derfor: leveret = indlæst + karantæne. «Ny», «ændret» og «uændret» "
        "sammenligner med samme nøgles seneste version fra et tidligere kvartal; «erstattet senere» tæller "
        "rækker, som et nyere kvartal har leveret igen (den nyeste version tæller). «Genåbnede forløb» tæller forløb, "
        "som leverancen tager tilbage i forhold til en tidligere: slutdatoen fjernet, eller start- eller slutdatoen "
        "rykket tidligere; som regel er en ældre fil leveret igen.",
        "municipality": "## Kommune {kommunekode}",
        "header": "| tabel | filer | leveret | indlæst | karantæne | ny | ændret | uændret | forløb afsluttet "
        "| genåbnede forløb | erstattet senere |",
        "quarantine": "### Karantæne efter årsag",
        "quarantine_header": "| tabel | kolonne | årsag | rækker | første linjer |",
        "no_quarantine": "Ingen rækker i karantæne.",
        "none": "Ingen filer leveret i dette kvartal.",
        "total": "I alt",
        "workbooks": "Excel-projektmapper:",
    },
    "en": {
        "title": "# Data quality: delivery {quarter}",
        "intro": "Every row of the delivered files is either loaded or quarantined with a reason, so the counts "
        "below add up: delivered = loaded + quarantined. New, changed and unchanged compare with the same key's "
        "latest version from an earlier quarter; replaced later counts rows a newer quarter delivered again "
        "(the newest version counts). Courses re-opened counts courses the delivery takes back compared with an "
        "earlier one: the end date removed, or the start or end date moved earlier; as a rule an older file "
        "delivered again.",
        "municipality": "## Municipality {kommunekode}",
        "header": "| table | files | delivered | loaded | quarantined | new | changed | unchanged | courses ended "
        "| courses re-opened | replaced later |",
        "quarantine": "### Quarantine by reason",
        "quarantine_header": "| table | column | reason | rows | first lines |",
        "no_quarantine": "No rows quarantined.",
        "none": "No files delivered this quarter.",
        "total": "Total",
        "workbooks": "Excel workbooks:",
    },
}
COUNTS = (
    "files",
    "rows_delivered",
    "rows_loaded",
    "rows_quarantined",
    "new_rows",
    "changed_rows",
    "unchanged_rows",
    "courses_closed",
    "courses_reopened",
    "replaced_by_newer_quarter",
)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_quarter(con: duckdb.DuckDBPyConnection, quarter: str, language: str = "da") -> str:
    text = TEXT[language]
    lines = [text["title"].format(quarter=quarter), "", text["intro"], ""]
    quality = con.execute(
        f"SELECT kommunekode, table_name, {', '.join(COUNTS)} FROM data_quality WHERE quarter = $q "
        "ORDER BY kommunekode, table_name",
        {"q": quarter},
    ).fetchall()
    if not quality:
        return "\n".join(lines + [text["none"], ""])
    reason = "reason_da" if language == "da" else "reason"
    for kommunekode in sorted({row[0] for row in quality}):
        rows = [row[1:] for row in quality if row[0] == kommunekode]
        lines += [
            text["municipality"].format(kommunekode=kommunekode),
            "",
            text["header"],
            "|" + "---|" * (len(COUNTS) + 1),
        ]
        for table_name, *counts in rows:
            label = TABLES[table_name].danish if language == "da" else table_name
            lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
        totals = [sum(row[i] for row in rows) for i in range(1, len(COUNTS) + 1)]
        lines += [f"| **{text['total']}** | " + " | ".join(f"**{t}**" for t in totals) + " |", ""]
        workbooks = con.execute(
            """SELECT source_file, sheet, header_line, sheets_not_read FROM ingest_log
               WHERE quarter = $q AND kommunekode = $k AND sheet IS NOT NULL ORDER BY source_file""",
            {"q": quarter, "k": kommunekode},
        ).fetchall()
        if workbooks:
            lines += [text["workbooks"], ""]
            lines += [
                f"- {name}: {_cell(sheet_read(sheet, row, [n for n in others.split(', ') if n], language))}"
                for name, sheet, row, others in workbooks
            ]
            lines.append("")
        problems = con.execute(
            f"""SELECT table_name, column_name, min({reason}), count(DISTINCT source_line),
                       list({{'line': source_line, 'value': value}} ORDER BY source_line)[1:5]
                FROM quarantine WHERE quarter = $q AND kommunekode = $k
                GROUP BY table_name, column_name, reason_code ORDER BY 1, min(source_line)""",
            {"q": quarter, "k": kommunekode},
        ).fetchall()
        lines += [text["quarantine"], ""]
        if not problems:
            lines += [text["no_quarantine"], ""]
            continue
        lines += [text["quarantine_header"], "|---|---|---|---|---|"]
        for table_name, column, why, count, first_lines in problems:
            label = TABLES[table_name].danish if language == "da" else table_name
            shown = ", ".join(example_line(e["line"], e["value"], language) for e in first_lines)
            column = column_label(table_name, column, language)
            lines.append(f"| {label} | {column} | {_cell(why)} | {count} | {_cell(shown)} |")
        lines.append("")
    return "\n".join(lines)


REOPENED = {
    "en": "{file} takes back {n} of municipality {kommunekode}'s courses that an earlier quarter's delivery had "
    "further on (an end date removed, or a start or end date moved earlier), and the newest quarter counts. Is it "
    "an older file delivered again? Then ask the municipality for its current file and put that in its place, or "
    "remove the file if the municipality has nothing new. (Column «courses re-opened» of the data-quality report "
    "of {quarter}.)",
    "da": "{file} tager {n} af kommune {kommunekode}s forløb tilbage, som et tidligere kvartals leverance var "
    "længere med (en slutdato fjernet, eller en start- eller slutdato rykket tidligere), og det nyeste kvartal "
    "tæller. Er det en ældre fil, der er leveret igen? Så bed kommunen om dens aktuelle fil og læg den i stedet, "
    "eller fjern filen, hvis kommunen ikke har noget nyt. (Kolonnen «genåbnede forløb» i datakvalitetsrapporten "
    "for {quarter}.)",
}


@dataclass(frozen=True)
class Reopened:
    """A delivered courses file that takes courses back (data_quality.courses_reopened)."""

    file: str
    quarter: str
    kommunekode: str
    n: int

    def message(self, language: str = "da") -> str:
        return REOPENED["da" if language == "da" else "en"].format(**vars(self))


class ReopenedCourses(Exception):
    """Deliveries that re-open courses, under strict_deliveries: the run stops."""

    def __init__(self, deliveries: list[Reopened]):
        self.deliveries = deliveries
        super().__init__(self.message("en"))

    def message(self, language: str = "da") -> str:
        return "\n".join([*(d.message(language) for d in self.deliveries), console.strict_note(language)])


def reopened_courses(db: Path) -> list[Reopened]:
    """Every delivered courses file of the warehouse that re-opens courses, oldest quarter first."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"""SELECT l.source_file, d.quarter, d.kommunekode, d.courses_reopened
                FROM data_quality d JOIN {INGEST_LOG} l USING (quarter, kommunekode, table_name)
                WHERE d.courses_reopened > 0 ORDER BY d.quarter, d.kommunekode"""
        ).fetchall()
    finally:
        con.close()
    return [Reopened(*row) for row in rows]


def write_reports(db: Path, quarters: list[str], out_dir: Path, language: str = "da") -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        written = []
        for quarter in quarters:
            path = out_dir / f"{quarter}.md"
            path.write_text(render_quarter(con, quarter, language), encoding="utf-8")
            written.append(path)
    finally:
        con.close()
    return written


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit data-quality", description=__doc__)
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--out-dir", required=True, type=Path)
    parser.add_argument("--lang", choices=tuple(TEXT), default="da")
    parser.add_argument("quarters", nargs="*")
    args = parser.parse_args(argv)
    for path in write_reports(args.db, args.quarters, args.out_dir, args.lang):
        print(f"wrote {path}")
    return 0
