# Reproduction of the source reports' published figures beside the figure tables. Only where the config names a
# published-figures file (the shipped demo does): a secretariat's own data has no published figures to match.
# Fails, naming the figure, on any mismatch that the file does not mark as a known deviation.
from evalkit.reproduce import published_families

if config.get("published_figures"):

    rule reproduce:
        input:
            published=config["published_figures"],
            tables=[TABLES_DIR / f"{family}.csv" for family in published_families(config["published_figures"])],
        output:
            csv=RESULTS_DIR / "reproduction.csv",
            md=RESULTS_DIR / "reproduction.md",
        log:
            LOG_DIR / "reproduce.log",
        params:
            tables_dir=TABLES_DIR,
            report_ids=[report["id"] for report in config["reports"]],
        conda:
            "../../environment.yml"
        shell:
            # On a mismatch the log (naming every failing figure) is shown, not only its path.
            "evalkit reproduce --published {input.published:q} --tables {params.tables_dir:q}"
            " --csv {output.csv:q} --md {output.md:q} --report-ids {params.report_ids}"
            " > {log:q} 2>&1 || (cat {log:q} >&2; exit 1)"

    ALL_TARGETS += [RESULTS_DIR / "reproduction.md"]
