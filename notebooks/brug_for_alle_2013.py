# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Report 003: Brug for alle
#
# A walk from the registrations to the funnel of table 3-1 (`003_5fac81e1cdf3225e.txt`, Rambøll 2014): the gross
# target group, the initial conversation and the cross-disciplinary team meeting, overall and per municipality
# (the report's *bilagsfigur 1*, "kommunernes gennemførelsesprocent"). Each step shows its SQL, runs it on the
# warehouse (read-only), checks the result equals the figure table the pipeline wrote, and shows the table and
# draws the figures from the publication copy (counts of 1–4 shown as `<5`, counts hidden to protect them as `x`)
# as `evalkit figures` does.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REGISTRATIONS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("brug_for_alle_2013"))
report = walk.report
pd.set_option("display.max_rows", 60)
print(f"report {report.id}: {walk.entry.get('title', '')}")
print(f"period {report.period_start} – {report.period_end}, follow-up until {report.follow_up_until}")
print(f"municipalities: {', '.join(report.municipalities or ['all that delivered'])}")

# %% [markdown]
# ## The registrations
#
# Rows in the warehouse per contract table and municipality. Every figure below is computed from these rows
# and nothing else.

# %%
show_sql(REGISTRATIONS_SQL)
registrations = walk.registrations()
display(registrations.pivot(index="kommunekode", columns="table_name", values="rows").fillna(0))

# %% [markdown]
# ## Shared definitions
#
# The contract's section 4, implemented once: courses in the period, ended courses, services timed against an
# ended course, and the pricing of shadow rows and services from the unit-cost catalogue.

# %%
show_sql(sql("base"))

# %% [markdown]
# ## The funnel (table 3-1)
#
# Per programme step (the config's `funnel.steps`, in order): distinct citizens with a milestone for the step
# dated up to the period's end; `citizens_through` counts those who also reached every earlier step. Each step is
# shown as a share of the first step (the gross target group) with its Wilson interval, and of the step before.
# The report: 29.572 in the gross target group, 22.576 (76 %) with the initial conversation, 17.449 (59 %) with a
# team meeting, 77 % of those with a conversation.

# %%
show_sql(sql("funnel"))
funnel = walk.family("funnel")
display(funnel[funnel["kommunekode"] == "all"])
walk.show("funnel")

# %% [markdown]
# ## Per municipality (bilagsfigur 1)
#
# For each municipality, the share of its gross target group by the furthest step reached in order. The report's
# completion rate (*gennemførelsesprocent*) is the share with both the conversation and the team meeting; the
# figure sorts the municipalities by it. What the figure plots, per municipality and step:

# %%
by_municipality = walk.prepared("funnel_by_municipality")[None]
display(by_municipality.pivot(index="label", columns="step_label", values="share").round(3))
walk.show("funnel_by_municipality")

# %% [markdown]
# ## The report's printed numbers beside the computed ones
#
# Every number the source report prints (`data/reference/published.csv`, with its line and quote) next to the
# number evalkit computed from the registrations, and the verdict of `evalkit reproduce` (pass, known deviation or
# fail). The whole reproduction report is `results/reproduction.md`.

# %%
reproduction = walk.reproduction()
if reproduction is None:
    print("This run has no reproduction: the config names no published figures.")
else:
    display(reproduction[["location", "kommunekode", "family", "metric", "published", "computed", "verdict", "detail"]])
