"""A publish run: plan schools in batches, apply each plan to the store, record the outcome.

    database -> load -> SchoolData -> plan_school_window -> SchoolPlan
             -> apply_school -> store
             -> record_results -> database

The plan is `publisher.publish.plan`, the write loop `publisher.publish.apply`,
the records `publisher.publish.results`; this module only orchestrates them:
claims, batches, upload threads and the planning process
(`publisher.publish.planner`).

Planning reads the database once per batch of schools (a fixed number of
queries) and never the store. Applying writes each school's day files before its
manifest; a school whose build or upload fails is reported and left as it was
published, while the others go ahead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from publisher.build import Window, records_since
from publisher.config import BATCH_SIZE, PublishSettings
from publisher.db.alerts import alerts_of_schools
from publisher.db.batches import iter_batches
from publisher.db.claims import claim_schools, new_owner, release_claims
from publisher.db.load import load_schools
from publisher.db.records import load_published, load_shared
from publisher.page.build import PageBuild
from publisher.publish.apply import apply_school, apply_writes
from publisher.publish.inputs import school_inputs
from publisher.publish.plan import PlannedWrite, SchoolPlan, plan_school_window, plan_shared_objects
from publisher.publish.results import SchoolResult, record_results, record_shared
from publisher.publish.summary import RunSummary
from publisher.retry import BUSY_RETRY_SECONDS
from publisher.stores.protocol import Store


def plan_schools_in_batches(
    sessions: sessionmaker[Session],
    target: str,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    batch_size: int = BATCH_SIZE,
    page: PageBuild | None = None,
) -> Iterator[list[SchoolPlan]]:
    """Plans for publishing the given schools to `target` (its identity), a batch at a
    time, in school id order (`plan_schools` for each batch)."""
    for batch in iter_batches(school_ids, batch_size):
        yield plan_schools(sessions, target, batch, now, settings, page)


def plan_schools(
    sessions: sessionmaker[Session],
    target: str,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    page: PageBuild | None = None,
) -> list[SchoolPlan]:
    """Load a batch of schools, their alerts and what was published of them to `target`,
    and plan each school's window (`plan_school_window`) and its alert object, with
    the digest of what it is built from (`school_inputs`)."""
    since = records_since(now)
    window = Window(now, settings.days)
    with sessions() as session:
        schools = load_schools(session, school_ids, window)
        published = load_published(session, target, school_ids, since)
        alerts = alerts_of_schools(session, school_ids, now)
    plans = []
    for school in schools:
        up = alerts.get(school.id or 0, [])
        plan = plan_school_window(
            school, now, published.get(school.id or 0, {}), settings, page, up
        )
        inputs = school_inputs(school.revision, window.dates(school.timezone), settings, page, up)
        plans.append(dataclasses.replace(plan, inputs=inputs))
    return plans


def ramped_batches(school_ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    """Batches of `size`, after a first one an eighth as big and doubling up to it.

    The upload threads wait for the first batch's plans; a small first batch
    gets them going sooner, and each following batch is planned while the one
    before uploads (planning a school costs less than uploading it).
    """
    start, step = 0, max(1, size // 8)
    while start < len(school_ids):
        yield school_ids[start : start + step]
        start += step
        step = min(size, step * 2)


def plan_shared_objects_for_target(
    sessions: sessionmaker[Session], target: str, page: PageBuild, settings: PublishSettings
) -> tuple[PlannedWrite, ...]:
    """What the page's shared objects (assets, sw.js) need, against their records in `target`."""
    with sessions() as session:
        published = load_shared(session, target)
    return plan_shared_objects(page, published, settings)


def publish_shared_objects(
    sessions: sessionmaker[Session],
    store: Store,
    writes: Sequence[PlannedWrite],
    now: dt.datetime,
) -> None:
    """Upload the page's assets, then sw.js, and record them.

    Runs before any school's page is written, so no page names a missing asset.
    A failure stops the run (StoreError): no school's page may go up without them.
    """
    applied = apply_writes(store, writes)
    if applied.error is not None:
        raise applied.error
    record_shared(sessions, store.identity(), writes, now)


def publish(
    sessions: sessionmaker[Session],
    store: Store,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    page: PageBuild | None = None,
    stop: threading.Event | None = None,
    owner: str | None = None,
    wait_for_busy: float = 0.0,
    planner: Callable[[Sequence[int]], list[SchoolPlan]] | None = None,
) -> RunSummary:
    """Publish the given schools, each for its window of dates at `now` (`window_dates`).

    Each batch of schools is claimed before it is read (`publisher.db.claims`):
    schools another publisher holds are skipped and counted as busy, or, with
    `wait_for_busy` seconds, tried again until then (an admin's republish must
    not be skipped because cron was publishing the school's older data). Uploads
    of one batch overlap the planning of the next, so the upload threads stay
    busy; results are recorded a batch at a time, in order, and the batch's
    claims released. When `stop` is set, schools not yet started are left for
    the next run and the run ends once those under way are recorded.

    `planner` plans a batch (default: `plan_schools` in this thread); see
    `publisher.publish.planner` for planning in another process.
    """
    summary = RunSummary()
    target = store.identity()
    owner = owner or new_owner()
    checked = False
    in_flight: list[Future[SchoolResult]] = []
    in_flight_claims: list[int] = []

    def stopping() -> bool:
        return stop is not None and stop.is_set()

    def claim(batch: Sequence[int]) -> tuple[list[int], list[int]]:
        """The schools this publisher now holds, and those another one holds."""
        with sessions() as session, session.begin():
            claimed = claim_schools(session, batch, owner, dt.datetime.now(dt.UTC))
        return claimed, sorted(set(batch) - set(claimed))

    def release(claimed: Sequence[int]) -> None:
        with sessions() as session, session.begin():
            release_claims(session, claimed, owner)

    def finish(futures: list[Future[SchoolResult]], claimed: Sequence[int]) -> None:
        try:
            results = [future.result() for future in futures]
            record_results(sessions, target, results, now)
        finally:
            release(claimed)
        for result in results:
            summary.add(result)
        if progress is not None:
            progress(len(claimed))

    def start(claimed: list[int]) -> list[Future[SchoolResult]]:
        """Plan the claimed schools and hand their writes to the upload threads."""
        nonlocal checked
        try:
            if planner is not None:
                plans = planner(claimed)
            else:
                plans = plan_schools(sessions, target, claimed, now, settings, page)
            if not checked and any(plan.writes for plan in plans):
                store.check()  # before anything is written, and never on a no-op run
                checked = True
        except BaseException:
            release(claimed)
            raise
        return [pool.submit(apply_school, store, plan, stop) for plan in plans]

    if page is not None:
        shared = plan_shared_objects_for_target(sessions, target, page, settings)
        if shared:
            store.check()
            checked = True
            publish_shared_objects(sessions, store, shared, now)
            summary.add_shared(shared)

    busy: list[int] = []
    with ThreadPoolExecutor(max_workers=settings.concurrency) as pool:
        for batch in ramped_batches(school_ids, batch_size):
            if stopping():
                break
            claimed, held = claim(batch)
            busy.extend(held)
            submitted = start(claimed)
            if in_flight:
                finish(in_flight, in_flight_claims)
            in_flight, in_flight_claims = submitted, claimed
        if in_flight:
            finish(in_flight, in_flight_claims)
        deadline = time.monotonic() + wait_for_busy
        while busy and not stopping() and time.monotonic() < deadline:
            time.sleep(BUSY_RETRY_SECONDS)
            claimed, busy = claim(busy)
            if claimed:
                finish(start(claimed), claimed)
    summary.busy = busy
    if progress is not None and busy:
        progress(len(busy))
    if stopping():
        done = len(summary.published) + len(summary.unchanged) + len(summary.failed)
        summary.stopped = len(school_ids) - done - len(summary.busy)
    return summary
