"""The `evalkit` command: the entry points the Snakemake rules call, and the tools people run by hand."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import duckdb

from evalkit import console
from evalkit.config import ConfigError, add_config_arguments, config_from_arguments
from evalkit.duck import add_resource_arguments, resources_from
from evalkit.ingest import ingest_quarter
from evalkit.ingest.delivery import IngestError, scrub
from evalkit.ingest.dialect import FileProblem
from evalkit.ingest.pseudonym import load_key
from evalkit.warehouse.build import build_warehouse, manifest_file
from evalkit.warehouse.data_quality import ReopenedCourses, reopened_courses

# Subcommands whose parsers live in their own modules: name -> (module with `cli(argv) -> int`, what it does).
DELEGATED = {
    "validate": ("evalkit.ingest.preflight", "check delivery files with the ingest's own checks; writes nothing"),
    "data-quality": ("evalkit.warehouse.data_quality", "write the data-quality report of each delivery"),
    "tables": ("evalkit.tables.cli", "compute the figure tables of every configured report"),
    "publish": ("evalkit.publish.cli", "write the publication copies of the figure tables (small counts masked)"),
    "excel": ("evalkit.publish.excel", "write results/tables.xlsx from the publication copies"),
    "reproduce": ("evalkit.reproduce", "compare the figure tables with the source reports' published figures"),
    "figures": ("evalkit.figures", "draw the report figures from the publication copies"),
    "notebook": ("evalkit.notebook.run", "execute a reviewer notebook and write it as HTML"),
    "page": ("evalkit.publish.pages", "render a figure table or a Markdown report as an HTML page of the report"),
    "check-report": ("evalkit.publish.browser", "open results/report.html in headless Chromium; screenshot each part"),
    "synth": ("evalkit.synth", "write synthetic demo or benchmark deliveries"),
}


def _ingest(args: argparse.Namespace) -> int:
    key = load_key(args.key_file or (args.config or {}).get("pseudonym_key_file"), language=args.lang)
    outcomes = ingest_quarter(Path(args.raw_dir), args.quarter, Path(args.out_dir), key, resources_from(args))
    for o in outcomes:
        print(
            f"{o.delivery.display}: {o.rows_read} read, {o.rows_loaded} loaded, "
            f"{o.rows_quarantined} quarantined ({o.encoding}, separator {o.delimiter!r})"
            + (f"; ignored columns: {', '.join(o.ignored_columns)}" if o.ignored_columns else "")
        )
    print(f"{args.quarter}: {len(outcomes)} files ingested into {args.out_dir}")
    return 0


def _warehouse(args: argparse.Namespace) -> int:
    db = Path(args.db)
    done = build_warehouse([Path(d) for d in args.quarter_dirs], db, resources_from(args), key=args.key_fingerprint)
    print(f"warehouse {args.db} {done}")
    reopened = reopened_courses(db)
    if reopened and args.strict_deliveries:
        # No manifest, so nothing reads this warehouse as current and the next run checks the deliveries again.
        manifest_file(db).unlink(missing_ok=True)
        raise ReopenedCourses(reopened)
    for delivery in reopened:
        console.say("warehouse", "warning", delivery.message(args.lang), args.lang)
    return 0


def _add_language_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=console.LANGUAGES,
        help="language of the messages (default: the config's language where --config or --config-json is given, "
        f"else {console.LANGUAGE_ENV}, which the workflow sets, else da)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evalkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="validate and pseudonymise one quarter's delivery folder into Parquet")
    ingest.add_argument("--raw-dir", required=True, help="folder holding the YYYYQN delivery folders")
    ingest.add_argument("--quarter", required=True, help="the delivery folder to ingest, e.g. 2021Q3")
    ingest.add_argument("--out-dir", required=True, help="where <table>.parquet, quarantine and ingest_log go")
    ingest.add_argument(
        "--key-file",
        help="pseudonymisation key file (default: the config's pseudonym_key_file; EVALKIT_PSEUDONYM_KEY wins)",
    )
    add_config_arguments(ingest, required=False)
    _add_language_argument(ingest)
    add_resource_arguments(ingest)
    ingest.set_defaults(run=_ingest)

    warehouse = sub.add_parser("warehouse", help="build the DuckDB warehouse from ingested quarters")
    warehouse.add_argument("--db", required=True, help="the DuckDB file to write")
    warehouse.add_argument("quarter_dirs", nargs="*", help="ingest output folders, one per quarter")
    warehouse.add_argument(
        "--key-fingerprint", help="fingerprint of the current pseudonymisation key; every quarter must have it"
    )
    warehouse.add_argument(
        "--strict-deliveries",
        action="store_true",
        help="fail, instead of warning, when a delivery re-opens courses (config strict_deliveries)",
    )
    _add_language_argument(warehouse)
    add_resource_arguments(warehouse)
    warehouse.set_defaults(run=_warehouse)

    for name, (_, summary) in DELEGATED.items():
        sub.add_parser(name, help=f"{summary} (`evalkit {name} --help`)", add_help=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in DELEGATED:
        return importlib.import_module(DELEGATED[argv[0]][0]).cli(argv[1:])
    args = _parser().parse_args(argv)
    told, args.lang = args.lang, args.lang or console.language()
    try:
        # a config given by hand (ingest): its language, unless --lang says another, and its key file
        given = getattr(args, "config", None) is not None or getattr(args, "config_json", None) is not None
        args.config = config_from_arguments(args) if given else None
        args.lang = told or console.language(args.config and args.config["language"])
        return args.run(args)
    except ConfigError as error:
        if error.language:  # a config the schema passed says its language
            args.lang = told or error.language
        message = error.message(args.lang)
    except (IngestError, ReopenedCourses, console.Failure) as error:
        message = error.message(args.lang)
    except FileProblem as error:
        message = f"{error.path}: {error.problem(args.lang)}"
    except duckdb.OutOfMemoryException:
        message = console.out_of_memory(args.command, resources_from(args), args.lang)
    # Messages name files, lines and columns; scrub() guarantees no CPR number reaches a log.
    console.say(args.command, "error", scrub(message), args.lang)
    return 2


if __name__ == "__main__":
    sys.exit(main())
