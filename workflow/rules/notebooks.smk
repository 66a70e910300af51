# Reviewer notebooks: notebooks/<report id>.py (jupytext, py:percent) for each configured report that has one,
# executed against the warehouse (read-only) and written as HTML; a failing cell fails the rule.
rule notebook:
    input:
        # The notebook ends with the reproduction of the report's published numbers, where the run has one.
        **reproduction_inputs(),
        notebook="notebooks/{report}.py",
        manifest=WAREHOUSE_MANIFEST,
        tables=table_files(PUBLISHED_FAMILIES),
        publish=publish_files(PUBLISHED_FAMILIES),
        unit_costs=config["unit_costs"],
        municipalities=MUNICIPALITY_NAMES,
    output:
        report(
            NOTEBOOKS_DIR / "{report}.html",
            caption="../report/notebook.rst",
            category=lambda wildcards: report_label(config, wildcards.report),
            subcategory=lambda wildcards: report_section(config, "notebook"),
        ),
    log:
        LOG_DIR / "notebooks" / "{report}.log",
    wildcard_constraints:
        report="|".join(NOTEBOOK_REPORTS) or "no-notebook",
    conda:
        "../../environment.yml"
    params:
        db=WAREHOUSE,
        config=RUN_CONFIG,
        tables_dir=TABLES_DIR,
        publish_dir=STAGED_PUBLISH_DIR,
        reproduction=lambda wildcards, input: (
            f"--reproduction '{input.reproduction_table}'" if "reproduction_table" in input.keys() else ""
        ),
    shell:
        "evalkit notebook {input.notebook:q} --html {output:q} --report {wildcards.report}"
        " --config-json {params.config:q} --db {params.db:q} --tables {params.tables_dir:q}"
        " --publish {params.publish_dir:q} --unit-costs {input.unit_costs:q}"
        " --municipalities {input.municipalities:q} {params.reproduction} > {log:q} 2>&1"


rule notebooks:
    input:
        named_target([NOTEBOOKS_DIR / f"{report_id}.html" for report_id in NOTEBOOK_REPORTS]),
