# One job per delivery folder: validates, pseudonymises and quarantines every file of the quarter.


rule ingest:
    input:
        delivered_files,
    output:
        [str(quarter_dir("{quarter}") / f"{name}.parquet") for name in INGEST_OUTPUTS],
    log:
        LOG_DIR / "ingest" / "{quarter}.log",
    params:
        raw_dir=RAW_DIR,
        out_dir=lambda wildcards: quarter_dir(wildcards.quarter),
        key_file=config["pseudonym_key_file"],
        code=INGEST_CODE,
    conda:
        "../../environment.yml"
    shell:
        "evalkit ingest --raw-dir {params.raw_dir:q} --quarter {wildcards.quarter} "
        "--out-dir {params.out_dir:q} --key-file {params.key_file:q} > {log:q} 2>&1"
