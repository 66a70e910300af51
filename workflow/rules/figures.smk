# Report figures (issue 5): for each configured report, one job draws every figure its publication tables have
# something to show for (PNG at 200 dpi and SVG, listed in figures.csv). Needs PUBLISH_DIR and PUBLISHED_FAMILIES
# from tables.smk: include it after that file. The figures read the masked copies, so no figure shows a count
# of 1-4; `evalkit figures --internal --tables results/tables` draws unmasked ones, marked "intern".
from evalkit.figures.labels import figure_label, municipality_label, report_label, report_section

FIGURES_DIR = RESULTS_DIR / "figures"
MUNICIPALITY_NAMES = "config/municipalities.csv"
REPORT_IDS = [str(report["id"]) for report in config["reports"]]
# The contract's section 6 tables, shown in the HTML report (their publication copies: what may be handed on).
KEY_TABLES = ["referral_onward", "completion", "shadow_savings", "course_length", "services_before_after", "funnel"]


rule figures_report:
    input:
        tables=expand(str(PUBLISH_DIR / "{family}.csv"), family=PUBLISHED_FAMILIES),
        key_tables=[
            report(
                PUBLISH_DIR / f"{family}.csv",
                caption="../report/table.rst",
                category=lambda wildcards: report_section(config, "tables"),
            )
            for family in KEY_TABLES
        ],
        municipalities=MUNICIPALITY_NAMES,
        configs=CONFIG_FILES,
    output:
        report(
            directory(FIGURES_DIR / "{report}"),
            patterns=["{figure}.png"],
            caption="../report/figure.rst",
            category=lambda wildcards: report_label(config, wildcards.report),
            subcategory=lambda wildcards: municipality_label(config, MUNICIPALITY_NAMES, wildcards.figure),
            labels=lambda wildcards: figure_label(config, MUNICIPALITY_NAMES, wildcards.figure),
        ),
    log:
        LOG_DIR / "figures" / "{report}.log",
    params:
        tables_dir=PUBLISH_DIR,
        out_dir=FIGURES_DIR,
    wildcard_constraints:
        report="|".join(REPORT_IDS),
    conda:
        "../../environment.yml"
    shell:
        "evalkit figures --config {input.configs:q} --tables {params.tables_dir:q} --report {wildcards.report}"
        " --municipalities {input.municipalities:q} --out {params.out_dir:q} > {log:q} 2>&1"


rule figures:
    input:
        expand(str(FIGURES_DIR / "{report}"), report=REPORT_IDS),


ALL_TARGETS += rules.figures.input
