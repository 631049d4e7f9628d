"""Applying a plan: the one loop that writes planned objects to a store, in order.

Publish, `verify --repair` and the page's shared objects all write through
`apply_writes` (a school's plan through `apply_school`, which calls it), so
every write gets the same headers and the same create-only rule, and a
sequence always stops at its first failure: what comes later in it (a manifest
after its day files, sw.js after the assets) is never written ahead of what it
names (invariant 1).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from publisher.errors import StoreError
from publisher.publish.plan import PlannedWrite, SchoolPlan
from publisher.publish.results import SchoolResult
from publisher.stores.protocol import Store


@dataclass(frozen=True)
class Applied:
    """What a sequence of writes did: the writes that reached the store, and the failure
    that stopped it, if any."""

    written: tuple[PlannedWrite, ...] = ()
    error: StoreError | None = None


def apply_writes(store: Store, writes: Iterable[PlannedWrite]) -> Applied:
    """Write `writes` to `store` in order; stop at the first StoreError and return it."""
    written: list[PlannedWrite] = []
    for write in writes:
        try:
            store.put(
                write.key, write.content, write.content_type, write.cache_control, write.create_only
            )
        except StoreError as error:
            return Applied(tuple(written), error)
        written.append(write)
    return Applied(tuple(written))


def apply_school(
    store: Store, plan: SchoolPlan, stop: threading.Event | None = None
) -> SchoolResult:
    """Write a school's planned objects in order; stop at the first failure.

    The plan lists day files before the manifest, so a failure leaves the old
    manifest in place, still naming files that exist (invariant 1). A school
    not yet started when `stop` is set is left alone; one under way finishes.
    """
    if stop is not None and stop.is_set():
        return SchoolResult(plan, stopped=True)
    if plan.error is not None:
        return SchoolResult(plan, error=plan.error)
    applied = apply_writes(store, plan.writes)
    if applied.error is not None:
        return SchoolResult(plan, applied.written, f"school {plan.label}: {applied.error}")
    return SchoolResult(plan, applied.written)
