"""Why a row is quarantined, in English and Danish: one catalogue for the warehouse, the validator and reports."""

from __future__ import annotations

from dataclasses import dataclass

from evalkit import contract
from evalkit.duck import sql_literal

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
    "holds_cpr": (
        "holds what looks like a CPR number; a CPR number belongs in the citizen column only (the value is not "
        "shown, so that it never leaves the delivery)",
        "indeholder noget, der ligner et CPR-nummer; et CPR-nummer hører kun hjemme i borgerkolonnen (værdien vises "
        "ikke, så den aldrig forlader leverancen)",
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
    "implausible_number": (
        "more than {maximum}, which cannot be right here",
        "mere end {maximum}, hvilket ikke kan passe her",
    ),
    "ambiguous_number": (
        "a dot before three digits can be a decimal point or Danish thousands, and the file's other numbers do not "
        "tell which: write 125000 for a hundred and twenty-five thousand, or 125,5 with a decimal comma",
        "et punktum før tre cifre kan være decimaltegn eller tusindtalsskilletegn, og filens andre tal afgør det "
        "ikke: skriv 125000 for et hundrede femogtyve tusind eller 125,5 med decimalkomma",
    ),
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


# Why a whole file cannot be used: code -> (English, Danish).
FILE_PROBLEMS: dict[str, tuple[str, str]] = {
    "not_quarter": (
        "a delivery folder must be named YYYYQN, e.g. 2021Q3",
        "en leverancemappe skal hedde ÅÅÅÅQN, fx 2021Q3",
    ),
    "no_folder": ("no such delivery folder", "leverancemappen findes ikke"),
    "not_data_file": (
        "not a CSV or Excel file: expected <kommunekode>_<table>.csv (or .xlsx)",
        "ikke en CSV- eller Excel-fil: forventede <kommunekode>_<tabel>.csv (eller .xlsx)",
    ),
    "csv_as_txt": (
        "a data file saved as .txt: if it is a CSV file, rename it to {name}",
        "en datafil gemt som .txt: er det en CSV-fil, så omdøb den til {name}",
    ),
    "old_excel": (
        "old Excel format: save it as .xlsx (Excel workbook) or as CSV",
        "gammelt Excel-format: gem den som .xlsx (Excel-projektmappe) eller som CSV",
    ),
    "bad_name": (
        "the file name must be <kommunekode>_<table>.csv (or .xlsx) with a three-digit municipality code, "
        "e.g. 851_courses.csv",
        "filnavnet skal være <kommunekode>_<tabel>.csv (eller .xlsx) med en trecifret kommunekode, fx 851_courses.csv",
    ),
    "unknown_table": (
        "unknown table {table!r}: expected one of {tables}",
        "ukendt tabel {table!r}: forventede en af {tables}",
    ),
    "missing_columns": (
        "missing column(s) {columns} in the header of a {table} file",
        "kolonne(r) mangler i overskriftsrækken i en {table}-fil: {columns}",
    ),
    "duplicate_column": (
        "columns {first!r} and {second!r} both mean {column}; keep one",
        "kolonnerne {first!r} og {second!r} betyder begge {column}; behold én",
    ),
    "empty": (
        "the file is empty or its first line is blank; expected a header row",
        "filen er tom, eller dens første linje er blank; forventede en overskriftsrække",
    ),
    "unclosed_quote": (
        "line {line}: a quote opens a cell that does not close where its row ends (it runs to line {end}); close "
        "the quote or remove it. The file is not read, so that no row inside the quoted cell is lost",
        "linje {line}: et anførselstegn åbner en celle, der ikke lukkes, hvor rækken slutter (den løber til linje "
        "{end}); luk anførselstegnet eller fjern det. Filen indlæses ikke, så ingen række i cellen går tabt",
    ),
    "lines_unreconciled": (
        "the file's {records} records could not be matched line for line to the {parsed} rows the CSV reader "
        "found; check its quotes and line endings",
        "filens {records} poster kunne ikke afstemmes linje for linje med de {parsed} rækker, CSV-læseren fandt; "
        "kontrollér anførselstegn og linjeskift",
    ),
    "not_text": (
        "is not a text CSV file (UTF-16, or a spreadsheet saved under a .csv name); save it as CSV "
        "(UTF-8 or Windows-1252) or deliver it as .xlsx",
        "er ikke en tekst-CSV-fil (UTF-16, eller et regneark gemt med .csv-navn); gem den som CSV "
        "(UTF-8 eller Windows-1252) eller aflever den som .xlsx",
    ),
    "unreadable_csv": ("cannot be read as CSV: {detail}", "kan ikke læses som CSV: {detail}"),
    "unreadable_xlsx": (
        "cannot be opened as an Excel workbook (.xlsx): {detail}",
        "kan ikke åbnes som Excel-projektmappe (.xlsx): {detail}",
    ),
    "empty_sheet": (
        "the workbook's sheets are empty; expected a header row",
        "projektmappens ark er tomme; forventede en overskriftsrække",
    ),
    "xlsx_no_header": (
        "no sheet has a header row with the columns of a {table} file ({columns}) in its first {rows} rows: read "
        "sheet {sheet!r}, row {row}; the data seem to be on sheet {at!r} from row {at_row}: give them a header row "
        "naming the columns",
        "intet ark har en overskriftsrække med kolonnerne for en {table}-fil ({columns}) i de første {rows} rækker: "
        "læste arket {sheet!r}, række {row}; data ser ud til at stå på arket {at!r} fra række {at_row}: giv dem en "
        "overskriftsrække med kolonnernes navne",
    ),
    "xlsx_header_lacks": (
        "no sheet has a header row with every column of a {table} file in its first {rows} rows: read sheet "
        "{sheet!r}, row {row}; the header seems to be on sheet {at!r}, row {at_row}, which lacks {columns}",
        "intet ark har en overskriftsrække med alle kolonnerne for en {table}-fil i de første {rows} rækker: læste "
        "arket {sheet!r}, række {row}; overskriften ser ud til at stå på arket {at!r}, række {at_row}, som mangler "
        "{columns}",
    ),
    "xlsx_two_headers": (
        "sheets {first!r} and {second!r} both hold a header row of a {table} file; deliver one sheet of data per "
        "file, so that none goes unread",
        "arkene {first!r} og {second!r} har begge en overskriftsrække for en {table}-fil; aflever ét ark med data "
        "pr. fil, så intet ark bliver overset",
    ),
    "second_file": (
        "{other} already holds the {table} of municipality {kommunekode} for this quarter; deliver one file per "
        "municipality and table",
        "{other} indeholder allerede kommune {kommunekode}s {table} for dette kvartal; aflever én fil pr. kommune "
        "og tabel",
    ),
}


@dataclass(frozen=True)
class Columns:
    """Contract columns with the other names a header may give them, listed in the message's language."""

    names: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, table: contract.Table, columns: list[str]) -> Columns:
        return cls(tuple((name, table.column(name).aliases) for name in columns))

    def text(self, language: str) -> str:
        word = "eller" if language == "da" else "or"
        return "; ".join(f"{name} ({word} {', '.join(other)})" if other else name for name, other in self.names)


def file_problem(code: str, language: str = "en", **params: object) -> str:
    english, danish = FILE_PROBLEMS[code]
    shown = {name: value.text(language) if isinstance(value, Columns) else value for name, value in params.items()}
    return (danish if language == "da" else english).format(**shown)


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
        parts += [sql_literal(before), f"CAST({sql_params[name]} AS VARCHAR)"]
    parts.append(sql_literal(rest))
    return " || ".join(p for p in parts if p != "''")


def column_label(table: str, column: str | None, language: str) -> str:
    """A column as messages name it: in Danish the contract's Danish name first, e.g. `startdato (start_date)`."""
    if column is None:
        return "-"
    known = {c.name: c for c in contract.TABLES[table].columns}
    if language == "da" and column in known and known[column].aliases:
        return f"{known[column].aliases[0]} ({column})"
    return column


def example_line(line: int, value: str | None, language: str) -> str:
    """A quarantined line with its value (never a CPR number: the quarantine holds none), e.g. `linje 3 ('82z')`."""
    shown = ("linje {line}" if language == "da" else "line {line}").format(line=line)
    return f"{shown} ({value!r})" if value is not None else shown


_SHEET_TEXT = {
    "en": {
        "read": "sheet {sheet!r}, header on row {row}",
        "row": "{n} row above it",
        "rows": "{n} rows above it",
        "sheet": "the sheet {names}",
        "sheets": "the sheets {names}",
        "and": "and",
        "not_read": "not read",
    },
    "da": {
        "read": "arket {sheet!r}, overskrift i række {row}",
        "row": "{n} række over den",
        "rows": "{n} rækker over den",
        "sheet": "arket {names}",
        "sheets": "arkene {names}",
        "and": "og",
        "not_read": "ikke læst",
    },
}


def sheet_read(sheet: str, header_line: int, sheets_not_read: list[str], language: str) -> str:
    """Which sheet and row of a workbook were read and what was not, e.g. `sheet 'Data', header on row 3 (2 rows
    above it and the sheet Forside not read)`."""
    text = _SHEET_TEXT["da" if language == "da" else "en"]
    above = header_line - 1
    skipped = [text["row" if above == 1 else "rows"].format(n=above)] if above else []
    if sheets_not_read:
        skipped.append(
            text["sheet" if len(sheets_not_read) == 1 else "sheets"].format(names=", ".join(sheets_not_read))
        )
    shown = text["read"].format(sheet=sheet, row=header_line)
    joined = f" {text['and']} ".join(skipped)
    return f"{shown} ({joined} {text['not_read']})" if skipped else shown
