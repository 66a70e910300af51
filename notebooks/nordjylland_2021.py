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
# # Report 000: uvisiterede midlertidige indsatser, Nordjysk Socialaftale
#
# A walk from the registrations to every figure of the report's appendix (*bilag 4*, tables 1–5 per
# municipality) and to the two rates compared across the four municipalities. Source:
# `000_e0ff6b75256e3834.txt` (UCN act2learn, 2022). Each step shows the SQL that computes the numbers, runs it
# on the warehouse (opened read-only), checks the result equals the figure table the pipeline wrote
# (`results/tables/`), and shows the table and draws the figures from the publication copy
# (`results/publish/`: counts of 1–4 shown as `<5`, counts hidden to protect them as `x`), exactly as
# `evalkit figures` draws them.
#
# Run by hand from the project root after `make results`; the pipeline runs it with `evalkit notebook`.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REGISTRATIONS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("nordjylland_2021"))
report = walk.report
pd.set_option("display.max_rows", 60)
print(f"report {report.id}: {walk.entry.get('title', '')}")
print(f"period {report.period_start} – {report.period_end}, follow-up until {report.follow_up_until}")
print(f"municipalities: {', '.join(report.municipalities or ['all that delivered'])}")

# %% [markdown]
# ## The registrations
#
# Rows in the warehouse per contract table and municipality. Every figure below is computed from these rows
# and nothing else. For each report, evalkit makes views in which every row appears once for its own
# municipality and once for the report's total (`scope = 'all'`).

# %%
show_sql(REGISTRATIONS_SQL)
registrations = walk.registrations()
display(registrations.pivot(index="kommunekode", columns="table_name", values="rows").fillna(0))

# %% [markdown]
# ## Shared definitions
#
# These definitions (views, and two tables that most families read) implement the contract's section 4 once:
# which courses are *in the period*, which are *ended* (end date within the period), and how each service of a
# citizen is timed against an ended course (before/during, or after it and no later than the follow-up date).
# Every family query below reads them.

# %%
show_sql(sql("base"))

# %% [markdown]
# ## Table 1: § 82a and § 82b
#
# *Antal borgere, der har modtaget en § 82a og 82b indsats*: distinct citizens with a course in the period, by
# the course's paragraph. A citizen with both kinds of course counts under both, so the two bars can add up to
# more than the citizens.

# %%
show_sql(sql("paragraph_counts"))
display(walk.family("paragraph_counts"))
walk.show("paragraph_counts")

# %% [markdown]
# ## Table 2: ended courses by age
#
# *Antal borgere, der har afsluttet et forløb i perioden – opdelt på alder*: age in whole years on the day the
# course ended, from the birth date in the CPR number; where only a birth year was delivered, the age reached in
# the end date's calendar year.

# %%
show_sql(sql("age"))
display(walk.family("age"))
walk.show("age")

# %% [markdown]
# ## Table 3: course lengths with the mean
#
# *Forløbenes længde inkl. angivelse af gennemsnitslængde for forløbene*: `end_date − start_date` in days, for
# the courses ended in the period, in the bands 0–30, 31–91, 92–183 and over 183 days. The dashed line marks the
# mean inside its band.

# %%
show_sql(sql("course_length"))
display(walk.family("course_length"))
walk.show("course_length")

# %% [markdown]
# ## Table 4: services before/during vs after the course
#
# *Antal indsatser igangsat før/under og efter § 82 indsatser*: per paragraph, the services of citizens with an
# ended course, started on or before the course's end (before/during) or after it and no later than the
# follow-up date (after). A service counts once per course.

# %%
show_sql(sql("services_before_after"))
display(walk.family("services_before_after"))
walk.show("services_before_after")

# %% [markdown]
# ## Table 5: § 85 housing support per month
#
# *Bostøtte efter SEL § 85*: the months each municipality delivered, up to the period's end. Aalborg reports the
# amount settled and the CPR numbers; Hjørring and Frederikshavn report hours and citizens. The dashed line is
# the municipality's § 82 start (bilag 4.2: 1 May 2017 for Hjørring; bilag 4.4: 1 July 2018 for Frederikshavn;
# `config/municipalities.csv`).

# %%
show_sql(sql("housing_support"))
housing = walk.family("housing_support")
display(housing[housing["month"] == "all"])  # each municipality's months added up (citizens: citizen-months)
walk.show("housing_support")

# %% [markdown]
# ## Across the municipalities: referral onward and completion
#
# *Antal borgere, der har afsluttet et § 82 forløb i perioden … Heraf har N borgere efterfølgende modtaget en
# visiteret indsats*: the share of citizens with an ended course who were later granted a service, with its 95 %
# Wilson interval. The report prints the pairs 38/34 (Aalborg), 119/48 (Hjørring), 22/6 (Thisted) and 32/9
# (Frederikshavn).

# %%
show_sql(sql("referral_onward"))
display(walk.family("referral_onward"))
walk.show("referral_onward")

# %% [markdown]
# The completion rate: completed courses (`end_reason = completed`) among the courses ended in the period.

# %%
show_sql(sql("completion"))
display(walk.family("completion"))
walk.show("completion")

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
