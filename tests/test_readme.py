"""The README cannot drift from the code: its reference, commands and settings are checked."""

from __future__ import annotations

import re

import click

from publisher.cli import main
from publisher.cli.reference import BEGIN, END, command_reference
from testsupport import CHECKOUT

ROOT = CHECKOUT
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_command_reference_is_the_commands_own_help():
    block = README.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert block == command_reference().strip(), (
        "README is stale: run `python -m publisher.cli.reference README.md`"
    )


def test_ci_runs_exactly_the_readme_test_command():
    section = README.split("## Run the tests", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()
    assert "pytest" in command
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def _envvars(group: click.Group) -> set[str]:
    found = set()
    for command in group.commands.values():
        if isinstance(command, click.Group):
            found |= _envvars(command)
        for param in command.params:
            if isinstance(param, click.Option) and param.envvar:
                found.add(param.envvar)
    return found


def test_every_environment_variable_in_the_configuration_table_is_read_by_an_option():
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`(PUBLISHER_[A-Z_]+)`", table))
    assert documented, "no settings found in the configuration table"
    assert documented <= _envvars(main)
    assert _envvars(main) <= documented | {"PUBLISHER_TEST_POSTGRES_URL"}
