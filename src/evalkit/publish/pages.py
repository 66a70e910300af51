"""`evalkit page`: a publication table (CSV) or a Markdown report as a small HTML page for the HTML report.

`snakemake --report` shows an HTML file in the page but offers a .csv or .md file only as a download, so the
report holds these pages instead: the figure tables in publication copy (headers in the configured language,
numbers written the Danish way), the reproduction report and the data-quality reports.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from evalkit.figures.text import Text
from evalkit.publish.excel import code_label
from evalkit.publish.masking import is_number
from evalkit.tables.files import read_csv
from evalkit.tables.registry import BOUND, COLUMNS, FAMILIES, LABEL, RATE, SETTING, header_label, sheet_title

SETTING_DECIMALS = 4  # an assumption as configured: 0,035 or 2,5, not rounded to an amount's two decimals

STYLE = """
body { font-family: system-ui, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.2em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.4em; } h3 { font-size: 1em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; }
th { background: #f0f0f0; text-align: left; vertical-align: bottom; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafafa; }
code { background: #f4f4f4; padding: 0 2px; }
p.note { color: #555; font-size: 0.85em; }
"""


def page(title: str, body: str, language: str = "da") -> str:
    """A standalone HTML page: no scripts, no external files."""
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def _cell(value: str, column: str, text: Text) -> tuple[str, bool]:
    """A table cell as shown: rates as percent, counts and amounts with thousands separators, settings with the
    decimals they have, codes as words (as in the workbook), other text as is. Returns the shown text and whether
    it is a number (right-aligned)."""
    kind = COLUMNS[column].kind if column in COLUMNS else LABEL
    if kind == LABEL:
        return (code_label(column, value, text) if column in COLUMNS else value), False
    if not is_number(value):
        return value, False
    number = float(value)
    if kind in (RATE, BOUND):
        return text.percent(number), True
    if kind == SETTING:
        decimals = len(f"{number:.{SETTING_DECIMALS}f}".rstrip("0").partition(".")[2])
        return text.number(number, decimals), True
    return text.number(number, 0 if number.is_integer() else 2), True


def table_html(family: str, csv_path: str | Path, language: str = "da") -> str:
    """The family's publication copy as an HTML table, with the masking note."""
    text = Text(language)
    header, rows = read_csv(csv_path)
    head = "".join(f"<th>{html.escape(header_label(c, language))}</th>" for c in header)
    lines = []
    for row in rows:
        cells = []
        for value, column in zip(row, header, strict=True):
            shown, numeric = _cell(value, column, text)
            cells.append(f'<td class="{"number" if numeric else "text"}">{html.escape(shown)}</td>')
        lines.append("<tr>" + "".join(cells) + "</tr>")
    title = sheet_title(family, language)
    return page(
        title,
        f'<h1>{html.escape(title)}</h1>\n<p class="note">{html.escape(text("masked_note"))} '
        f"<code>{html.escape(Path(csv_path).name)}</code></p>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(lines) + "\n</tbody></table>",
        language,
    )


def markdown_html(md_path: str | Path, language: str = "da") -> str:
    """A Markdown report (GitHub-style tables) as an HTML page; its first heading is the page title."""
    from markdown_it import MarkdownIt

    source = Path(md_path).read_text(encoding="utf-8")
    headings = [line.lstrip("# ").strip() for line in source.splitlines() if line.startswith("#")]
    title = headings[0] if headings else Path(md_path).stem
    # html=False: text from the deliveries (file names, quoted values) is shown, never run as markup
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(source)
    return page(title, body, language)


def write_page(source: Path, out: Path, language: str = "da") -> Path:
    """Render source (<family>.csv or a .md report) as the HTML page out."""
    if source.suffix == ".csv":
        if source.stem not in FAMILIES:
            raise ValueError(f"{source}: not a figure table (the file name must be a family: {', '.join(FAMILIES)})")
        body = table_html(source.stem, source, language)
    elif source.suffix == ".md":
        body = markdown_html(source, language)
    else:
        raise ValueError(f"{source}: expected a figure table (.csv) or a Markdown report (.md)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit page", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--page",
        nargs=2,
        action="append",
        required=True,
        type=Path,
        metavar=("SOURCE", "HTML"),
        help="a publication table (results/publish/<family>.csv) or a Markdown report, and the page to write",
    )
    parser.add_argument("--lang", choices=("da", "en"), default="da")
    args = parser.parse_args(argv)
    for source, out in args.page:
        try:
            write_page(source, out, args.lang)
        except (OSError, ValueError) as error:
            print(f"evalkit page: error: {error}", file=sys.stderr)
            return 2
        print(f"{source} -> {out}")
    return 0
