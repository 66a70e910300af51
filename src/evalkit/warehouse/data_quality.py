"""`results/data_quality/<quarter>.md`: per delivery, what came in and what became of every row.

Read from the warehouse's `data_quality` and `quarantine` tables, for a secretariat that wants to know, without
SQL, whether a municipality's quarter arrived whole and what it changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from evalkit.contract import TABLES
from evalkit.ingest.messages import column_label, example_line, sheet_read

TEXT = {
    "da": {
        "title": "# Datakvalitet: leverancen {quarter}",
        "intro": "Hver række i de leverede filer er enten indlæst eller sat i karantæne med en årsag; "
        "tallene nedenfor summerer derfor: leveret = indlæst + karantæne. «Ny», «ændret» og «uændret» "
        "sammenligner med samme nøgles seneste version fra et tidligere kvartal; «erstattet senere» tæller "
        "rækker, som et nyere kvartal har leveret igen (den nyeste version tæller).",
        "municipality": "## Kommune {kommunekode}",
        "header": "| tabel | filer | leveret | indlæst | karantæne | ny | ændret | uændret | forløb afsluttet "
        "| erstattet senere |",
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
        "(the newest version counts).",
        "municipality": "## Municipality {kommunekode}",
        "header": "| table | files | delivered | loaded | quarantined | new | changed | unchanged | courses ended "
        "| replaced later |",
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
