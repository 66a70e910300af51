# The one DuckDB database every figure reads: newest quarter wins by key, accounting re-checked.
# A delivery of newer quarters is applied to the existing database in one transaction instead of rebuilding it
# (evalkit.warehouse decides, and rebuilds in full, into a file moved into place, whenever anything else changed):
# a failed or killed job leaves the database as it was. The output is the manifest copy, written only by a build
# that succeeded, and every reader depends on it: after a failed job the next run builds again. The database is
# not an output, so Snakemake neither deletes it before an update nor copies the multi-GB file as a backup.
rule warehouse:
    input:
        [quarter_outputs(quarter) for quarter in QUARTERS],
    output:
        manifest=WAREHOUSE_MANIFEST,
    log:
        LOG_DIR / "warehouse.log",
    conda:
        "../../environment.yml"
    threads: 2
    # More than the other jobs: it runs alone (every ingest job before it, every reader after it), and its window
    # pass over every version spills to disk under a small cap (at 1M courses, a tenth of the cap cost twice the
    # CPU; bench/analysis.md). Within the profile's 3,000 MB, so the whole run stays under 4 GiB.
    resources:
        mem_mb=2800,
    params:
        db=WAREHOUSE,
        quarter_dirs=[str(quarter_dir(quarter)) for quarter in QUARTERS],
        code=WAREHOUSE_CODE,
        key=KEY_FINGERPRINT,
        # re-opened courses: a warning, or with strict_deliveries an error that stops the run
        strict="--strict-deliveries" if config["strict_deliveries"] else "",
    shell:
        "evalkit warehouse --db {params.db:q} --key-fingerprint {params.key} --threads {threads}"
        " --memory-mb {resources.mem_mb} {params.strict}"
        " {params.quarter_dirs:q} > {log:q} 2>&1"


# A data-quality report per delivery folder: rows delivered, loaded, quarantined by reason, and what changed.
# Shown in the HTML report after the reproduction (as a page of rule report_pages).
rule data_quality:
    input:
        manifest=WAREHOUSE_MANIFEST,
    output:
        data_quality_reports(),
    log:
        LOG_DIR / "data_quality.log",
    conda:
        "../../environment.yml"
    params:
        db=WAREHOUSE,
        out_dir=DATA_QUALITY_DIR,
        quarters=QUARTERS,
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    shell:
        "evalkit data-quality --db {params.db:q} --out-dir {params.out_dir:q} --lang {params.language}"
        " {params.quarters} > {log:q} 2>&1"
