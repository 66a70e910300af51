"""`evalkit --help` and every subcommand's help: what a new user types first."""

from __future__ import annotations

import pytest

from evalkit.cli import DELEGATED, main


@pytest.mark.parametrize("command", ["ingest", "warehouse", *DELEGATED])
def test_every_command_prints_its_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: evalkit" in capsys.readouterr().out


def test_the_overview_names_every_command_with_what_it_does(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command, (_, summary) in DELEGATED.items():
        assert command in out and summary.split()[0] in out
