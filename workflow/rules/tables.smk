# Figure tables (contract section 6): results/tables/<family>.csv for every configured report, and publication
# copies results/publish/<family>.csv with counts 1-4 masked. `snakemake tables` builds only results/tables/.

TABLE_FAMILIES = [
    "completion",
    "referral_onward",
    "services_before_after",
    "course_length",
    "age",
    "funnel",
    "housing_support",
    "contacts",
    "investment",
    "shadow_savings",
    "paragraph_counts",
    "unpriced",  # the rows shadow_savings could not price; internal, so never published
]
PUBLISHED_FAMILIES = [family for family in TABLE_FAMILIES if family != "unpriced"]
TABLES_DIR = RESULTS_DIR / "tables"
PUBLISH_DIR = RESULTS_DIR / "publish"

# The config files in snakemake's order of precedence (the --configfile ones win), for the CLI to merge alike.
CONFIG_FILES = [
    str(f) for f in workflow.configfiles if f not in workflow.overwrite_configfiles
] + [str(f) for f in workflow.overwrite_configfiles]


# One job for every family: the report's scoped views and shared definitions are built once, not per family.
rule figure_tables:
    input:
        db=WAREHOUSE,
        unit_costs=config["unit_costs"],
        configs=CONFIG_FILES,
    output:
        [TABLES_DIR / f"{family}.csv" for family in TABLE_FAMILIES],
    log:
        LOG_DIR / "tables.log",
    params:
        code=TABLES_CODE,
        families=TABLE_FAMILIES,
        out_dir=TABLES_DIR,
    conda:
        "../../environment.yml"
    shell:
        "evalkit tables --family {params.families} --config {input.configs:q} --db {input.db:q}"
        " --unit-costs {input.unit_costs:q} --out-dir {params.out_dir:q} > {log:q} 2>&1"


rule publish_tables:
    input:
        [TABLES_DIR / f"{family}.csv" for family in PUBLISHED_FAMILIES],
    output:
        [PUBLISH_DIR / f"{family}.csv" for family in PUBLISHED_FAMILIES],
    log:
        LOG_DIR / "publish.log",
    params:
        families=PUBLISHED_FAMILIES,
        tables_dir=TABLES_DIR,
        publish_dir=PUBLISH_DIR,
    conda:
        "../../environment.yml"
    shell:
        "evalkit tables --family {params.families} --from-dir {params.tables_dir:q}"
        " --publish-dir {params.publish_dir:q} > {log:q} 2>&1"


rule tables:
    input:
        expand(str(TABLES_DIR / "{family}.csv"), family=TABLE_FAMILIES),


rule publish:
    input:
        expand(str(PUBLISH_DIR / "{family}.csv"), family=PUBLISHED_FAMILIES),


ALL_TARGETS += rules.tables.input + rules.publish.input
