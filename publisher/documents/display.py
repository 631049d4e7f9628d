"""Validating a document's `display:` block: how the school's screen looks, and its logo.

The logo is named in the document as an image file (its path relative to the
document's folder) or given inline as a `data:` URI, as `export` writes it so
that one document holds the whole school. Either way its type is read from
its bytes, never from a name: a screen gets a PNG, JPEG or WebP, or nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from publisher.build.source import LOGO_TYPES, DisplaySettings, Logo, NightHours
from publisher.documents import limits
from publisher.documents.fields import At, boolean, choice, clock, describe, mapping, text, time
from publisher.errors import quote

ReadFile = Callable[[str], bytes]
"""Reads a file named in a document, relative to the document's folder (raises OSError)."""

DIGITS = ("arab", "latn")
_ACCENT = re.compile(r"#[0-9a-fA-F]{6}")
_DATA_URI = re.compile(r"data:([a-z/]+);base64,(.*)", re.DOTALL)


def display(value: Any, at: At, read_file: ReadFile | None) -> DisplaySettings:
    """The settings given; each one left out keeps its default (resolved by the manifest)."""
    row = mapping(value, at, (), ("hijri", "digits", "accent", "logo", "night"))
    return DisplaySettings(
        hijri=boolean(row["hijri"], at.key("hijri")) if "hijri" in row else None,
        digits=choice(row["digits"], at.key("digits"), DIGITS) if "digits" in row else None,
        accent=_accent(row["accent"], at.key("accent")) if "accent" in row else None,
        logo=_logo(row["logo"], at.key("logo"), read_file) if "logo" in row else None,
        night=_night(row["night"], at.key("night")) if "night" in row else None,
    )


def _accent(value: Any, at: At) -> str:
    if not isinstance(value, str) or not _ACCENT.fullmatch(value):
        at.fail(f'expected a colour "#rrggbb" (such as "#1a7f5a"), found {describe(value)}')
    return value.lower()


def _night(value: Any, at: At) -> NightHours:
    row = mapping(value, at, ("start", "end"))
    start, end = (time(row[name], at.key(name)) for name in ("start", "end"))
    for name, moment in (("start", start), ("end", end)):
        if moment.second:
            at.key(name).fail(f'expected a time "HH:MM" without seconds, found {clock(moment)}')
    if start == end:
        at.key("end").fail(f"equals the start {clock(start)}; night hours need a length")
    return NightHours(start, end)


def _logo(value: Any, at: At, read_file: ReadFile | None) -> Logo:
    name = text(value, at, max_length=limits.LOGO_BYTES * 2)
    inline = _DATA_URI.fullmatch(name)
    if inline is not None:
        content = _decode(inline.group(2), at)
    elif read_file is None:
        at.fail("a logo file can only be read from a document file; give it as a data: URI")
    else:
        try:
            content = read_file(name)
        except OSError as error:
            at.fail(f"cannot read {quote(name)}: {error.strerror or error}")
    logo = Logo(content, _image_type(content, at))
    if inline is not None and inline.group(1) != logo.media_type:
        at.fail(f"the data: URI says {inline.group(1)} but holds a {logo.media_type} image")
    return logo


def _decode(encoded: str, at: At) -> bytes:
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except binascii.Error:
        at.fail("the data: URI is not valid base64")


def _image_type(content: bytes, at: At) -> str:
    """The logo's type (a key of LOGO_TYPES), read from its first bytes; its size checked."""
    if len(content) > limits.LOGO_BYTES:
        at.fail(
            f"is {len(content):,} bytes; a logo may be at most {limits.LOGO_BYTES:,} bytes"
            f" ({limits.LOGO_BYTES // 1024} KB)"
        )
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    kinds = ", ".join(sorted({t.split("/")[1].upper() for t in LOGO_TYPES.values()}))
    at.fail(f"is not an image the screen can show (expected {kinds})")


def display_document(settings: DisplaySettings) -> dict[str, Any]:
    """The `display:` block of a document, holding only what is set (the logo inline)."""
    block: dict[str, Any] = {}
    if settings.hijri is not None:
        block["hijri"] = settings.hijri
    if settings.digits is not None:
        block["digits"] = settings.digits
    if settings.accent is not None:
        block["accent"] = settings.accent
    if settings.logo is not None:
        encoded = base64.b64encode(settings.logo.content).decode("ascii")
        block["logo"] = f"data:{settings.logo.media_type};base64,{encoded}"
    if settings.night is not None:
        block["night"] = {"start": clock(settings.night.start), "end": clock(settings.night.end)}
    return block
