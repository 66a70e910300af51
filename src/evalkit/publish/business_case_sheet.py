"""The workbook's `Business case` sheet, laid out as users of SØM (Social- og Boligstyrelsen's investment model)
know it: for each report with a `business_case` block and each municipality with a business case (and the
report's total where two or more have one), first the assumptions with their values as a checklist, then the
years by payer, then the result, one column per scenario (or payer).

The numbers are the publication copies' (business_case.csv, business_case_summary.csv in results/publish, the
same masks and blanks); the assumptions are the config's, which the tables were computed from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from evalkit.contract import ALL, MASK, PAYERS, SECONDARY_MASK
from evalkit.figures.text import Text
from evalkit.publish.masking import EXPLANATION, is_number
from evalkit.tables.business_case import FINANSMINISTERIET_2021_RATES, Assumptions, scenarios
from evalkit.tables.files import read_csv
from evalkit.tables.registry import BUSINESS_CASE_SUMMARY, BUSINESS_CASE_YEAR, header_label

TITLE = "Business case"
FAMILIES = ("business_case", "business_case_summary")
SCOPE_PAYERS = (ALL, *PAYERS)
# Excel's number formats by what a value is; Danish Excel shows them as 1.045.000, 5,8, 94,2 %
KRONER, MONTHS, SHARE, RATIO, YEARS, FACTOR = "#,##0", "0.0", "0.0%", "0.00", "0", "0.0000"
SUMMARY_FORMATS = {
    "benefit_cost_ratio": RATIO,
    "payback_months": MONTHS,
    "discounted_payback_months": MONTHS,
    "switching_deadweight": SHARE,
    "min_effect_years": YEARS,
    "payback_ci_low": MONTHS,
    "payback_ci_high": MONTHS,
}
WORDS = {
    "da": {
        "heading": "Business case: {title}",
        "scope": "Kommune: {name}",
        "all": "Rapportens kommuner i alt (de, der har registreret skyggevisitation)",
        "none": "Uden business case (ingen skyggevisitation registreret, eller skjult af hensyn til diskretion): "
        "{codes}",
        "assumptions": "1. Forudsætninger (tjekliste: er hver værdi rigtig for indsatsen?)",
        "assumption": "Forudsætning",
        "source": "Kilde",
        "checked": "Tjekket",
        "years": "2. År for år, fordelt på betaler (kr.)",
        "year": "År {t}",
        "result": "3. Resultat: {scenario}",
        "measure": "Resultat",
        "notes": "Tallene er publikationskopiernes (business_case.csv og business_case_summary.csv); "
        "forudsætningerne er konfigurationens (rapportens business_case). Definitionerne: "
        "registreringskontraktens afsnit 7.",
        "rows": {
            "investment": ("Investering C (kr., inkl. optimismetillæg)", "Medarbejdertimer × timepris (investment)"),
            "gain": ("Årlig bruttogevinst G (kr.)", "Skyggevisitation − faktisk visitation (shadow_savings)"),
            "shadow_visited": ("Skyggevisiterede borgere", "shadow_savings"),
            "actually_visited": ("Faktisk visiterede borgere", "shadow_savings"),
            "horizon_years": ("Tidshorisont (år efter perioden)", "Konfigurationen"),
            "payers": ("Fordeling på betalere", "Konfigurationen (payers)"),
            "bootstrap": ("Gentrækninger til usikkerhedsintervallet", "Konfigurationen"),
            "seed": ("Seed", "Konfigurationen"),
        },
        "configured": "Konfigurationen",
        "schedule": "Finansministeriets rente (7. januar 2021): {steps}",
        "step": "{rate} til år {last}",
        "after": "{rate} derefter",
    },
    "en": {
        "heading": "Business case: {title}",
        "scope": "Municipality: {name}",
        "all": "The report's municipalities together (those that registered shadow visitation)",
        "none": "No business case (no shadow visitation registered, or hidden for confidentiality): {codes}",
        "assumptions": "1. Assumptions (checklist: is each value right for the intervention?)",
        "assumption": "Assumption",
        "source": "Source",
        "checked": "Checked",
        "years": "2. Year by year, by payer (DKK)",
        "year": "Year {t}",
        "result": "3. Result: {scenario}",
        "measure": "Result",
        "notes": "The numbers are the publication copies' (business_case.csv and business_case_summary.csv); the "
        "assumptions are the configuration's (the report's business_case). Definitions: section 7 of the "
        "registration contract.",
        "rows": {
            "investment": ("Investment C (DKK, optimism bias included)", "Staff hours × hourly cost (investment)"),
            "gain": ("Gross annual gain G (DKK)", "Shadow visitation − actual visitation (shadow_savings)"),
            "shadow_visited": ("Shadow-visited citizens", "shadow_savings"),
            "actually_visited": ("Actually visited citizens", "shadow_savings"),
            "horizon_years": ("Horizon (years after the period)", "The configuration"),
            "payers": ("Split between payers", "The configuration (payers)"),
            "bootstrap": ("Resamples for the uncertainty interval", "The configuration"),
            "seed": ("Seed", "The configuration"),
        },
        "configured": "The configuration",
        "schedule": "The Ministry of Finance's rate (7 January 2021): {steps}",
        "step": "{rate} to year {last}",
        "after": "{rate} after",
    },
}


def _value(cell: str) -> object:
    """A publication copy's cell as Excel holds it: a number, the mask's symbol, or empty."""
    if cell in (MASK, SECONDARY_MASK):
        return cell
    return float(cell) if is_number(cell) else None


def _records(tables_dir: Path, family: str, report: str) -> list[dict[str, str]]:
    header, rows = read_csv(tables_dir / f"{family}.csv")
    return [dict(zip(header, row, strict=True)) for row in rows if row[0] == report]


def _discount(discount: str | float, text: Text) -> str:
    words = WORDS[text.language]
    if not isinstance(discount, str):
        return text.percent(discount)
    steps = [
        words["after"].format(rate=text.percent(rate)) if last == float("inf") else words["step"].format(
            rate=text.percent(rate), last=last
        )
        for last, rate in FINANSMINISTERIET_2021_RATES
    ]  # fmt: skip
    return words["schedule"].format(steps=", ".join(steps))


def _scopes(summaries: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """The municipalities with a business case in the copy (and `all` where two or more have one), and those
    without."""
    codes = list(dict.fromkeys(r["kommunekode"] for r in summaries))
    shown = {r["kommunekode"] for r in summaries if r["payer"] == ALL and is_number(r["npv_dkk"])}
    municipalities = [c for c in codes if c != ALL and c in shown]
    scopes = municipalities + ([ALL] if len(municipalities) >= 2 and ALL in shown else [])
    return scopes, [c for c in codes if c != ALL and c not in shown]


def add_sheet(workbook, tables_dir: Path, config: Mapping, language: str = "da") -> list[str]:
    """The `Business case` sheet for the reports of the (validated) config with a business_case block and rows in
    the copies in tables_dir; returns the reports it covers (none: no sheet)."""
    from openpyxl.styles import Font

    text, words = Text(language), WORDS[language]
    reports = config["reports"]
    covered = [r for r in reports if r.get("business_case") and _records(tables_dir, FAMILIES[1], str(r["id"]))]
    if not covered:
        return []
    sheet = workbook.create_sheet(TITLE)
    bold = Font(bold=True)

    def row(cells: list, font=None, formats: Sequence[str | None] = ()) -> None:
        sheet.append(cells)
        for cell, number_format in zip(sheet[sheet.max_row], [*formats, *[None] * len(cells)], strict=False):
            if font is not None:
                cell.font = font
            if number_format and isinstance(cell.value, float):
                cell.number_format = number_format

    for report in covered:
        report_id = str(report["id"])
        years, summaries = (_records(tables_dir, family, report_id) for family in FAMILIES)
        named = scenarios(report["business_case"])
        labels = [text.code("scenario", name) for name, _ in named]
        scopes, without = _scopes(summaries)
        row([words["heading"].format(title=report.get("title") or report_id)], Font(bold=True, size=13))
        if without:
            row([words["none"].format(codes=", ".join(without))])
        for scope in scopes:
            row([])
            row([words["all"] if scope == ALL else words["scope"].format(name=scope)], Font(bold=True, size=12))
            result = {(r["scenario"], r["payer"]): r for r in summaries if r["kommunekode"] == scope}
            results = [result.get((n, ALL), {}) for n, _ in named]
            _assumptions(row, words, text, config["payers"], named, labels, results, bold)
            row([])
            row([words["years"]], bold)
            mine = [r for r in years if r["kommunekode"] == scope]
            for (name, _), label in zip(named, labels, strict=True):
                _years(row, words, text, [r for r in mine if r["scenario"] == name], label, bold)
            for (name, _), label in zip(named, labels, strict=True):
                row([])
                row([words["result"].format(scenario=label)], bold)
                row([words["measure"], *(text.code("payer", p) for p in SCOPE_PAYERS)], bold)
                for column in BUSINESS_CASE_SUMMARY:
                    values = [_value(result.get((name, p), {}).get(column, "")) for p in SCOPE_PAYERS]
                    row(
                        [header_label(column, language), *values],
                        formats=[None, *[SUMMARY_FORMATS.get(column, KRONER)] * 4],
                    )
        row([])
    row([words["notes"]])
    row([EXPLANATION[language]])
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEFGHIJKLMNOP":
        sheet.column_dimensions[letter].width = 16
    return [str(r["id"]) for r in covered]


def _assumptions(row, words, text: Text, payers: str, named, labels, results: list[dict], bold) -> None:
    """The checklist: each assumption with its value in every scenario, where it comes from, and a box to tick."""
    row([])
    row([words["assumptions"]], bold)
    row([words["assumption"], *labels, words["source"], words["checked"]], bold)
    rows = words["rows"]

    def line(key: str, values: list, number_format: str | None = None) -> None:
        # the assumptions the figures vary are named as there (figures/text.py)
        label, source = rows[key] if key in rows else (text.code("assumption", key), words["configured"])
        row([label, *values, source, "☐"], formats=[None, *[number_format] * len(values)])

    line("investment", [_value(r.get("investment_dkk", "")) for r in results], KRONER)
    line("gain", [_value(r.get("annual_gain_dkk", "")) for r in results], KRONER)
    for count in ("shadow_visited", "actually_visited"):
        line(count, [_value(r.get(count, "")) for r in results], KRONER)
    assumptions: list[Assumptions] = [a for _, a in named]
    line("horizon_years", [float(a.horizon_years) for a in assumptions], YEARS)
    line("effect_years", [float(a.effect_years) for a in assumptions], YEARS)
    for share in ("decay", "deadweight", "optimism_bias"):
        line(share, [float(getattr(a, share)) for a in assumptions], SHARE)
    line("discount", [_discount(a.discount, text) for a in assumptions])
    line("payers", [payers for _ in assumptions])
    line("bootstrap", [float(a.bootstrap) for a in assumptions], YEARS)
    line("seed", [float(a.seed) for a in assumptions], YEARS)


def _years(row, words, text: Text, years: list[dict], label: str, bold) -> None:
    """One scenario's years: per payer its investment, gain, net and sums; the discount factor once."""
    ordered = sorted({int(r["year"]) for r in years})
    row([label, *(words["year"].format(t=t) for t in ordered)], bold)
    by = {(r["payer"], int(r["year"])): r for r in years}
    factors = [_value(by.get((ALL, t), {}).get("discount_factor", "")) for t in ordered]
    row([header_label("discount_factor", text.language), *factors], formats=[None, *[FACTOR] * len(ordered)])
    for payer in SCOPE_PAYERS:
        for column in (c for c in BUSINESS_CASE_YEAR if c != "discount_factor"):
            name = f"{text.code('payer', payer)}: {header_label(column, text.language)}"
            values = [_value(by.get((payer, t), {}).get(column, "")) for t in ordered]
            row([name, *values], formats=[None, *[KRONER] * len(ordered)])
