# The one DuckDB database every figure reads: newest quarter wins by key, accounting re-checked.
# update(): a delivery of newer quarters is applied to the existing database instead of rebuilding it
# (evalkit.warehouse decides, and rebuilds in full whenever anything else changed); Snakemake keeps a backup
# of the database while the job runs and restores it if the job fails.


rule warehouse:
    input:
        [quarter_outputs(quarter) for quarter in QUARTERS],
    output:
        update(WAREHOUSE),
    log:
        LOG_DIR / "warehouse.log",
    params:
        quarter_dirs=[str(quarter_dir(quarter)) for quarter in QUARTERS],
        code=WAREHOUSE_CODE,
    conda:
        "../../environment.yml"
    shell:
        "evalkit warehouse --db {output:q} {params.quarter_dirs:q} > {log:q} 2>&1"
