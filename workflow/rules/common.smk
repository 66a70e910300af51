# Paths, lists and input functions for the rules, as the snakemake-workflows layout keeps them. The other files
# of workflow/rules hold rules only and may be included in any order. Every folder comes from the config.
import os
import shlex
import sys
from datetime import datetime
from pathlib import Path

from snakemake.exceptions import WorkflowError

from evalkit.config import as_json
from evalkit.console import LANGUAGE_ENV, line, strict_note
from evalkit.contract import QUARTER_FILES, QUARTER_PATTERN
from evalkit.figures.labels import figure_label, municipality_label, report_label, report_section
from evalkit.guard import (
    failure_messages,
    mark_complete,
    quarter_summary,
    reingest_other_key,
    remove_withdrawn,
    report_front_page,
    run_status,
    run_summary,
    stale_warehouse,
    warnings_of_run,
    write_run_status,
)
from evalkit.ingest.delivery import discover_quarters, repeated_files, unread_entries, unread_message
from evalkit.ingest.pseudonym import KEY_FINGERPRINT_FILE, KeyError_, key_fingerprint, load_key
from evalkit.provenance import files_fingerprint, source_fingerprint
from evalkit.reproduce.compare import published_families
from evalkit.tables.registry import FAMILIES, IN_REPORT, PUBLISHED
from evalkit.warehouse.build import CODE_MODULES as WAREHOUSE_MODULES
from evalkit.warehouse.build import manifest_file


# The rules call `evalkit`: found beside the Python running Snakemake (the project's .venv) even when that
# environment is not activated, as in a plain `snakemake --cores 2`.
envvars:
    "PATH",


SEARCH_PATH = os.environ["PATH"]
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), SEARCH_PATH])

RAW_DIR = Path(config["raw_dir"])
PROCESSED_DIR = Path(config["processed_dir"])
RESULTS_DIR = Path(config["results_dir"])
LOG_DIR = RESULTS_DIR / "logs"
RUN_STARTED_AT = datetime.now()
RUN_STARTED = RUN_STARTED_AT.isoformat(timespec="seconds")
WAREHOUSE = PROCESSED_DIR / "evalkit.duckdb"
# Written by a successful build only; what the warehouse's readers depend on (evalkit.warehouse.build).
WAREHOUSE_MANIFEST = manifest_file(WAREHOUSE)
TABLES_DIR = RESULTS_DIR / "tables"
PUBLISH_DIR = RESULTS_DIR / "publish"
# The publication copies the figures and notebooks are made from; copied to PUBLISH_DIR, and the workbook
# written, only once every other output of the run is made: a run that fails never rewrites what is handed on.
STAGED_PUBLISH_DIR = RESULTS_DIR / "staging" / "publish"
FIGURES_DIR = RESULTS_DIR / "figures"
NOTEBOOKS_DIR = RESULTS_DIR / "notebooks"
DATA_QUALITY_DIR = RESULTS_DIR / "data_quality"
# The publication audit (every masked cell's range) and what the symbols mean, beside the copies.
PUBLISH_NOTES = ("audit.csv", "README.md")
WORKBOOK = RESULTS_DIR / "tables.xlsx"
REPRODUCTION_MD = RESULTS_DIR / "reproduction.md"
REPRODUCTION_CSV = RESULTS_DIR / "reproduction.csv"
# HTML pages of the tables and Markdown reports for the HTML report, which shows HTML but offers .csv/.md only
# as downloads.
PAGES_DIR = RESULTS_DIR / "report_pages"
MUNICIPALITY_NAMES = "config/municipalities.csv"

# Anything under the raw folder that no job would read stops the run before any job starts: a misnamed quarter
# folder or a file in the wrong place would otherwise leave a municipality's numbers out without a word.
UNREAD, NOTES = unread_entries(RAW_DIR)
if UNREAD:
    raise WorkflowError(unread_message(RAW_DIR, UNREAD, NOTES, config["language"]))
QUARTERS = discover_quarters(RAW_DIR)
# The language of every message, handed to the jobs through the environment: a change of it reruns nothing.
LANGUAGE = config["language"]
os.environ[LANGUAGE_ENV] = LANGUAGE
# A file delivered again byte for byte, usually an old file in place of the current one: a warning, or with
# strict_deliveries the run stops before any job.
REPEATED = repeated_files(RAW_DIR, QUARTERS, cache=PROCESSED_DIR / ".raw_digests.json")
REPEATED = [repeat.message(LANGUAGE) for repeat in REPEATED]
if REPEATED and config["strict_deliveries"]:
    raise WorkflowError("\n".join([*REPEATED, strict_note(LANGUAGE)]))
REPEATED = [line("run", "warning", message, LANGUAGE) for message in REPEATED]
for warning in REPEATED:
    print(warning, file=sys.stderr)
# The families of the registry (evalkit.tables.registry): all of them are computed, the published ones copied
# for publication, and those marked for the report shown in the HTML report.
TABLE_FAMILIES = list(FAMILIES)
PUBLISHED_FAMILIES = PUBLISHED
REPORT_TABLES = IN_REPORT
REPORT_IDS = [str(report["id"]) for report in config["reports"]]
NOTEBOOK_REPORTS = [report_id for report_id in REPORT_IDS if Path("notebooks", f"{report_id}.py").exists()]
# The reproduction of published figures runs only where the config names them (the shipped demo does).
REPRODUCE = bool(config.get("published_figures"))

# The configuration Snakemake merged (config files and any --config key=value): what every command reads. As a
# param, a change to it reruns the jobs that read it.
RUN_CONFIG = as_json(config)

# The code each stage runs: a change reruns the stage (and what follows), not only a changed input.
INGEST_CODE = source_fingerprint("contract.py", "duck.py", "ingest")
WAREHOUSE_CODE = source_fingerprint(*WAREHOUSE_MODULES)
TABLES_CODE = source_fingerprint("config.py", "contract.py", "duck.py", "tables", "tables/sql")
# the workbook and the report pages take their words for codes from the figure labels (figures/text.py)
PUBLISH_CODE = source_fingerprint("contract.py", "tables/registry.py", "publish", "figures/text.py")

# The pseudonymisation key, made here on first use so that its creation shows on the console; only its
# fingerprint is passed on. Quarters made with another key are ingested again, and a warehouse not built from
# exactly the current quarters, key and code is rebuilt (evalkit.guard).
try:
    KEY_FINGERPRINT = key_fingerprint(load_key(config["pseudonym_key_file"], language=LANGUAGE))
except KeyError_ as error:
    raise WorkflowError(line("run", "error", error.message(LANGUAGE), LANGUAGE)) from None


wildcard_constraints:
    quarter=QUARTER_PATTERN.pattern.strip("^$"),


def quarter_dir(quarter):
    return PROCESSED_DIR / "quarters" / quarter


def quarter_outputs(quarter):
    parquet = [str(quarter_dir(quarter) / f"{name}.parquet") for name in QUARTER_FILES]
    return [*parquet, str(quarter_dir(quarter) / KEY_FINGERPRINT_FILE)]


reingest_other_key([quarter_dir(q) for q in QUARTERS], KEY_FINGERPRINT, config["pseudonym_key_file"], LANGUAGE)
stale_warehouse(WAREHOUSE, [quarter_dir(q) for q in QUARTERS], WAREHOUSE_CODE, KEY_FINGERPRINT)


def delivery_folder(wildcards):
    return RAW_DIR / wildcards.quarter


def delivery_state(wildcards):
    """Fingerprint of the delivery folder's files: adding, changing or removing one re-ingests the quarter."""
    return files_fingerprint(RAW_DIR / wildcards.quarter)


def payer_shares(wildcards):
    """The payer shares are an input of the figure tables when a report has a business case (contract section 7)."""
    return [config["payers"]] if any("business_case" in report for report in config["reports"]) else []


def table_files(families):
    return [TABLES_DIR / f"{family}.csv" for family in families]


def publish_files(families, folder=STAGED_PUBLISH_DIR):
    return [folder / f"{family}.csv" for family in families]


def publish_notes(folder=STAGED_PUBLISH_DIR):
    return [folder / name for name in PUBLISH_NOTES]


def released_files():
    return [*publish_files(PUBLISHED_FAMILIES, PUBLISH_DIR), *publish_notes(PUBLISH_DIR)]


def reproduced_tables():
    return table_files(published_families(config["published_figures"])) if REPRODUCE else []


def data_quality_reports():
    return [DATA_QUALITY_DIR / f"{quarter}.md" for quarter in QUARTERS]


def reproduction_inputs():
    """The notebook's reproduction inputs, where the run has one."""
    return {"reproduction_table": REPRODUCTION_CSV} if REPRODUCE else {}


# Whether results/ is one complete run's (or no run's yet) as the workflow is read.
LAST_RUN_COMPLETE = (run_status(RESULTS_DIR) or ("complete",))[0] == "complete"


def report_page(path, **how):
    """A page flagged for `snakemake --report`; after a run that did not complete, only once it exists: a page that
    run never made (a new quarter's data quality) would stop the report, which then says its results may be
    stale instead."""
    return report(path, **how) if LAST_RUN_COMPLETE or Path(path).exists() else path


def table_pages():
    return [PAGES_DIR / "tables" / f"{family}.html" for family in REPORT_TABLES]


def table_caption(page):
    """A table page's caption: the business case's tables (computed by its Python step) have their own."""
    business_case = FAMILIES[Path(page).stem].prepared_by == "business_case"
    return "../report/business_case_table.rst" if business_case else "../report/table.rst"


def data_quality_pages():
    return [PAGES_DIR / "data_quality" / f"{quarter}.html" for quarter in QUARTERS]


def reproduction_pages():
    return [PAGES_DIR / "reproduction.html"] if REPRODUCE else []


def audit_pages():
    """What the masking did and what the audit found (results/publish/README.md), shown with the tables."""
    return [PAGES_DIR / "publication_audit.html"]


def page_sources():
    """Each report page and the file it shows, in the order of the report_pages rule's output."""
    sources = publish_files(REPORT_TABLES) + [publish_notes()[1]] + data_quality_reports()
    sources += [REPRODUCTION_MD] if REPRODUCE else []
    pages = table_pages() + audit_pages() + data_quality_pages() + reproduction_pages()
    return list(zip(sources, pages, strict=True))


def page_arguments():
    """`evalkit page`'s arguments for the report pages: --page SOURCE PAGE, each path quoted for the shell."""
    return " ".join(f"--page {shlex.quote(str(source))} {shlex.quote(str(page))}" for source, page in page_sources())


def checked_outputs():
    """Every output of a run but the publication copies and the workbook, which wait for all of these."""
    checked = [WAREHOUSE_MANIFEST, *table_files(TABLE_FAMILIES), *publish_files(PUBLISHED_FAMILIES)]
    checked += publish_notes()
    checked += data_quality_reports()
    checked += [FIGURES_DIR / report_id for report_id in REPORT_IDS]
    checked += [NOTEBOOKS_DIR / f"{report_id}.html" for report_id in NOTEBOOK_REPORTS]
    if REPRODUCE:
        checked.append(REPRODUCTION_MD)
    return checked


def named_target(files):
    """What a target a user names on the command line (`snakemake tables`) asks for: files, and the warehouse's
    manifest. Snakemake does not rerun anything for a missing intermediate file whose readers' outputs exist, so
    the manifest a failed warehouse job took away must be asked for by the target itself; then the warehouse is
    built again, and everything that reads it after it."""
    return [*files, WAREHOUSE_MANIFEST]


def get_final_output():
    """What `make results` (rule all) builds."""
    final = [*checked_outputs(), *released_files(), WORKBOOK]
    return final + table_pages() + audit_pages() + data_quality_pages() + reproduction_pages()


def end_of_run(succeeded):
    """What a run ends with on the console: its warnings, then a line per new or changed quarter or, when it
    failed, the failed commands' own messages."""
    warnings = REPEATED + warnings_of_run(LOG_DIR, RUN_STARTED_AT)
    if succeeded:
        quarters = quarter_summary(PROCESSED_DIR / "quarters", DATA_QUALITY_DIR, RESULTS_DIR, QUARTERS, LANGUAGE)
        summary = run_summary(warnings, quarters)
        mark_complete(RESULTS_DIR)
    else:
        summary = "\n".join([*warnings, failure_messages(LOG_DIR, RUN_STARTED_AT)])
    if summary.strip():
        print(summary, file=sys.stderr)
