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
# # Rapport 000: uvisiterede midlertidige indsatser, Nordjysk Socialaftale
#
# En gennemgang fra registreringerne til hver figur i rapportens bilag 4 (tabel 1–5 pr. kommune) og de to
# andele, der sammenlignes på tværs af de fire kommuner. Kilde: `000_e0ff6b75256e3834.txt` (UCN act2learn,
# 2022). Hvert trin viser den SQL, der regner tallene, kører den på databasen (åbnet skrivebeskyttet),
# kontrollerer, at resultatet er lig med den figurtabel, pipelinen skrev (`results/tables/`), og tegner figurerne
# fra publikationskopien (`results/publish/`), præcis som `evalkit figures` gør.
#
# Kør den i hånden efter `make results`, fra projektets rod eller fra `notebooks/`:
# `jupytext --execute notebooks/nordjylland_2021.py` (eller åbn den i Jupyter).
# Pipelinen kører den med `evalkit notebook`.
# Tabellerne og figurerne viser publikationskopien (`results/publish/`): antal på 1–4 står som `<5`, og tal,
# der er skjult, så et `<5` ikke kan regnes ud af de øvrige, som `x`; det samme gælder trin-tabellerne.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REFERRAL_STEPS_SQL, REGISTRATIONS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("nordjylland_2021"))
report = walk.report
pd.set_option("display.max_rows", 60)
print(f"rapport {report.id}: {walk.entry.get('title', '')}")
print(f"periode {report.period_start} – {report.period_end}, opfølgning til og med {report.follow_up_until}")
print(f"kommuner: {', '.join(report.municipalities or ['alle, der har leveret'])}")

# %% [markdown]
# ## Registreringerne
#
# Rækker i databasen pr. kontrakttabel og kommune. Hver figur nedenfor er regnet ud fra disse rækker og intet
# andet. For hver rapport laver evalkit visninger, hvor hver række står én gang for sin egen kommune og én gang
# for rapportens total (`scope = 'all'`).

# %%
show_sql(REGISTRATIONS_SQL)
registrations = walk.registrations()
display(registrations.pivot(index="kommunekode", columns="table_name", values="rows").fillna(0))

# %% [markdown]
# ## Fælles definitioner
#
# Registreringskontraktens afsnit 4, implementeret ét sted: hvilke forløb der ligger *i perioden*, hvilke der er
# *afsluttet* (slutdato i perioden), hvordan hver visiteret indsats placeres i forhold til et afsluttet forløb
# (før/under, eller efter og senest på opfølgningsdatoen), og prisen på skyggevisitation og indsatser fra
# enhedspriskataloget (`config/unit_costs.csv`). Alle familiernes forespørgsler nedenfor læser dem.

# %%
show_sql(sql("base"))

# %% [markdown]
# ## Tabel 1: § 82a og § 82b
#
# *Antal borgere, der har modtaget en § 82a og 82b indsats*: forskellige borgere med et forløb i perioden, efter
# forløbets paragraf. En borger med begge slags forløb tælles under begge, så de to søjler kan give flere end
# antallet af borgere.

# %%
show_sql(sql("paragraph_counts"))
display(walk.family("paragraph_counts"))
walk.show("paragraph_counts")

# %% [markdown]
# ## Tabel 2: afsluttede forløb efter alder
#
# *Antal borgere, der har afsluttet et forløb i perioden – opdelt på alder*: alder i hele år på den dag,
# forløbet sluttede, ud fra fødselsdatoen i CPR-nummeret; hvor kun et fødselsår blev leveret, den alder,
# borgeren når i slutdatoens kalenderår.

# %%
show_sql(sql("age"))
display(walk.family("age"))
walk.show("age")

# %% [markdown]
# ## Tabel 3: forløbenes længde og gennemsnittet
#
# *Forløbenes længde inkl. angivelse af gennemsnitslængde for forløbene*: `end_date − start_date` i dage for de
# forløb, der er afsluttet i perioden, i intervallerne 0–30, 31–91, 92–183 og over 183 dage. Den stiplede linje
# markerer gennemsnittet inde i sit interval.

# %%
show_sql(sql("course_length"))
display(walk.family("course_length"))
walk.show("course_length")

# %% [markdown]
# ## Tabel 4: indsatser før/under og efter forløbet
#
# *Antal indsatser igangsat før/under og efter § 82 indsatser*: pr. paragraf de visiterede indsatser for borgere
# med et afsluttet forløb, startet senest på forløbets slutdato (før/under) eller senere, men senest på
# opfølgningsdatoen (efter). En indsats tælles én gang pr. forløb.

# %%
show_sql(sql("services_before_after"))
display(walk.family("services_before_after"))
walk.show("services_before_after")

# %% [markdown]
# ## Tabel 5: § 85 bostøtte pr. måned
#
# *Bostøtte efter SEL § 85*: de måneder, hver kommune har leveret, frem til periodens slutning. Aalborg
# indberetter det afregnede beløb og cpr-numrene; Hjørring og Frederikshavn timer og borgere. Den stiplede linje
# er kommunens § 82 start (bilag 4.2: 1. maj 2017 for Hjørring; bilag 4.4: 1. juli 2018 for Frederikshavn;
# `config/municipalities.csv`).

# %%
show_sql(sql("housing_support"))
housing = walk.family("housing_support")
display(housing[housing["month"] == "all"])  # each municipality's months added up (citizens: citizen-months)
walk.show("housing_support")

# %% [markdown]
# ## På tværs af kommunerne: senere visiteret og gennemførelse
#
# *Antal borgere, der har afsluttet et § 82 forløb i perioden … Heraf har N borgere efterfølgende modtaget en
# visiteret indsats*: andelen af borgere med et afsluttet forløb, som senere fik en visiteret indsats, med 95 %
# Wilson-interval. Rapporten trykker parrene 38/34 (Aalborg), 119/48 (Hjørring), 22/6 (Thisted) og 32/9
# (Frederikshavn).

# %%
show_sql(sql("referral_onward"))
display(walk.family("referral_onward"))
walk.show("referral_onward")

# %% [markdown]
# Trinnene bag andelen: pr. kommune borgerne med et afsluttet forløb (`ended`) og af dem de senere visiterede
# (`later_visited`), kontrolleret mod figurtabellen ovenfor; for hele rapporten også de senere visiterede efter
# paragraffen for deres senere indsatser (en borger tælles under hver paragraf, så paragrafferne kan give flere end
# i alt). Antal på 1–4 vises som `<5`, tal, som et `<5` ellers kunne regnes ud af, som `x` (samme maskering som
# publikationskopierne).

# %%
show_sql(REFERRAL_STEPS_SQL)
display(walk.referral_steps())

# %% [markdown]
# Gennemførelsesprocenten: gennemførte forløb (`end_reason = completed`) blandt de forløb, der er afsluttet i
# perioden.

# %%
show_sql(sql("completion"))
display(walk.family("completion"))
walk.show("completion")

# %% [markdown]
# ## Rapportens trykte tal ved siden af de beregnede
#
# Hvert tal, kilderapporten trykker (`data/reference/published.csv`, med linje og citat), ved siden af det tal,
# evalkit har beregnet ud fra registreringerne, og vurderingen fra `evalkit reproduce` (*pass*, kendt afvigelse
# eller *fail*). Hele reproduktionsrapporten er `results/reproduction.md`.

# %%
reproduction = walk.reproduction()
if reproduction is None:
    print("Denne kørsel har ingen reproduktion: konfigurationen nævner ingen publicerede tal.")
else:
    display(reproduction[["location", "kommunekode", "family", "metric", "published", "computed", "verdict", "detail"]])
