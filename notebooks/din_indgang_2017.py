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
# # Report 001: Din Indgang, Fredericia
#
# A walk from the registrations to the figures of section 5.1 *Din Indgang i tal* (`001_6a06308218da3ab6.txt`,
# VIVE 2018): the contacts by source (figure 5.1), the shadow-visitation savings with the investment beside them,
# and the courses behind them. Each step shows its SQL, runs it on the warehouse (read-only), checks the result
# equals the figure table the pipeline wrote, and shows the table and draws the figures from the publication copy
# (counts of 1–4 shown as `<5`, counts hidden to protect them as `x`) as `evalkit figures` does.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REGISTRATIONS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("din_indgang_2017"))
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
# ## Contacts by source (figure 5.1)
#
# *Typen af henvendelser i Din Indgang*: contacts dated in the period, by who made them: the citizen, a relative
# or a partner. Contacts, not distinct citizens (the report's note to figure 5.1). The report prints 1,396
# contacts: 50 % from citizens, 9 % from relatives, 41 % from partners.

# %%
show_sql(sql("contacts"))
display(walk.family("contacts"))
walk.show("contacts")

# %% [markdown]
# ## Shadow visitation and the investment (section 5.1)
#
# Over the courses ended in the period: *shadow-visited* citizens are those whose shadow row names a service
# (`none` is no visitation), and the shadow cost is the sum of those rows' annual costs; *actually visited* are
# the citizens later granted a service, and the actual cost is the sum of those services' annual costs, each once.
# The annual gain is the difference. A row without its own annual cost is priced from `config/unit_costs.csv`;
# rows that cannot be priced are counted in `unpriced_rows`. The report: 186 ended, 106 shadow-visited at
# 4.104.000 kr., 26 actually visited at 1.936.000 kr., gain 2.168.000 kr. a year.

# %%
show_sql(sql("shadow_savings"))
display(walk.family("shadow_savings"))

# %% [markdown]
# The investment: staff hours in the months overlapping the period, times the hourly cost (report: 3.350 hours,
# about 1.045.000 kr.).

# %%
show_sql(sql("investment"))
display(walk.family("investment"))
walk.show("shadow_savings")

# %% [markdown]
# ## The courses: completion and referral onward
#
# The 186 citizens who ended a course, how many of the ended courses were completed, and how many citizens were
# later granted a service by decision (the 26 above).

# %%
show_sql(sql("completion"))
display(walk.family("completion"))
walk.show("completion")

# %%
show_sql(sql("referral_onward"))
display(walk.family("referral_onward"))
walk.show("referral_onward")

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
