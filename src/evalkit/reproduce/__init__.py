"""`evalkit reproduce`: the source reports' published figures beside the figures the pipeline computed.

Reads data/reference/published.csv (one row per published figure, see data/reference/README.md) and the figure
tables under results/tables/ (docs/figure_tables.md), compares each figure within the rounding the report used,
and writes results/reproduction.csv and a readable results/reproduction.md. It exits non-zero, naming every
figure that does not match, unless that row of published.csv gives a known deviation and its reason.

A published row's `metric` is a small expression over the columns of its family's table:

    term        column[key=value,...]    a column of the one row the selector picks (e.g. the funnel step)
    sum         term + term - term       e.g. share[source=relative] + share[source=partner]
    ratio       (sum) / (sum)            e.g. citizens_through[step=team_meeting] / citizens[step=target_group]

Its `kommunekode` is a municipality, `all` (the report's total row), or `min`, `max` or `count` over the
report's municipalities (count: those where the expression is above zero).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evalkit import console
from evalkit.config import load_municipalities
from evalkit.reproduce.compare import ReproductionError, read_published, reproduce
from evalkit.reproduce.outputs import failure_message, write_csv, write_markdown


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit reproduce", description=__doc__.split("\n\n")[0])
    parser.add_argument("--published", default="data/reference/published.csv")
    parser.add_argument("--tables", default="results/tables", help="folder of the figure tables")
    parser.add_argument("--csv", default="results/reproduction.csv")
    parser.add_argument("--md", default="results/reproduction.md")
    parser.add_argument("--municipalities", default="config/municipalities.csv", help="names for the report")
    parser.add_argument(
        "--report-ids", nargs="*", help="compare only the figures of these configured reports (default: every figure)"
    )
    args = parser.parse_args(argv)
    language = console.language()
    published_path, tables_dir = Path(args.published), Path(args.tables)
    try:
        published = read_published(published_path)
        if args.report_ids is not None:
            # A run configured with other reports (another --configfile) has no tables for the rest to match.
            published = [row for row in published if row["report_id"] in set(args.report_ids)]
        outcomes = reproduce(published, tables_dir)
    except ReproductionError as error:
        console.say("reproduce", "error", error.message(language), language)
        return 2
    write_csv(Path(args.csv), outcomes)
    write_markdown(Path(args.md), outcomes, published_path, tables_dir, load_municipalities(args.municipalities))
    counts = {v: sum(o.verdict == v for o in outcomes) for v in ("pass", "known_deviation", "fail")}
    print(
        f"evalkit reproduce: {len(outcomes)} figures, {counts['pass']} pass, "
        f"{counts['known_deviation']} known deviations, {counts['fail']} fail -> {args.md}"
    )
    for o in outcomes:
        if o.verdict == "known_deviation":
            print(f"  known deviation: {o.row['report_id']} {o.row['kommunekode']} {o.row['metric']}: {o.detail}")
    if counts["fail"]:
        console.say("reproduce", "error", failure_message(outcomes, language), language)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
