# evalkit: raw municipal drops -> validated, pseudonymised Parquet -> DuckDB -> figure tables, figures, reports.
# Run with `make results` (or `snakemake --cores all`); another set of folders: `--configfile OTHER.yaml`.
from snakemake.utils import min_version, validate

min_version("8.20")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


# The browsable HTML report of the run, `snakemake --report results/report.html`: the figures, the executed
# notebooks, the key publication tables and the reproduction, each with its caption from workflow/report/.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/warehouse.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/reproduce.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/report.smk"


# results/run_status.txt says whether results/ is one successful run's (evalkit.guard.write_run_status); a
# quarter withdrawn from the raw folder loses its processed copy and report when a run (not a dry run) starts.
onstart:
    remove_withdrawn(PROCESSED_DIR / "quarters", DATA_QUALITY_DIR, QUARTERS)
    write_run_status(RESULTS_DIR, "running", RUN_STARTED)


onsuccess:
    write_run_status(RESULTS_DIR, "complete", RUN_STARTED)


# A failed command's own message, last on the console: Snakemake's error block only names the log file.
onerror:
    write_run_status(RESULTS_DIR, "failed", RUN_STARTED)
    print(failure_messages(LOG_DIR, RUN_STARTED_AT), file=sys.stderr)


rule all:
    input:
        get_final_output(),
