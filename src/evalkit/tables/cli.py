"""`evalkit tables`: every family for every configured report, from one DuckDB session, as results/tables/*.csv."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from evalkit import console, duck
from evalkit.config import ConfigError, Report, add_config_arguments, config_from_arguments
from evalkit.tables.compute import compute_tables, connect
from evalkit.tables.files import write_csv
from evalkit.tables.registry import FAMILIES, Family


def build_tables(
    families: Sequence[Family],
    db_path: str | Path,
    reports: Sequence[Report],
    out_dir: str | Path,
    unit_costs: str | Path | None,
    resources: duck.Resources = duck.DEFAULT_RESOURCES,
    payers: str | Path | None = None,
) -> dict[str, int]:
    """Compute the families for every report in one session and write <out_dir>/<family>.csv.
    Returns the row count per family. `payers`: the payer shares, needed when a report has a business case."""
    con = connect(db_path, unit_costs, resources, payers)
    try:
        computed = compute_tables(con, families, reports)
    finally:
        con.close()
    for family in families:
        write_csv(Path(out_dir) / f"{family.name}.csv", family.header, computed[family.name])
    return {name: len(rows) for name, rows in computed.items()}


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="evalkit tables",
        allow_abbrev=False,  # the old --out FILE must fail, not be taken for --out-dir
        description="Write figure tables (<out-dir>/<family>.csv) for every configured report, all families "
        "from one DuckDB session. `evalkit publish` then writes their publication copies.",
        epilog="example: evalkit tables --config config/config.yaml --db data/processed/evalkit.duckdb "
        "--out-dir results/tables",
    )
    parser.add_argument(
        "--family",
        nargs="+",
        action="extend",
        choices=list(FAMILIES),
        metavar="FAMILY",
        help=f"the families to write (default: all): {', '.join(FAMILIES)}",
    )
    add_config_arguments(parser)
    parser.add_argument("--db", required=True, help="the warehouse, data/processed/evalkit.duckdb")
    parser.add_argument("--unit-costs", help="unit-cost catalogue (default: the config's unit_costs)")
    parser.add_argument("--out-dir", required=True, help="write the tables to this folder")
    duck.add_resource_arguments(parser)
    args = parser.parse_args(argv)
    families = [FAMILIES[name] for name in dict.fromkeys(args.family or FAMILIES)]
    language = console.language()
    try:
        config = config_from_arguments(args)
        language = console.language(config["language"])
        reports = [Report.from_config(entry) for entry in config["reports"]]
        unit_costs = args.unit_costs or config.get("unit_costs")
        payers = config["payers"] if any(report.business_case for report in reports) else None
        counts = build_tables(families, args.db, reports, args.out_dir, unit_costs, duck.resources_from(args), payers)
    except ConfigError as error:
        # a config that the schema passed says its language; the unit costs' and payers' sheets are the config's
        language = console.language(error.language) if error.language else language
        console.say("tables", "error", error.message(language), language)
        return 2
    except duckdb.OutOfMemoryException:
        console.say("tables", "error", console.out_of_memory("tables", duck.resources_from(args), language), language)
        return 2
    for name, count in counts.items():
        print(f"{name}: {count} rows for {len(reports)} reports -> {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
