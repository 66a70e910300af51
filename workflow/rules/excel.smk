# results/tables.xlsx: every published figure table as a sheet with Danish headers, masked for publication.


rule excel_workbook:
    input:
        [TABLES_DIR / f"{family}.csv" for family in PUBLISHED_FAMILIES],
    output:
        RESULTS_DIR / "tables.xlsx",
    log:
        LOG_DIR / "excel.log",
    params:
        tables_dir=TABLES_DIR,
        families=PUBLISHED_FAMILIES,
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    conda:
        "../../environment.yml"
    shell:
        "evalkit excel --tables-dir {params.tables_dir:q} --out {output:q} --lang {params.language}"
        " {params.families} > {log:q} 2>&1"


ALL_TARGETS += [RESULTS_DIR / "tables.xlsx"]
