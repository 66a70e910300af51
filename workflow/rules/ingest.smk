# One job per delivery folder: validates, pseudonymises and quarantines every file of the quarter.
# The input is the folder, and `delivery` a fingerprint of its files (names, sizes, modification times): a new,
# changed or removed file changes it, and Snakemake reruns a job whose params changed. Listing the files of a
# national quarter as inputs instead makes Snakemake stat and checksum each of them many times per run.
rule ingest:
    input:
        delivery_folder,
    output:
        quarter_outputs("{quarter}"),
    log:
        LOG_DIR / "ingest" / "{quarter}.log",
    conda:
        "../../environment.yml"
    # One DuckDB thread per job: Snakemake runs an ingest job per core, and a second thread only competes.
    threads: 1
    resources:
        mem_mb=1250,
    params:
        delivery=delivery_state,
        raw_dir=RAW_DIR,
        out_dir=lambda wildcards: quarter_dir(wildcards.quarter),
        key_file=config["pseudonym_key_file"],
        key=KEY_FINGERPRINT,
        code=INGEST_CODE,
    shell:
        "evalkit ingest --raw-dir {params.raw_dir:q} --quarter {wildcards.quarter} "
        "--out-dir {params.out_dir:q} --key-file {params.key_file:q} "
        "--threads {threads} --memory-mb {resources.mem_mb} > {log:q} 2>&1"
