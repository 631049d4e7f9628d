"""Checking the names a document's rows refer to each other by: classes, teachers, rooms."""

from __future__ import annotations

from typing import Any

from publisher.documents import limits
from publisher.documents.fields import At, text
from publisher.errors import quote


def class_name(value: Any, at: At) -> str:
    return text(value, at, max_length=limits.SHORT_NAME_LENGTH, identifier=True)


def known_class(value: Any, at: At, classes: set[str]) -> str:
    """The name of one of the school's `classes`."""
    name = class_name(value, at)
    if name not in classes:
        at.fail(f"unknown class {quote(name)} (not in classes)")
    return name


def teacher(value: Any, at: At, *, allow_empty: bool = False) -> str:
    return text(value, at, max_length=limits.NAME_LENGTH, identifier=True, allow_empty=allow_empty)


def room(value: Any, at: At, *, allow_empty: bool = False) -> str:
    """A room's name ("B-12", "المختبر"): it identifies a place, like a class's name."""
    return text(
        value, at, max_length=limits.SHORT_NAME_LENGTH, identifier=True, allow_empty=allow_empty
    )
