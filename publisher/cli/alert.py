"""`publisher alert`: an urgent message on schools' screens in seconds, ending it, listing them.

The alert is recorded first (who, when), then each school's `alert.json` is
rewritten in the target at once; day files, manifests and revisions are left
as they were.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import (
    concurrency_option,
    database_option,
    invalidate_option,
    refresh_edge_option,
    target_options,
)
from publisher.cli.output import detail, error, output_options, print_json, say
from publisher.config import ALERT_LEVELS as LEVELS
from publisher.config import PublishSettings
from publisher.errors import ConfigError

if TYPE_CHECKING:  # the rooms below are imported where the command runs, not for --help
    from sqlalchemy.orm import Session

    from publisher.db.alerts import ActiveAlert
    from publisher.publish import AlertWrites

MAX_TEXT = 300
"""The most characters of one text: a takeover shows it whole, across a corridor."""
_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


@click.command("alert")
@click.argument("text", required=False)
@click.option(
    "--school",
    "school_keys",
    multiple=True,
    metavar="KEY",
    help="A school whose screens show it (id, slug or public key); repeat for several.",
)
@click.option("--all", "all_schools", is_flag=True, help="Every school's screens.")
@click.option(
    "--second-text", metavar="TEXT", help="The same message in the school's other language."
)
@click.option(
    "--until",
    metavar="TIME",
    help="When it ends by itself: ISO 8601 (2026-12-04T12:30, in the schools' own time zone "
    "unless it gives an offset or Z).",
)
@click.option(
    "--for", "lasting", metavar="DURATION", help="When it ends, from now: 30m, 2h, 1h30m."
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="urgent",
    show_default=True,
    help="urgent: red takeover; notice: a calmer one.",
)
@click.option("--clear", is_flag=True, help="End the alerts of these schools (all clear).")
@click.option("--list", "listing", is_flag=True, help="List the alerts up now, with who and when.")
@click.option("--json", "as_json", is_flag=True, help="With --list: print them as JSON on stdout.")
@concurrency_option
@invalidate_option
@refresh_edge_option
@database_option
@target_options
@output_options
@pass_app
def alert_command(
    app: App,
    text: str | None,
    school_keys: tuple[str, ...],
    all_schools: bool,
    second_text: str | None,
    until: str | None,
    lasting: str | None,
    level: str,
    clear: bool,
    listing: bool,
    as_json: bool,
) -> None:
    """Put a message on screens at once, end it (--clear), or list what is up (--list).

    \b
      publisher alert --school KEY "TEXT" [--second-text TEXT] [--until TIME | --for 30m]
      publisher alert --all "TEXT" --level notice
      publisher alert --clear --school KEY      (--clear --all ends every alert)
      publisher alert --list

    The alert is recorded with the OS user and the time, then each school's
    alert.json is rewritten in the target; screens show it within about 20
    seconds. Day files, manifests and revisions are not touched. Other targets
    get it with their next publish.
    """
    from publisher.build.alert import AlertMessage
    from publisher.db.alerts import active_alerts, add_alert, clear_alerts
    from publisher.db.load import all_school_ids
    from publisher.publish import publish_alerts

    now = app.now().astimezone(dt.UTC).replace(microsecond=0)
    if listing:
        if text or school_keys or all_schools or clear:
            raise click.UsageError("--list takes no school, text or --clear")
        with app.sessions()() as session:
            _print_list(active_alerts(session, now), as_json)
        return
    if bool(school_keys) == all_schools:
        raise click.UsageError("choose --school KEY (repeatable) or --all")
    user = _os_user()
    sessions = app.sessions()
    with sessions() as session, session.begin():
        school_ids = _schools(session, school_keys)
        targets = school_ids if school_ids is not None else all_school_ids(session)
        if clear:
            if text or second_text or until or lasting:
                raise click.UsageError("--clear takes no text, --until or --for")
            count = clear_alerts(session, school_ids, now, user)
            line = f"{count} alert(s) ended by {user}"
        else:
            message = AlertMessage(
                level=level,
                text=_text("TEXT", text),
                since=now,
                second_text=_text("--second-text", second_text) if second_text else None,
                until=_end(session, targets, until, lasting, now),
            )
            add_alert(session, school_ids, message, user)
            line = f"{level} alert up for {_whom(school_ids)} by {user}"
    settings = PublishSettings(concurrency=app.given["concurrency"])
    store = app.store()
    outcome = publish_alerts(sessions, store, targets, now, settings)
    problems = [*outcome.failed.values(), *_tell_cdns(app, outcome)]
    for problem in problems:
        error(f"Error: {problem}")
    for slug, write in outcome.written:
        detail(f"{slug}\t{write.key}\t{write.reason}")
    say(
        f"{line}: {len(outcome.written)} alert object(s) written to {store.describe()}, "
        f"{len(outcome.unchanged)} already current, {len(outcome.failed)} failed"
    )
    sys.exit(1 if problems else 0)


def _schools(session: Session, keys: Sequence[str]) -> list[int] | None:
    """The named schools' ids (active ones only), or None for every school."""
    from publisher.db.lookup import resolve_active_schools

    if not keys:
        return None
    return resolve_active_schools(session, keys, ": its screens show nothing")


def _text(field: str, given: str | None) -> str:
    """A text to show, without surrounding spaces; refused when empty or too long."""
    shown = (given or "").strip()
    if not shown:
        raise ConfigError(f"{field}: the alert's text is empty")
    if len(shown) > MAX_TEXT:
        raise ConfigError(f"{field}: {len(shown)} characters; at most {MAX_TEXT} fit on a screen")
    return shown


def _end(
    session: Session,
    school_ids: Sequence[int],
    until: str | None,
    lasting: str | None,
    now: dt.datetime,
) -> dt.datetime | None:
    """When the alert ends by itself (UTC), or None: when cleared."""
    if until and lasting:
        raise click.UsageError("give --until or --for, not both")
    if lasting:
        match = _DURATION.fullmatch(lasting.strip())
        if not lasting.strip() or match is None:
            raise ConfigError(f"--for {lasting}: give a duration such as 30m, 2h or 1h30m")
        h, m, s = (int(part or 0) for part in match.groups())
        end = now + dt.timedelta(hours=h, minutes=m, seconds=s)
    elif until:
        end = _instant(session, school_ids, until)
    else:
        return None
    if end <= now:
        raise ConfigError(f"--until {until or lasting}: that is not in the future")
    return end.astimezone(dt.UTC).replace(microsecond=0)


def _instant(session: Session, school_ids: Sequence[int], given: str) -> dt.datetime:
    """`given` as an instant: its own offset, or else the schools' one time zone."""
    try:
        parsed = dt.datetime.fromisoformat(given.strip())
    except ValueError:
        raise ConfigError(
            f"--until {given}: not an ISO 8601 time such as 2026-12-04T12:30"
        ) from None
    if parsed.tzinfo is not None:
        return parsed
    from publisher.db.lookup import school_zones

    zones = school_zones(session, school_ids)
    if len(zones) != 1:
        raise ConfigError(
            f"--until {given}: the schools are in {len(zones)} time zones; "
            "give an offset (+03:00) or Z"
        )
    return parsed.replace(tzinfo=ZoneInfo(zones.pop()))


def _os_user() -> str:
    """Who runs the command, as the system names them; recorded with every alert and clear."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _whom(school_ids: list[int] | None) -> str:
    return "every school" if school_ids is None else f"{len(school_ids)} school(s)"


def _tell_cdns(app: App, outcome: AlertWrites) -> list[str]:
    """Tell the CDNs the alert objects rewritten; the problems met doing so.

    The shipped nginx edge and CloudFront configuration keep alert objects an
    hour and rely on being told: an S3 target with no CDN to tell gets a warning,
    since an alert an hour late is worse than none.
    """
    from publisher.cdn import InvalidationError

    cdns = app.cdns()
    if not outcome.keys:
        return []
    if not cdns:
        if app.store().scheme == "s3":
            error(
                "Warning: no CDN was told (--refresh-edge, --invalidate); behind the shipped "
                "nginx edge or CloudFront configuration, screens see this within the hour"
            )
        return []
    try:
        told = cdns.tell(outcome.keys)
    except InvalidationError as failure:
        return [str(failure)]
    say(told.describe())
    return []


def _print_list(alerts: list[ActiveAlert], as_json: bool) -> None:
    """The alerts up now: one line each (id, school, level, since, until, by, text), or JSON."""
    if as_json:
        documents = [_alert_document(a) for a in alerts]
        print_json({"alerts": documents, "counts": {"alerts": len(documents)}})
        return
    for alert in alerts:
        m = alert.message
        row = [
            str(alert.id),
            alert.school_slug or "(all)",
            m.level,
            _iso(m.since),
            _iso(m.until) if m.until else "-",
            alert.created_by,
            m.text,
        ]
        click.echo("\t".join(row))
    say(f"{len(alerts)} alert(s) up")


def _alert_document(alert: ActiveAlert) -> dict[str, Any]:
    m = alert.message
    return {
        "id": alert.id,
        "school": alert.school_slug,
        "level": m.level,
        "text": m.text,
        "second_text": m.second_text,
        "since": _iso(m.since),
        "until": _iso(m.until) if m.until else None,
        "by": alert.created_by,
    }


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


COMMANDS = [alert_command]
