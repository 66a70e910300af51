"""Shared fixtures. Every CPR-shaped value in the tests is synthetic (see tests/data/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

TEST_KEY = "evalkit-test-key-of-at-least-32-bytes"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    """A fixed key, so no test ever creates a key file in the home folder."""
    monkeypatch.setenv("EVALKIT_PSEUDONYM_KEY", TEST_KEY)
    return TEST_KEY.encode()


def write_drop(raw_dir: Path, quarter: str, name: str, text: str, encoding: str = "utf-8") -> Path:
    """Write one delivered file, e.g. write_drop(raw, "2021Q3", "851_courses.csv", "...")."""
    path = raw_dir / quarter / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
