"""Garbage collection: deleting old day files that no screen can still need.

A day file may be deleted only when no current manifest in the store names it,
no database record marks it for a current window, its date has passed, and it
is older (by its store modification time) than the retention period, which
outlives every cache lifetime and every screen still holding an old manifest
(invariant 7). Manifests, pages and anything outside `schools/*/days/` are
never touched, and a school folder whose manifest cannot be read is left alone.
Publishing never deletes; this is the only place that does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from publisher.build import records_since
from publisher.config import DEFAULT_KEEP_DAYS
from publisher.db.batches import iter_batches
from publisher.db.records import forget_objects, recorded_day_keys
from publisher.errors import StoreError
from publisher.stores import Store, StoredObject

DELETE_STEP = 1000
"""Day files deleted, then forgotten in the records, at a time: a store failing part
way leaves the steps before it deleted and forgotten, and the rest untouched."""
SCHOOLS = "schools/"
MANIFEST = "manifest.json"


DAY_FILE_COUNTS = ("day_files", "referenced", "recent", "young", "awaiting_gc", "skipped")
"""The words `gc` and `verify` both use for the day files in the store (docs/json.md):
`referenced` by a manifest in the store or the record of a current window;
unreferenced and kept because `recent` (dated yesterday or later: a publish under
way may be about to name it) or `young` (younger than the retention);
unreferenced and `awaiting_gc` (old enough to delete); `skipped` (in the folder of
a manifest that cannot be read, left alone). Every day file is in exactly one."""

RECENT = "dated yesterday or later"


@dataclass(frozen=True)
class Garbage:
    """The day files to delete (those awaiting gc), oldest first, and what was kept and why."""

    delete: tuple[StoredObject, ...] = ()
    unreadable: Mapping[str, str] = field(default_factory=dict)  # manifest key -> why
    day_files: int = 0
    referenced: int = 0
    recent: int = 0
    young: int = 0
    skipped: int = 0  # in the folder of an unreadable manifest
    kept: tuple[tuple[str, str], ...] = ()  # every day file not deleted: (key, why), by key

    @property
    def awaiting_gc(self) -> int:
        return len(self.delete)

    def counts(self) -> dict[str, int]:
        """The day files by DAY_FILE_COUNTS, the same in `gc` and `verify`."""
        return {name: getattr(self, name) for name in DAY_FILE_COUNTS}

    def describe(self, keep_days: int) -> str:
        """The counts in words, as `gc` and `verify` print them."""
        return (
            f"{self.day_files} day files: {self.referenced} referenced, {self.recent} recent "
            f"(unreferenced, {RECENT}), {self.young} young (unreferenced, younger than "
            f"{keep_days} days), {self.awaiting_gc} awaiting gc (unreferenced, older), "
            f"{self.skipped} skipped (unreadable manifest)"
        )


@dataclass(frozen=True)
class GcResult:
    deleted: tuple[str, ...] = ()
    error: str | None = None


def choose_garbage(
    listing: Iterable[StoredObject],
    manifests: Mapping[str, bytes | None],
    recorded_keys: Collection[str],
    now: dt.datetime,
    keep_days: int,
) -> Garbage:
    """Choose the day files to delete; pure, so every rule is tested with a table.

    `manifests` holds every manifest found in the store (None: it could not be
    read); `recorded_keys` the day files the database marks for current windows.
    A day file named for a date that has not yet passed everywhere is kept too:
    a publish in progress writes it before the manifest and the record naming it.
    """
    referenced: set[str] = set(recorded_keys)
    unreadable: dict[str, str] = {}
    for key, content in manifests.items():
        try:
            referenced.update(manifest_references(key, content))
        except ValueError as error:
            unreadable[key] = str(error)
    skipped_folders = tuple(key.removesuffix(MANIFEST) for key in unreadable)
    since = records_since(now)
    cutoff = now - dt.timedelta(days=keep_days)
    chosen: list[StoredObject] = []
    kept: list[tuple[str, str]] = []
    counts = {"day_files": 0, "referenced": 0, "recent": 0, "young": 0, "skipped": 0}
    for stored in listing:
        if not is_day_file(stored.key):
            continue
        counts["day_files"] += 1
        if stored.key.startswith(skipped_folders):
            counts["skipped"] += 1
            kept.append((stored.key, "skipped (unreadable manifest)"))
        elif stored.key in referenced:
            counts["referenced"] += 1
            kept.append((stored.key, "referenced"))
        elif not _date_passed(stored.key, since):
            counts["recent"] += 1
            kept.append((stored.key, f"recent (unreferenced, {RECENT})"))
        elif stored.modified >= cutoff:
            counts["young"] += 1
            kept.append((stored.key, f"young (unreferenced, younger than {keep_days} days)"))
        else:
            chosen.append(stored)
    chosen.sort(key=lambda s: (s.modified, s.key))
    return Garbage(tuple(chosen), unreadable, **counts, kept=tuple(sorted(kept)))


def is_day_file(key: str) -> bool:
    """`schools/<school-key>/days/<name>`, and nothing deeper or elsewhere."""
    parts = key.split("/")
    return len(parts) == 4 and parts[0] == "schools" and parts[2] == "days" and bool(parts[3])


def manifest_references(key: str, content: bytes | None) -> set[str]:
    """The keys of the day files a manifest names; ValueError when it is not a manifest."""
    if content is None:
        raise ValueError("could not be read")
    try:
        document = json.loads(content)
    except ValueError:
        raise ValueError("not valid JSON") from None
    days = document.get("days") if isinstance(document, dict) else None
    if not isinstance(days, list) or not all(
        isinstance(day, dict) and isinstance(day.get("path"), str) for day in days
    ):
        raise ValueError("has no list of days with paths")
    folder = key.removesuffix(MANIFEST)
    return {folder + day["path"] for day in days}


def _date_passed(key: str, since: dt.date) -> bool:
    """Whether the date a day file is named for (`YYYY-MM-DD-...`) is before `since`.

    A name without a date (not written by this publisher) has no date to wait for.
    """
    try:
        named = dt.date.fromisoformat(key.rsplit("/", 1)[-1][:10])
    except ValueError:
        return True
    return named < since


def find_garbage(
    sessions: sessionmaker[Session],
    store: Store,
    now: dt.datetime,
    keep_days: int = DEFAULT_KEEP_DAYS,
    concurrency: int = 16,
) -> Garbage:
    """List the store once, read every manifest in it, and plan what gc deletes.

    A manifest that cannot be fetched because the store fails raises StoreError:
    nothing is planned from a partial view of the store.
    """
    store.check()
    return find_garbage_in_listing(
        sessions, store, list(store.list(SCHOOLS)), now, keep_days, concurrency
    )


def find_garbage_in_listing(
    sessions: sessionmaker[Session],
    store: Store,
    listing: Sequence[StoredObject],
    now: dt.datetime,
    keep_days: int = DEFAULT_KEEP_DAYS,
    concurrency: int = 16,
) -> Garbage:
    """`find_garbage` on a listing of `schools/` already made (`verify` counts day files
    with it): reads every manifest listed, then `choose_garbage`."""
    manifest_keys = [s.key for s in listing if _is_manifest(s.key)]
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        manifests = dict(zip(manifest_keys, pool.map(store.get, manifest_keys), strict=True))
    since = records_since(now)
    with sessions() as session:
        recorded = recorded_day_keys(session, store.identity(), since)
    return choose_garbage(listing, manifests, recorded, now, keep_days)


def _is_manifest(key: str) -> bool:
    parts = key.split("/")
    return len(parts) == 3 and parts[0] == "schools" and parts[2] == MANIFEST


def delete_garbage(sessions: sessionmaker[Session], store: Store, plan: Garbage) -> GcResult:
    """Delete the planned day files, a `DELETE_STEP` at a time, and forget their records.

    Stops at the first step the store fails (naming a key and its error); the
    steps before it stay deleted and forgotten (in this store's records only).
    """
    keys = [stored.key for stored in plan.delete]
    deleted: list[str] = []
    for batch in iter_batches(keys, DELETE_STEP):
        try:
            store.delete(batch)
        except StoreError as error:
            return GcResult(tuple(deleted), str(error))
        with sessions() as session, session.begin():
            forget_objects(session, store.identity(), batch)
        deleted.extend(batch)
    return GcResult(tuple(deleted))
