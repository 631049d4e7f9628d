"""Where published objects go: one protocol, a local folder and S3 behind it.

Code outside this package opens a store with `open_store(url, options)` and
holds it as a `Store`; which class it is, and how it batches, retries and names
its keys, stays in here.
"""

from __future__ import annotations

from publisher.config import CHECKSUM_MODES
from publisher.stores.open import open_store, target_identity
from publisher.stores.protocol import (
    Store,
    StoredObject,
    StoreOptions,
    check_key,
)

__all__ = [
    "CHECKSUM_MODES",
    "Store",
    "StoreOptions",
    "StoredObject",
    "check_key",
    "open_store",
    "target_identity",
]
