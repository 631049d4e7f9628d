"""Validating a document's `class_groups:` block: named sets of classes (a floor, a wing).

A screen shows one group's classes when its address says `?classes=<name>`,
where class names are accepted too. So a group's name must be one an operator
can type into an address (letters, digits, `-` and `_`), and must not be the
name of a class, which the same address would then mean twice.
"""

from __future__ import annotations

import re
from typing import Any

from publisher.build.source import ClassGroupRow
from publisher.documents import limits
from publisher.documents.fields import At, describe, sequence
from publisher.documents.names import known_class
from publisher.errors import quote

# Unicode letters and digits (an Arabic name is fine in an address), "_" and "-":
# no space, comma, slash, "?", "&", "#" or "%", which an address would split or garble.
_NAME = re.compile(r"[\w-]+")


def class_groups(value: Any, at: At, classes: tuple[str, ...]) -> tuple[ClassGroupRow, ...]:
    """Each group's name and classes: a known class at most once, never an empty group."""
    if not isinstance(value, dict):
        at.fail(f"expected a mapping of group names to lists of classes, found {describe(value)}")
    if len(value) > limits.CLASS_GROUPS:
        at.fail(f"has {len(value)} groups; at most {limits.CLASS_GROUPS} are allowed")
    known = set(classes)
    folded: dict[str, str] = {}
    groups = []
    for name, members in value.items():
        if not isinstance(name, str):
            at.fail(f"a group's name must be text, found {describe(name)}")
        where = at.key(name)
        _name(name, where, known)
        # Addresses are matched without regard to case: "First-Floor" and "first-floor" are one.
        if name.casefold() in folded:
            where.fail(f"the group {quote(folded[name.casefold()])} has the same name")
        folded[name.casefold()] = name
        groups.append(ClassGroupRow(name, _members(members, where, known)))
    return tuple(groups)


def _name(name: str, at: At, classes: set[str]) -> None:
    if len(name) > limits.SHORT_NAME_LENGTH:
        at.fail(f"the name is {len(name)} characters long; at most {limits.SHORT_NAME_LENGTH}")
    if not _NAME.fullmatch(name):
        at.fail(
            f"the name {quote(name)} cannot be written in a screen's address: use letters,"
            " digits, - and _ only (no spaces or punctuation)"
        )
    clash = next((c for c in classes if c.casefold() == name.casefold()), None)
    if clash is not None:
        at.fail(f"the name {quote(name)} is also a class's ({quote(clash)}); choose another")


def _members(value: Any, at: At, classes: set[str]) -> tuple[str, ...]:
    members: dict[str, int] = {}
    for position, item in enumerate(sequence(value, at, limits.CLASSES), start=1):
        name = known_class(item, at.item(position), classes)
        if name in members:
            at.item(position).fail(f"class {quote(name)} is listed twice ([{members[name]}])")
        members[name] = position
    if not members:
        at.fail("the group is empty: list at least one class")
    return tuple(members)


def class_groups_document(groups: tuple[ClassGroupRow, ...]) -> dict[str, list[str]]:
    """The `class_groups:` block of a document (empty when the school has none)."""
    return {group.name: list(group.classes) for group in groups}
