"""Planning a publish: which objects to write for a school, and why.

The plan compares freshly built files with the fingerprints recorded when they
were last published (no store listing), so a run with nothing changed plans no
write at all. A day file whose content is already published keeps its key (and
so its place in screens' and CDNs' caches); only changed dates get new keys.
Writes are ordered day files first, manifest last (invariant 1), and each
carries its `Reason`; `publisher.publish.apply` writes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from publisher.build import (
    DaySnapshot,
    ManifestEntry,
    SchoolData,
    build_manifest,
    build_window_days,
    sha256_hex,
)
from publisher.build.alert import AlertMessage, alert_key, build_alert
from publisher.build.layout import (
    SERVICE_WORKER_KEY,
    check_school_key,
    day_key,
    day_name,
    logo_key,
    manifest_key,
    page_key,
    school_prefix,
)
from publisher.config import PublishSettings
from publisher.db.records import PublishedRecord
from publisher.errors import BuildError
from publisher.page.build import PageBuild, content_type

JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


class Reason(StrEnum):
    """Why an object is (re)written: printed as is by `--dry-run`, `-v` and `verify`.

    A StrEnum, so the words (its value) are what f-strings and JSON show.
    """

    NOT_YET_PUBLISHED = "not yet published"
    CONTENT_CHANGED = "content changed"
    HEADERS_CHANGED = "headers changed"
    # What `verify --repair` rewrites, and why.
    LOST = "recorded as published, absent from the store"
    PENDING_FIRST_PUBLISH = "not yet published (publish pending)"
    PUBLISH_PENDING = "differs from the database (publish pending)"
    CORRUPTED = "content differs from what was published"
    VANISHED = "vanished while being verified"

    @property
    def replaces(self) -> bool:
        """Whether the write replaces an object under the same key, which may hold other bytes
        or headers; otherwise an immutable object is only created."""
        return self in _REPLACING


UNSETTLED = Reason.NOT_YET_PUBLISHED
"""The reason of a write built before it is compared with its record (`_reason` settles it)."""

_REPLACING = frozenset(
    {Reason.HEADERS_CHANGED, Reason.PUBLISH_PENDING, Reason.CORRUPTED, Reason.VANISHED}
)


@dataclass(frozen=True)
class PlannedWrite:
    key: str
    content: bytes
    content_type: str
    cache_control: str
    reason: Reason
    local_date: dt.date | None = None  # set for day files
    immutable: bool = False  # day files and page assets: a key never changes meaning

    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.content)

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.sha256, self.content_type, self.cache_control)

    @property
    def mutable(self) -> bool:
        """Manifests, pages and sw.js are rewritten in place; a CDN must be told."""
        return not self.immutable

    @property
    def create_only(self) -> bool:
        """Immutable objects are only ever created, except to replace what is under their key."""
        return self.immutable and not self.reason.replaces


@dataclass(frozen=True)
class SchoolPlan:
    """Everything one school needs this run: its writes in order, or why it cannot publish.

    `entries` are the day files its manifest names, written now or already
    published, so a reader of the plan never parses the manifest's bytes.
    `build_seconds` is how long building the school's files took (the run's
    metrics), and `inputs` the digest of what they were built from, recorded
    when they are published (`publisher.publish.inputs`); both are left out of
    comparisons, so equal plans stay equal.
    """

    school: SchoolData
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    writes: tuple[PlannedWrite, ...] = ()
    error: str | None = None
    entries: tuple[ManifestEntry, ...] = ()
    build_seconds: float = field(default=0.0, compare=False)
    inputs: str | None = field(default=None, compare=False)  # publisher.publish.inputs

    @property
    def label(self) -> str:
        return self.school.slug


def fingerprint(sha256: str, content_type: str, cache_control: str) -> str:
    """Covers the headers as well as the bytes, so a new Cache-Control is noticed."""
    return sha256_hex(f"{sha256}\n{content_type}\n{cache_control}".encode())


def plan_school(
    school: SchoolData,
    days: Iterable[DaySnapshot],
    published: Mapping[str, PublishedRecord],
    settings: PublishSettings,
    page: PageBuild | None = None,
    alerts: Sequence[AlertMessage] | None = None,
) -> SchoolPlan:
    """Compare a school's built day files, manifest and page with what is published.

    `published` holds the records of this school's objects, keyed by object key.
    The writes are ordered day files, logo, manifest, page: nothing is named
    before it exists. With `alerts` (those up on the school's screens now), its
    alert object comes last: nothing names it, and a target that lacks it or
    holds an older one gets it.
    """
    days = sorted(days, key=lambda d: d.date)
    immutable = settings.cache.immutable
    day_fingerprint = {d.sha256: fingerprint(d.sha256, JSON_TYPE, immutable) for d in days}
    by_date: dict[dt.date, list[PublishedRecord]] = {}
    for record in published.values():
        if record.local_date is not None:
            by_date.setdefault(record.local_date, []).append(record)

    writes: list[PlannedWrite] = []
    entries: list[ManifestEntry] = []
    prefix = school_prefix(check_school_key(school))
    for day in days:
        same_content = sorted(
            (r for r in by_date.get(day.date, []) if r.sha256 == day.sha256),
            key=lambda r: (r.fingerprint != day_fingerprint[day.sha256], r.key),
        )
        if same_content:
            key = same_content[0].key
            reason = (
                None
                if same_content[0].fingerprint == day_fingerprint[day.sha256]
                else Reason.HEADERS_CHANGED
            )
        else:
            key = day_key(school.key, day_name(day.date, school.revision, day.sha256))
            reason = Reason.CONTENT_CHANGED if day.date in by_date else Reason.NOT_YET_PUBLISHED
        if reason is not None:
            writes.append(
                PlannedWrite(key, day.content, JSON_TYPE, immutable, reason, day.date, True)
            )
        entries.append(ManifestEntry(day.date, key.removeprefix(prefix), day.sha256))
    logo = plan_logo(school, published, settings)
    if logo is not None:
        writes.append(logo)

    content = build_manifest(school, entries, settings.poll_interval)
    manifest = PlannedWrite(
        manifest_key(school.key), content, JSON_TYPE, settings.cache.mutable, UNSETTLED
    )
    mutable = [manifest]
    if page is not None:
        index = page.index(school.key, school.locale, school.name, school.timezone)
        mutable.append(
            PlannedWrite(page_key(school.key), index, HTML_TYPE, settings.cache.mutable, UNSETTLED)
        )
    if alerts is not None:
        mutable.append(plan_alert(school.key, alerts, settings))
    for write in mutable:
        reason = _reason(write, published.get(write.key))
        if reason is not None:
            writes.append(dataclasses.replace(write, reason=reason))
    return SchoolPlan(
        school=school,
        first_date=days[0].date if days else None,
        last_date=days[-1].date if days else None,
        writes=tuple(writes),
        entries=tuple(entries),
    )


def plan_logo(
    school: SchoolData, published: Mapping[str, PublishedRecord], settings: PublishSettings
) -> PlannedWrite | None:
    """The school's logo, when it has one not yet published: an immutable object named
    by its content, so a new logo is a new key and screens never see a half-changed one."""
    logo = school.display.logo
    if logo is None:
        return None
    write = PlannedWrite(
        logo_key(school.key, logo),
        logo.content,
        logo.media_type,
        settings.cache.immutable,
        UNSETTLED,
        immutable=True,
    )
    reason = _reason(write, published.get(write.key))
    return None if reason is None else dataclasses.replace(write, reason=reason)


def plan_alert(
    school_key: str, alerts: Sequence[AlertMessage], settings: PublishSettings
) -> PlannedWrite:
    """A school's alert object, rewritten in place with its own short Cache-Control, before
    it is compared with its record (`settle_reason`)."""
    return PlannedWrite(
        alert_key(school_key), build_alert(alerts), JSON_TYPE, settings.cache.alert, UNSETTLED
    )


def settle_reason(write: PlannedWrite, record: PublishedRecord | None) -> PlannedWrite | None:
    """`write` with the reason it must be written, given its record; None when the
    record says the target holds it already."""
    reason = _reason(write, record)
    return None if reason is None else dataclasses.replace(write, reason=reason)


def _reason(write: PlannedWrite, record: PublishedRecord | None) -> Reason | None:
    if record is None:
        return Reason.NOT_YET_PUBLISHED
    if record.sha256 != write.sha256:
        return Reason.CONTENT_CHANGED
    if record.fingerprint != write.fingerprint:
        return Reason.HEADERS_CHANGED
    return None


def plan_school_window(
    school: SchoolData,
    now: dt.datetime,
    published: Mapping[str, PublishedRecord],
    settings: PublishSettings,
    page: PageBuild | None = None,
    alerts: Sequence[AlertMessage] | None = None,
) -> SchoolPlan:
    """Build the days of a school's window at `now` (`build_window_days`) and plan them.

    A school whose data cannot be built gets a plan with an error and no writes:
    it fails alone and its published files stay as they were.

    The plan carries how long this took: the build core is pure and never reads
    a clock, so it is timed here, its caller (the old system's "snapshot build
    time", for the run's metrics).
    """
    started = time.perf_counter()
    try:
        days = build_window_days(school, now, settings.days)
        plan = plan_school(school, days, published, settings, page, alerts)
    except BuildError as error:
        plan = SchoolPlan(school, error=str(error))
    return dataclasses.replace(plan, build_seconds=time.perf_counter() - started)


def plan_shared_objects(
    page: PageBuild, published: Mapping[str, PublishedRecord], settings: PublishSettings
) -> tuple[PlannedWrite, ...]:
    """The page's shared objects: its assets (immutable, first), then sw.js.

    They go up before any school's page names them.
    """
    assets = [
        PlannedWrite(
            f"assets/{page.build_hash}/{path}",
            content,
            content_type(path),
            settings.cache.immutable,
            UNSETTLED,
            immutable=True,
        )
        for path, content in sorted(page.assets.items())
    ]
    worker = PlannedWrite(
        SERVICE_WORKER_KEY,
        page.service_worker,
        content_type("sw.js"),
        settings.cache.mutable,
        UNSETTLED,
    )
    writes = []
    for write in [*assets, worker]:
        reason = _reason(write, published.get(write.key))
        if reason is not None:
            writes.append(dataclasses.replace(write, reason=reason))
    return tuple(writes)
