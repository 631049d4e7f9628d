"""Checking the store against what the database says should be published, and repairing it.

Publishing never lists the store: it trusts the records of what it wrote. This
is the check of that trust. The objects each active school's window should have
in the store (`expected_objects`) are planned exactly as `publish` would plan
them (so day files keep the keys their manifest names), the store is listed
once, and every difference is reported as missing, mismatched or unexpected.
A repair writes what is missing or wrong, day files before the manifest, and
records it as a publish would; it never deletes anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from publisher.build import SchoolData, Window, build_window_days, records_since, sha256_hex
from publisher.build.alert import AlertMessage
from publisher.build.layout import SERVICE_WORKER_KEY, school_prefix
from publisher.config import BATCH_SIZE, PublishSettings
from publisher.db.alerts import alerts_of_schools
from publisher.db.batches import iter_batches
from publisher.db.load import load_schools
from publisher.db.lookup import public_keys
from publisher.db.records import PublishedRecord, load_published, load_shared
from publisher.errors import BuildError
from publisher.maintain.gc import DEFAULT_KEEP_DAYS, Garbage, find_garbage_in_listing
from publisher.page.build import PageBuild
from publisher.publish import (
    JSON_TYPE,
    UNSETTLED,
    PlannedWrite,
    Reason,
    SchoolPlan,
    SchoolResult,
    apply_school,
    apply_writes,
    plan_logo,
    plan_school,
    plan_shared_objects,
    record_results,
    record_shared,
)
from publisher.stores import Store, StoredObject

SCHOOLS = "schools/"
MISSING = "missing"
MISMATCHED = "mismatched"
UNEXPECTED = "unexpected"
NO_SCHOOL = "-"
"""The school column of a problem in a folder that belongs to no school."""

FOREIGN = "neither published nor recorded by this publisher"


@dataclass(frozen=True)
class Problem:
    school: str  # slug, or NO_SCHOOL
    kind: str  # MISSING, MISMATCHED or UNEXPECTED
    key: str
    reason: str


@dataclass
class VerifyReport:
    """What `verify` found (and, with repair, what it rewrote), for people and scripts."""

    schools_checked: int = 0
    checked: list[str] = field(default_factory=list)  # the slugs of the schools checked
    problems: list[Problem] = field(default_factory=list)
    day_files: Garbage = field(default_factory=Garbage)  # counted as gc counts them
    repaired: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # slug -> why it was not checked/repaired

    def count(self, kind: str) -> int:
        return sum(1 for problem in self.problems if problem.kind == kind)

    @property
    def unrepaired(self) -> list[Problem]:
        repaired = set(self.repaired)
        return [p for p in self.problems if p.kind == UNEXPECTED or p.key not in repaired]


def expected_objects(
    school: SchoolData,
    now: dt.datetime,
    published: Mapping[str, PublishedRecord],
    settings: PublishSettings,
    page: PageBuild | None = None,
    alerts: Sequence[AlertMessage] = (),
) -> SchoolPlan:
    """Every object of the school's current window (not only the changes), days first,
    and its alert object holding `alerts`, those up on its screens at `now`.

    Keys are chosen by `plan_school` from the same records a publish would use,
    so a day file whose content is already published keeps its recorded key.
    A school whose data cannot be built gets a plan with an error.
    """
    # Without the records of mutable objects, the plan always writes the manifest in full.
    day_records = {k: r for k, r in published.items() if r.local_date is not None}
    try:
        days = build_window_days(school, now, settings.days)
        plan = plan_school(school, days, day_records, settings, page, alerts)
    except BuildError as error:
        return SchoolPlan(school, error=str(error))
    writes = {write.key: write for write in plan.writes}
    by_date = {day.date: day for day in days}
    objects: list[PlannedWrite] = []
    for entry in plan.entries:
        key = school_prefix(school.key) + entry.path
        day = by_date[entry.date]
        reused = PlannedWrite(
            key,
            day.content,
            JSON_TYPE,
            settings.cache.immutable,
            UNSETTLED,
            day.date,
            immutable=True,
        )
        objects.append(writes.get(key, reused))
    logo = plan_logo(school, {}, settings)  # planned whole: immutable, not dated
    objects.extend([logo] if logo is not None else [])
    objects.extend(write for write in plan.writes if write.mutable)
    return dataclasses.replace(plan, writes=tuple(objects))


def check_school(
    store: Store,
    plan: SchoolPlan,
    listing: Mapping[str, StoredObject],
    recorded: Mapping[str, PublishedRecord],
) -> list[Problem]:
    """A school's problems, in the plan's order.

    `recorded` holds every record of the school, whatever its date: an old day
    file it names is gc's business (counted apart), not a problem.
    """
    slug = plan.school.slug
    problems = _compare(store, slug, plan.writes, listing, recorded)
    expected = {write.key for write in plan.writes}
    prefix = school_prefix(plan.school.key)
    for key in sorted(k for k in listing if k.startswith(prefix) and k not in expected):
        if key not in recorded:
            problems.append(Problem(slug, UNEXPECTED, key, FOREIGN))
    return problems


def _compare(
    store: Store,
    label: str,
    writes: Sequence[PlannedWrite],
    listing: Mapping[str, StoredObject],
    recorded: Mapping[str, PublishedRecord],
) -> list[Problem]:
    """Missing and mismatched objects among the expected `writes`, in their order."""
    problems = []
    for write in writes:
        stored = listing.get(write.key)
        if stored is None:
            reason = Reason.LOST if write.key in recorded else Reason.PENDING_FIRST_PUBLISH
            problems.append(Problem(label, MISSING, write.key, reason))
        else:
            mismatch = _mismatch(store, stored, write, recorded.get(write.key))
            if mismatch is not None:
                problems.append(Problem(label, MISMATCHED, write.key, mismatch))
    return problems


def _mismatch(
    store: Store, stored: StoredObject, write: PlannedWrite, record: PublishedRecord | None
) -> Reason | None:
    """Why the stored object is not the expected one, or None when it is.

    A listed MD5 that matches settles it; otherwise the bytes are read, since a
    store may list none, or one that is not a digest of the content.
    """
    md5 = hashlib.md5(write.content, usedforsecurity=False).hexdigest()
    if stored.size == len(write.content) and stored.content_md5 == md5:
        return None
    content = store.get(write.key)
    if content is None:
        return Reason.VANISHED
    if content == write.content:
        return None
    if record is not None and sha256_hex(content) == record.sha256:
        return Reason.PUBLISH_PENDING
    return Reason.CORRUPTED


def unknown_folders(listing: Mapping[str, StoredObject], known: set[str]) -> list[Problem]:
    """One problem per folder under schools/ that belongs to no school (or a stray file)."""
    folders: Counter[str] = Counter()
    problems = []
    for key in sorted(listing):
        folder, slash, _rest = key.removeprefix(SCHOOLS).partition("/")
        if not slash:
            problems.append(Problem(NO_SCHOOL, UNEXPECTED, key, "not inside a school folder"))
        elif folder not in known:
            folders[folder] += 1
    problems.extend(
        Problem(NO_SCHOOL, UNEXPECTED, f"{SCHOOLS}{folder}/", f"folder of no school ({n} objects)")
        for folder, n in sorted(folders.items())
    )
    return problems


def repair_school(store: Store, plan: SchoolPlan, problems: Sequence[Problem]) -> SchoolResult:
    """Write the missing and mismatched objects in the plan's order (day files first).

    A missing day file is only created, never replaced; a mismatched one is
    overwritten with the bytes its name promises. Stops at the first failure,
    so the manifest is never written ahead of a day file it names.
    """
    return apply_school(store, dataclasses.replace(plan, writes=_repairs(plan.writes, problems)))


def _repairs(
    writes: Sequence[PlannedWrite], problems: Sequence[Problem]
) -> tuple[PlannedWrite, ...]:
    """The expected writes that have a problem, in order, each with the problem's reason.

    The reason decides the create-only rule (`Reason.replaces`): a missing
    immutable object is only created, a mismatched one is overwritten.
    """
    reasons = {p.key: Reason(p.reason) for p in problems if p.kind != UNEXPECTED}
    return tuple(
        dataclasses.replace(write, reason=reasons[write.key])
        for write in writes
        if write.key in reasons
    )


def check_shared(
    store: Store,
    page: PageBuild,
    settings: PublishSettings,
    recorded: Mapping[str, PublishedRecord],
) -> tuple[list[PlannedWrite], list[Problem]]:
    """The page's shared objects (this build's assets, sw.js) and their problems."""
    writes = list(plan_shared_objects(page, {}, settings))
    listing = {o.key: o for o in store.list(f"assets/{page.build_hash}/")}
    listing.update(
        {o.key: o for o in store.list(SERVICE_WORKER_KEY) if o.key == SERVICE_WORKER_KEY}
    )
    return writes, _compare(store, NO_SCHOOL, writes, listing, recorded)


def repair_shared(
    sessions: sessionmaker[Session],
    store: Store,
    writes: Sequence[PlannedWrite],
    problems: Sequence[Problem],
    now: dt.datetime,
) -> tuple[PlannedWrite, ...]:
    """Rewrite the shared objects that are missing or wrong (assets before sw.js); record them."""
    repaired = _repairs(writes, problems)
    applied = apply_writes(store, repaired)
    if applied.error is not None:
        raise applied.error
    record_shared(sessions, store.identity(), repaired, now)
    return repaired


def verify(
    sessions: sessionmaker[Session],
    store: Store,
    school_ids: Sequence[int],
    now: dt.datetime,
    settings: PublishSettings,
    repair: bool = False,
    batch_size: int = BATCH_SIZE,
    page: PageBuild | None = None,
    keep_days: int = DEFAULT_KEEP_DAYS,
) -> VerifyReport:
    """Compare the store with the given schools' current windows; with `repair`, fix it.

    Records are the store's own (`Store.identity`). Repaired objects are recorded
    as published there, so the next publish to it builds on them. The day files
    in the store are counted as `gc` would count them with `keep_days` (it reads
    each manifest), so the two commands agree.
    """
    target = store.identity()
    store.check()
    listing = {stored.key: stored for stored in store.list(SCHOOLS)}
    with sessions() as session:
        known = public_keys(session)
    report = VerifyReport(problems=unknown_folders(listing, known))
    report.day_files = find_garbage_in_listing(
        sessions, store, list(listing.values()), now, keep_days
    )
    if page is not None:
        with sessions() as session:
            shared = load_shared(session, target)
        writes, problems = check_shared(store, page, settings, shared)
        report.problems.extend(problems)
        if repair and problems:
            report.repaired.extend(
                w.key for w in repair_shared(sessions, store, writes, problems, now)
            )
    since = records_since(now)
    for batch in iter_batches(school_ids, batch_size):
        with sessions() as session:
            schools = load_schools(session, batch, Window(now, settings.days))
            records = load_published(session, target, batch, dt.date.min)
            alerts = alerts_of_schools(session, batch, now)
        results = []
        for school in schools:
            recorded = records.get(school.id or 0, {})
            current = {
                k: r for k, r in recorded.items() if r.local_date is None or r.local_date >= since
            }
            expected = expected_objects(
                school, now, current, settings, page, alerts.get(school.id or 0, [])
            )
            report.schools_checked += 1
            report.checked.append(school.slug)
            if expected.error is not None:
                report.failed[school.slug] = expected.error
                continue
            problems = check_school(store, expected, listing, recorded)
            report.problems.extend(problems)
            if repair and any(p.kind != UNEXPECTED for p in problems):
                result = repair_school(store, expected, problems)
                results.append(result)
                report.repaired.extend(write.key for write in result.written)
                if result.error is not None:
                    report.failed[school.slug] = result.error
        if results:
            record_results(sessions, target, results, now)
    return report
