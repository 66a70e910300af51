# Reproduction of the source reports' published figures beside the figure tables, where the config names a
# published-figures file (the shipped demo does): a secretariat's own data has no published figures to match.
# Fails, naming the figure, on any mismatch that the file does not mark as a known deviation.
if REPRODUCE:

    rule reproduce:
        input:
            published=config["published_figures"],
            tables=reproduced_tables(),
            municipalities=MUNICIPALITY_NAMES,
        output:
            csv=REPRODUCTION_CSV,
            md=REPRODUCTION_MD,
        log:
            LOG_DIR / "reproduce.log",
        conda:
            "../../environment.yml"
        params:
            tables_dir=TABLES_DIR,
            report_ids=REPORT_IDS,
        shell:
            # On a mismatch the log (naming every failing figure) is shown, not only its path.
            "evalkit reproduce --published {input.published:q} --tables {params.tables_dir:q}"
            " --municipalities {input.municipalities:q} --csv {output.csv:q} --md {output.md:q}"
            " --report-ids {params.report_ids} > {log:q} 2>&1 || (cat {log:q} >&2; exit 1)"
