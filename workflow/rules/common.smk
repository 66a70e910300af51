# Paths from the config and the delivery folders found under raw_dir. No rule hard-codes a folder.
from pathlib import Path

from evalkit.contract import QUARTER_PATTERN
from evalkit.ingest import OUTPUTS as INGEST_OUTPUTS, discover_quarters
from evalkit.provenance import files_fingerprint, source_fingerprint
from evalkit.warehouse import CODE_MODULES as WAREHOUSE_MODULES

RAW_DIR = Path(config["raw_dir"])
PROCESSED_DIR = Path(config["processed_dir"])
RESULTS_DIR = Path(config["results_dir"])
LOG_DIR = RESULTS_DIR / "logs"
WAREHOUSE = PROCESSED_DIR / "evalkit.duckdb"
QUARTERS = discover_quarters(RAW_DIR)
# The code each stage runs: a change reruns the stage (and what follows), not only a changed input.
INGEST_CODE = source_fingerprint(
    "contract.py", "dialect.py", "duck.py", "ingest.py", "validation.py", "messages.py", "pseudonym.py"
)
WAREHOUSE_CODE = source_fingerprint(*WAREHOUSE_MODULES)
TABLES_CODE = source_fingerprint("duck.py", "tables.py", "stats.py", "publish.py", "excel.py", "sql")


wildcard_constraints:
    quarter=QUARTER_PATTERN.pattern.strip("^$"),


def quarter_dir(quarter):
    return PROCESSED_DIR / "quarters" / quarter


def quarter_outputs(quarter):
    return [str(quarter_dir(quarter) / f"{name}.parquet") for name in INGEST_OUTPUTS]


def delivery_folder(wildcards):
    return RAW_DIR / wildcards.quarter


def delivery_state(wildcards):
    """Fingerprint of the delivery folder's files: adding, changing or removing one re-ingests the quarter."""
    return files_fingerprint(RAW_DIR / wildcards.quarter)


# What `make results` builds; the rule files of later stages add their outputs here.
ALL_TARGETS = [WAREHOUSE]
