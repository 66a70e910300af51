# The one DuckDB database every figure reads: newest quarter wins by key, accounting re-checked.
# update(): a delivery of newer quarters is applied to the existing database instead of rebuilding it
# (evalkit.warehouse decides, and rebuilds in full whenever anything else changed); Snakemake keeps a backup
# of the database while the job runs and restores it if the job fails. The manifest copy is written only by a
# build that succeeded, and every reader depends on it: after a failed or killed job the next run builds again.
rule warehouse:
    input:
        [quarter_outputs(quarter) for quarter in QUARTERS],
    output:
        db=update(WAREHOUSE),
        manifest=WAREHOUSE_MANIFEST,
    log:
        LOG_DIR / "warehouse.log",
    conda:
        "../../environment.yml"
    threads: 2
    resources:
        mem_mb=1250,
    params:
        quarter_dirs=[str(quarter_dir(quarter)) for quarter in QUARTERS],
        code=WAREHOUSE_CODE,
        key=KEY_FINGERPRINT,
        # re-opened courses: a warning, or with strict_deliveries an error that stops the run
        strict="--strict-deliveries" if config["strict_deliveries"] else "",
    shell:
        "evalkit warehouse --db {output.db:q} --key-fingerprint {params.key} --threads {threads}"
        " --memory-mb {resources.mem_mb} {params.strict}"
        " {params.quarter_dirs:q} > {log:q} 2>&1"


# A data-quality report per delivery folder: rows delivered, loaded, quarantined by reason, and what changed.
# Shown in the HTML report after the reproduction (as a page of rule report_pages).
rule data_quality:
    input:
        db=WAREHOUSE,
        manifest=WAREHOUSE_MANIFEST,
    output:
        data_quality_reports(),
    log:
        LOG_DIR / "data_quality.log",
    conda:
        "../../environment.yml"
    params:
        out_dir=DATA_QUALITY_DIR,
        quarters=QUARTERS,
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    shell:
        "evalkit data-quality --db {input.db:q} --out-dir {params.out_dir:q} --lang {params.language}"
        " {params.quarters} > {log:q} 2>&1"
