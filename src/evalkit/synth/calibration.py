"""The demo's calibration targets: the source reports' published figures, each with the report line it
comes from (tests/test_synth.py checks every one against data/reference/published.csv and config/config.yaml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DEFAULT_SEED = 2026
D = dt.date
DAY = dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------------------
# Calibration targets. Each value is a published figure; the comment names the report line it comes from.
# tests/test_synth.py checks every one against data/reference/published.csv and config/config.yaml.
# ---------------------------------------------------------------------------------------------------------

# Report 000 (config report nordjylland_2021): courses ended 1 Apr - 30 Sep 2021, follow-up to 31 Dec 2021.
NORDJYLLAND_PERIOD = (D(2021, 4, 1), D(2021, 9, 30))
NORDJYLLAND_FOLLOW_UP = D(2021, 12, 31)


@dataclass(frozen=True)
class NordjyllandSite:
    kommunekode: str
    offer: str
    prefix: str  # course and service ids
    ended_citizens: int  # "Antal borgere, der har afsluttet et § 82 forløb i perioden"
    later_visited: int  # "Heraf har N borgere efterfølgende modtaget en visiteret indsats"
    first_start: dt.date  # the municipality's first § 82 course; published for 860 and 813 only
    access: str
    dialect: str
    ids: str  # how citizen_id is written: cpr_dash, cpr, pseudonym
    extra_courses: int  # citizens with two ended courses in the period (invented)
    active: int  # citizens with a course in the period that did not end in it (invented)
    history: int  # courses that ended before the period (invented)


NORDJYLLAND = (
    # 000 l. 174 / 780: Aalborg, Fremdrift 38 / 34. Start "et par år" (l. 168): invented 4 Mar 2019.
    NordjyllandSite(
        "851", "Fremdrift – værksted & café", "FD", 38, 34, D(2019, 3, 4), "open", "excel_dash", "cpr_dash", 4, 9, 30
    ),
    # 000 l. 312 / 823: Hjørring, Den Gode Modtagelse 119 / 48; § 82 start 01.05.2017 (l. 856).
    NordjyllandSite(
        "860", "Den Gode Modtagelse", "DGM", 119, 48, D(2017, 5, 1), "open", "utf8_iso", "pseudonym", 3, 24, 60
    ),
    # 000 l. 544 / 868: Thisted, Daghuset 22 / 6; "i ca. 2 år" (l. 542): invented 2 Sep 2019. Access to § 82
    # goes through the jobcentre or the authority (l. 552), hence `decision`.
    NordjyllandSite("787", "Daghuset", "DH", 22, 6, D(2019, 9, 2), "decision", "utf8_bom", "cpr", 1, 6, 18),
    # 000 l. 444 / 898: Frederikshavn, Det Sociale Pitstop 32 / 9; § 82 start 01.07.2018 (l. 927).
    NordjyllandSite(
        "813",
        "Det Sociale Pitstop – åben rådgivning",
        "SP",
        32,
        9,
        D(2018, 7, 1),
        "open",
        "excel_dots",
        "cpr",
        2,
        8,
        24,
    ),
)

# Report 001 (config report din_indgang_2017): Din Indgang, Fredericia (607), 9 Sep 2016 - 6 Dec 2017.
DIN_INDGANG_PERIOD = (D(2016, 9, 9), D(2017, 12, 6))
DIN_INDGANG_CONTACTS_END = D(2017, 12, 3)  # "til og med uge 48 i 2017" (l. 604): ISO week 48 ends 3 Dec
DIN_INDGANG_ENDED_BY = D(2017, 10, 31)  # "I oktober 2017 havde Voksenservice afsluttet 186 borgere" (l. 587)
DIN_INDGANG = {
    "citizens_with_course": 269,  # l. 580, fn 4 l. 591
    "active_citizens": 83,  # fn 4 l. 591
    "ended_citizens": 186,  # l. 587 (= 269 - 83)
    "adhoc_citizens": 67,  # l. 582, Tabel 5.1 l. 760
    "group_citizens": 57,  # l. 583, Tabel 5.2 l. 865
    "returning_citizens": 14,  # l. 584, fn 5 l. 593, l. 984
    "shadow_visited": 106,  # l. 587
    "shadow_cost_dkk": 4_104_000,  # l. 587
    "actually_visited": 26,  # l. 587
    "actual_cost_dkk": 1_936_000,  # l. 587
    "staff_hours": 3_350,  # l. 595
    "investment_dkk": 1_045_000,  # l. 595 ("i omegnen af")
    "contacts": {"citizen": 698, "relative": 126, "partner": 572},  # 1,396 = 50 / 9 / 41 % (l. 604)
}

# Report 003 (config report brug_for_alle_2013): Brug for alle, Aug 2012 - Aug 2013, table 3-1.
BRUG_FOR_ALLE_PERIOD = (D(2012, 8, 1), D(2013, 8, 31))
BRUG_FOR_ALLE_REFERENCE_DATE = D(2012, 4, 1)  # the gross target group: matchgruppe 3 on 1 April 2012 (l. 80)
BRUG_FOR_ALLE = {
    "target_group": 29_572,  # Tabel 3-1 l. 224
    "initial_conversation": 22_576,  # l. 225 (76 %)
    "team_meeting": 17_449,  # l. 226 (59 %; 77 % of those with a conversation, l. 219)
    "employment_offer": 12_420,  # 42 % of the gross target group (l. 126, 190, 611); the count is invented
    "mean_days": 25,  # conversation -> team meeting (l. 460)
    "fastest_mean_days": 4,  # "under fem dage" (l. 460)
    "slowest_mean_days": 74,  # "mere end ti uger" (l. 460)
    "worst_conversion": 0.46,  # "under halvdelen i den dårligst præsterende kommune" (l. 381)
}

# The 98 municipalities (code, name, rough population in thousands, used only to size the invented target
# groups). Fredensborg (210) and Holstebro (661) are left out: report 003 says all but two took part (l. 72)
# and they are the two names missing from its Bilagstabel 1 (an inference, not stated in the report).
MUNICIPALITIES = (
    ("101", "København", 550),
    ("147", "Frederiksberg", 100),
    ("151", "Ballerup", 48),
    ("153", "Brøndby", 34),
    ("155", "Dragør", 14),
    ("157", "Gentofte", 73),
    ("159", "Gladsaxe", 66),
    ("161", "Glostrup", 22),
    ("163", "Herlev", 27),
    ("165", "Albertslund", 28),
    ("167", "Hvidovre", 51),
    ("169", "Høje-Taastrup", 48),
    ("173", "Lyngby-Taarbæk", 54),
    ("175", "Rødovre", 37),
    ("183", "Ishøj", 21),
    ("185", "Tårnby", 42),
    ("187", "Vallensbæk", 15),
    ("190", "Furesø", 38),
    ("201", "Allerød", 24),
    ("210", "Fredensborg", 39),
    ("217", "Helsingør", 62),
    ("219", "Hillerød", 49),
    ("223", "Hørsholm", 25),
    ("230", "Rudersdal", 55),
    ("240", "Egedal", 42),
    ("250", "Frederikssund", 44),
    ("253", "Greve", 48),
    ("259", "Køge", 58),
    ("260", "Halsnæs", 31),
    ("265", "Roskilde", 84),
    ("269", "Solrød", 21),
    ("270", "Gribskov", 41),
    ("306", "Odsherred", 33),
    ("316", "Holbæk", 70),
    ("320", "Faxe", 35),
    ("326", "Kalundborg", 49),
    ("329", "Ringsted", 33),
    ("330", "Slagelse", 78),
    ("336", "Stevns", 22),
    ("340", "Sorø", 29),
    ("350", "Lejre", 27),
    ("360", "Lolland", 45),
    ("370", "Næstved", 82),
    ("376", "Guldborgsund", 62),
    ("390", "Vordingborg", 46),
    ("400", "Bornholm", 41),
    ("410", "Middelfart", 37),
    ("420", "Assens", 41),
    ("430", "Faaborg-Midtfyn", 52),
    ("440", "Kerteminde", 24),
    ("450", "Nyborg", 32),
    ("461", "Odense", 193),
    ("479", "Svendborg", 59),
    ("480", "Nordfyns", 30),
    ("482", "Langeland", 13),
    ("492", "Ærø", 6),
    ("510", "Haderslev", 56),
    ("530", "Billund", 26),
    ("540", "Sønderborg", 76),
    ("550", "Tønder", 39),
    ("561", "Esbjerg", 115),
    ("563", "Fanø", 3),
    ("573", "Varde", 50),
    ("575", "Vejen", 43),
    ("580", "Aabenraa", 60),
    ("607", "Fredericia", 50),
    ("615", "Horsens", 84),
    ("621", "Kolding", 90),
    ("630", "Vejle", 109),
    ("657", "Herning", 86),
    ("661", "Holstebro", 57),
    ("665", "Lemvig", 21),
    ("671", "Struer", 22),
    ("706", "Syddjurs", 42),
    ("707", "Norddjurs", 38),
    ("710", "Favrskov", 47),
    ("727", "Odder", 22),
    ("730", "Randers", 96),
    ("740", "Silkeborg", 89),
    ("741", "Samsø", 4),
    ("746", "Skanderborg", 58),
    ("751", "Aarhus", 314),
    ("756", "Ikast-Brande", 41),
    ("760", "Ringkøbing-Skjern", 57),
    ("766", "Hedensted", 46),
    ("773", "Morsø", 21),
    ("779", "Skive", 47),
    ("787", "Thisted", 44),
    ("791", "Viborg", 95),
    ("810", "Brønderslev", 36),
    ("813", "Frederikshavn", 61),
    ("820", "Vesthimmerland", 37),
    ("825", "Læsø", 2),
    ("840", "Rebild", 29),
    ("846", "Mariagerfjord", 42),
    ("849", "Jammerbugt", 39),
    ("851", "Aalborg", 201),
    ("860", "Hjørring", 66),
)
NOT_IN_BRUG_FOR_ALLE = ("210", "661")
