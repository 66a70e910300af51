"""The registration contract (shared/contract/registrations.md, sections 1-3) as data.

Everything that knows a table's columns, aliases, codes, keys and warehouse types reads it from here, so the
ingest, the validation and the warehouse cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalkit.console import Failure, text

# Kinds of column: how a raw text cell is parsed and checked (see evalkit.validation).
TEXT = "text"  # free text, trimmed
IDENT = "ident"  # an identifier: trimmed text that must not be a CPR number
CITIZEN = "citizen"  # a CPR number or an already pseudonymised key; stored only as its HMAC
CODE = "code"  # one of a fixed list of codes, case-insensitive
PARAGRAPH = "paragraph"  # a Serviceloven paragraph, normalised (`§ 85` -> `85`)
DATE = "date"
MONTH = "month"  # YYYY-MM, stored as the month's first day
DECIMAL = "decimal"  # decimal comma or point, not negative
INTEGER = "integer"  # whole number, not negative

WAREHOUSE_TYPES = {
    TEXT: "VARCHAR",
    IDENT: "VARCHAR",
    CITIZEN: "VARCHAR",
    CODE: "VARCHAR",
    PARAGRAPH: "VARCHAR",
    DATE: "DATE",
    MONTH: "DATE",
    DECIMAL: "DOUBLE",
    INTEGER: "INTEGER",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False  # the cell must not be empty (the column must then be in the header too)
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    maximum: float | None = None  # a number above it cannot be right: quarantined as implausible

    @property
    def warehouse_name(self) -> str:
        """A citizen id is stored as its key, never as the value."""
        return "citizen_key" if self.kind == CITIZEN else self.name


@dataclass(frozen=True)
class Table:
    name: str
    danish: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # (name, DuckDB type) of facts the ingest derives from a row and stores after its columns; never delivered.
    derived: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def header_required(self) -> tuple[str, ...]:
        """Columns a file must have in its header: the key and every required column."""
        return tuple(c.name for c in self.columns if c.required or c.name in self.key)

    @property
    def warehouse_key(self) -> tuple[str, ...]:
        return ("kommunekode",) + tuple(self.column(k).warehouse_name for k in self.key)


def _col(
    name: str,
    kind: str,
    *aliases: str,
    required: bool = False,
    codes: tuple[str, ...] = (),
    maximum: float | None = None,
) -> Column:
    return Column(name=name, kind=kind, required=required, aliases=aliases, codes=codes, maximum=maximum)


# Plausibility bounds (a number past one is quarantined): a week has 168 hours; no citizen's service costs more
# than DKK 50 million a year; a municipality's month of housing support or an offer's month of staff hours stays
# below a million hours, its citizens below a million (Copenhagen has 650,000 inhabitants) and its amount below
# DKK 10 billion; an hour of staff time costs less than DKK 10,000.
WEEK_HOURS = 168
ANNUAL_COST_DKK = 50_000_000
MONTH_HOURS = 1_000_000
CITIZENS = 1_000_000
MONTH_AMOUNT_DKK = 10_000_000_000
HOURLY_COST_DKK = 10_000


COURSE_PARAGRAPHS = ("82a", "82b")
ACCESS_CODES = ("open", "decision")
FORMAT_CODES = ("individual", "group", "adhoc")
END_REASONS = ("completed", "dropped_out", "moved", "referred", "other")
CONTACT_SOURCES = ("citizen", "relative", "partner")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "courses",
            "forløb",
            key=("course_id",),
            columns=(
                _col("course_id", IDENT, "forloeb_id", required=True),
                _col("citizen_id", CITIZEN, "cpr", "cpr_nr", "borger_id", required=True),
                _col("offer", TEXT, "tilbud"),
                _col("paragraph", CODE, "paragraf", required=True, codes=COURSE_PARAGRAPHS),
                _col("access", CODE, "adgang", codes=ACCESS_CODES),
                _col("format", CODE, "form", codes=FORMAT_CODES),
                _col("birth_year", INTEGER, "foedselsaar"),
                _col("start_date", DATE, "startdato", required=True),
                _col("end_date", DATE, "slutdato"),
                _col("end_reason", CODE, "afslutningsaarsag", codes=END_REASONS),
            ),
            # whole years on end_date, from a CPR number's birth date (docs/warehouse.md: why not the date)
            derived=(("age_at_end", "INTEGER"),),
        ),
        Table(
            "services",
            "visiterede indsatser",
            key=("service_id",),
            columns=(
                _col("service_id", IDENT, "indsats_id", required=True),
                _col("citizen_id", CITIZEN, "cpr", "cpr_nr", "borger_id", required=True),
                _col("paragraph", PARAGRAPH, "paragraf", required=True),
                _col("start_date", DATE, "startdato", required=True),
                _col("end_date", DATE, "slutdato"),
                _col("hours_per_week", DECIMAL, "timer_pr_uge", maximum=WEEK_HOURS),
                _col("annual_cost_dkk", DECIMAL, "aarlig_udgift", maximum=ANNUAL_COST_DKK),
            ),
        ),
        Table(
            "shadow",
            "skyggevisitation",
            key=("course_id",),
            columns=(
                _col("course_id", IDENT, "forloeb_id", required=True),
                _col("shadow_paragraph", PARAGRAPH, "skyggeparagraf", "skygge_paragraf", required=True),
                _col("shadow_hours_per_week", DECIMAL, "skygge_timer_pr_uge", maximum=WEEK_HOURS),
                _col("shadow_annual_cost_dkk", DECIMAL, "skygge_aarlig_udgift", maximum=ANNUAL_COST_DKK),
            ),
        ),
        Table(
            "milestones",
            "forløbstrin",
            key=("programme", "citizen_id", "step"),
            columns=(
                _col("programme", IDENT, "program", required=True),
                _col("citizen_id", CITIZEN, "cpr", "cpr_nr", "borger_id", required=True),
                _col("step", IDENT, "trin", required=True),
                _col("date", DATE, "dato", required=True),
            ),
        ),
        Table(
            "housing_support",
            "bostøtte (§ 85)",
            key=("month",),
            columns=(
                _col("month", MONTH, "maaned", required=True),
                _col("hours", DECIMAL, "timer", maximum=MONTH_HOURS),
                _col("citizens", INTEGER, "borgere", "antal_cpr", maximum=CITIZENS),
                _col("amount_dkk", DECIMAL, "beloeb", "afregnet_beloeb", maximum=MONTH_AMOUNT_DKK),
            ),
        ),
        Table(
            "contacts",
            "henvendelser",
            key=("contact_id",),
            columns=(
                _col("contact_id", IDENT, "henvendelse_id", required=True),
                _col("date", DATE, "dato", required=True),
                _col("source", CODE, "kilde", required=True, codes=CONTACT_SOURCES),
                _col("citizen_id", CITIZEN, "cpr", "cpr_nr", "borger_id"),
            ),
        ),
        Table(
            "staff_hours",
            "medarbejdertimer",
            key=("offer", "month"),
            columns=(
                _col("offer", IDENT, "tilbud", required=True),
                _col("month", MONTH, "maaned", required=True),
                _col("hours", DECIMAL, "timer", required=True, maximum=MONTH_HOURS),
                _col("hourly_cost_dkk", DECIMAL, "timepris", required=True, maximum=HOURLY_COST_DKK),
            ),
        ),
    )
}

PROVENANCE_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_line", "BIGINT"),
)

QUARTER_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")
# A CPR number as delivered: ten digits, an optional dash after six (the checks and the message scrubber use it).
CPR_PATTERN = r"[0-9]{6}-?[0-9]{4}"
FILE_PATTERN = re.compile(r"^(\d{3})_([a-z_]+)$")

_TRANSLITERATION = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})


def normalise_header(name: str) -> str:
    """`Fødselsår` -> `foedselsaar`, `Start Date` -> `start_date`: how header cells are matched."""
    name = name.strip().strip('"').strip().lower().translate(_TRANSLITERATION)
    return re.sub(r"[\s\-.]+", "_", name)


def header_lookup(table: Table) -> dict[str, str]:
    """Normalised header name or alias -> canonical column name."""
    lookup: dict[str, str] = {}
    for column in table.columns:
        for name in (column.name, *column.aliases):
            lookup[normalise_header(name)] = column.name
    return lookup


def warehouse_columns(table: Table) -> list[tuple[str, str]]:
    """(name, DuckDB type) of the table as stored in Parquet and the warehouse, provenance included."""
    columns = [("kommunekode", "VARCHAR")]
    columns += [(c.warehouse_name, WAREHOUSE_TYPES[c.kind]) for c in table.columns]
    return columns + list(table.derived) + list(PROVENANCE_COLUMNS)


INGEST_LOG_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("delimiter", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_quarantined", "BIGINT"),
    ("ignored_columns", "VARCHAR"),
    ("lines", "BIGINT"),
    ("lines_blank", "BIGINT"),
    ("lines_in_cells", "BIGINT"),
    ("sheet", "VARCHAR"),  # the sheet of a workbook that was read; NULL for a CSV file
    ("header_line", "BIGINT"),  # the line (sheet row) of the header: the lines above it are a workbook's titles
    ("sheets_not_read", "VARCHAR"),  # the workbook's other sheets
)

QUARANTINE_COLUMNS = (
    ("quarter", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("kommunekode", "VARCHAR"),
    ("table_name", "VARCHAR"),
    ("source_line", "BIGINT"),
    ("column_name", "VARCHAR"),
    ("value", "VARCHAR"),
    ("reason_code", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("reason_da", "VARCHAR"),
)


# The bookkeeping tables the ingest writes beside the contract tables, and so every file of an ingested quarter.
QUARANTINE = "quarantine"
INGEST_LOG = "ingest_log"
QUARTER_FILES = (*TABLES, QUARANTINE, INGEST_LOG)

# A report's total over its municipalities: the `kommunekode` of its row in every figure table (section 6).
ALL = "all"

# The business case (section 7) splits costs between these payers; `all` is their sum.
PAYERS = ("kommune", "region", "stat")

# Publication (section 5): a count of 1-4 is shown as MASK.
MASK = "<5"
# ... and (section 8) a count masked so that no `<5` can be worked out from the other published cells.
SECONDARY_MASK = "x"
SMALLEST_SHOWN = 5


ACCOUNTING_TEXT = {
    "en": {
        "rows": "{file}: {read} rows read but {loaded} loaded + {quarantined} quarantined; no row may be lost or "
        "counted twice",
        "lines": "{file}: {lines} lines but 1 header + {loaded} loaded + {quarantined} quarantined + {blank} blank + "
        "{in_cells} inside multi-line cells + {above} above the header; no line may be lost or counted twice",
        "warehouse_counts": "row accounting does not add up:",
        "warehouse_counts_file": "{file}: read {read}, loaded {loaded}, quarantined {quarantined} (quarantine table "
        "holds {held} lines); {lines} lines = 1 header + loaded + quarantined + {blank} blank + {in_cells} inside "
        "multi-line cells + {above} above the header?",
        "warehouse_tables": "rows in the tables differ from the ingest log:",
        "warehouse_tables_file": "{file}: log says {logged} loaded, tables hold {held}",
    },
    "da": {
        "rows": "{file}: {read} rækker læst, men {loaded} indlæst + {quarantined} i karantæne; ingen række må gå tabt "
        "eller tælle to gange",
        "lines": "{file}: {lines} linjer, men 1 overskrift + {loaded} indlæst + {quarantined} i karantæne + {blank} "
        "blanke + {in_cells} inde i celler over flere linjer + {above} over overskriften; ingen linje må gå tabt "
        "eller tælle to gange",
        "warehouse_counts": "rækkeregnskabet går ikke op:",
        "warehouse_counts_file": "{file}: læst {read}, indlæst {loaded}, i karantæne {quarantined} "
        "(karantænetabellen har {held} linjer); {lines} linjer = 1 overskrift + indlæst + i karantæne + {blank} "
        "blanke + {in_cells} inde i celler over flere linjer + {above} over overskriften?",
        "warehouse_tables": "rækkerne i tabellerne afviger fra indlæsningsloggen:",
        "warehouse_tables_file": "{file}: loggen siger {logged} indlæst, tabellerne har {held}",
    },
}


class AccountingError(Failure):
    """A file's rows read differ from its rows loaded plus rows quarantined, or its lines from its rows: a row was
    lost or counted twice. A warehouse's error lists the files (param `files`), a line each."""

    TEXT = ACCOUNTING_TEXT

    def message(self, language: str = "en") -> str:
        files = self.params.get("files", ())
        each = [text(self.TEXT, f"{self.code}_file", language, **values) for values in files]
        return "\n".join([text(self.TEXT, self.code, language, **self.params), *each])


def ddl(name: str, columns) -> str:
    return f"CREATE TABLE {name} ({', '.join(f'{c} {t}' for c, t in columns)})"
