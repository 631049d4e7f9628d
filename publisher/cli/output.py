"""What a command says on stderr, at the level `-q` or `-v` chose.

Every line a command writes on stderr goes through one of three helpers, so
`-q` and `-v` mean the same on every command: `error` is always shown (a quiet
cron job still names what failed), `say` (progress and summary lines) is shown
unless quiet, and `detail` (a line per object or per school) only when verbose.
stdout carries what scripts consume and is the same at every level.

The options are accepted both before the command (`publisher -q gc`) and after
it (`publisher gc -q`); both write the same entry of the click context's
`meta`, which the root group and its commands share.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

QUIET, NORMAL, VERBOSE = 0, 1, 2
_LEVEL = "publisher.verbosity"


def verbosity() -> int:
    """QUIET, NORMAL or VERBOSE, as the command line chose (NORMAL outside a command)."""
    context = click.get_current_context(silent=True)
    return context.meta.get(_LEVEL, NORMAL) if context is not None else NORMAL


def error(message: str) -> None:
    """A line about something that failed: shown at every level."""
    click.echo(message, err=True)


def say(message: str) -> None:
    """A progress or summary line: hidden by -q."""
    if verbosity() >= NORMAL:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A line of detail (per object, per school): shown only with -v."""
    if verbosity() >= VERBOSE:
        click.echo(message, err=True)


def show_progress() -> bool:
    """Whether a progress bar may be drawn: on a terminal, and not quiet."""
    return verbosity() >= NORMAL and sys.stderr.isatty()


def _choose(level: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def store(context: click.Context, _param: click.Parameter, given: bool) -> None:
        if not given:
            return
        chosen = context.meta.get(_LEVEL, NORMAL)
        if chosen not in (NORMAL, level):
            raise click.UsageError("-q and -v cannot be used together", context)
        context.meta[_LEVEL] = level

    return store


quiet_option = click.option(
    "-q",
    "--quiet",
    is_flag=True,
    expose_value=False,
    callback=_choose(QUIET),
    help="Only errors on stderr: no progress or summary lines.",
)

verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    expose_value=False,
    callback=_choose(VERBOSE),
    help="More on stderr: a line per object written or per school.",
)


def output_options(command: F) -> F:
    """-q and -v on a command (the root group takes them too)."""
    return quiet_option(verbose_option(command))


JSON_FORMAT = 1
"""The `format` of every --json document (docs/json.md); a change that removes or
renames a field raises it, so scripts can tell."""


def print_json(document: dict[str, Any]) -> None:
    """One --json document on stdout, its `format` first (docs/json.md)."""
    click.echo(json.dumps({"format": JSON_FORMAT, **document}, ensure_ascii=False))


def failures(failed: Mapping[str, str], name: str = "school") -> list[dict[str, str]]:
    """A mapping of what failed to its reason, as the list --json documents carry."""
    return [{name: key, "error": reason} for key, reason in failed.items()]
