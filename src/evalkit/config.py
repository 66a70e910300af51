"""The configuration and the sheets beside it: config/config.yaml (validated against its schema), the reports it
names, the unit-cost catalogue and the municipality names.

Every `evalkit` command a rule runs reads the configuration Snakemake merged (the config files and any
`--config key=value`), handed over as JSON (`--config-json`); by hand, the same commands take the YAML files
(`--config`), merged as Snakemake merges them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from evalkit.console import Failure
from evalkit.contract import ALL, PAYERS

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


TEXT = {
    "en": {
        "no_config": "{path}: no such file: expected a config file (YAML), e.g. config/config.yaml",
        "schema": "config {where}: {problem}",
        "schema_top": "config (top level): {problem}",
        "not_date": "{where}: {value!r} is not a date (expected YYYY-MM-DD)",
        "scenario_names": "{where}.business_case.scenarios: scenario names must be unique: {names}",
        "range": "{where}.business_case.sensitivity.{name}: the range [{low}, {high}] must run from low to high",
        "period": "{where}: the period ends ({end}) before it starts ({start})",
        "follow_up": "{where}: follow_up_until ({follow_up}) is before the period's end",
        "report_ids": "report ids must be unique: {ids}",
        "no_unit_costs": "{path}: no such file: the config key `unit_costs` (or --unit-costs) names the unit-cost "
        "catalogue",
        "unit": "{path}:{line}: unit must be one of {units}, not {unit!r}",
        "two_prices": "{path}: two {unit} prices for paragraph {paragraph} in {year}",
        "no_payers": "{path}: no such file: the config key `payers` names the payer shares of the business case",
        "payer_columns": "{path}: missing column(s) {missing}: expected {columns}",
        "no_paragraph": "{path}:{line}: column paragraph is empty: expected a paragraph, e.g. 85",
        "paragraph_twice": "{path}:{line}: column paragraph: {paragraph!r} is listed twice",
        "shares_sum": "{path}:{line}: columns {payers}: {shares} add up to {total:g}: expected the shares of "
        "paragraph {paragraph} to add up to 1",
        "not_share": "{path}:{line}: column {payer}: {text!r} is not a share: expected a number from 0 to 1",
    },
    "da": {
        "no_config": "{path}: filen findes ikke: forventede en konfigurationsfil (YAML), fx config/config.yaml",
        "schema": "konfigurationen {where}: {problem}",
        "schema_top": "konfigurationen (øverste niveau): {problem}",
        "not_date": "{where}: {value!r} er ikke en dato (forventede ÅÅÅÅ-MM-DD)",
        "scenario_names": "{where}.business_case.scenarios: scenariernes navne skal være forskellige: {names}",
        "range": "{where}.business_case.sensitivity.{name}: intervallet [{low}, {high}] skal gå fra lav til høj",
        "period": "{where}: perioden slutter ({end}), før den starter ({start})",
        "follow_up": "{where}: follow_up_until ({follow_up}) ligger før periodens slutning",
        "report_ids": "rapporternes id skal være forskellige: {ids}",
        "no_unit_costs": "{path}: filen findes ikke: konfigurationens nøgle `unit_costs` (eller --unit-costs) "
        "angiver kataloget over enhedspriser",
        "unit": "{path}:{line}: enheden skal være en af {units}, ikke {unit!r}",
        "two_prices": "{path}: to {unit}-priser for paragraf {paragraph} i {year}",
        "no_payers": "{path}: filen findes ikke: konfigurationens nøgle `payers` angiver business casens betalerandele",
        "payer_columns": "{path}: kolonne(r) mangler: {missing}: forventede {columns}",
        "no_paragraph": "{path}:{line}: kolonnen paragraph er tom: forventede en paragraf, fx 85",
        "paragraph_twice": "{path}:{line}: kolonnen paragraph: {paragraph!r} står to gange",
        "shares_sum": "{path}:{line}: kolonnerne {payers}: {shares} giver tilsammen {total:g}: forventede, at "
        "andelene for paragraf {paragraph} giver 1 tilsammen",
        "not_share": "{path}:{line}: kolonnen {payer}: {text!r} er ikke en andel: forventede et tal fra 0 til 1",
    },
}


class ConfigError(Failure):
    """The configuration or a sheet beside it is invalid; the message says where and why."""

    TEXT = TEXT
    language: str | None = None  # the configured language, where the config got as far as saying it


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError("not_date", where=where, value=value) from error


def _schema() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def business_case_defaults() -> dict[str, Any]:
    """The business case's assumptions and sensitivity ranges as the schema's defaults give them."""
    keys = _schema()["$defs"]["business_case_assumptions"]["properties"]
    return {**{name: spec["default"] for name, spec in keys.items()}, "sensitivity": sensitivity_defaults()}


def sensitivity_defaults() -> dict[str, list]:
    """The one-way ranges of the business case's sensitivities as the schema's defaults give them."""
    keys = _schema()["$defs"]["business_case"]["properties"]["sensitivity"]["properties"]
    return {name: list(spec["default"]) for name, spec in keys.items()}


def _business_case(block: dict[str, Any], where: str) -> dict[str, Any]:
    """Every key filled in from the defaults; scenarios kept as their names and overrides, names unique; every
    sensitivity range from low to high."""
    block = dict(block)
    scenarios = [dict(s) for s in block.pop("scenarios", [])]
    names = [s["name"] for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigError("scenario_names", where=where, names=names)
    sensitivity = {**sensitivity_defaults(), **block.pop("sensitivity", {})}
    for name, (low, high) in sensitivity.items():
        if low > high:
            raise ConfigError("range", where=where, name=name, low=low, high=high)
    return {**business_case_defaults(), **block, "scenarios": scenarios, "sensitivity": sensitivity}


def normalise(config: dict[str, Any]) -> dict[str, Any]:
    """Dates as datetime.date, follow_up_until defaulting to the period's end, language defaulting to Danish, the
    payer shares to config/payers.csv, and a business case's keys to their defaults."""
    config = dict(config)
    config.setdefault("language", "da")
    config.setdefault("payers", _schema()["properties"]["payers"]["default"])
    reports = []
    for index, report in enumerate(config["reports"]):
        report = dict(report)
        where = f"reports[{index}] ({report.get('id')})"
        start = _as_date(report["period"]["start"], f"{where}.period.start")
        end = _as_date(report["period"]["end"], f"{where}.period.end")
        if end < start:
            raise ConfigError("period", where=where, end=end, start=start)
        report["period"] = {"start": start, "end": end}
        report["follow_up_until"] = _as_date(report.get("follow_up_until", end), f"{where}.follow_up_until")
        if report["follow_up_until"] < end:
            raise ConfigError("follow_up", where=where, follow_up=report["follow_up_until"])
        if report["municipalities"] != "all":
            report["municipalities"] = [str(m) for m in report["municipalities"]]
        if "business_case" in report:
            report["business_case"] = _business_case(report["business_case"], where)
        reports.append(report)
    ids = [r["id"] for r in reports]
    if len(set(ids)) != len(ids):
        raise ConfigError("report_ids", ids=ids)
    config["reports"] = reports
    return config


def validate(config: dict[str, Any]) -> dict[str, Any]:
    schema = _schema()
    try:
        jsonschema.validate(config, schema)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path)
        raise ConfigError("schema" if where else "schema_top", where=where, problem=error.message) from error
    try:
        return normalise(config)
    except ConfigError as error:
        error.language = config.get("language")
        raise


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Nested dicts merged, other values replaced: what snakemake does with several --configfile."""
    merged = dict(base)
    for key, value in update.items():
        both_dicts = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merge(merged[key], value) if both_dicts else value
    return merged


def load_config(paths: str | Path | Sequence[str | Path]) -> dict[str, Any]:
    """The validated configuration from a YAML file, or from several merged as snakemake merges them."""
    merged: dict[str, Any] = {}
    for path in [paths] if isinstance(paths, str | Path) else paths:
        if not Path(path).is_file():
            raise ConfigError("no_config", path=path)
        with open(path, encoding="utf-8") as handle:
            merged = _merge(merged, yaml.safe_load(handle) or {})
    return validate(merged)


def add_config_arguments(parser: argparse.ArgumentParser, required: bool = True) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        "--config",
        nargs="+",
        action="extend",
        help="config file(s); several are merged as snakemake merges them (later keys win)",
    )
    group.add_argument("--config-json", help="the configuration as JSON: what the Snakemake rules hand over")


def config_from_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The validated configuration named by --config or given by --config-json."""
    if args.config_json is not None:
        return validate(json.loads(args.config_json))
    return load_config(args.config)


def as_json(config: Mapping[str, Any]) -> str:
    """The configuration as --config-json takes it (dates as YYYY-MM-DD)."""
    return json.dumps(config, default=str, ensure_ascii=False, sort_keys=True)


# --- reports -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    id: str
    municipalities: tuple[str, ...] | None  # None: every municipality that delivered data
    period_start: dt.date
    period_end: dt.date
    follow_up_until: dt.date
    funnel_programme: str | None = None
    funnel_steps: tuple[str, ...] = ()
    business_case: Mapping | None = None  # the normalised `business_case` block, when the report has one

    @classmethod
    def from_config(cls, entry: Mapping) -> Report:
        """A report of a validated configuration (load_config)."""
        municipalities = entry["municipalities"]
        funnel = entry.get("funnel") or {}
        return cls(
            id=entry["id"],
            municipalities=None if municipalities == ALL else tuple(municipalities),
            period_start=entry["period"]["start"],
            period_end=entry["period"]["end"],
            follow_up_until=entry["follow_up_until"],
            funnel_programme=funnel.get("programme"),
            funnel_steps=tuple(funnel.get("steps", ())),
            business_case=entry.get("business_case"),
        )


# --- unit costs ----------------------------------------------------------------------------------------------

PRICE_UNITS = ("hour", "year")


def normalise_paragraph(value: str) -> str:
    """`§ 85` -> `85`, as the warehouse normalises service paragraphs."""
    return value.strip().lower().replace("§", "").replace(" ", "")


def read_unit_costs(path: str | Path) -> list[tuple[str, str, float, int]]:
    """config/unit_costs.csv as (paragraph, unit, price_dkk, price_year) rows, paragraphs normalised as the
    warehouse normalises them (`§ 85` -> `85`). Refuses an unknown unit and two prices for one year."""
    if not Path(path).is_file():
        raise ConfigError("no_unit_costs", path=path)
    rows = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            paragraph = normalise_paragraph(record["paragraph"])
            unit = record["unit"].strip().lower()
            if unit not in PRICE_UNITS:
                raise ConfigError("unit", path=path, line=line, units=PRICE_UNITS, unit=unit)
            rows.append((paragraph, unit, float(record["price_dkk"]), int(record["price_year"])))
    seen = set()
    for paragraph, unit, _, year in rows:
        if (paragraph, unit, year) in seen:  # two prices for one year: which one holds would be arbitrary
            raise ConfigError("two_prices", path=path, unit=unit, paragraph=paragraph, year=year)
        seen.add((paragraph, unit, year))
    return rows


# --- payer shares --------------------------------------------------------------------------------------------

SHARE_TOLERANCE = 1e-9  # shares are typed in as decimals: 0.1 + 0.2 + 0.7 is not exactly 1 in binary


def read_payers(path: str | Path) -> dict[str, tuple[float, float, float]]:
    """config/payers.csv (the config key `payers`) -> paragraph: (kommune, region, stat) shares, each row's shares
    from 0 to 1 adding up to 1. A paragraph not in the file is the kommune's alone (contract section 7)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("no_payers", path=path)
    columns = ("paragraph", *PAYERS)
    payers: dict[str, tuple[float, float, float]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ConfigError("payer_columns", path=path, missing=", ".join(missing), columns=", ".join(columns))
        for record in reader:
            line = reader.line_num
            paragraph = normalise_paragraph(record["paragraph"] or "")
            if not paragraph:
                raise ConfigError("no_paragraph", path=path, line=line)
            if paragraph in payers:
                raise ConfigError("paragraph_twice", path=path, line=line, paragraph=record["paragraph"])
            shares = [_share(path, line, payer, record[payer]) for payer in PAYERS]
            if abs(sum(shares) - 1) > SHARE_TOLERANCE:
                raise ConfigError(
                    "shares_sum",
                    path=path,
                    line=line,
                    payers=", ".join(PAYERS),
                    shares=", ".join(map(str, shares)),
                    total=sum(shares),
                    paragraph=paragraph,
                )
            payers[paragraph] = (shares[0], shares[1], shares[2])
    return payers


def _share(path: Path, line: int, payer: str, cell: str | None) -> float:
    text = (cell or "").strip()
    try:
        share = float(text.replace(",", "."))
    except ValueError:
        share = float("nan")
    if not 0 <= share <= 1:
        raise ConfigError("not_share", path=path, line=line, payer=payer, text=text)
    return share


# --- municipalities ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Municipalities:
    """config/municipalities.csv: names for labels and each municipality's § 82 start date, where known."""

    names: dict[str, str] = field(default_factory=dict)
    section82_start: dict[str, dt.date] = field(default_factory=dict)

    def label(self, kommunekode: str, text) -> str:
        """The name to show; `text` is the figures' label catalogue (evalkit.figures.text.Text)."""
        if kommunekode == ALL:
            return text("all")
        return self.names.get(kommunekode, f"{text('municipality')} {kommunekode}")


def load_municipalities(path: str | Path | None) -> Municipalities:
    if path is None or not Path(path).exists():
        return Municipalities()
    names, starts = {}, {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            code = record["kommunekode"].strip().zfill(3)
            names[code] = record["name"].strip()
            if record.get("section82_start", "").strip():
                starts[code] = dt.date.fromisoformat(record["section82_start"].strip())
    return Municipalities(names, starts)
