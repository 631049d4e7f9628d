"""`publisher demo`: load realistic demo schools into the database."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click

from publisher.cli.app import App, pass_app
from publisher.cli.options import database_option
from publisher.cli.output import detail, output_options, say, show_progress
from publisher.config import DEFAULT_DEMO_SCHOOLS

if TYPE_CHECKING:  # the rooms below are imported where the command runs, not for --help
    from sqlalchemy.orm import Session, sessionmaker

    from publisher.db.save import SaveCounts

BATCH_SIZE = 100
"""Schools saved per transaction: a crash loses one batch, and memory stays flat for 2,000."""

DEMO_CLOCK_ZONE = ZoneInfo("Asia/Riyadh")
"""Whose "today" starts the demo week: most demo schools are in Riyadh."""


def load_demo(
    factory: sessionmaker[Session],
    today: dt.date,
    count: int,
    progress: Callable[[int], None] = lambda _: None,
) -> SaveCounts:
    """Create or update the first `count` demo schools, one transaction per batch.

    A school already matching its demo data is left alone (same revision, same
    public key); `progress` is called with the number of schools done per batch.
    """
    from publisher.db import transaction
    from publisher.db.save import SaveCounts, save_schools
    from publisher.demo import demo_school

    counts = SaveCounts()
    for first in range(1, count + 1, BATCH_SIZE):
        batch = [demo_school(n, today) for n in range(first, min(first + BATCH_SIZE, count + 1))]
        with transaction(factory) as session:
            counts += save_schools(session, batch)
        progress(len(batch))
    return counts


@click.command()
@click.option(
    "--schools",
    "count",
    type=click.IntRange(min=1),
    default=DEFAULT_DEMO_SCHOOLS,
    show_default=True,
    metavar="N",
    help=(
        f"How many schools: the {DEFAULT_DEMO_SCHOOLS} hand-written ones first, then generated "
        "variations demo-001, demo-002, ... (the same N always gives the same schools)."
    ),
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="First day of the demo week (exams, holiday, substitutions). Default: today in Riyadh.",
)
@database_option
@output_options
@pass_app
def demo(app: App, count: int, today: dt.datetime | None) -> None:
    """Load realistic demo schools into the database (creating the schema if needed).

    Three Arabic schools in Riyadh (Sunday to Thursday, about 20 classes, breaks
    and the Dhuhr prayer; one has two exam days and a holiday in the coming week)
    and an English school in London (Monday to Friday, daylight saving time),
    with substitutions, teachers on duty and announcements in the coming week.

    Running it again changes nothing: revisions and public keys stay as they
    are. Run on a later day, it moves the dated rows into the new week.
    """
    from publisher.db import init_schema
    from publisher.db.session import engine_of
    from publisher.demo import school_outline

    factory = app.sessions(need_schema=False)
    engine = engine_of(factory)
    init_schema(engine)
    first_day = today.date() if today else dt.datetime.now(DEMO_CLOCK_ZONE).date()
    with click.progressbar(
        length=count, label="Loading demo schools", file=sys.stderr, hidden=not show_progress()
    ) as bar:
        counts = load_demo(factory, first_day, count, progress=bar.update)
    for number in range(1, count + 1):
        outline = school_outline(number)
        detail(f"{outline.slug}\t{outline.name}")
    say(
        f"{count} demo schools loaded ({counts.new} new, {counts.changed} changed, "
        f"{counts.unchanged} unchanged) into {app.database_shown()}"
    )
    say("next: publisher publish --all")


COMMANDS = [demo]
