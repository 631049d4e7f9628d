"""A publish run: plan schools in batches, apply each plan to the store, record the outcome.

    database -> load -> SchoolData -> plan_for -> SchoolPlan -> apply_school -> store
                                                                   -> record_results -> database

Planning reads the database once per batch of schools (a fixed number of
queries) and never the store. Applying writes each school's day files before its
manifest; a school whose build or upload fails is reported and left as it was
published, while the others go ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.build import Window
from publisher.config import PublishSettings
from publisher.db.load import iter_batches, load_schools
from publisher.db.models import PublishedObject, PublishState
from publisher.errors import StoreError
from publisher.page.build import PageBuild
from publisher.upload.plan import PlannedWrite, PublishedRecord, SchoolPlan, plan_for, plan_site
from publisher.upload.store import Store

BATCH_SIZE = 200
"""Schools loaded, built and applied together: bounds memory and queries per batch."""


@dataclass(frozen=True)
class SchoolResult:
    plan: SchoolPlan
    written: tuple[PlannedWrite, ...] = ()
    error: str | None = None


@dataclass
class RunSummary:
    """What a run did, for people (stderr) and scripts (`--json`)."""

    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    objects_written: int = 0
    bytes_written: int = 0
    mutable_written: list[str] = field(default_factory=list)  # keys a CDN must forget

    def add_shared(self, written: Sequence[PlannedWrite]) -> None:
        """Count objects every school shares (the page's assets and sw.js)."""
        self.objects_written += len(written)
        self.bytes_written += sum(len(w.content) for w in written)
        self.mutable_written.extend(w.key for w in written if w.mutable)

    def add(self, result: SchoolResult) -> None:
        slug = result.plan.school.slug
        self.objects_written += len(result.written)
        self.mutable_written.extend(w.key for w in result.written if w.mutable)
        self.bytes_written += sum(len(w.content) for w in result.written)
        if result.error is not None:
            self.failed[slug] = result.error
        elif result.written:
            self.published.append(slug)
        else:
            self.unchanged.append(slug)


def plan_batches(
    sessions: sessionmaker[Session],
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    batch_size: int = BATCH_SIZE,
    page: PageBuild | None = None,
) -> Iterator[list[SchoolPlan]]:
    """Plans for the given schools, a batch at a time, in school id order."""
    # No school's local date is more than a day behind UTC's.
    since = (now.astimezone(dt.UTC) - dt.timedelta(days=1)).date()
    for batch in iter_batches(school_ids, batch_size):
        with sessions() as session:
            schools = load_schools(session, batch, Window(now, settings.days))
            published = load_published(session, batch, since)
        yield [plan_for(s, now, published.get(s.id or 0, {}), settings, page) for s in schools]


def plan_site_writes(
    sessions: sessionmaker[Session], page: PageBuild, settings: PublishSettings
) -> tuple[PlannedWrite, ...]:
    """What the page's shared objects (assets, sw.js) need, against their records."""
    with sessions() as session:
        rows = session.scalars(select(PublishedObject).where(PublishedObject.school_id.is_(None)))
        published = {r.key: PublishedRecord(r.key, r.sha256, r.fingerprint) for r in rows}
    return plan_site(page, published, settings)


def publish_site(
    sessions: sessionmaker[Session],
    store: Store,
    writes: Sequence[PlannedWrite],
    now: dt.datetime,
) -> None:
    """Upload the page's assets, then sw.js, and record them.

    Runs before any school's page is written, so no page names a missing asset.
    A failure stops the run (StoreError): no school's page may go up without them.
    """
    for write in writes:
        store.put(
            write.key, write.content, write.content_type, write.cache_control, write.create_only
        )
    with sessions() as session, session.begin():
        record_writes(session, [(None, w) for w in writes], now)


def load_published(
    session: Session, school_ids: Sequence[int], since: dt.date
) -> dict[int, dict[str, PublishedRecord]]:
    """The recorded objects of these schools that a plan from `since` on can reuse."""
    query = select(PublishedObject).where(
        PublishedObject.school_id.in_(school_ids),
        or_(PublishedObject.local_date.is_(None), PublishedObject.local_date >= since),
    )
    records: dict[int, dict[str, PublishedRecord]] = {}
    for row in session.scalars(query):
        records.setdefault(row.school_id or 0, {})[row.key] = PublishedRecord(
            row.key, row.sha256, row.fingerprint, row.local_date
        )
    return records


def apply_school(store: Store, plan: SchoolPlan) -> SchoolResult:
    """Write a school's planned objects in order; stop at the first failure.

    The plan lists day files before the manifest, so a failure leaves the old
    manifest in place, still naming files that exist (invariant 1).
    """
    if plan.error is not None:
        return SchoolResult(plan, error=plan.error)
    written: list[PlannedWrite] = []
    for write in plan.writes:
        try:
            store.put(
                write.key, write.content, write.content_type, write.cache_control, write.create_only
            )
        except StoreError as error:
            return SchoolResult(plan, tuple(written), f"school {plan.label}: {error}")
        written.append(write)
    return SchoolResult(plan, tuple(written))


def record_writes(
    session: Session, written: Sequence[tuple[int | None, PlannedWrite]], now: dt.datetime
) -> None:
    """Remember stored objects (school id None for shared ones), replacing older records."""
    keys = [w.key for _, w in written]
    for chunk in iter_batches(keys, 500):
        session.execute(delete(PublishedObject).where(PublishedObject.key.in_(chunk)))
    if written:  # one bulk INSERT, not one ORM object per row
        session.execute(
            insert(PublishedObject),
            [
                {
                    "key": w.key,
                    "school_id": school_id,
                    "local_date": w.local_date,
                    "sha256": w.sha256,
                    "fingerprint": w.fingerprint,
                    "size": len(w.content),
                    "published_at": now,
                }
                for school_id, w in written
            ],
        )


def record_results(
    sessions: sessionmaker[Session], results: Sequence[SchoolResult], now: dt.datetime
) -> None:
    """Remember what was stored, and each school's state, in one transaction."""
    with sessions() as session, session.begin():
        record_writes(session, [(r.plan.school.id, w) for r in results for w in r.written], now)
        states = {
            state.school_id: state
            for state in session.scalars(
                select(PublishState).where(
                    PublishState.school_id.in_([r.plan.school.id for r in results])
                )
            )
        }
        for result in results:
            school = result.plan.school
            assert school.id is not None
            state = states.get(school.id) or PublishState(school_id=school.id)
            session.add(state)
            state.attempted_at = now
            state.last_error = result.error
            if result.error is None:
                state.revision = school.revision
                state.first_date = result.plan.first_date
                state.last_date = result.plan.last_date
                if result.written:
                    state.published_at = now


def publish(
    sessions: sessionmaker[Session],
    store: Store,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    page: PageBuild | None = None,
) -> RunSummary:
    """Publish the given schools for the window starting at each one's local today.

    Uploads of one batch overlap the planning of the next, so the upload
    threads stay busy; results are recorded a batch at a time, in order.
    """
    summary = RunSummary()
    checked = False
    in_flight: list[Future[SchoolResult]] = []

    def finish(futures: list[Future[SchoolResult]]) -> None:
        results = [future.result() for future in futures]
        record_results(sessions, results, now)
        for result in results:
            summary.add(result)
        if progress is not None:
            progress(len(results))

    if page is not None:
        site = plan_site_writes(sessions, page, settings)
        if site:
            store.check()
            checked = True
            publish_site(sessions, store, site, now)
            summary.add_shared(site)

    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        for plans in plan_batches(sessions, school_ids, now, settings, batch_size, page):
            if not checked and any(plan.writes for plan in plans):
                store.check()  # before anything is written, and never on a no-op run
                checked = True
            submitted = [pool.submit(apply_school, store, plan) for plan in plans]
            if in_flight:
                finish(in_flight)
            in_flight = submitted
        if in_flight:
            finish(in_flight)
    return summary
