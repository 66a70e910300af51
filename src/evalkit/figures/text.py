"""Labels and number formatting for the figures, in Danish (the reports' own terms) or English (`language: en`).

Danish numbers as the reports print them: 1.936.000 kr., 89,5 %, 1. april 2021.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from evalkit.contract import MASK

LANGUAGES = ("da", "en")
PARAGRAPH = re.compile(r"\d+[a-z]?")  # a paragraph of Serviceloven: 85, 82a

MONTHS = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

# Every user-facing string. Danish first: the terms are the reports' (000 bilag 4, 001 section 5.1, 003 tabel 3-1).
LABELS: dict[str, dict[str, str]] = {
    "da": {
        "all": "I alt",
        "all_municipalities": "Alle kommuner",
        "municipality": "Kommune",
        "municipality_of": "{name} Kommune",
        "citizens": "Antal borgere",
        "courses": "Antal forløb",
        "services": "Antal visiterede indsatser",
        "internal": "intern",
        "masked_note": "<5: under fem, skjult af hensyn til diskretion. x: skjult, så et tal under fem ikke kan regnes "
        "ud af de øvrige.",
        "no_value": "–",
        # business case (contract section 7): who pays and gains; a named scenario keeps its own name
        "payer.all": "I alt",
        "payer.kommune": "Kommune",
        "payer.region": "Region",
        "payer.stat": "Stat",
        "scenario.base": "Grundscenarie",
        "scenario.named": "Scenarie «{name}»",
        "assumption.deadweight": "Dødvægt",
        "assumption.effect_years": "Effektens varighed",
        "assumption.decay": "Aftagende effekt",
        "assumption.optimism_bias": "Optimismetillæg",
        "assumption.discount": "Diskonteringsrente",
        "business_case.assumption.deadweight": "dødvægt {value}",
        "business_case.assumption.effect_years": "effekt i {value}",
        "business_case.assumption.decay": "aftagende effekt {value}",
        "business_case.assumption.optimism_bias": "optimismetillæg {value}",
        "business_case.assumption.discount": "diskontering: {value}",
        "business_case.schedule": "Finansministeriets rente",
        "business_case.years": "{n} år",
        "business_case_cumulative.title": "Business case: akkumuleret nettoresultat pr. år fordelt på betaler",
        "business_case_tornado.title": "Business case: nettonutidsværdiens følsomhed for forudsætningerne",
        "business_case_distribution.title": "Business case: usikkerheden om nettonutidsværdien",
        "business_case.year_axis": "År efter perioden (år 0: perioden, hvor investeringen falder)",
        "business_case.cumulative_axis": "Akkumuleret nettoresultat (kr.)",
        "business_case.total": "I alt",
        "business_case.payback": "Tilbagebetalt efter {months} måneder",
        "business_case.payback_mark": "Tilbagebetalt",
        "business_case.no_payback": "Ikke tilbagebetalt inden for {years} år",
        "business_case.cumulative_note": "Søjlerne: hver betalers akkumulerede nettoresultat ved årets udgang; "
        "investeringen er kommunens og falder i år 0. Linjen: i alt. Ikke diskonteret; tilbagebetalingstiden regner "
        "med, at gevinsten kommer jævnt over året.",
        "business_case.npv": "Nettonutidsværdi {value}",
        "business_case.npv_axis": "Nettonutidsværdi (kr.)",
        "business_case.zero": "Nettonutidsværdi = 0",
        "business_case.low_end": "Ved intervallets nedre ende",
        "business_case.high_end": "Ved intervallets øvre ende",
        "business_case.switching": "Skifteværdi",
        "business_case.own_value": "(scenariet: {value})",
        "business_case.tornado_note": "Hver søjle: nettonutidsværdien, når én forudsætning går fra den ene ende af "
        "sit interval til den anden, og resten er som i scenariet; intervallerne er evalkits valg (konfigurationens "
        "sensitivity). Skifteværdi: den dødvægt, hvor nettonutidsværdien er 0, og det mindste antal år med effekt, "
        "hvor den er mindst 0 (registreringskontraktens afsnit 7); ◆ hvor søjlen krydser 0.",
        "business_case.density": "Andel af gentrækningerne pr. mio. kr.",
        "business_case.interval": "95 %-interval: {low} – {high}",
        "business_case.distribution_note": "Fordelingen over {n} bootstrap-gentrækninger af borgerne med afsluttet "
        "forløb (inden for hver kommune); investeringen er fast. Hver søjle rummer 2,5 % af gentrækningerne.",
        "business_case.distribution_note_plain": "Fordelingen over bootstrap-gentrækninger af borgerne med "
        "afsluttet forløb (inden for hver kommune); investeringen er fast. Hver søjle rummer 2,5 % af gentrækningerne.",
        # report 000, bilag 4, tabel 1-5
        "paragraph_counts.title": "Antal borgere, der har modtaget en § 82a og 82b indsats",
        "paragraph.82a": "§ 82a (gruppebaseret)",
        "paragraph.82b": "§ 82b (individuel)",
        "age.title": "Antal borgere, der har afsluttet et forløb i perioden – opdelt på alder",
        "age.axis": "Alder ved forløbets afslutning",
        "age.under_18": "Under 18 år",
        "age.18_29": "18–29 år",
        "age.30_39": "30–39 år",
        "age.40_49": "40–49 år",
        "age.50_59": "50–59 år",
        "age.60_plus": "60 år og derover",
        "age.unknown": "Ukendt",
        "course_length.title": "Forløbenes længde inkl. gennemsnitslængde for forløbene",
        "course_length.axis": "Forløbets længde",
        "course_length.d0_30": "0–30 dage",
        "course_length.d31_91": "31–91 dage",
        "course_length.d92_183": "92–183 dage",
        "course_length.d184_plus": "Over 183 dage",
        "course_length.mean": "Gennemsnit {days} dage",
        "course_length.summary": "{ended} afsluttede forløb · gennemsnit {mean} dage · median {median} dage",
        "services_before_after.title": "Antal visiterede indsatser igangsat før/under og efter § 82 forløbet",
        "services_before_after.before_during": "Før/under forløbet",
        "services_before_after.after": "Efter forløbet",
        "services_before_after.note": "En borger kan have flere indsatser (fx både en § 83 og en § 85). "
        "Andet: fx ledsagerordning, værested eller aktivitetscenter.",
        "paragraph.85": "§ 85 (bostøtte)",
        "paragraph.other": "Andet",
        "housing_support.title": "Bostøtte efter SEL § 85 pr. måned",
        "housing_support.title_of": "Bostøtte efter SEL § 85 – {measures} pr. måned",
        "housing_support.measure.hours": "antal timer",
        "housing_support.measure.amount_dkk": "afregnet beløb",
        "housing_support.measure.citizens": "borgere",
        "and": "og",
        "housing_support.hours": "Timer pr. måned",
        "housing_support.amount_dkk": "Afregnet beløb pr. måned (kr.)",
        "housing_support.citizens": "Borgere (cpr-numre) pr. måned",
        "housing_support.start": "§ 82 indsats etableret {date}",
        "housing_support.no_start": "Startdato for § 82 indsatsen er ikke oplyst.",
        # across municipalities
        "referral_onward.title": "Andel borgere, der efter et afsluttet § 82 forløb har modtaget en visiteret indsats",
        "referral_onward.axis": "Andel af borgere med afsluttet forløb (95 %-konfidensinterval)",
        "completion.title": "Andel afsluttede forløb, der er gennemført",
        "completion.axis": "Andel gennemførte af afsluttede forløb (95 %-konfidensinterval)",
        "rate.of": "{share} ({num} af {den})",
        # report 001
        "contacts.title": "Typen af henvendelser",
        "contacts.axis": "Andel af henvendelserne",
        "contacts.citizen": "Borgere",
        "contacts.relative": "Pårørende",
        "contacts.partner": "Samarbejdspartnere",
        "contacts.summary": "{n} henvendelser i alt",
        "shadow_savings.title": "Skyggevisitation: forventede sparede ydelser pr. år",
        "shadow_savings.shadow": "Skyggevisitation\n({n} borgere)",
        "shadow_savings.actual": "Faktisk visiteret\n({n} borgere)",
        "shadow_savings.gain": "Årlig gevinst",
        "shadow_savings.axis": "Kr. pr. år",
        "investment.axis": "Kr. i alt (engangsinvestering i perioden)",
        "shadow_savings.base": "Blandt {n} borgere med afsluttet forløb.",
        "investment.title": "Investering",
        "investment.bar": "Medarbejdertimer\n({hours} timer)",
        # report 003
        "funnel.title": "Antal borgere i initiativets forskellige faser",
        "funnel_by_municipality.title": "Kommunernes gennemførelsesprocent",
        "funnel.axis": "Andel af bruttomålgruppen",
        "funnel.of_first": "{share} af {first}",
        "funnel.of_previous": "{share} af forrige fase",
        "funnel.completion": "Gennemførelses-\nprocent",
        "funnel.hidden": "skjult",
        "funnel.hidden_note": "skjult: et af kommunens trin har under fem borgere (<5) eller er skjult, så et sådant "
        "tal ikke kan regnes ud (x); derfor vises kommunens andele ikke.",
        "funnel.reached": "Længst nået: {step}",
        "step.target_group": "Bruttomålgruppe",
        "step.initial_conversation": "Indledende samtale",
        "step.team_meeting": "Møde i tværfagligt team",
        "step.employment_offer": "Beskæftigelsesrettet tilbud",
        "period": "Periode: {start} – {end}",
        "source": "Kilde: kommunernes registreringer, evalkit",
    },
    "en": {
        "all": "Total",
        "all_municipalities": "All municipalities",
        "municipality": "Municipality",
        "municipality_of": "{name} Municipality",
        "citizens": "Citizens",
        "courses": "Courses",
        "services": "Services granted by decision",
        "internal": "internal",
        "masked_note": "<5: fewer than five, hidden for confidentiality. x: hidden so that no count under five can be "
        "worked out from the others.",
        "no_value": "–",
        "payer.all": "Total",
        "payer.kommune": "Municipality",
        "payer.region": "Region",
        "payer.stat": "State",
        "scenario.base": "Base case",
        "scenario.named": "Scenario “{name}”",
        "assumption.deadweight": "Deadweight",
        "assumption.effect_years": "Duration of the effect",
        "assumption.decay": "Decay of the effect",
        "assumption.optimism_bias": "Optimism bias",
        "assumption.discount": "Discount rate",
        "business_case.assumption.deadweight": "deadweight {value}",
        "business_case.assumption.effect_years": "effect for {value}",
        "business_case.assumption.decay": "decay {value}",
        "business_case.assumption.optimism_bias": "optimism bias {value}",
        "business_case.assumption.discount": "discounting: {value}",
        "business_case.schedule": "Ministry of Finance rate",
        "business_case.years": "{n} years",
        "business_case_cumulative.title": "Business case: cumulative net result per year by payer",
        "business_case_tornado.title": "Business case: how the net present value depends on the assumptions",
        "business_case_distribution.title": "Business case: the uncertainty of the net present value",
        "business_case.year_axis": "Years after the period (year 0: the period, when the investment falls)",
        "business_case.cumulative_axis": "Cumulative net result (DKK)",
        "business_case.total": "Total",
        "business_case.payback": "Paid back after {months} months",
        "business_case.payback_mark": "Paid back",
        "business_case.no_payback": "Not paid back within {years} years",
        "business_case.cumulative_note": "Bars: each payer's cumulative net result at the end of the year; the "
        "investment is the municipality's and falls in year 0. Line: the total. Not discounted; the payback assumes "
        "the gain comes evenly over the year.",
        "business_case.npv": "Net present value {value}",
        "business_case.npv_axis": "Net present value (DKK)",
        "business_case.zero": "Net present value = 0",
        "business_case.low_end": "At the low end of the range",
        "business_case.high_end": "At the high end of the range",
        "business_case.switching": "Switching value",
        "business_case.own_value": "(the scenario: {value})",
        "business_case.tornado_note": "Each bar: the net present value as one assumption goes from one end of its "
        "range to the other, the rest as in the scenario; the ranges are evalkit's choice (the config's "
        "sensitivity). Switching value: the deadweight at which the net present value is 0, and the fewest years of "
        "effect at which it is at least 0 (section 7 of the registration contract); ◆ where the bar crosses 0.",
        "business_case.density": "Share of the resamples per DKK million",
        "business_case.interval": "95 % interval: {low} – {high}",
        "business_case.distribution_note": "The distribution over {n} bootstrap resamples of the citizens with an "
        "ended course (within each municipality); the investment is fixed. Each bar holds 2.5 % of the resamples.",
        "business_case.distribution_note_plain": "The distribution over bootstrap resamples of the citizens with an "
        "ended course (within each municipality); the investment is fixed. Each bar holds 2.5 % of the resamples.",
        "paragraph_counts.title": "Citizens who received a § 82a and a § 82b course",
        "paragraph.82a": "§ 82a (group-based)",
        "paragraph.82b": "§ 82b (individual)",
        "age.title": "Citizens who ended a course in the period, by age",
        "age.axis": "Age when the course ended",
        "age.under_18": "Under 18 years",
        "age.18_29": "18–29 years",
        "age.30_39": "30–39 years",
        "age.40_49": "40–49 years",
        "age.50_59": "50–59 years",
        "age.60_plus": "60 years and over",
        "age.unknown": "Unknown",
        "course_length.title": "Course lengths, with the mean course length",
        "course_length.axis": "Course length",
        "course_length.d0_30": "0–30 days",
        "course_length.d31_91": "31–91 days",
        "course_length.d92_183": "92–183 days",
        "course_length.d184_plus": "Over 183 days",
        "course_length.mean": "Mean {days} days",
        "course_length.summary": "{ended} ended courses · mean {mean} days · median {median} days",
        "services_before_after.title": "Services granted by decision before/during and after the § 82 course",
        "services_before_after.before_during": "Before/during the course",
        "services_before_after.after": "After the course",
        "services_before_after.note": "A citizen can have several services (e.g. both § 83 and § 85). "
        "Other: e.g. escort scheme, drop-in centre or activity centre.",
        "paragraph.85": "§ 85 (housing support)",
        "paragraph.other": "Other",
        "housing_support.title": "Housing support (SEL § 85) per month",
        "housing_support.title_of": "Housing support (SEL § 85) – {measures} per month",
        "housing_support.measure.hours": "hours",
        "housing_support.measure.amount_dkk": "amount settled",
        "housing_support.measure.citizens": "citizens",
        "and": "and",
        "housing_support.hours": "Hours per month",
        "housing_support.amount_dkk": "Amount settled per month (DKK)",
        "housing_support.citizens": "Citizens (CPR numbers) per month",
        "housing_support.start": "§ 82 offer established {date}",
        "housing_support.no_start": "The start date of the § 82 offer is not known.",
        "referral_onward.title": "Share of citizens granted a service by decision after an ended § 82 course",
        "referral_onward.axis": "Share of citizens with an ended course (95 % confidence interval)",
        "completion.title": "Share of ended courses that were completed",
        "completion.axis": "Completed of ended courses (95 % confidence interval)",
        "rate.of": "{share} ({num} of {den})",
        "contacts.title": "Contacts by source",
        "contacts.axis": "Share of contacts",
        "contacts.citizen": "Citizens",
        "contacts.relative": "Relatives",
        "contacts.partner": "Partners",
        "contacts.summary": "{n} contacts in all",
        "shadow_savings.title": "Shadow visitation: expected avoided services per year",
        "shadow_savings.shadow": "Shadow visitation\n({n} citizens)",
        "shadow_savings.actual": "Actually granted\n({n} citizens)",
        "shadow_savings.gain": "Annual gain",
        "shadow_savings.axis": "DKK per year",
        "investment.axis": "DKK in all (one-off investment over the period)",
        "shadow_savings.base": "Among {n} citizens with an ended course.",
        "investment.title": "Investment",
        "investment.bar": "Staff hours\n({hours} hours)",
        "funnel.title": "Citizens in the phases of the initiative",
        "funnel_by_municipality.title": "Completion by municipality",
        "funnel.axis": "Share of the gross target group",
        "funnel.of_first": "{share} of {first}",
        "funnel.of_previous": "{share} of the previous phase",
        "funnel.completion": "Completion\nrate",
        "funnel.hidden": "hidden",
        "funnel.hidden_note": "hidden: a step of the municipality has fewer than five citizens (<5) or is hidden so "
        "that such a count cannot be worked out (x); so its shares are not shown.",
        "funnel.reached": "Furthest step: {step}",
        "step.target_group": "Gross target group",
        "step.initial_conversation": "Initial conversation",
        "step.team_meeting": "Cross-disciplinary team meeting",
        "step.employment_offer": "Employment-oriented offer",
        "period": "Period: {start} – {end}",
        "source": "Source: the municipalities' registrations, evalkit",
    },
}


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    return separator.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def format_number(value: float | int | None, decimals: int = 0, language: str = "da") -> str:
    """1234567.5 -> '1.234.567,5' (da) or '1,234,567.5' (en); None/NaN -> ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    thousands, point = (".", ",") if language == "da" else (",", ".")
    text = f"{abs(value):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    sign = "-" if value < 0 and float(text) != 0 else ""
    return sign + _group(whole, thousands) + (point + fraction if fraction else "")


def format_percent(share: float | None, decimals: int = 1, language: str = "da") -> str:
    """0.895 -> '89,5 %' (da, with the space Danish typography uses) or '89.5%' (en)."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    number = format_number(share * 100, decimals, language)
    return f"{number} %" if language == "da" else f"{number}%"


def format_dkk(value: float | None, language: str = "da") -> str:
    """1936000 -> '1.936.000 kr.' (da) or 'DKK 1,936,000' (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = format_number(round(value), 0, language)
    return f"{number} kr." if language == "da" else f"DKK {number}"


def format_date(day: dt.date, language: str = "da") -> str:
    """2017-05-01 -> '1. maj 2017' (da) or '1 May 2017' (en)."""
    month = MONTHS[language][day.month - 1]
    return f"{day.day}. {month} {day.year}" if language == "da" else f"{day.day} {month} {day.year}"


def format_month(day: dt.date, language: str = "da") -> str:
    """Axis label for a month: 'jan. 2019' / 'Jan 2019'."""
    month = MONTHS[language][day.month - 1][:3]
    return f"{month}. {day.year}" if language == "da" else f"{month} {day.year}"


@dataclass(frozen=True)
class Text:
    """The labels and number formats of one language."""

    language: str = "da"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")

    def __call__(self, key: str, **values: object) -> str:
        return LABELS[self.language][key].format(**values)

    def has(self, key: str) -> bool:
        return key in LABELS[self.language]

    def number(self, value: float | None, decimals: int = 0) -> str:
        return format_number(value, decimals, self.language)

    def count(self, value: float | None, masked: bool = False) -> str:
        """A count as printed on a figure: the publication copy's symbol (`<5`, `x`) where it hides the count."""
        if masked:
            return masked if isinstance(masked, str) else MASK
        return format_number(value, 0, self.language)

    def percent(self, share: float | None, decimals: int = 1) -> str:
        return format_percent(share, decimals, self.language)

    def dkk(self, value: float | None) -> str:
        return format_dkk(value, self.language)

    def date(self, day: dt.date) -> str:
        return format_date(day, self.language)

    def month(self, day: dt.date) -> str:
        return format_month(day, self.language)

    def code(self, codes: str, value: str) -> str:
        """The word for a code of a figure table ('age', '18_29' -> '18–29 år'); a paragraph without its own
        number is '§ <number>', any other unknown code stays as it is."""
        key = f"{codes}.{value}"
        if self.has(key):
            return self(key)
        return f"§ {value}" if codes == "paragraph" and PARAGRAPH.fullmatch(value) else value

    def join(self, words: list[str]) -> str:
        """['a', 'b', 'c'] -> 'a, b og c' (da) or 'a, b and c' (en)."""
        return "".join(words) if len(words) < 2 else f"{', '.join(words[:-1])} {self('and')} {words[-1]}"

    def paragraph(self, paragraph: str) -> str:
        return self.code("paragraph", paragraph)

    def step(self, step: str) -> str:
        key = f"step.{step}"
        return self(key) if self.has(key) else step.replace("_", " ").capitalize()
