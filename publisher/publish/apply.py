"""Applying a plan: the one loop that writes planned objects to a store, in order.

Publish, `verify --repair` and the page's shared objects all write through
`apply_writes`, so every write gets the same headers and the same create-only
rule, and a sequence always stops at its first failure: what comes later in it
(a manifest after its day files, sw.js after the assets) is never written ahead
of what it names (invariant 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from publisher.errors import StoreError
from publisher.publish.plan import PlannedWrite
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
