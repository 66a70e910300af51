# evalkit: raw municipal drops -> validated, pseudonymised Parquet -> DuckDB -> figure tables, figures, reports.
# Run with `make results` (or `snakemake --cores all`); another set of folders: `--configfile OTHER.yaml`.
from snakemake.utils import min_version, validate

min_version("8.20")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/warehouse.smk"
include: "workflow/rules/data_quality.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/excel.smk"
include: "workflow/rules/reproduce.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/report.smk"


# The default target must be defined here: Snakemake takes it from the top-level Snakefile only.
rule all:
    input:
        ALL_TARGETS,
