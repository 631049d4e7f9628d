"""Skipping a school without building it: the digest of what its files are built from.

A school's published files (day files, manifest, page, alert object) are a
function of a few things only, and the digest covers each of them:

- its **revision**, which every edit of its data moves: the library's own, and
  those of other applications through the triggers `db init` installs (settled
  into a new revision before a run reads it);
- its **window of dates** at the run's `now`, in its own time zone (a new date
  enters at local noon: `publisher.build.window_dates`);
- the **publish settings** that reach its files: `--days`, the poll interval,
  the Cache-Control values, `--public-url`;
- the **page build** (the hash of the page's assets) and the **build code's own
  version**: a digest of the source of the modules that shape published bytes
  (`SHAPING`), so an upgrade that changes what a file would hold is noticed;
- the **alerts** up on its screens at `now` (the bytes of its alert object), so
  an alert put up, cleared or ended is noticed.

`due_schools` computes each school's digest from its row alone (no schedule
row is read, nothing is built) and compares it with the one recorded by the
school's last good publish to the target (`publish_state.inputs`). Equal: none
of the above has changed since, so the school is counted unchanged and neither
built nor claimed, and the store is not asked. Otherwise it is built and
compared object by object as it always was, and its new digest is recorded
when the publish succeeds. A failure clears it, and so does `publisher alert`
when it rewrites a school's alert object between runs: either way the school
is built and compared at its next run.

Left out on purpose: `--concurrency`, the instant within a window, and the
target (digests are recorded per target). `publish --full`, and the watcher's
daily full comparison, build every school whatever its digest and compare it
with the target's records: an edit no trigger saw (triggers dropped, rows
restored from a dump) is caught there. An object deleted from the store by
hand is `publisher verify`'s to find, as before.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from publisher.build import Window
from publisher.build.alert import AlertMessage, build_alert
from publisher.config import BATCH_SIZE, PublishSettings
from publisher.db.alerts import alerts_of_schools
from publisher.db.batches import iter_batches
from publisher.db.records import school_heads

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.orm import Session, sessionmaker

    from publisher.page.build import PageBuild

SHAPING = ("build", "page", "site/templates", "publish/plan.py", "db/load.py", "config.py")
"""The package's code that shapes published bytes, relative to the package: the
build core, the page's rendering, the plan that names objects, the loader that
turns rows into a school, and the defaults."""


@functools.cache
def code_version() -> str:
    """A digest of the source files in `SHAPING`: it moves with any change to them."""
    digest = hashlib.sha256()
    package = files("publisher")
    for name in SHAPING:
        for path, content in sorted(_sources(package.joinpath(name), name)):
            digest.update(f"{path}\n{len(content)}\n".encode())
            digest.update(content)
    return digest.hexdigest()


def _sources(entry: Traversable, path: str) -> list[tuple[str, bytes]]:
    """(path, bytes) of `entry` and the files under it, caches and compiled files left out."""
    if entry.is_file():
        return [(path, entry.read_bytes())]
    found = []
    for child in entry.iterdir():
        if child.name == "__pycache__" or child.name.endswith(".pyc"):
            continue
        found.extend(_sources(child, f"{path}/{child.name}"))
    return found


def school_inputs(
    revision: int,
    dates: Sequence[dt.date],
    settings: PublishSettings,
    page: PageBuild | None,
    alerts: Sequence[AlertMessage],
) -> str:
    """The digest of what a school's files are built from (see the module's docstring)."""
    cache = settings.cache
    document = {
        "code": code_version(),
        "page": page.build_hash if page is not None else None,
        "revision": revision,
        "dates": [dates[0].isoformat(), dates[-1].isoformat()] if dates else [],
        "days": settings.days,
        "poll_interval": settings.poll_interval,
        "cache_control": [cache.mutable, cache.immutable, cache.alert],
        "public_url": settings.public_url,
        "alerts": hashlib.sha256(build_alert(alerts)).hexdigest(),
    }
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@dataclass
class Due:
    """Which schools a run must build, and those it skips because nothing they are built
    from has changed since their last good publish to the target (slugs, in id order)."""

    school_ids: list[int] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def due_schools(
    sessions: sessionmaker[Session],
    target: str,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild | None,
) -> Due:
    """The schools to build: those whose digest at `now` differs from the one recorded in
    `target` (or that have none). Two queries per batch of schools; nothing is built."""
    due = Due()
    window = Window(now, settings.days)
    dates = functools.cache(window.dates)  # by time zone: most schools share a few
    for batch in iter_batches(list(school_ids), BATCH_SIZE):
        with sessions() as session:
            heads = school_heads(session, target, batch)
            alerts = alerts_of_schools(session, batch, now)
        for head in heads:
            digest = school_inputs(
                head.revision, dates(head.timezone), settings, page, alerts[head.id]
            )
            if head.inputs == digest:
                due.unchanged.append(head.slug)
            else:
                due.school_ids.append(head.id)
    return due
