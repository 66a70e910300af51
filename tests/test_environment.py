"""The conda environment (environment.yml, for `snakemake --sdm conda`) declares what pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Conda channels name a few packages differently from PyPI; none of ours so far.
CONDA_NAMES: dict[str, str] = {}


def requirement(text: str) -> tuple[str, str]:
    """(normalised name, version bounds without spaces) of `name>=1.0,<2` as pip and conda both write it."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*?)\s*", text)
    assert match, f"cannot read the requirement {text!r}"
    name = re.sub(r"[-_.]+", "-", match[1]).lower()
    bounds = ",".join(sorted(re.sub(r"\s", "", match[2]).split(","))) if match[2] else ""
    return CONDA_NAMES.get(name, name), bounds


def pyproject_requirements(pyproject: dict) -> set[tuple[str, str]]:
    project = pyproject["project"]
    return {requirement(f"python{project['requires-python']}")} | {requirement(r) for r in project["dependencies"]}


def conda_requirements(environment: dict) -> set[tuple[str, str]]:
    # `pip` and the `pip:` list (which installs evalkit itself from the checkout) are conda's business, not ours.
    return {requirement(d) for d in environment["dependencies"] if isinstance(d, str) and d != "pip"}


def test_the_conda_environment_declares_the_same_dependencies_and_bounds():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    declared, conda = pyproject_requirements(pyproject), conda_requirements(environment)
    assert sorted(conda - declared) == [], "in environment.yml only (or with other bounds)"
    assert sorted(declared - conda) == [], "in pyproject.toml only (or with other bounds)"


CHANGES = {
    "pyproject gains": lambda pyproject, environment: pyproject["dependencies"].append("numpy>=1.26"),
    "environment gains": lambda pyproject, environment: environment["dependencies"].append("numpy>=1.26"),
    "pyproject loses": lambda pyproject, environment: pyproject["dependencies"].remove("pyyaml >=6"),
    "environment loses": lambda pyproject, environment: environment["dependencies"].remove("PyYAML>=6"),
    "other bound": lambda pyproject, environment: environment["dependencies"].__setitem__(1, "duckdb>=1.2"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_package_gained_lost_or_bound_changed_on_either_side_is_a_difference(change):
    project = {"requires-python": ">=3.11", "dependencies": ["duckdb>=1.3,<2", "pyyaml >=6"]}
    environment = {"dependencies": ["python>=3.11", "duckdb <2, >=1.3", "PyYAML>=6", "pip", {"pip": ["-e ."]}]}
    assert pyproject_requirements({"project": project}) == conda_requirements(environment)
    CHANGES[change](project, environment)
    assert pyproject_requirements({"project": project}) != conda_requirements(environment)
