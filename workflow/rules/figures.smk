# Report figures: for each configured report, one job draws every figure its publication tables have something to
# show for (PNG at 200 dpi and SVG, listed in figures.csv). The figures read the masked copies, so no figure shows
# a count of 1-4; `evalkit figures --internal --tables results/tables` draws unmasked ones, marked "intern".
rule figures_report:
    input:
        tables=publish_files(PUBLISHED_FAMILIES),
        municipalities=MUNICIPALITY_NAMES,
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
    wildcard_constraints:
        report="|".join(REPORT_IDS),
    conda:
        "../../environment.yml"
    params:
        config=RUN_CONFIG,
        tables_dir=STAGED_PUBLISH_DIR,
        out_dir=FIGURES_DIR,
    shell:
        "evalkit figures --config-json {params.config:q} --tables {params.tables_dir:q} --report {wildcards.report}"
        " --municipalities {input.municipalities:q} --out {params.out_dir:q} > {log:q} 2>&1"


rule figures:
    input:
        named_target([FIGURES_DIR / report_id for report_id in REPORT_IDS]),
