"""Load and validate config/config.yaml, outside Snakemake (the CLI, tests and notebooks use this)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


class ConfigError(Exception):
    """The configuration is invalid; the message says where and why."""


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ConfigError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)") from error


def _schema() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def business_case_defaults() -> dict[str, Any]:
    """The business case's assumptions as the schema's defaults give them (contract section 7)."""
    keys = _schema()["$defs"]["business_case_assumptions"]["properties"]
    return {name: spec["default"] for name, spec in keys.items()}


def _business_case(block: dict[str, Any], where: str) -> dict[str, Any]:
    """Every key filled in from the defaults; scenarios kept as their names and overrides, names unique."""
    block = dict(block)
    scenarios = [dict(s) for s in block.pop("scenarios", [])]
    names = [s["name"] for s in scenarios]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}.business_case.scenarios: scenario names must be unique: {names}")
    return {**business_case_defaults(), **block, "scenarios": scenarios}


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
            raise ConfigError(f"{where}: the period ends ({end}) before it starts ({start})")
        report["period"] = {"start": start, "end": end}
        report["follow_up_until"] = _as_date(report.get("follow_up_until", end), f"{where}.follow_up_until")
        if report["follow_up_until"] < end:
            raise ConfigError(f"{where}: follow_up_until ({report['follow_up_until']}) is before the period's end")
        if report["municipalities"] != "all":
            report["municipalities"] = [str(m) for m in report["municipalities"]]
        if "business_case" in report:
            report["business_case"] = _business_case(report["business_case"], where)
        reports.append(report)
    ids = [r["id"] for r in reports]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"report ids must be unique: {ids}")
    config["reports"] = reports
    return config


def validate(config: dict[str, Any]) -> dict[str, Any]:
    schema = _schema()
    try:
        jsonschema.validate(config, schema)
    except jsonschema.ValidationError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"config {where}: {error.message}") from error
    return normalise(config)


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
        with open(path, encoding="utf-8") as handle:
            merged = _merge(merged, yaml.safe_load(handle) or {})
    return validate(merged)
