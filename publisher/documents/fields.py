"""Checking single values of a document (types, forms, characters), each error naming its field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, NoReturn

from publisher.build.source import WEEKDAYS
from publisher.errors import ValidationError, quote

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")

# Digits a school's secretary may type on an Arabic or East Asian keyboard.
# Times and dates written with them mean the same as with 0-9; no other digits do.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic ٠١٢٣٤٥٦٧٨٩
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Eastern Arabic-Indic ۰۱۲۳۴۵۶۷۸۹
        **{chr(0xFF10 + n): str(n) for n in range(10)},  # full-width ０１２３４５６７８９
        "\uff1a": ":",  # full-width colon
        "\uff0d": "-",  # full-width hyphen-minus
    }
)

# Characters no text may hold: controls (C0, DEL, C1), lone surrogates (not
# characters at all; the database cannot store them), and the bidi embeddings,
# overrides and isolates, which reorder what follows them on screen ("evil"
# displayed as "live"). The page isolates each name itself with <bdi>.
_NEVER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# Also refused in names that identify something (a class, a teacher, a bell
# schedule): the invisible marks and zero-width characters, with which "7A" and
# "7\u200bA" would be two classes that look the same.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u2060\ufeff]")
# Announcements may run over several lines.
_LINE_BREAK = "\n"


def describe(value: Any) -> str:
    """How a value looks to someone reading the document, for "found ..." in errors."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and not -(10**20) < value < 10**20:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_KEY_LENGTH = 40  # of a user's key in a field path


@dataclass(frozen=True)
class At:
    """Where a value sits: the file as given on the command line and the path inside it.

    List positions count from 1, as a person counts rows: `lessons[1]` is the first lesson.
    """

    source: str
    path: str = ""

    def key(self, name: str) -> At:
        # A key may be the user's own text (a bell schedule's name): the path
        # quotes it when it is long or holds characters that would garble the line.
        plain = name.isprintable() and len(name) <= _KEY_LENGTH
        shown = name if plain else quote(name, _KEY_LENGTH)
        return At(self.source, f"{self.path}.{shown}" if self.path else shown)

    def item(self, position: int) -> At:
        return At(self.source, f"{self.path}[{position}]")

    def fail(self, problem: str) -> NoReturn:
        where = f"{self.source}: {self.path}" if self.path else self.source
        raise ValidationError(f"{where}: {problem}")


def mapping(
    value: Any, at: At, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    """A mapping with exactly the keys allowed: all of `required`, any of `optional`."""
    if not isinstance(value, dict):
        at.fail(f"expected a mapping, found {describe(value)}")
    allowed = [*required, *optional]
    for key in value:
        if key not in allowed:
            shown = quote(key) if isinstance(key, str) else describe(key)
            close = get_close_matches(str(key), allowed, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"expected {', '.join(allowed)}"
            at.fail(f"unknown key {shown} ({hint})")
    for key in required:
        if key not in value:
            at.key(key).fail("required but missing")
    return value


def sequence(value: Any, at: At, max_items: int) -> list[Any]:
    """A list of at most `max_items` entries, refused before any entry is looked at."""
    if not isinstance(value, list):
        at.fail(f"expected a list, found {describe(value)} (write [] for none)")
    if len(value) > max_items:
        at.fail(f"has {len(value)} entries; at most {max_items} are allowed")
    return value


def records(
    value: Any, at: At, required: Sequence[str], optional: Sequence[str] = (), *, max_items: int
) -> Iterator[tuple[At, dict[str, Any]]]:
    """Each row of a list of mappings, with its position for error messages."""
    for position, row in enumerate(sequence(value, at, max_items), start=1):
        where = at.item(position)
        yield where, mapping(row, where, required, optional)


def text(
    value: Any,
    at: At,
    *,
    max_length: int = 200,
    allow_empty: bool = False,
    identifier: bool = False,
    multiline: bool = False,
) -> str:
    """Text of at most `max_length` characters, holding no character that could garble it.

    `identifier` is for names that identify something (a class, a teacher, a
    bell schedule): they may not hold invisible characters either. Only
    `multiline` text (an announcement) may hold line breaks.
    """
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, int | float | bool) else ""
        at.fail(f"expected text, found {describe(value)}{hint}")
    if not value.strip() and not allow_empty:
        at.fail("must not be empty")
    if len(value) > max_length:
        at.fail(f"is {len(value)} characters long; at most {max_length} are allowed")
    _check_characters(value, at, identifier=identifier, multiline=multiline)
    return value


def _check_characters(value: str, at: At, *, identifier: bool, multiline: bool) -> None:
    for found in _NEVER.finditer(value):
        character = found.group()
        if multiline and character == _LINE_BREAK:
            continue
        where = f"at position {found.start() + 1}"
        code = f"U+{ord(character):04X}"
        if character < "\xa0":
            lines = " (only an announcement may have several lines)" if character in "\n\r" else ""
            at.fail(f"contains the control character {code} {where}{lines}")
        if "\ud800" <= character <= "\udfff":
            at.fail(f"contains {code} {where}, a lone surrogate, which is not a character")
        at.fail(
            f"contains {code} {unicodedata.name(character)} {where}; text may not change its"
            " direction (screens set the direction of each name themselves)"
        )
    if identifier:
        found_invisible = _INVISIBLE.search(value)
        if found_invisible:
            character = found_invisible.group()
            at.fail(
                f"contains the invisible character U+{ord(character):04X}"
                f" {unicodedata.name(character)} at position {found_invisible.start() + 1}"
                " (not allowed in names of classes, teachers and bell schedules)"
            )


def choice(value: Any, at: At, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        at.fail(f"expected one of {', '.join(allowed)}, found {describe(value)}")
    return value


def integer(value: Any, at: At, *, minimum: int = 0, maximum: int = 999) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        at.fail(f"expected a whole number, found {describe(value)}")
    if not minimum <= value <= maximum:
        found = describe(value).removeprefix("the number ")
        at.fail(f"must be from {minimum} to {maximum}, found {found}")
    return value


def boolean(value: Any, at: At) -> bool:
    if not isinstance(value, bool):
        at.fail(f"expected true or false, found {describe(value)}")
    return value


def weekday(value: Any, at: At) -> str:
    if not isinstance(value, str) or value not in WEEKDAYS:
        at.fail(
            f"unknown weekday {quote(value) if isinstance(value, str) else describe(value)}"
            f" (expected one of {', '.join(WEEKDAYS)}, in lowercase)"
        )
    return value


def date(value: Any, at: At) -> dt.date:
    """A date: YAML reads one itself; JSON gives "YYYY-MM-DD" text (in any digits of `_DIGITS`)."""
    if isinstance(value, dt.datetime):
        at.fail(f"expected a date YYYY-MM-DD, found {describe(value)}")
    if isinstance(value, dt.date):
        return value
    digits = value.translate(_DIGITS) if isinstance(value, str) else None
    if digits is not None and _DATE.fullmatch(digits):
        try:
            return dt.date.fromisoformat(digits)
        except ValueError:
            at.fail(f"{digits} is not a date that exists")
    at.fail(f"expected a date YYYY-MM-DD, found {describe(value)}")


def time(value: Any, at: At) -> dt.time:
    """A local time of day written "HH:MM" (or "HH:MM:SS"), in any digits of `_DIGITS`.

    Python's own parsing would take any Unicode digit; the document takes only
    those a keyboard in its schools types, explicitly, and export writes 0-9.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 7:45 as the base-60 number 465.
        at.fail(f'expected a time "HH:MM", found the number {value}; put the time in quotes')
    match = _TIME.fullmatch(value.translate(_DIGITS)) if isinstance(value, str) else None
    if match is None:
        at.fail(f'expected a time "HH:MM", found {describe(value)}')
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        at.fail(f"{match.group()} is not a time of day (00:00 to 23:59)")
    return dt.time(hour, minute, second)


def clock(value: dt.time) -> str:
    """A time as the document writes it: "HH:MM", with seconds only when there are any."""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")
