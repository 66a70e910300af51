"""`evalkit publish`: the publication copies (results/publish/<family>.csv) of figure tables written before."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evalkit.publish.masking import write_publication
from evalkit.tables.files import read_csv
from evalkit.tables.registry import FAMILIES, PUBLISHED


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="evalkit publish",
        description="Write the publication copies of figure tables: counts 1-4 masked, and what would reveal them "
        "blanked (contract sections 5 and 8); text safe to open in Excel.",
        epilog="example: evalkit publish --from-dir results/tables --publish-dir results/publish",
    )
    parser.add_argument(
        "--family",
        nargs="+",
        action="extend",
        choices=PUBLISHED,
        metavar="FAMILY",
        help=f"the families to publish (default: every published one): {', '.join(PUBLISHED)}",
    )
    parser.add_argument("--from-dir", required=True, help="the figure tables (results/tables)")
    parser.add_argument("--publish-dir", required=True, help="write the publication copies to this folder")
    args = parser.parse_args(argv)
    for name in dict.fromkeys(args.family or PUBLISHED):
        columns, rows = read_csv(Path(args.from_dir) / f"{name}.csv")
        write_publication(Path(args.publish_dir) / f"{name}.csv", FAMILIES[name], columns, rows)
        print(f"{name}: published {len(rows)} rows to {args.publish_dir}", file=sys.stderr)
    return 0
