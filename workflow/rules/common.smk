# Paths, lists and input functions for the rules, as the snakemake-workflows layout keeps them. The other files
# of workflow/rules hold rules only and may be included in any order. Every folder comes from the config.
import shlex
from pathlib import Path

from evalkit.config import as_json
from evalkit.contract import QUARTER_FILES, QUARTER_PATTERN
from evalkit.figures.labels import figure_label, municipality_label, report_label, report_section
from evalkit.ingest.delivery import discover_quarters
from evalkit.provenance import files_fingerprint, source_fingerprint
from evalkit.reproduce.compare import published_families
from evalkit.tables.registry import FAMILIES, IN_REPORT, PUBLISHED
from evalkit.warehouse.build import CODE_MODULES as WAREHOUSE_MODULES

RAW_DIR = Path(config["raw_dir"])
PROCESSED_DIR = Path(config["processed_dir"])
RESULTS_DIR = Path(config["results_dir"])
LOG_DIR = RESULTS_DIR / "logs"
WAREHOUSE = PROCESSED_DIR / "evalkit.duckdb"
TABLES_DIR = RESULTS_DIR / "tables"
PUBLISH_DIR = RESULTS_DIR / "publish"
FIGURES_DIR = RESULTS_DIR / "figures"
NOTEBOOKS_DIR = RESULTS_DIR / "notebooks"
DATA_QUALITY_DIR = RESULTS_DIR / "data_quality"
PUBLISH_AUDIT = PUBLISH_DIR / "audit.csv"
PUBLISH_SUMMARY = PUBLISH_DIR / "README.md"
WORKBOOK = RESULTS_DIR / "tables.xlsx"
REPRODUCTION_MD = RESULTS_DIR / "reproduction.md"
REPRODUCTION_CSV = RESULTS_DIR / "reproduction.csv"
# HTML pages of the tables and Markdown reports for the HTML report, which shows HTML but offers .csv/.md only
# as downloads.
PAGES_DIR = RESULTS_DIR / "report_pages"
MUNICIPALITY_NAMES = "config/municipalities.csv"

QUARTERS = discover_quarters(RAW_DIR)
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


wildcard_constraints:
    quarter=QUARTER_PATTERN.pattern.strip("^$"),


def quarter_dir(quarter):
    return PROCESSED_DIR / "quarters" / quarter


def quarter_outputs(quarter):
    return [str(quarter_dir(quarter) / f"{name}.parquet") for name in QUARTER_FILES]


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


def publish_files(families):
    return [PUBLISH_DIR / f"{family}.csv" for family in families]


def reproduced_tables():
    return table_files(published_families(config["published_figures"])) if REPRODUCE else []


def data_quality_reports():
    return [DATA_QUALITY_DIR / f"{quarter}.md" for quarter in QUARTERS]


def reproduction_inputs():
    """The notebook's reproduction inputs, where the run has one."""
    return {"reproduction_table": REPRODUCTION_CSV} if REPRODUCE else {}


def table_pages():
    return [PAGES_DIR / "tables" / f"{family}.html" for family in REPORT_TABLES]


def data_quality_pages():
    return [PAGES_DIR / "data_quality" / f"{quarter}.html" for quarter in QUARTERS]


def reproduction_pages():
    return [PAGES_DIR / "reproduction.html"] if REPRODUCE else []


def audit_pages():
    """What the masking did and what the audit found (results/publish/README.md), shown with the tables."""
    return [PAGES_DIR / "publication_audit.html"]


def page_sources():
    """Each report page and the file it shows, in the order of the report_pages rule's output."""
    sources = publish_files(REPORT_TABLES) + [PUBLISH_SUMMARY] + data_quality_reports()
    sources += [REPRODUCTION_MD] if REPRODUCE else []
    pages = table_pages() + audit_pages() + data_quality_pages() + reproduction_pages()
    return list(zip(sources, pages, strict=True))


def page_arguments():
    """`evalkit page`'s arguments for the report pages: --page SOURCE PAGE, each path quoted for the shell."""
    return " ".join(f"--page {shlex.quote(str(source))} {shlex.quote(str(page))}" for source, page in page_sources())


def get_final_output():
    """What `make results` (rule all) builds."""
    final = [WAREHOUSE, *table_files(TABLE_FAMILIES), *publish_files(PUBLISHED_FAMILIES), PUBLISH_AUDIT, WORKBOOK]
    final += data_quality_reports()
    final += [FIGURES_DIR / report_id for report_id in REPORT_IDS]
    final += [NOTEBOOKS_DIR / f"{report_id}.html" for report_id in NOTEBOOK_REPORTS]
    if REPRODUCE:
        final.append(REPRODUCTION_MD)
    final += table_pages() + audit_pages() + data_quality_pages() + reproduction_pages()
    return final
