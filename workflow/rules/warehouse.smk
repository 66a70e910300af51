# The one DuckDB database every figure reads: newest quarter wins by key, accounting re-checked.


rule warehouse:
    input:
        [quarter_outputs(quarter) for quarter in QUARTERS],
    output:
        WAREHOUSE,
    log:
        LOG_DIR / "warehouse.log",
    params:
        quarter_dirs=[str(quarter_dir(quarter)) for quarter in QUARTERS],
        code=WAREHOUSE_CODE,
    conda:
        "../../environment.yml"
    shell:
        "evalkit warehouse --db {output:q} {params.quarter_dirs:q} > {log:q} 2>&1"
