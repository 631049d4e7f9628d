"""An aSc Timetables XML export as a tree of elements: decoded without guessing,
parsed without entity expansion, and one-line errors about its elements."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import NoReturn
from xml.parsers.expat import errors as expat_errors

from publisher.errors import ValidationError, quote
from publisher.imports.encoding import decode

_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DOCTYPE = re.compile(r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE", re.S | re.I)
_CUT_SHORT = frozenset(
    getattr(expat_errors, name)
    for name in ("XML_ERROR_NO_ELEMENTS", "XML_ERROR_UNCLOSED_TOKEN", "XML_ERROR_PARTIAL_CHAR")
)
_PLAIN_ID = re.compile(r"[\w*.#-]+")


def parse(content: bytes, source: str, encoding: str | None) -> ET.Element:
    """The root element, the text decoded as given (`--encoding`) or declared.

    A document type declaration is refused: an export never has one, and it is
    the door to entity expansion (a small file that grows to gigabytes).
    """
    declared = _DECLARED_ENCODING.match(content[:200])
    text = decode(content, source, encoding or (declared and declared[1].decode("ascii")))
    if _DOCTYPE.match(text):
        raise ValidationError(
            f"{source}: has a <!DOCTYPE> declaration, which aSc exports never have: refused"
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        line, column = error.position
        reason = expat_errors.messages.get(error.code, "not well-formed")
        if reason in _CUT_SHORT:
            reason += ": the file seems cut short"
        raise ValidationError(
            f"{source}: not well-formed XML at line {line}, column {column + 1} ({reason})"
        ) from None
    if root.tag != "timetable":
        raise ValidationError(
            f"{source}: the root element is <{root.tag}>, not <timetable>:"
            " not an aSc Timetables XML export"
        )
    return root


class Export:
    """The export's collections, and one-line errors about their elements."""

    REQUIRED = ("periods", "subjects", "classes", "lessons", "cards")

    def __init__(self, root: ET.Element, source: str) -> None:
        self.root = root
        self.source = source
        for collection in self.REQUIRED:
            if root.find(collection) is None:
                self.fail(f"has no <{collection}> collection: not a complete timetable export")

    def items(self, collection: str, element: str) -> list[ET.Element]:
        found = self.root.find(collection)
        return [] if found is None else found.findall(element)

    def by_id(self, collection: str, element: str) -> dict[str, ET.Element]:
        """A collection's elements by id; an element without an id is an error."""
        found: dict[str, ET.Element] = {}
        for number, item in enumerate(self.items(collection, element), 1):
            found[self.required(item, "id", f"<{element}> number {number}")] = item
        return found

    def required(self, item: ET.Element, attribute: str, where: str) -> str:
        value = (item.get(attribute) or "").strip()
        if not value:
            self.fail(f"{where} has no {attribute}= attribute")
        return value

    def fail(self, message: str) -> NoReturn:
        raise ValidationError(f"{self.source}: {message}")


def shown_id(value: str) -> str:
    """An id as messages show it: plain when it is a plain word, quoted otherwise."""
    return value if _PLAIN_ID.fullmatch(value) else quote(value)


def id_list(value: str | None) -> list[str]:
    """aSc's id lists: comma-separated, possibly empty."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def first_of(item: ET.Element, *attributes: str) -> str:
    """The first of `attributes` the element gives, stripped; "" when none."""
    for attribute in attributes:
        value = (item.get(attribute) or "").strip()
        if value:
            return value
    return ""
