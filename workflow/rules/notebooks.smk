# Reviewer notebooks (issue 5): notebooks/<report id>.py (jupytext, py:percent) for each configured report that
# has one, executed against the warehouse (read-only) and written as HTML; a failing cell fails the rule.
# Needs TABLES_DIR, PUBLISH_DIR, PUBLISHED_FAMILIES (tables.smk), REPORT_IDS (figures.smk) and the reproduction
# report (reproduce.smk): include it after those files.
NOTEBOOKS_DIR = RESULTS_DIR / "notebooks"
NOTEBOOK_REPORTS = [report_id for report_id in REPORT_IDS if Path("notebooks", f"{report_id}.py").exists()]


# The reproduction report and table, when this run makes them (reproduce.smk defines its rule only when the config
# names published figures). A dict, not an input function: report() captions are resolved only in the rule itself.
REPRODUCTION_INPUTS = (
    {
        "reproduction": report(
            rules.reproduce.output.md,
            caption="../report/reproduction.rst",
            category=report_section(config, "reproduction"),
        ),
        "reproduction_table": rules.reproduce.output.csv,
    }
    if config.get("published_figures")
    else {}
)


rule notebook:
    input:
        # The notebook ends with the reproduction of the report's published numbers, where the run has one
        # (reproduce.smk makes it only when the config names published figures); the HTML report shows it too.
        **REPRODUCTION_INPUTS,
        notebook="notebooks/{report}.py",
        db=WAREHOUSE,
        tables=expand(str(TABLES_DIR / "{family}.csv"), family=PUBLISHED_FAMILIES),
        publish=expand(str(PUBLISH_DIR / "{family}.csv"), family=PUBLISHED_FAMILIES),
        unit_costs=config["unit_costs"],
        municipalities=MUNICIPALITY_NAMES,
        configs=CONFIG_FILES,
    output:
        report(
            NOTEBOOKS_DIR / "{report}.html",
            caption="../report/notebook.rst",
            category=lambda wildcards: report_label(config, wildcards.report),
            subcategory=lambda wildcards: report_section(config, "notebook"),
        ),
    log:
        LOG_DIR / "notebooks" / "{report}.log",
    params:
        tables_dir=TABLES_DIR,
        publish_dir=PUBLISH_DIR,
        reproduction=lambda wildcards, input: f"--reproduction '{input.reproduction_table}'"
        if "reproduction_table" in input.keys()
        else "",
    wildcard_constraints:
        report="|".join(NOTEBOOK_REPORTS) or "no-notebook",
    conda:
        "../../environment.yml"
    shell:
        "evalkit notebook {input.notebook:q} --html {output:q} --report {wildcards.report}"
        " --config {input.configs:q} --db {input.db:q} --tables {params.tables_dir:q}"
        " --publish {params.publish_dir:q} --unit-costs {input.unit_costs:q}"
        " --municipalities {input.municipalities:q} {params.reproduction} > {log:q} 2>&1"


rule notebooks:
    input:
        expand(str(NOTEBOOKS_DIR / "{report}.html"), report=NOTEBOOK_REPORTS),


ALL_TARGETS += rules.notebooks.input
