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
# # Rapport 003: Brug for alle
#
# En gennemgang fra registreringerne til tragten i tabel 3-1 (`003_5fac81e1cdf3225e.txt`, Rambøll 2014):
# bruttomålgruppen, den indledende samtale og mødet i tværfagligt team, samlet og pr. kommune (rapportens
# *bilagsfigur 1*, "kommunernes gennemførelsesprocent"). Hvert trin viser sin SQL, kører den på databasen
# (skrivebeskyttet), kontrollerer, at resultatet er lig med den figurtabel, pipelinen skrev, og tegner figurerne
# fra publikationskopien, som `evalkit figures` gør.
#
# Kør den i hånden efter `make results`, fra projektets rod eller fra `notebooks/`:
# `jupytext --execute notebooks/brug_for_alle_2013.py` (eller åbn den i Jupyter).
# Pipelinen kører den med `evalkit notebook`.
# Tabellerne og figurerne viser publikationskopien (`results/publish/`): antal på 1–4 står som `<5`, og tal,
# der er skjult, så et `<5` ikke kan regnes ud af de øvrige, som `x`; det samme gælder trin-tabellerne.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REGISTRATIONS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("brug_for_alle_2013"))
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
# ## Tragten (tabel 3-1)
#
# Pr. trin i programmet (konfigurationens `funnel.steps`, i rækkefølge): forskellige borgere med en milepæl for
# trinnet dateret senest ved periodens slutning; `citizens_through` tæller dem, der også har nået alle tidligere
# trin. Hvert trin vises som andel af første trin (bruttomålgruppen) med Wilson-interval og af trinnet før.
# Rapporten: 29.572 i bruttomålgruppen, 22.576 (76 %) med indledende samtale, 17.449 (59 %) med møde i
# tværfagligt team, 77 % af dem med en samtale.

# %%
show_sql(sql("funnel"))
funnel = walk.family("funnel")
display(funnel[funnel["kommunekode"] == "all"])
walk.show("funnel")

# %% [markdown]
# ## Pr. kommune (bilagsfigur 1)
#
# For hver kommune andelen af dens bruttomålgruppe efter det trin, borgeren længst nåede i rækkefølge.
# Rapportens *gennemførelsesprocent* er andelen med både samtale og møde i tværfagligt team; figuren sorterer
# kommunerne efter den. Det, figuren tegner, pr. kommune og trin:

# %%
by_municipality = walk.prepared("funnel_by_municipality")[None]
display(by_municipality.pivot(index="label", columns="step_label", values="share").round(3))
walk.show("funnel_by_municipality")

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
