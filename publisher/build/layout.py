"""Where published objects live, relative to the target's prefix (the contract with the CDN).

schools/<school-key>/index.html
schools/<school-key>/manifest.json
schools/<school-key>/alert.json        (publisher.build.alert: rewritten in place, named by nothing)
schools/<school-key>/days/<YYYY-MM-DD>-r<rev>-<hash>.json
schools/<school-key>/logo-<hash>.<png|jpg|webp>
assets/<build-hash>/<file>
sw.js
"""

from __future__ import annotations

import datetime as dt
import re

from publisher.build.encode import sha256_hex
from publisher.build.source import Logo, SchoolData
from publisher.errors import BuildError

HASH_DIGITS = 16
SERVICE_WORKER_KEY = "sw.js"

SCHOOL_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")
"""A school's public key: 22 to 64 URL-safe base64 characters, at least 128 bits."""


def check_school_key(school: SchoolData) -> str:
    """The school's key, or BuildError naming the school when it is not one we drew.

    The key is the only secret in a screen's URL and the folder of everything the
    school publishes. One set with plain SQL could be empty (the school would
    publish to `schools/manifest.json`), short enough to guess, or hold `/` or
    `..` and write into another school's folder. The key itself is not shown:
    a short one is a guessable URL already.
    """
    if not SCHOOL_KEY.fullmatch(school.key):
        raise BuildError(
            f"school {school.slug}: public key is not 22 to 64 URL-safe characters "
            "(A-Z a-z 0-9 _ -); set a new one by importing the school with a valid `key`"
        )
    return school.key


def school_prefix(school_key: str) -> str:
    """The folder of a school's objects. Refuses a malformed key, as a last line:
    planning checks each school's key first (`check_school_key`), naming it."""
    if not SCHOOL_KEY.fullmatch(school_key):
        raise BuildError("a school's public key is not 22 to 64 URL-safe characters")
    return f"schools/{school_key}/"


def manifest_key(school_key: str) -> str:
    return f"{school_prefix(school_key)}manifest.json"


def page_key(school_key: str) -> str:
    return f"{school_prefix(school_key)}index.html"


def day_name(day: dt.date, revision: int, sha256: str) -> str:
    """A day file's path relative to its manifest; the hash makes it immutable."""
    return f"days/{day.isoformat()}-r{revision}-{sha256[:HASH_DIGITS]}.json"


def day_key(school_key: str, name: str) -> str:
    return f"{school_prefix(school_key)}{name}"


def logo_name(logo: Logo) -> str:
    """A logo's path relative to the manifest; named by its content, so it is immutable."""
    return f"logo-{sha256_hex(logo.content)[:HASH_DIGITS]}.{logo.extension}"


def logo_key(school_key: str, logo: Logo) -> str:
    return f"{school_prefix(school_key)}{logo_name(logo)}"
