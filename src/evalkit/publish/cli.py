"""`evalkit publish`: the publication copies (results/publish/<family>.csv) of figure tables written before,
masked together and audited (contract section 8), with audit.csv and a summary (README.md) beside them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evalkit.publish.audit import AuditFailed, RelationBroken
from evalkit.publish.masking import mask, summary_markdown, write_copies
from evalkit.publish.problem import family_tables, read_tables
from evalkit.reproduce.compare import read_published
from evalkit.tables.registry import PUBLISHED

SUMMARY = "README.md"


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="evalkit publish",
        description="Write the publication copies of figure tables, every family masked together: counts 1-4 as "
        "<5, more counts as x until no <5 can be worked out from the rest, and what would reveal a masked count "
        "blanked (contract section 8); then audit them by linear programming and write audit.csv. Nothing is "
        "written when the audit fails. Text is safe to open in Excel.",
        epilog="example: evalkit publish --from-dir results/tables --publish-dir results/publish",
    )
    parser.add_argument(
        "--family",
        nargs="+",
        action="extend",
        choices=PUBLISHED,
        metavar="FAMILY",
        help=f"the families to publish together (default: every published one): {', '.join(PUBLISHED)}",
    )
    parser.add_argument("--from-dir", required=True, help="the figure tables (results/tables)")
    parser.add_argument("--publish-dir", required=True, help="write the publication copies to this folder")
    parser.add_argument(
        "--published-figures",
        help="the source reports' figures the reproduction prints beside the tables (the config's "
        "published_figures): they count as published",
    )
    parser.add_argument("--lang", choices=("da", "en"), default="da", help="language of README.md")
    args = parser.parse_args(argv)
    tables = read_tables(args.from_dir, family_tables(dict.fromkeys(args.family or PUBLISHED)))
    figures = read_published(Path(args.published_figures)) if args.published_figures else []
    try:
        publication = mask(tables, figures)
    except (AuditFailed, RelationBroken) as error:
        print(f"evalkit publish: {error}", file=sys.stderr)
        return 1
    write_copies(args.publish_dir, tables, publication)
    (Path(args.publish_dir) / SUMMARY).write_text(summary_markdown(publication, args.lang), encoding="utf-8")
    for name, rows in publication.rows.items():
        print(f"{name}: published {len(rows)} rows to {args.publish_dir}", file=sys.stderr)
    print(publication.summary(), file=sys.stderr)
    return 0
