"""Report figures from the figure tables: `evalkit figures --config ... --tables results/publish --out results/figures`.

text.py   labels (Danish, the reports' terms; English with `language: en`) and Danish number formatting
theme.py  the one seaborn theme and palette; PNG (200 dpi) and SVG output
prepare.py  one prepare function per figure kind: table rows -> exactly what the figure plots
plots.py  one plot function per figure kind (programme_plots.py: reports 001 and 003)
business_case_prepare.py, business_case_plots.py  the same for the business case's three figures
build.py  which figures a report gets, and drawing them

Figures read the publication copies (results/publish/, counts 1-4 shown as `<5`). `--internal` reads the
unmasked tables instead and marks every title and file name as internal ("intern").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_MUNICIPALITIES = "config/municipalities.csv"


def cli(argv: list[str]) -> int:
    from evalkit.config import add_config_arguments, config_from_arguments, load_municipalities
    from evalkit.figures.build import Context, load_tables, write_report_figures
    from evalkit.figures.text import LANGUAGES, Text

    parser = argparse.ArgumentParser(prog="evalkit figures", description=__doc__.splitlines()[0])
    add_config_arguments(parser)
    parser.add_argument(
        "--tables",
        required=True,
        help="folder of figure tables: results/publish (masked) or, with --internal, results/tables",
    )
    parser.add_argument("--out", required=True, help="figures go to OUT/<report>/<figure>.png and .svg")
    parser.add_argument("--report", action="append", help="only this report id (repeatable; default: every one)")
    parser.add_argument(
        "--municipalities",
        default=DEFAULT_MUNICIPALITIES,
        help="kommunekode, name, section82_start (default: %(default)s)",
    )
    parser.add_argument("--language", choices=LANGUAGES, help="overrides the config's `language`")
    parser.add_argument(
        "--internal",
        action="store_true",
        help="the tables are unmasked: mark every figure internal (title and file name)",
    )
    args = parser.parse_args(argv)

    config = config_from_arguments(args)
    reports = {str(r["id"]): r for r in config["reports"]}
    wanted = args.report or list(reports)
    unknown = [r for r in wanted if r not in reports]
    if unknown:
        parser.error(f"no report {', '.join(unknown)} in the config (reports: {', '.join(reports)})")
    text = Text(args.language or config.get("language", "da"))
    tables = load_tables(args.tables)
    municipalities = load_municipalities(args.municipalities)
    for report_id in wanted:
        context = Context(reports[report_id], tables, municipalities, text, internal=args.internal)
        specs = write_report_figures(context, Path(args.out) / report_id)
        print(f"{report_id}: {len(specs)} figures -> {Path(args.out) / report_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
