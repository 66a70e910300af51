# Figure tables (contract section 6): results/tables/<family>.csv for every configured report, all families in
# one job (each report's scoped views and shared definitions are built once); publication copies with counts 1-4
# masked together and audited (audit.csv, README.md), staged in results/staging/publish/ for the figures and notebooks and released to results/publish/
# with results/tables.xlsx (the publication copies as a workbook) only after every other output of the run is
# made. `snakemake tables` builds only results/tables/.
rule figure_tables:
    input:
        manifest=WAREHOUSE_MANIFEST,
        unit_costs=config["unit_costs"],
        payers=payer_shares,
    output:
        table_files(TABLE_FAMILIES),
    log:
        LOG_DIR / "tables.log",
    conda:
        "../../environment.yml"
    threads: 2
    resources:
        mem_mb=1250,
    params:
        code=TABLES_CODE,
        db=WAREHOUSE,
        config=RUN_CONFIG,
        families=TABLE_FAMILIES,
        out_dir=TABLES_DIR,
    shell:
        "evalkit tables --family {params.families} --config-json {params.config:q} --db {params.db:q}"
        " --unit-costs {input.unit_costs:q} --out-dir {params.out_dir:q}"
        " --threads {threads} --memory-mb {resources.mem_mb} > {log:q} 2>&1"


rule publish_tables:
    input:
        tables=table_files(PUBLISHED_FAMILIES),
        # the source reports' figures the reproduction prints beside the tables count as published
        published_figures=[config["published_figures"]] if REPRODUCE else [],
    output:
        publish_files(PUBLISHED_FAMILIES),
        publish_notes(),
    log:
        LOG_DIR / "publish.log",
    conda:
        "../../environment.yml"
    params:
        code=PUBLISH_CODE,
        families=PUBLISHED_FAMILIES,
        tables_dir=TABLES_DIR,
        publish_dir=STAGED_PUBLISH_DIR,
        figures=lambda wildcards, input: (
            f"--published-figures '{input.published_figures[0]}'" if input.published_figures else ""
        ),
        language=lambda wildcards: config["language"],
    shell:
        # The audit's message names every cell it could narrow: shown, not only the log's path.
        "evalkit publish --family {params.families} --from-dir {params.tables_dir:q}"
        " --publish-dir {params.publish_dir:q} {params.figures} --lang {params.language}"
        " > {log:q} 2>&1 || (cat {log:q} >&2; exit 1)"


rule release_publication:
    input:
        staged=[*publish_files(PUBLISHED_FAMILIES), *publish_notes()],
        checked=checked_outputs(),
    output:
        released_files(),
    log:
        LOG_DIR / "release.log",
    conda:
        "../../environment.yml"
    params:
        publish_dir=PUBLISH_DIR,
    shell:
        "cp {input.staged:q} {params.publish_dir:q}/ > {log:q} 2>&1"


rule excel_workbook:
    input:
        staged=publish_files(PUBLISHED_FAMILIES),
        checked=checked_outputs(),
    output:
        WORKBOOK,
    log:
        LOG_DIR / "excel.log",
    conda:
        "../../environment.yml"
    params:
        code=PUBLISH_CODE,
        # the business case's assumptions, for its sheet
        config=RUN_CONFIG,
        tables_dir=STAGED_PUBLISH_DIR,
        families=PUBLISHED_FAMILIES,
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    shell:
        "evalkit excel --tables-dir {params.tables_dir:q} --out {output:q} --lang {params.language}"
        " {params.families} --config-json {params.config:q} > {log:q} 2>&1"


rule tables:
    input:
        named_target(table_files(TABLE_FAMILIES)),


rule publish:
    input:
        named_target(released_files()),
