# evalkit: raw municipal drops -> validated, pseudonymised Parquet -> DuckDB -> figure tables, figures, reports.
# Run with `make results` (or `snakemake --cores all`); another set of folders: `--configfile OTHER.yaml`.
from snakemake.utils import min_version, validate

min_version("8.20")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/warehouse.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/reproduce.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/report.smk"


# The browsable HTML report of the run, `snakemake --report results/report.html`: the figures, the executed
# notebooks, the key publication tables and the reproduction, each with its caption from workflow/report/. After
# a run that did not complete, its front page says first that the results may be stale (evalkit.guard).
report: report_front_page(RESULTS_DIR, Path(workflow.basedir, "workflow/report/workflow.rst"), LANGUAGE)


# results/run_status.txt says whether results/ is one successful run's (evalkit.guard.write_run_status); a
# quarter withdrawn from the raw folder loses its processed copy and report when a run (not a dry run) starts.
onstart:
    remove_withdrawn(PROCESSED_DIR / "quarters", DATA_QUALITY_DIR, QUARTERS, LANGUAGE)
    write_run_status(RESULTS_DIR, "running", RUN_STARTED, LANGUAGE)


# The run's warnings and a line per new or changed quarter, last on the console.
onsuccess:
    write_run_status(RESULTS_DIR, "complete", RUN_STARTED, LANGUAGE)
    end_of_run(succeeded=True)


# A failed command's own message, last on the console: Snakemake's error block only names the log file.
onerror:
    write_run_status(RESULTS_DIR, "failed", RUN_STARTED, LANGUAGE)
    end_of_run(succeeded=False)


rule all:
    input:
        get_final_output(),
