"""Why a row is quarantined, in English and Danish: one catalogue for the warehouse, the validator and reports."""

from __future__ import annotations

LANGUAGES = ("da", "en")

# code -> (English, Danish); {placeholders} are filled per check (codes) or per row in SQL (lines, detail).
REASONS: dict[str, tuple[str, str]] = {
    "missing": ("required value is missing", "påkrævet værdi mangler"),
    "not_cpr": (
        "not a valid CPR number: expected DDMMYY-SSSS or DDMMYYSSSS with a real date in the first six digits "
        "(a value with letters is taken as an already pseudonymised key)",
        "ikke et gyldigt CPR-nummer: forventede DDMMÅÅ-LLLL eller DDMMÅÅLLLL med en rigtig dato i de første seks "
        "cifre (en værdi med bogstaver opfattes som en allerede pseudonymiseret nøgle)",
    ),
    "id_is_cpr": (
        "looks like a CPR number; an id must never be a CPR number",
        "ligner et CPR-nummer; et id må aldrig være et CPR-nummer",
    ),
    "unknown_code": ("unknown code: expected one of {codes}", "ukendt kode: forventede en af {codes}"),
    "not_date": (
        "not a date: expected YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY",
        "ikke en dato: forventede ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ",
    ),
    "not_month": ("not a month: expected YYYY-MM", "ikke en måned: forventede ÅÅÅÅ-MM"),
    "not_decimal": ("not a number (decimal comma or point)", "ikke et tal (decimalkomma eller -punktum)"),
    "not_integer": ("not a whole number", "ikke et helt tal"),
    "negative": ("must not be negative", "må ikke være negativ"),
    "end_before_start": ("end_date is before start_date", "slutdatoen ligger før startdatoen"),
    "end_reason_mismatch": (
        "end_reason must be given exactly when end_date is",
        "afslutningsårsag skal være udfyldt præcis når slutdato er udfyldt",
    ),
    "implausible_birth_year": (
        "not a plausible birth year: expected {low} to this year",
        "ikke et plausibelt fødselsår: forventede {low} til i år",
    ),
    "exact_duplicate": ("exact duplicate of line {first_line}", "nøjagtig gentagelse af linje {first_line}"),
    "conflicting_key": (
        "the key occurs on lines {lines} with different values; none of them is loaded",
        "nøglen står på linje {lines} med forskellige værdier; ingen af dem indlæses",
    ),
    "malformed_line": ("malformed CSV line: {detail}", "fejl i CSV-linjen: {detail}"),
}


def reason(code: str, language: str = "en", **params: object) -> str:
    english, danish = REASONS[code]
    return (danish if language == "da" else english).format(**params)


def sql_reason(code: str, language: str, **sql_params: str) -> str:
    """A SQL string expression for the reason, with {placeholders} taken from SQL expressions (e.g. a column)."""
    english, danish = REASONS[code]
    template = danish if language == "da" else english
    parts, rest = [], template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        parts += [_literal(before), f"CAST({sql_params[name]} AS VARCHAR)"]
    parts.append(_literal(rest))
    return " || ".join(p for p in parts if p != "''")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
