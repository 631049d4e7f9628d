"""Cutting a long list into batches: for `IN (...)` clauses and per-batch transactions.

A module of its own, with no imports from the package, so that opening a
session (`session` -> `revision`) does not pull in the loader and the build.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def iter_batches(items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    """Consecutive slices of `items`, each at most `size` long, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
