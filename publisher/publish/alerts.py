"""Putting schools' alert objects in a target at once, after an alert is recorded or ended.

`publisher alert` calls `publish_alerts` right after its transaction: each
named school's alert object is built from the database (its own alerts and
those for every school), compared with what the target's records say it holds,
and written where it differs, then recorded like any published object, so the
next publish finds it current and writes nothing. Nothing else is touched: no
day file, no manifest, no revision. A publish plans the same object with the
rest of a school (`plan_school`), so a new target gets it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from publisher.config import PublishSettings
from publisher.db.alerts import alerts_of_schools
from publisher.db.batches import iter_batches
from publisher.db.lookup import school_keys
from publisher.db.records import forget_inputs, load_published, record_writes
from publisher.errors import BuildError
from publisher.publish.apply import apply_writes
from publisher.publish.plan import PlannedWrite, plan_alert, settle_reason
from publisher.stores.protocol import Store

BATCH = 500
"""Schools whose alert objects are planned and recorded together."""


@dataclass
class AlertWrites:
    """What `publish_alerts` did: objects written (school slug, write), schools whose
    object was current already, and those that failed, with why."""

    written: list[tuple[str, PlannedWrite]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """The keys rewritten: what a CDN must forget."""
        return [write.key for _slug, write in self.written]


def plan_alerts(
    session: Session,
    target: str,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
) -> tuple[list[tuple[int, str, PlannedWrite | None]], dict[str, str]]:
    """Per school (id, slug, the write it needs or None), and the schools that cannot
    have one (a malformed public key), with why."""
    alerts = alerts_of_schools(session, school_ids, now)
    records = load_published(session, target, school_ids, dt.date.max)  # undated objects only
    planned: list[tuple[int, str, PlannedWrite | None]] = []
    failed: dict[str, str] = {}
    for school_id, slug, key in school_keys(session, school_ids):
        try:
            write = plan_alert(key, alerts[school_id], settings)
        except BuildError as error:
            failed[slug] = f"school {slug}: {error}"
            continue
        planned.append(
            (school_id, slug, settle_reason(write, records.get(school_id, {}).get(write.key)))
        )
    return planned, failed


def publish_alerts(
    sessions: sessionmaker[Session],
    store: Store,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
) -> AlertWrites:
    """Write the alert object of each school whose object in `store` is not current,
    `settings.concurrency` at a time, and record what was written.

    One school's failed write is reported and the others go ahead. The store is
    checked before the first write (a broken target stops with StoreError), and
    not at all when every object is current.
    """
    target = store.identity()
    outcome = AlertWrites()
    checked = False
    for batch in iter_batches(list(school_ids), BATCH):
        with sessions() as session:
            planned, failed = plan_alerts(session, target, batch, now, settings)
        outcome.failed.update(failed)
        outcome.unchanged.extend(slug for _id, slug, write in planned if write is None)
        todo = [(school_id, slug, write) for school_id, slug, write in planned if write]
        if not todo:
            continue
        if not checked:
            store.check()
            checked = True
        with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
            applied = list(pool.map(lambda item: apply_writes(store, [item[2]]), todo))
        stored = []
        for (school_id, slug, write), result in zip(todo, applied, strict=True):
            if result.error is not None:
                outcome.failed[slug] = f"school {slug}: {result.error}"
            else:
                stored.append((school_id, write))
                outcome.written.append((slug, write))
        with sessions() as session, session.begin():
            record_writes(session, target, stored, now)
            # Their next publish must compare them: the object now lists alerts that
            # will end while nothing else about the school changes.
            forget_inputs(session, target, [school_id for school_id, _write in stored])
    return outcome
