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
# # Rapport 001: Din Indgang, Fredericia
#
# En gennemgang fra registreringerne til figurerne i afsnit 5.1 *Din Indgang i tal* (`001_6a06308218da3ab6.txt`,
# VIVE 2018): henvendelserne efter hvem der henvendte sig (figur 5.1), gevinsten ved skyggevisitationen med
# investeringen ved siden af, og forløbene bag dem. Hvert trin viser sin SQL, kører den på databasen
# (skrivebeskyttet), kontrollerer, at resultatet er lig med den figurtabel, pipelinen skrev, og tegner figurerne
# fra publikationskopien, som `evalkit figures` gør.
#
# Kør den i hånden efter `make results`, fra projektets rod eller fra `notebooks/`:
# `jupytext --execute notebooks/din_indgang_2017.py` (eller åbn den i Jupyter).
# Pipelinen kører den med `evalkit notebook`.
# Tabellerne og figurerne viser publikationskopien (`results/publish/`): antal på 1–4 står som `<5`, og tal,
# der er skjult, så et `<5` ikke kan regnes ud af de øvrige, som `x`; det samme gælder trin-tabellerne.

# %%
import pandas as pd
from IPython.display import display

from evalkit.notebook.walkthrough import REGISTRATIONS_SQL, SHADOW_STEPS_SQL, Settings, Walk, show_sql, sql

walk = Walk(Settings.from_environment("din_indgang_2017"))
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
# ## Henvendelser efter hvem der henvendte sig (figur 5.1)
#
# *Typen af henvendelser i Din Indgang*: henvendelser dateret i perioden efter afsender: borgeren selv, en
# pårørende eller en samarbejdspartner. Henvendelser, ikke forskellige borgere (rapportens note til figur 5.1).
# Rapporten trykker 1.396 henvendelser: 50 % fra borgere, 9 % fra pårørende, 41 % fra samarbejdspartnere.

# %%
show_sql(sql("contacts"))
display(walk.family("contacts"))
walk.show("contacts")

# %% [markdown]
# ## Skyggevisitation og investeringen (afsnit 5.1)
#
# Over de forløb, der er afsluttet i perioden: *skyggevisiterede* er de borgere, hvis skyggevisitation nævner en
# indsats (`none` er ingen visitation), og udgiften ved skyggevisitationen er summen af de rækkers årlige udgift;
# *faktisk visiterede* er de borgere, der senere fik en visiteret indsats, og den faktiske udgift er summen af de
# indsatsers årlige udgift, hver én gang. Den årlige gevinst er forskellen. En række uden egen årlig udgift
# prissættes fra `config/unit_costs.csv`; rækker, der ikke kan prissættes, tælles i `unpriced_rows`. Rapporten:
# 186 afsluttede, 106 skyggevisiterede for 4.104.000 kr., 26 faktisk visiterede for 1.936.000 kr., en gevinst på
# 2.168.000 kr. om året.

# %%
show_sql(sql("shadow_savings"))
display(walk.family("shadow_savings"))

# %% [markdown]
# Trinnene bag gevinsten, pr. paragraf: de skyggevisiterede borgere og den årlige udgift ved deres
# skyggevisitation (`shadow`), og de senere visiterede og den årlige udgift ved deres indsatser (`actual`). En
# borger kan have rækker under flere paragraffer, så borgerne pr. paragraf kan give flere end i alt; rækken `all`
# er kontrolleret mod figurtabellen ovenfor (skyggevisiterede og udgift, faktisk visiterede og udgift), og
# gevinsten er `all`-udgiften ved skyggevisitationen minus den faktiske. Antal på 1–4 vises som `<5`, tal, som et
# `<5` ellers kunne regnes ud af, som `x` (samme maskering som publikationskopierne), og deres beløb er udeladt.

# %%
show_sql(SHADOW_STEPS_SQL)
display(walk.shadow_steps())

# %% [markdown]
# Investeringen: medarbejdertimer i de måneder, der overlapper perioden, gange timeprisen (rapporten: 3.350
# timer, ca. 1.045.000 kr.). Et engangsbeløb for hele perioden, ikke et beløb pr. år.

# %%
show_sql(sql("investment"))
display(walk.family("investment"))
walk.show("shadow_savings")

# %% [markdown]
# ## Business case: resultatet over flere år (kontraktens afsnit 7)
#
# Rapporten stopper ved ét år: en årlig gevinst på 2.168.000 kr. ved siden af en investering på ca. 1.045.000 kr.
# Registreringskontraktens afsnit 7 regner videre, som SØM gør, men ud fra registreringerne: investeringen C
# (medarbejdertimerne ovenfor, plus et eventuelt optimismetillæg) falder i år 0; gevinsten G (den årlige gevinst
# ovenfor) kommer år for år efter perioden, mindsket af dødvægt og aftagende effekt og kun i effektens år; hvert
# år diskonteres med Finansministeriets rente (eller én fast rente). Rapportens blok i konfigurationen giver
# forudsætningerne: grundscenariet og hvert navngivet scenarie.

# %%
block = report.business_case
print({k: v for k, v in block.items() if k not in ("scenarios", "sensitivity")})
for scenario in block["scenarios"]:
    print("scenarie", scenario)

# %% [markdown]
# Figurtabellen år for år: pr. scenarie, kommune og betaler (kommune, region og stat efter `config/payers.csv`,
# og i alt) investeringen, gevinsten, nettoresultatet N_t, det akkumulerede S_t, diskonteringsfaktoren D_t og de
# diskonterede tal. Regnet i Python (diskontering og bootstrap er regning på tal, ikke SQL) ud fra borgerne med
# afsluttet forløb i denne forespørgsel, som også giver gevinsten ovenfor:

# %%
show_sql(sql("business_case_citizens"))
years = walk.family("business_case")
display(years[(years.kommunekode == "all") & (years.payer == "all")])

# %% [markdown]
# Resultatet trin for trin ud fra tabellen ovenfor (scenarie, i alt): C er investeringen i år 0;
# nettonutidsværdien er summen af de diskonterede nettoresultater; gevinst pr. investeret krone er de
# diskonterede gevinster delt med C; tilbagebetalingstiden er, hvor det akkumulerede nettoresultat første gang når
# 0, med gevinsten jævnt fordelt over året, og den diskonterede det samme over de diskonterede tal;
# skifteværdierne er den dødvægt, hvor nettonutidsværdien er 0, og det første år, hvor det akkumulerede
# diskonterede resultat er mindst 0 (det mindste antal effektår). Hver værdi står ved siden af resultattabellens;
# cellen fejler, hvis de ikke er ens.

# %%
for scenario in ["base", *(s["name"] for s in block["scenarios"])]:
    print(f"scenarie: {scenario}")
    display(walk.business_case_derivation(scenario))
summary = walk.family("business_case_summary")
display(summary[summary.kommunekode == "all"])

# %% [markdown]
# Figurerne: det akkumulerede nettoresultat pr. år fordelt på betaler med tilbagebetalingstidspunktet,
# følsomheden for hver forudsætning (tornado) med skifteværdierne, og fordelingen af nettonutidsværdien over
# bootstrap-gentrækningerne af borgerne, hvis 2,5- og 97,5-percentil er intervallet i resultattabellen.

# %%
for family in ("business_case_sensitivity", "business_case_distribution"):
    show_sql(sql(family))
    table = walk.family(family)
    display(table[(table.kommunekode == "all") & (table.scenario == "base")])
walk.show("business_case_cumulative")
walk.show("business_case_tornado")
walk.show("business_case_distribution")

# %% [markdown]
# **Kontrol med rapportens egne tal** (vores regning, ikke et tal, rapporten trykker, og ikke en offentliggjort
# figur): rapportens investering C (afsnit 5.1 *Din Indgang i tal*, `001_6a06308218da3ab6.txt` linje 595) og årlige
# gevinst G (samme afsnit, linje 587) gennem kontraktens tilbagebetalingstid. Gevinsten kommer fra år 1 uden
# dødvægt, og G er større end C, så investeringen er tjent hjem i år 1 efter 12 · C / G = 12 · 1.045.000 /
# 2.168.000 ≈ 5,8 måneder. De to tal læses fra `data/reference/published.csv`, hvor de står med citat.

# %%
printed = walk.printed_payback()
if printed is None:
    print("Denne kørsel har ingen publicerede tal at kontrollere mod.")
else:
    display(printed)

# %% [markdown]
# ## Forløbene: gennemførelse og senere visitation
#
# De 186 borgere, der afsluttede et forløb, hvor mange af de afsluttede forløb der blev gennemført, og hvor mange
# borgere der senere fik en visiteret indsats (de 26 ovenfor).

# %%
show_sql(sql("completion"))
display(walk.family("completion"))
walk.show("completion")

# %%
show_sql(sql("referral_onward"))
display(walk.family("referral_onward"))
walk.show("referral_onward")

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
