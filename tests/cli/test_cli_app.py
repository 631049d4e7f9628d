"""The command line's application context: built once per invocation by the root
group, it opens the database only when a command asks for it, and every command
reads the time from its one clock."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner
from store_checks import files

from publisher.cli import main
from publisher.cli.app import App


def test_help_opens_no_database_though_the_command_would(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'schedule.db'}"
    env = {"PUBLISHER_DATABASE_URL": unreachable, "PUBLISHER_TARGET": f"file://{tmp_path}"}

    helped = CliRunner().invoke(main, ["publish", "--help"], env=env)
    ran = CliRunner().invoke(main, ["status"], env=env)

    assert (helped.exit_code, helped.stderr) == (0, "")
    assert ran.exit_code == 2 and ran.stderr.startswith("Error: "), ran.stderr


def test_a_command_publishes_the_window_of_the_apps_clock(cli, two_schools):
    far_off = dt.datetime(2031, 3, 2, 12, 0, tzinfo=dt.UTC)  # past noon in Riyadh
    env = {"PUBLISHER_DATABASE_URL": cli.database_url, "PUBLISHER_TARGET": f"file://{cli.target}"}

    result = CliRunner().invoke(
        main, ["publish", "--all", "--days", "2"], env=env, obj=App(clock=lambda: far_off)
    )

    assert result.exit_code == 0, result.output
    dates = {m[1] for f in files(cli.target) if (m := re.search(r"/days/(\d{4}-\d\d-\d\d)-", f))}
    assert dates == {"2031-03-02", "2031-03-03", "2031-03-04"}
