"""The contract's checks as SQL: parse every text cell of a raw file into its type and list what is wrong with it.

`typed_select(table, present, source)` builds one SELECT over a raw all-VARCHAR table or view (columns named by the
contract, plus `file_no` and `line`: many files are checked in one pass, which saves the per-query overhead that
dominates a national drop of hundreds of small files). It yields, per row, `file_no`, `line`, one parsed column per
contract column and `valid`. `problems_select` lists {column_name, value, reason_code, reason, reason_da} for the
invalid rows. Duplicate keys are a property of a file, not of a row, and are found afterwards, within each file, in
`duplicate_problems_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass

from evalkit.contract import (
    CITIZEN,
    CODE,
    CPR_PATTERN,
    DATE,
    DECIMAL,
    IDENT,
    INTEGER,
    MONTH,
    PARAGRAPH,
    TEXT,
    Column,
    Table,
)
from evalkit.ingest.messages import sql_reason


# Shown instead of a cell that may hold a CPR number: the line and column locate it in the raw file.
def _safe_value(cell: str) -> str:
    return f"CASE WHEN regexp_matches({cell}, '{CPR_PATTERN}') THEN NULL ELSE left({cell}, 200) END"


# DDMMYY of a CPR number with the century from its 7th digit (the CPR office's rule).
MACROS = (
    r"""
CREATE OR REPLACE TEMP MACRO cpr_birth_date(digits) AS try_strptime(
    substr(digits, 1, 4)
    || CAST(TRY_CAST(substr(digits, 5, 2) AS INTEGER) + CASE
        WHEN substr(digits, 7, 1) IN ('0', '1', '2', '3') THEN 1900
        WHEN substr(digits, 7, 1) IN ('4', '9') THEN
            CASE WHEN TRY_CAST(substr(digits, 5, 2) AS INTEGER) <= 36 THEN 2000 ELSE 1900 END
        ELSE CASE WHEN TRY_CAST(substr(digits, 5, 2) AS INTEGER) <= 57 THEN 2000 ELSE 1800 END
    END AS VARCHAR),
    '%d%m%Y')::DATE;
CREATE OR REPLACE TEMP MACRO cpr_birth(v) AS CASE
    WHEN regexp_full_match(v, '"""
    + CPR_PATTERN
    + r"""') THEN cpr_birth_date(replace(v, '-', '')) END;
CREATE OR REPLACE TEMP MACRO is_cpr(v) AS cpr_birth(v) IS NOT NULL;
-- Whole years from `born` to `on_day`: one more on each birthday. A 29 February birthday comes on 1 March in a
-- year without one (docs/warehouse.md says why).
CREATE OR REPLACE TEMP MACRO whole_years(born, on_day) AS year(on_day) - year(born)
    - CASE WHEN month(on_day) * 100 + day(on_day) < month(born) * 100 + day(born) THEN 1 ELSE 0 END;
-- Anywhere in a cell (`K-<cpr>`, `<cpr>_1`, a note, a number): a CPR-shaped run with a real date.
-- (A CASE, not an AND, so that the rest is computed only for the few cells with a CPR-shaped run.)
CREATE OR REPLACE TEMP MACRO holds_cpr(v) AS CASE WHEN length(v) >= 10 AND regexp_matches(v, '"""
    + CPR_PATTERN
    + r"""')
    THEN list_bool_or(list_transform(regexp_extract_all(v, '"""
    + CPR_PATTERN
    + r"""'), lambda x: is_cpr(x))) ELSE false END;
-- Without a '-' only the last format can match (the others' '-' is literal): most dates skip two attempts.
CREATE OR REPLACE TEMP MACRO parse_date(v) AS CAST(CASE WHEN contains(v, '-') THEN COALESCE(
    try_strptime(v, '%Y-%m-%d'), try_strptime(v, '%d-%m-%Y'), try_strptime(v, '%d.%m.%Y'))
    ELSE try_strptime(v, '%d.%m.%Y') END AS DATE);
CREATE OR REPLACE TEMP MACRO parse_decimal(v) AS TRY_CAST(
    CASE WHEN v LIKE '%,%' THEN replace(replace(regexp_replace(v, '\s', '', 'g'), '.', ''), ',', '.')
         ELSE regexp_replace(v, '\s', '', 'g') END AS DOUBLE);
CREATE OR REPLACE TEMP MACRO normalise_code(v) AS
    regexp_replace(trim(replace(lower(v), '§', '')), '[\s-]+', '_', 'g');
"""
)

MIN_YEAR, MAX_YEAR = 1900, 2100
MIN_BIRTH_YEAR = 1880


def _cell(name: str) -> str:
    return f"cell_{name}"


def _digits(name: str) -> str:
    """Column of `parsed`: a citizen cell's digits where it holds nothing but digits and what is typed between
    them, else NULL."""
    return f"digits_{name}"


def _thousands(name: str) -> str:
    """Column of `parsed`: whether a decimal cell reads as `125.000` (see _thousands_shape)."""
    return f"thousands_{name}"


def _cpr_birth(name: str) -> str:
    """Column of `parsed`: the birth date in a citizen cell holding a valid CPR number, else NULL."""
    return f"cpr_birth_{name}"


# What a CPR number is typed or pasted with around and between its digits: spaces, tabs, a byte order mark,
# non-breaking spaces, and any dash (Word and Outlook turn '-' into an en dash).
_CPR_SPACE = r"\s\x{a0}\x{feff}"
_CPR_PUNCTUATION = _CPR_SPACE + r"\-\x{2010}-\x{2015}\x{2212}"


def _citizen_cell(cell: str) -> str:
    """A citizen cell without what surrounds its value; most cells have nothing around them."""
    return (
        f"CASE WHEN regexp_matches({cell}, '^[{_CPR_SPACE}]|[{_CPR_SPACE}]$') "
        f"THEN regexp_replace({cell}, '^[{_CPR_SPACE}]+|[{_CPR_SPACE}]+$', '', 'g') ELSE {cell} END"
    )


def _citizen_digits(v: str) -> str:
    """The digits of a citizen cell that holds nothing but digits and what is typed between them, else NULL."""
    return (
        f"CASE WHEN regexp_full_match({v}, '[0-9][0-9{_CPR_PUNCTUATION}]*') "
        f"THEN regexp_replace({v}, '[^0-9]', '', 'g') END"
    )


def _thousands_shape(v: str) -> str:
    """Whether a cell reads as a whole number with dots grouping thousands, or as a decimal point (a CASE, so that
    only cells with a dot are matched against the pattern)."""
    return (
        f"(CASE WHEN contains({v}, '.') THEN regexp_full_match({v}, '-?[0-9]{{1,3}}(\\.[0-9]{{3}})+') ELSE false END)"
    )


def _decimal_evidence(table: Table) -> list[str]:
    """Per row, over its decimal cells: whether one has a comma, whether one has a dot that cannot group thousands,
    and whether one reads as `125.000` (which the file's other numbers must decide). Empty for a table without
    decimal columns."""
    decimals = [c.name for c in table.columns if c.kind == DECIMAL]
    if not decimals:
        return []
    comma = " OR ".join(f"contains({_cell(c)}, ',')" for c in decimals)
    point = " OR ".join(
        f"(contains({_cell(c)}, '.') AND NOT contains({_cell(c)}, ',') AND NOT {_thousands(c)})" for c in decimals
    )
    thousands = " OR ".join(_thousands(c) for c in decimals)
    return [f"{comma} AS row_comma", f"{point} AS row_point", f"{thousands} AS row_thousands"]


# Read by `typed_select` and `problems_select` for a table with decimal columns; filled by decimal_evidence_select.
DECIMAL_EVIDENCE = (
    "CREATE OR REPLACE TEMP TABLE decimal_evidence (file_no INTEGER, decimal_comma BOOLEAN, decimal_point BOOLEAN)"
)


def decimal_evidence_select(table: Table) -> str | None:
    """SELECT file_no, decimal_comma, decimal_point over `typed`, for the files where a `125.000` is decided by the
    file's other decimal cells: some have a comma and none a dot that cannot group thousands (Danish thousands), or
    the other way round (a decimal point). None for a table without decimal columns.

    `typed` is first computed without this evidence, which leaves every `125.000` ambiguous: only the rows of
    these few files need computing again, instead of a pass over every file for the evidence first."""
    if not _decimal_evidence(table):
        return None
    return """SELECT file_no, coalesce(bool_or(row_comma), false) AS decimal_comma,
                     coalesce(bool_or(row_point), false) AS decimal_point
              FROM typed GROUP BY file_no
              HAVING bool_or(row_thousands)
                 AND coalesce(bool_or(row_comma), false) <> coalesce(bool_or(row_point), false)"""


def _parsed(column: Column) -> str:
    """SQL for the column's parsed value from its trimmed cell."""
    v = _cell(column.name)
    if column.kind in (TEXT, IDENT):
        return v
    if column.kind == CITIZEN:
        # The text that is hashed: a CPR number as its ten digits, an already pseudonymised key as delivered.
        return f"coalesce({_digits(column.name)}, {v})"
    if column.kind == CODE:
        # most cells hold a code exactly, and a code is its own normal form (lower case, no '§', space or '-')
        codes = ", ".join(f"'{c}'" for c in column.codes)
        return f"CASE WHEN {v} IN ({codes}) THEN {v} ELSE normalise_code({v}) END"
    if column.kind == PARAGRAPH:
        return f"CASE WHEN normalise_code({v}) = 'ingen' THEN 'none' ELSE replace(normalise_code({v}), '_', '') END"
    if column.kind == DATE:
        return f"parse_date({v})"
    if column.kind == MONTH:
        return (
            f"CASE WHEN regexp_full_match({v}, '[0-9]{{4}}-[0-9]{{1,2}}') "
            f"THEN CAST(try_strptime({v} || '-01', '%Y-%m-%d') AS DATE) END"
        )
    if column.kind == DECIMAL:
        # `125.000`: thousands where the file writes decimal commas, a decimal point where it writes points,
        # else NULL (ambiguous)
        return (
            f"CASE WHEN {_thousands(column.name)} THEN CASE WHEN decimal_comma AND NOT decimal_point "
            f"THEN TRY_CAST(replace({v}, '.', '') AS DOUBLE) WHEN decimal_point AND NOT decimal_comma "
            f"THEN parse_decimal({v}) END ELSE parse_decimal({v}) END"
        )
    if column.kind == INTEGER:
        return f"TRY_CAST(regexp_replace({v}, '\\s', '', 'g') AS INTEGER)"
    raise ValueError(f"unknown column kind {column.kind!r}")


@dataclass(frozen=True)
class Check:
    """A condition that makes a row unloadable, the column it is reported under and its reason code."""

    column: Column
    condition: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def failed(self) -> str:
        return f"coalesce({self.condition}, false)"

    def problem(self) -> str:
        shown = self.column.kind != CITIZEN and self.code != "holds_cpr"
        value = _safe_value(_cell(self.column.name)) if shown else "NULL"
        params = {name: f"'{text}'" for name, text in self.params}
        return (
            f"CASE WHEN {self.failed()} THEN {{'column_name': '{self.column.name}', 'value': {value}, "
            f"'reason_code': '{self.code}', 'reason': {sql_reason(self.code, 'en', **params)}, "
            f"'reason_da': {sql_reason(self.code, 'da', **params)}}} END"
        )


# Kinds whose other checks could let a CPR number through; a code, date or month holding one fails its own check
# (its value shown only where it holds no CPR-shaped run).
_MAY_HOLD_CPR = (TEXT, IDENT, PARAGRAPH, DECIMAL, INTEGER)


def _column_problems(column: Column) -> list[Check]:
    v, p = _cell(column.name), column.name
    problems = []
    if column.required:
        problems.append(Check(column, f"{v} IS NULL", "missing"))
    if column.kind == CITIZEN:
        problems.append(
            Check(
                column,
                f"{_digits(column.name)} IS NOT NULL AND {_cpr_birth(column.name)} IS NULL",
                "not_cpr",
            )
        )
    elif column.kind in _MAY_HOLD_CPR:
        problems.append(Check(column, f"holds_cpr({v})", "holds_cpr"))
    if column.kind == CODE:
        codes = ", ".join(f"'{c}'" for c in column.codes)
        problems.append(
            Check(
                column,
                f"{v} IS NOT NULL AND {p} NOT IN ({codes})",
                "unknown_code",
                (("codes", ", ".join(column.codes)),),
            )
        )
    elif column.kind == DATE:
        problems.append(
            Check(
                column,
                f"{v} IS NOT NULL AND ({p} IS NULL OR year({p}) NOT BETWEEN {MIN_YEAR} AND {MAX_YEAR})",
                "not_date",
            )
        )
    elif column.kind == MONTH:
        problems.append(Check(column, f"{v} IS NOT NULL AND {p} IS NULL", "not_month"))
    elif column.kind in (DECIMAL, INTEGER):
        code = "not_decimal" if column.kind == DECIMAL else "not_integer"
        unreadable = f"{v} IS NOT NULL AND ({p} IS NULL OR NOT isfinite({p}))"
        if column.kind == DECIMAL:
            problems.append(Check(column, f"{_thousands(p)} AND {p} IS NULL", "ambiguous_number"))
            unreadable += f" AND NOT {_thousands(p)}"
        problems.append(Check(column, unreadable, code))
        problems.append(Check(column, f"{p} < 0", "negative"))
        if column.maximum is not None:
            bound = f"{column.maximum:,.0f}".replace(",", ".")  # shown the Danish way, as the files write it
            problems.append(
                Check(column, f"isfinite({p}) AND {p} > {column.maximum}", "implausible_number", (("maximum", bound),))
            )
    return problems


def _table_problems(table: Table) -> list[Check]:
    """Checks across a row's columns that the contract sets for some tables."""
    names = {c.name for c in table.columns}
    problems = []
    if {"start_date", "end_date"} <= names:
        problems.append(Check(table.column("end_date"), "end_date < start_date", "end_before_start"))
    if {"end_date", "end_reason"} <= names:
        problems.append(
            Check(
                table.column("end_reason"),
                "(end_reason IS NULL) <> (cell_end_date IS NULL)",
                "end_reason_mismatch",
            )
        )
    if "birth_year" in names:
        problems.append(
            Check(
                table.column("birth_year"),
                f"birth_year NOT BETWEEN {MIN_BIRTH_YEAR} AND year(current_date)",
                "implausible_birth_year",
                (("low", str(MIN_BIRTH_YEAR)),),
            )
        )
    return problems


def _parsed_rows(table: Table, present: set[str], source: str) -> str:
    """CTEs `cells` (trimmed text, NULL for empty or absent columns) and `parsed` over the rows of `source`."""
    cells = [
        f"NULLIF({_citizen_cell(c.name) if c.kind == CITIZEN else f'trim({c.name})'}, '') AS {_cell(c.name)}"
        if c.name in present
        else f"NULL::VARCHAR AS {_cell(c.name)}"
        for c in table.columns
    ]
    citizens = [c.name for c in table.columns if c.kind == CITIZEN]
    decimals = [c.name for c in table.columns if c.kind == DECIMAL]
    # computed once per row, for the parsed value and the checks (and a citizen's birth year)
    facts = "".join(f", {_citizen_digits(_cell(name))} AS {_digits(name)}" for name in citizens)
    facts += "".join(f", {_thousands_shape(_cell(name))} AS {_thousands(name)}" for name in decimals)
    parsed = [f"{_parsed(c)} AS {c.name}" for c in table.columns]
    parsed += [f"{_digits(name)}, cpr_birth({_digits(name)}) AS {_cpr_birth(name)}" for name in citizens]
    parsed += [_thousands(name) for name in decimals]
    evidence = ""
    if any(c.kind == DECIMAL for c in table.columns):
        cells += ["decimal_comma", "decimal_point"]
        evidence = " LEFT JOIN decimal_evidence USING (file_no)"
    return f"""
        WITH cells AS (SELECT file_no, line, {", ".join(cells)} FROM {source}{evidence}),
        parsed AS (SELECT file_no, line, {", ".join(_cell(c.name) for c in table.columns)}, {", ".join(parsed)}
                   FROM (SELECT *{facts} FROM cells))
    """


# SQL over `parsed` for each column a table derives (contract.Table.derived). NULL without a CPR number or end date.
DERIVED = {"age_at_end": f"whole_years({_cpr_birth('citizen_id')}, end_date)"}


def checks(table: Table) -> list[Check]:
    return [check for c in table.columns for check in _column_problems(c)] + _table_problems(table)


def typed_select(table: Table, present: set[str], source: str) -> str:
    """SELECT over `source` per row: file_no, line, parsed columns, `cpr_birth_year`, the derived columns, `valid`
    (no check failed) and, for a table with decimal columns, the row's evidence of how the file writes numbers.

    Only a flag is computed for every row; the problems themselves are listed by `problems_select` for the few
    rows that have any, which keeps validation close to the speed of the scan.
    """
    citizen = next((c for c in table.columns if c.kind == CITIZEN), None)
    birth = f"year({_cpr_birth(citizen.name)})" if citizen else "NULL"
    every = checks(table)
    failed = [check.failed() for check in every if check.code != "holds_cpr"]
    # One scan for a CPR-shaped run in all the row's cells that may hold one: no run crosses the space between two
    # cells, so the row holds one exactly when one of its cells does (problems_select names the cell).
    scanned = [_cell(check.column.name) for check in every if check.code == "holds_cpr"]
    if scanned:
        failed.append(f"holds_cpr(concat_ws(' ', {', '.join(scanned)}))")
    failed = " OR ".join(failed)
    return f"""
        {_parsed_rows(table, present, source)}
        SELECT file_no, line, {", ".join(c.name for c in table.columns)}, {birth} AS cpr_birth_year,
               {"".join(f"{DERIVED[d]} AS {d}, " for d, _ in table.derived)}NOT ({failed}) AS valid
               {"".join(f", {evidence}" for evidence in _decimal_evidence(table))}
        FROM parsed
    """


def problems_select(table: Table, present: set[str], source: str) -> str:
    """SELECT file_no, line, column_name, value, reason: one row per failed check of the invalid rows of `typed`."""
    problems = ", ".join(check.problem() for check in checks(table))
    invalid = f"""(SELECT * FROM {source}
                   SEMI JOIN (SELECT file_no, line FROM typed WHERE NOT valid) USING (file_no, line))"""
    return f"""
        {_parsed_rows(table, present, invalid)}
        SELECT file_no, line, p.column_name, p.value, p.reason_code, p.reason, p.reason_da
        FROM (SELECT file_no, line, unnest(list_filter([{problems}], lambda x: x IS NOT NULL)) AS p FROM parsed)
    """


def duplicate_problems_sql(table: Table) -> str:
    """Problems for rows of `typed` (already free of row problems) whose key occurs more than once in the file.

    Identical repeats are harmless: the first is kept and the rest quarantined as exact duplicates. Rows sharing
    a key with different values cannot be told apart, so all of them are quarantined.
    """
    key = ", ".join(("file_no",) + table.key)
    every = ", ".join(["file_no"] + [c.name for c in table.columns])
    shown = [k for k in table.key if table.column(k).kind != CITIZEN]
    value = " || '|' || ".join(f"coalesce(CAST({k} AS VARCHAR), '')" for k in shown) if shown else "NULL"
    safe_value = _safe_value(f"({value})") if shown else "NULL"
    return f"""
        WITH repeated AS (SELECT {key} FROM typed WHERE valid GROUP BY {key} HAVING count(*) > 1),
        keyed AS (
            SELECT file_no, line, {safe_value} AS key_value,
                   count(*) OVER (PARTITION BY {key}) AS n_key,
                   count(*) OVER (PARTITION BY {every}) AS n_same,
                   min(line) OVER (PARTITION BY {key}) AS first_line,
                   string_agg(line::VARCHAR, ', ' ORDER BY line) OVER (PARTITION BY {key}) AS lines
            FROM typed SEMI JOIN repeated USING ({key}) WHERE valid
        )
        SELECT file_no, line, '{", ".join(table.key)}' AS column_name, key_value AS value,
               CASE WHEN n_same = n_key THEN 'exact_duplicate' ELSE 'conflicting_key' END AS reason_code,
               CASE WHEN n_same = n_key THEN {sql_reason("exact_duplicate", "en", first_line="first_line")}
                    ELSE {sql_reason("conflicting_key", "en", lines="lines")} END AS reason,
               CASE WHEN n_same = n_key THEN {sql_reason("exact_duplicate", "da", first_line="first_line")}
                    ELSE {sql_reason("conflicting_key", "da", lines="lines")} END AS reason_da
        FROM keyed
        WHERE n_key > 1 AND NOT (n_same = n_key AND line = first_line)
    """
