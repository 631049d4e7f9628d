"""The deployment examples in infra/ cannot drift from the command line.

Every `publisher ...` invocation in the crontab and the systemd units parses
with the real command line; the env file lists exactly the variables the
command line reads, with values its options accept; the crontab's schedules are
valid; the units pass `systemd-analyze verify` where it is installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from publisher.cli import main
from testsupport import CHECKOUT

ROOT = CHECKOUT
INFRA = ROOT / "infra"
CRONTAB = INFRA / "cron" / "publisher.crontab"
ENV_EXAMPLE = INFRA / "publisher.env.example"
SYSTEMD = INFRA / "systemd"
UNITS = sorted(SYSTEMD.glob("*.service")) + sorted(SYSTEMD.glob("*.timer"))
SERVICES = sorted(SYSTEMD.glob("*.service"))
TIMERS = sorted(SYSTEMD.glob("*.timer"))
ENV_FILE = "/etc/publisher/publisher.env"
USER = "publisher"


# -- the command line ---------------------------------------------------------------------


def all_commands(group: click.Group = main) -> Iterator[click.Command]:
    """Every command and group under `group`, `group` included."""
    yield group
    for command in group.commands.values():
        if isinstance(command, click.Group):
            yield from all_commands(command)
        else:
            yield command


def params_reading() -> dict[str, list[tuple[click.Command, click.Parameter]]]:
    """Each environment variable an option reads, with the options that read it."""
    found: dict[str, list[tuple[click.Command, click.Parameter]]] = {}
    for command in all_commands():
        for param in command.params:
            envvars = getattr(param, "envvar", None) or []
            for name in [envvars] if isinstance(envvars, str) else envvars:
                found.setdefault(name, []).append((command, param))
    return found


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PUBLISHER_* variable of the test's environment may change how options parse."""
    for name in list(os.environ):
        if name.startswith("PUBLISHER_"):
            monkeypatch.delenv(name)


def parse(args: list[str]) -> click.Context:
    """Parse `publisher ARGS` as the real command line would, without running it.

    Unknown commands or options, missing values and values an option rejects
    raise click's usage errors.
    """
    context = click.Context(main, info_name="publisher")
    command: click.Command = main
    rest = list(args)
    name = "publisher"
    while isinstance(command, click.Group):
        if not rest:
            raise click.UsageError(f"`publisher {' '.join(args)}` names no command")
        name = rest.pop(0)
        found = command.get_command(context, name)
        if found is None:
            raise click.UsageError(f"no such command {name!r} in `publisher {' '.join(args)}`")
        command = found
        if isinstance(command, click.Group):
            context = click.Context(command, info_name=name, parent=context)
    return command.make_context(name, rest, parent=context)


def command_path(context: click.Context) -> str:
    return context.command_path.removeprefix("publisher ").strip()


def test_the_parser_used_here_rejects_what_the_command_line_rejects(clean_env):
    assert command_path(parse(["publish", "--all"])) == "publish"
    assert command_path(parse(["db", "init"])) == "db init"
    for bad in (
        ["publish", "--everything"],
        ["watch", "--log-format", "xml"],
        ["watch", "--interval", "0"],
        ["publsh", "--all"],
        ["db"],
    ):
        with pytest.raises(click.UsageError):
            parse(bad)


# -- the crontab --------------------------------------------------------------------------

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
CRON_FIELDS = [  # name, lowest, highest, names
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(MONTHS, 1)}),
    ("day of week", 0, 7, {name: number for number, name in enumerate(WEEKDAYS)}),
]
CRON_MACROS = {
    "@reboot",
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
}
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")


def cron_field_errors(field: str, low: int, high: int, names: dict[str, int]) -> list[str]:
    """Why one schedule field is invalid (vixie cron / cronie syntax); empty when valid."""

    def value(text: str) -> int | None:
        if text.isdigit():
            number = int(text)
            return number if low <= number <= high else None
        return names.get(text.lower())

    errors = []
    for item in field.split(","):
        span, slash, step = item.partition("/")
        if slash and (not step.isdigit() or int(step) == 0):
            errors.append(f"{item!r}: bad step")
        if span == "*":
            continue
        start, dash, end = span.partition("-")
        first, last = value(start), value(end) if dash else None
        if first is None or (dash and last is None):
            errors.append(f"{item!r}: not a value or range within {low}-{high}")
        elif dash and last is not None and last < first:
            errors.append(f"{item!r}: range runs backwards")
        elif slash and not dash:
            errors.append(f"{item!r}: a step needs * or a range")
    return errors


def schedule_errors(schedule: list[str]) -> list[str]:
    if len(schedule) == 1 and schedule[0] in CRON_MACROS:
        return []
    if len(schedule) != 5:
        return [f"{len(schedule)} schedule fields, not 5"]
    return [
        f"{name}: {error}"
        for (name, low, high, names), field in zip(CRON_FIELDS, schedule, strict=True)
        for error in cron_field_errors(field, low, high, names)
    ]


@dataclass
class CronJob:
    line: str
    schedule: list[str]
    command: str


def cron_jobs(text: str) -> list[CronJob]:
    jobs = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or ASSIGNMENT.match(line):
            continue
        if line.startswith("@"):
            macro, _, command = line.partition(" ")
            jobs.append(CronJob(line, [macro], command.strip()))
        else:
            parts = line.split(None, 5)
            jobs.append(CronJob(line, parts[:5], parts[5] if len(parts) > 5 else ""))
    return jobs


SHELL_OPERATOR = re.compile(r"\s(?:\d*[<>]|\||;|&)")


def publisher_invocations(shell_command: str) -> list[tuple[str, list[str]]]:
    """(executable, arguments) of each `.../publisher ...` in a shell command line."""
    found = []
    for match in re.finditer(r"(?:^|\s)(\S*/publisher)(?=\s|$)", shell_command):
        rest = shell_command[match.end() :]
        end = SHELL_OPERATOR.search(rest)
        found.append((match.group(1), shlex.split(rest[: end.start()] if end else rest)))
    return found


def fields(schedule: str) -> list[str]:
    return schedule.split()


def test_the_cron_schedule_checker_rejects_invalid_schedules():
    assert schedule_errors(fields("*/15 * * * *")) == []
    assert schedule_errors(fields("30 4 * jan-mar,dec sun")) == []
    assert schedule_errors(["@daily"]) == []
    for bad in (
        "* * * *",
        "* * * * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "*/0 * * * *",
        "5/15 * * * *",
        "10-5 * * * *",
        "* * * foo *",
        "* * * * 8",
        "x * * * *",
    ):
        assert schedule_errors(fields(bad)), bad


def test_the_crontab_schedules_are_valid_and_its_commands_need_no_escaping():
    jobs = cron_jobs(CRONTAB.read_text(encoding="utf-8"))
    assert jobs, "no job found in the crontab"
    for job in jobs:
        assert schedule_errors(job.schedule) == [], job.line
        # cron turns an unescaped % into a newline and feeds the rest to stdin
        assert not re.search(r"(?<!\\)%", job.command), job.line


def test_every_publisher_invocation_in_the_crontab_parses(clean_env):
    ran = []
    for job in cron_jobs(CRONTAB.read_text(encoding="utf-8")):
        invocations = publisher_invocations(job.command)
        assert len(invocations) == 1, f"one publisher command per job: {job.line}"
        executable, args = invocations[0]
        assert executable.startswith("/"), f"cron's PATH is short: use an absolute path: {job.line}"
        parse(args)
        ran.append(" ".join(args))
    assert "publish --all" in ran
    assert any(r.startswith("gc") for r in ran) and any(r.startswith("verify") for r in ran)


def test_every_crontab_job_loads_the_env_file_and_runs_under_flock_n():
    for job in cron_jobs(CRONTAB.read_text(encoding="utf-8")):
        loaded = re.search(r"(?:^|;\s*)\.\s+([^\s;]+)", job.command)
        assert loaded and loaded.group(1) == ENV_FILE, job.line
        assert re.search(r"\bset -a\b.*\.\s+\S+.*\bset \+a\b", job.command), job.line
        words = shlex.split(job.command.split("|")[0].split(";")[-1])
        assert words[:2] == ["flock", "-n"] and words[3].endswith("/publisher"), job.line
    locks = [
        shlex.split(job.command.split(";")[-1])[2]
        for job in cron_jobs(CRONTAB.read_text(encoding="utf-8"))
    ]
    assert len(set(locks)) == len(locks), "each job needs a lock file of its own"


# -- the systemd units --------------------------------------------------------------------


def unit_entries(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Each section's (key, value) entries, in order (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} before any section"
        assert "=" in line and not line.endswith("\\"), f"{path.name}: {line!r}"
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def unit_value(path: Path, section: str, key: str) -> str | None:
    values = [v for k, v in unit_entries(path).get(section, []) if k == key]
    return values[-1] if values else None


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_unit_execstart_parses_with_the_command_line(path, clean_env):
    commands = [v for k, v in unit_entries(path)["Service"] if k == "ExecStart"]
    assert commands, f"{path.name} has no ExecStart"
    for command in commands:
        words = shlex.split(command.lstrip("@-:+!"))
        assert words[0].startswith("/") and words[0].endswith("/publisher"), command
        parse(words[1:])


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_as_the_publisher_user_with_the_env_file_and_hardening(path):
    service = dict(unit_entries(path)["Service"])
    assert service.get("User") == USER and service.get("EnvironmentFile") == ENV_FILE
    assert service.get("NoNewPrivileges") == "yes" and service.get("ProtectSystem") == "strict"
    assert service.get("KillSignal") == "SIGTERM" and service.get("TimeoutStopSec")
    assert service.get("StateDirectory") == USER  # the one writable folder


def test_the_watch_service_restarts_and_logs_json():
    path = SYSTEMD / "publisher-watch.service"
    service = dict(unit_entries(path)["Service"])
    assert service["Type"] == "simple"
    assert (service["Restart"], service["RestartSec"]) == ("always", "5")
    words = shlex.split(service["ExecStart"])
    context = parse(words[1:])
    assert command_path(context) == "watch" and context.params["log_format"] == "json"


def test_every_timer_starts_a_oneshot_service_and_every_oneshot_has_a_timer():
    started = set()
    for timer in TIMERS:
        unit = unit_value(timer, "Timer", "Unit") or timer.with_suffix(".service").name
        service = SYSTEMD / unit
        assert service.exists(), f"{timer.name} starts {unit}, which is not in infra/systemd"
        assert unit_value(service, "Service", "Type") == "oneshot", unit
        assert unit_value(service, "Install", "WantedBy") is None, f"{unit}: enable the timer"
        assert unit_value(timer, "Timer", "OnCalendar"), timer.name
        assert unit_value(timer, "Install", "WantedBy") == "timers.target", timer.name
        started.add(unit)
    oneshots = {p.name for p in SERVICES if unit_value(p, "Service", "Type") == "oneshot"}
    assert oneshots == started
    assert {"publisher-publish.service", "publisher-gc.service"} <= started
    publish = shlex.split(unit_value(SYSTEMD / "publisher-publish.service", "Service", "ExecStart"))
    assert publish[1:] == ["publish", "--all"]


def test_systemd_analyze_verifies_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    # verify checks that ExecStart's program exists: point it at a stand-in.
    program = tmp_path / "publisher"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    copies = []
    for unit in UNITS:
        text = re.sub(
            r"(?<=ExecStart=)\S*/publisher(?=\s)", str(program), unit.read_text(encoding="utf-8")
        )
        copy = tmp_path / unit.name
        copy.write_text(text, encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *copies],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    # Only our units' lines count: the host's own units may have warnings of their own.
    ours = [
        line
        for line in output.splitlines()
        if str(tmp_path) in line or any(unit.name in line for unit in UNITS)
    ]
    assert result.returncode == 0 and not ours, output


# -- the env file -------------------------------------------------------------------------

ENV_ASSIGNMENT = re.compile(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$")  # commented out: #NAME=value
PORTABLE_VALUE = re.compile(r"^(?:[A-Za-z0-9_./:@+,=%?-]*|'[^']*')$")


@dataclass
class EnvLine:
    name: str
    value: str
    commented: bool


def env_lines() -> list[EnvLine]:
    lines = []
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = ENV_ASSIGNMENT.match(raw.strip())
        if match:
            hashed, name, value = match.groups()
            lines.append(EnvLine(name, value, bool(hashed)))
    return lines


def test_the_env_file_lists_exactly_the_variables_the_command_line_reads():
    listed = {line.name for line in env_lines() if line.name.startswith("PUBLISHER_")}
    read = set(params_reading())
    assert listed - read == set(), "listed in publisher.env.example but read by no option"
    assert read - listed == set(), "read by an option but missing from publisher.env.example"


def test_the_deployment_files_name_only_variables_the_command_line_reads():
    read = set(params_reading())
    for path in [ENV_EXAMPLE, CRONTAB, *UNITS, INFRA / "README.md", ROOT / "docs/operations.md"]:
        named = set(
            re.findall(r"\bPUBLISHER_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8"))
        )
        assert named - read == set(), path.name


def test_the_env_file_values_are_accepted_by_their_options_and_its_defaults_are_real():
    readers = params_reading()
    lines = [line for line in env_lines() if line.name in readers]
    set_for_real = {line.name for line in lines if not line.commented}
    for line in lines:
        value = line.value.strip("'")
        for command, param in readers[line.name]:
            if value:  # as click reads it from the environment; raises if rejected
                given = param.type.split_envvar_value(value) if param.multiple else value
                param.process_value(click.Context(command), given)
            default = param.default  # a value, or None or a sentinel when there is none
            has_default = isinstance(default, int | str) and not isinstance(default, bool)
            if line.commented and line.name not in set_for_real and has_default:
                assert value == str(default), f"{line.name}: the default is {default!r}"


def test_the_env_file_reads_the_same_in_sh_and_in_systemd():
    for number, raw in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        match = ENV_ASSIGNMENT.match(line)
        if match is None:
            assert line.startswith("#"), f"line {number}: neither a comment nor NAME=value"
            continue
        assert raw == line, f"line {number}: no indentation"
        assert PORTABLE_VALUE.match(match.group(3)), f"line {number}: quote the value: {raw}"


# -- the links ----------------------------------------------------------------------------


def test_the_operations_guide_is_linked_and_its_links_resolve():
    assert "(docs/operations.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs" / "operations.md", INFRA / "README.md"):
        for target in re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", target):
                assert (page.parent / target).exists(), f"{page.name}: {target}"
