# The browsable HTML report of the whole run (issue 5): after the pipeline,
#   snakemake --report results/report.html
# gathers the figures (figures.smk), the executed notebooks (notebooks.smk), the key publication tables and the
# reproduction report, each with its caption from workflow/report/, grouped by report. Include it last.


report: "../report/workflow.rst"
