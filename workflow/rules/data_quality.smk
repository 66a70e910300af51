# A data-quality report per delivery folder: rows delivered, loaded, quarantined by reason, and what changed.
# Shown in the HTML report (snakemake --report) after the reproduction.
from evalkit.figures.labels import report_section

DATA_QUALITY_REPORTS = [RESULTS_DIR / "data_quality" / f"{quarter}.md" for quarter in QUARTERS]


rule data_quality:
    input:
        WAREHOUSE,
    output:
        [
            report(path, caption="../report/data_quality.rst", category=report_section(config, "data_quality"))
            for path in DATA_QUALITY_REPORTS
        ],
    log:
        LOG_DIR / "data_quality.log",
    params:
        out_dir=RESULTS_DIR / "data_quality",
        quarters=QUARTERS,
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    conda:
        "../../environment.yml"
    shell:
        "evalkit data-quality --db {input:q} --out-dir {params.out_dir:q} --lang {params.language}"
        " {params.quarters} > {log:q} 2>&1"


ALL_TARGETS += DATA_QUALITY_REPORTS
