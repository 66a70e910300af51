# One job per delivery folder: validates, pseudonymises and quarantines every file of the quarter.
# The input is the folder, and `delivery` a fingerprint of its files (names, sizes, modification times): a new,
# changed or removed file changes it, and Snakemake reruns a job whose params changed. Listing the ~400 files of
# a national quarter as inputs instead made Snakemake stat and checksum each of them many times per run (about a
# third of the ingest stage's time at 1M courses: bench/analysis.md).


rule ingest:
    input:
        delivery_folder,
    output:
        [str(quarter_dir("{quarter}") / f"{name}.parquet") for name in INGEST_OUTPUTS],
    log:
        LOG_DIR / "ingest" / "{quarter}.log",
    params:
        delivery=delivery_state,
        raw_dir=RAW_DIR,
        out_dir=lambda wildcards: quarter_dir(wildcards.quarter),
        key_file=config["pseudonym_key_file"],
        code=INGEST_CODE,
    conda:
        "../../environment.yml"
    shell:
        "evalkit ingest --raw-dir {params.raw_dir:q} --quarter {wildcards.quarter} "
        "--out-dir {params.out_dir:q} --key-file {params.key_file:q} > {log:q} 2>&1"
