"""The few exceptions people read: each carries one line naming what is wrong.

The command line maps them to exit codes: `ConfigError` is bad usage or
configuration (exit 2); the others concern one school or one file and only make
the run as a whole exit 1 while everything else goes ahead.
"""

from __future__ import annotations

import re

QUOTED_LENGTH = 80
"""The most characters of a user's text an error message quotes."""


def quote(text: str, limit: int = QUOTED_LENGTH) -> str:
    """User text as an error line shows it: in double quotes, on one line, short.

    Whatever the text holds, the message stays one readable line: a line break,
    control, invisible or direction-changing character is shown as an escape
    (`\\n`, `\\u202e`) so it can neither split the line nor reorder it on a
    terminal, and text longer than `limit` is cut with "…" and its length noted.
    """
    shown = "".join(ch if ch.isprintable() else _escape(ch) for ch in text[:limit])
    if len(text) <= limit:
        return f'"{shown}"'
    return f'"{shown}…" ({len(text)} characters)'


def _escape(character: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(character)
    if named:
        return named
    code = ord(character)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_PASSWORD_IN_URL = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*):[^\s/?#@]*@")


def mask_userinfo(text: str) -> str:
    """`text` with the password of every URL in it replaced by `***`.

    An endpoint or an edge may be given as `https://user:password@host`, and
    botocore, http.client and our own messages repeat the URL they were given:
    every message and log line passes through here. The user name stays, as
    SQLAlchemy shows a database URL (`user:***@host`), to tell accounts apart.
    """
    return _PASSWORD_IN_URL.sub(r"\g<head>:***@", text)


class PublisherError(Exception):
    """Base class: `str(error)` is the one line shown to the user, any URL's
    password masked (`mask_userinfo`) whoever built the message."""

    def __str__(self) -> str:
        return mask_userinfo(super().__str__())


class ConfigError(PublisherError):
    """Bad usage or configuration: unknown school, unreadable database URL, unreachable target."""


class ValidationError(PublisherError):
    """A document or a school's data is invalid; the message names the file or school and field."""


class BuildError(PublisherError):
    """A school's rows cannot be turned into day snapshots."""


class StoreError(PublisherError):
    """The target store refused or failed a read or a write."""
