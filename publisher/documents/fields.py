"""Checking single values of a document (types and forms), each error naming its field path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any, NoReturn

from publisher.build.source import WEEKDAYS
from publisher.errors import ValidationError

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def quote(text: str) -> str:
    return f'"{text}"'


def describe(value: Any) -> str:
    """How a value looks to someone reading the document, for "found ..." in errors."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
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


@dataclass(frozen=True)
class At:
    """Where a value sits: the file as given on the command line and the path inside it.

    List positions count from 1, as a person counts rows: `lessons[1]` is the first lesson.
    """

    source: str
    path: str = ""

    def key(self, name: str) -> At:
        return At(self.source, f"{self.path}.{name}" if self.path else name)

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


def sequence(value: Any, at: At) -> list[Any]:
    if not isinstance(value, list):
        at.fail(f"expected a list, found {describe(value)} (write [] for none)")
    return value


def records(
    value: Any, at: At, required: Sequence[str], optional: Sequence[str] = ()
) -> Iterator[tuple[At, dict[str, Any]]]:
    """Each row of a list of mappings, with its position for error messages."""
    for position, row in enumerate(sequence(value, at), start=1):
        where = at.item(position)
        yield where, mapping(row, where, required, optional)


def text(value: Any, at: At, *, max_length: int = 200, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, int | float | bool) else ""
        at.fail(f"expected text, found {describe(value)}{hint}")
    if not value.strip() and not allow_empty:
        at.fail("must not be empty")
    if len(value) > max_length:
        at.fail(f"is {len(value)} characters long; at most {max_length} are allowed")
    if any(ch < " " and ch not in "\t\n\r" for ch in value):
        at.fail("contains a control character")
    return value


def choice(value: Any, at: At, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        at.fail(f"expected one of {', '.join(allowed)}, found {describe(value)}")
    return value


def integer(value: Any, at: At, *, minimum: int = 0, maximum: int = 999) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        at.fail(f"expected a whole number, found {describe(value)}")
    if not minimum <= value <= maximum:
        at.fail(f"must be from {minimum} to {maximum}, found {value}")
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
    """A date: YAML reads one itself; JSON gives "YYYY-MM-DD" text."""
    if isinstance(value, dt.datetime):
        at.fail(f"expected a date YYYY-MM-DD, found {describe(value)}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            at.fail(f"{value} is not a date that exists")
    at.fail(f"expected a date YYYY-MM-DD, found {describe(value)}")


def time(value: Any, at: At) -> dt.time:
    """A local time of day written "HH:MM" (or "HH:MM:SS")."""
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 7:45 as the base-60 number 465.
        at.fail(f'expected a time "HH:MM", found the number {value}; put the time in quotes')
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        at.fail(f'expected a time "HH:MM", found {describe(value)}')
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        at.fail(f"{value} is not a time of day (00:00 to 23:59)")
    return dt.time(hour, minute, second)


def clock(value: dt.time) -> str:
    """A time as the document writes it: "HH:MM", with seconds only when there are any."""
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")
