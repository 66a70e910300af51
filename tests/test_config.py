"""Configuration: schema validation, normalised dates, and several files merged as snakemake merges them."""

import datetime as dt

import pytest
import yaml

from evalkit.config import ConfigError, load_config

BASE = {
    "raw_dir": "data/raw",
    "processed_dir": "data/processed",
    "results_dir": "results",
    "pseudonym_key_file": "~/k",
    "unit_costs": "config/unit_costs.csv",
    "reports": [{"id": "r", "municipalities": ["851"], "period": {"start": dt.date(2021, 4, 1), "end": "2021-09-30"}}],
}


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


def test_dates_are_dates_and_follow_up_defaults_to_the_period_end(tmp_path):
    config = load_config(write(tmp_path, "c.yaml", BASE))
    report = config["reports"][0]
    assert report["period"] == {"start": dt.date(2021, 4, 1), "end": dt.date(2021, 9, 30)}
    assert report["follow_up_until"] == dt.date(2021, 9, 30)
    assert config["language"] == "da"


def test_later_files_win_and_nested_keys_merge(tmp_path):
    first = write(tmp_path, "a.yaml", BASE)
    second = write(tmp_path, "b.yaml", {"raw_dir": "/elsewhere", "language": "en"})
    config = load_config([first, second])
    assert (config["raw_dir"], config["language"], config["results_dir"]) == ("/elsewhere", "en", "results")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"municipalities": ["85"]}, "does not match"),
        ({"period": {"start": "2021-10-01", "end": "2021-09-30"}}, "ends (2021-09-30) before it starts"),
        ({"period": {"start": 5, "end": "2021-09-30"}}, "config reports/0/period/start"),
        ({"follow_up_until": "2021-01-01"}, "follow_up_until (2021-01-01) is before"),
    ],
)
def test_invalid_reports_are_refused_with_where_and_why(tmp_path, change, message):
    data = dict(BASE, reports=[dict(BASE["reports"][0], **change)])
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, "c.yaml", data))


def test_a_business_case_block_gets_the_contracts_defaults_and_keeps_its_scenarios(tmp_path):
    block = {"deadweight": 0.1, "scenarios": [{"name": "forsigtig", "deadweight": 0.3, "effect_years": 2}]}
    data = dict(BASE, reports=[dict(BASE["reports"][0], business_case=block)])
    config = load_config(write(tmp_path, "c.yaml", data))
    assert config["reports"][0]["business_case"] == {
        "horizon_years": 10,
        "effect_years": 10,
        "decay": 0.0,
        "deadweight": 0.1,
        "optimism_bias": 0.0,
        "discount": "finansministeriet_2021",
        "bootstrap": 2000,
        "seed": 1,
        "scenarios": [{"name": "forsigtig", "deadweight": 0.3, "effect_years": 2}],
        "sensitivity": {
            "deadweight": [0.0, 0.5],
            "effect_years": [1, 10],
            "decay": [0.0, 0.3],
            "optimism_bias": [0.0, 0.5],
            "discount": [0.01, 0.06],
        },
    }
    assert config["payers"] == "config/payers.csv"


def test_a_sensitivity_range_given_replaces_only_its_own_default(tmp_path):
    block = {"sensitivity": {"deadweight": [0.1, 0.9]}}
    data = dict(BASE, reports=[dict(BASE["reports"][0], business_case=block)])
    ranges = load_config(write(tmp_path, "c.yaml", data))["reports"][0]["business_case"]["sensitivity"]
    assert ranges["deadweight"] == [0.1, 0.9] and ranges["effect_years"] == [1, 10]


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"deadweight": 1.5}, "business_case/deadweight"),
        ({"discount": "low"}, "business_case/discount"),
        ({"horizon": 10}, "Unevaluated properties are not allowed"),
        ({"scenarios": [{"deadweight": 0.3}]}, "'name' is a required property"),
        ({"scenarios": [{"name": "base"}]}, "business_case/scenarios/0/name"),
        ({"scenarios": [{"name": "x", "horizon": 3}]}, "business_case/scenarios/0"),
        ({"scenarios": [{"name": "x"}, {"name": "x"}]}, "scenario names must be unique"),
        (
            {"sensitivity": {"decay": [0.5, 0.1]}},
            r"sensitivity.decay: the range \[0.5, 0.1\] must run from low to high",
        ),
        ({"sensitivity": {"deadweight": [0, 2]}}, "business_case/sensitivity/deadweight"),
        ({"sensitivity": {"effect_years": [1]}}, "business_case/sensitivity/effect_years"),
        ({"scenarios": [{"name": "x", "sensitivity": {}}]}, "business_case/scenarios/0"),
    ],
)
def test_a_bad_business_case_block_is_refused_with_where_and_why(tmp_path, block, message):
    data = dict(BASE, reports=[dict(BASE["reports"][0], business_case=block)])
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, "c.yaml", data))
