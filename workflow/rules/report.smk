# The pages of the HTML report that are not figures or notebooks: the contract's section 6 tables (publication
# copies: what may be handed on) with the masking and audit summary, the data-quality report of each delivery and
# the reproduction, each rendered as a small HTML page, since `snakemake --report` shows HTML in the page but
# offers .csv and .md as downloads.
rule report_pages:
    input:
        [source for source, _ in page_sources()],
    output:
        [
            report_page(path, caption=table_caption(path), category=report_section(config, "tables"))
            for path in table_pages()
        ],
        # what the masking did and what the audit found, with the tables
        [
            report_page(path, caption="../report/audit.rst", category=report_section(config, "tables"))
            for path in audit_pages()
        ],
        [
            report_page(path, caption="../report/data_quality.rst", category=report_section(config, "data_quality"))
            for path in data_quality_pages()
        ],
        [
            report_page(path, caption="../report/reproduction.rst", category=report_section(config, "reproduction"))
            for path in reproduction_pages()
        ],
    log:
        LOG_DIR / "report_pages.log",
    conda:
        "../../environment.yml"
    params:
        code=PUBLISH_CODE,
        pages=page_arguments(),
        # A function, not the bare string: the linter takes a param such as "da" for a path prefix of "data/".
        language=lambda wildcards: config["language"],
    shell:
        "evalkit page --lang {params.language} {params.pages} > {log:q} 2>&1"
