"""Settings: command-line flags override environment variables, which override these defaults.

Click reads each flag and its environment variable (`envvar=`); this module holds
the defaults and the values built from them, so the library never reads the
environment itself. It also holds the values a flag chooses from (`click.Choice`),
which the rooms that act on them import from here: the command line declares its
options, and `--help` shows them, without importing those rooms (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///publisher.db"
DEFAULT_TARGET = "file://./public"
DEFAULT_DAYS = 7
DEFAULT_CONCURRENCY = 16
DEFAULT_POLL_INTERVAL = 60
DEFAULT_MUTABLE_MAX_AGE = 60
DEFAULT_STALE_WHILE_REVALIDATE = 60
DEFAULT_STALE_IF_ERROR = 7 * 24 * 3600
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
ALERT_CACHE_CONTROL = "public, max-age=5, stale-if-error=60"
"""A school's alert.json: an urgent message must reach screens in seconds, so caches
keep it five seconds (a screen polls it about every ten); when the origin fails,
a minute more, so a short outage neither raises nor drops an alert on screens
beyond what the page itself holds (it keeps the last alert it saw until its end)."""
DEFAULT_KEEP_DAYS = 14
"""Retention of day files no manifest names: `gc` and `verify --keep-days`."""
DEFAULT_WATCH_INTERVAL = 10
"""Seconds between `watch`'s looks for changed schools."""
DEFAULT_WATCH_FULL_INTERVAL = 3600
"""Seconds between `watch`'s passes over every school whose inputs changed."""
DEFAULT_WATCH_COMPARE_INTERVAL = 86400
"""Seconds between `watch`'s full comparisons: every school built and compared."""
DEFAULT_DEMO_SCHOOLS = 4
"""How many schools `publisher demo` loads unless told otherwise: the hand-written ones."""

CHECKSUM_MODES = ("when_supported", "when_required")
"""`StoreOptions.checksum`: when request checksums are sent (a store that rejects
CRC headers needs `when_required`)."""
ALERT_LEVELS = ("urgent", "notice")
"""An alert's levels, the most pressing first: a screen shows urgent alerts before notices."""
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Weekday names in `date.weekday()` order."""
LOCALES = ("ar", "en")
"""A school's languages."""
DOCUMENT_FORMATS = ("yaml", "json")
"""How a school document is written: `import --format`, `export --format`."""
TIMETABLE_FORMATS = ("asc", "spreadsheet", "untis")
"""`import --from` values besides `document`, the school documents."""

BATCH_SIZE = 200
"""Schools loaded, built, applied and recorded together (publish, verify): bounds the
memory a run holds and the queries it makes per batch, whatever the number of schools."""


@dataclass(frozen=True)
class CachePolicy:
    """The Cache-Control headers objects are stored with.

    Immutable objects (day files, page assets) are cached for a year; mutable
    ones (manifests, pages) briefly, served stale while revalidating and for a
    long time when the origin fails; alert objects for seconds.
    """

    mutable_max_age: int = DEFAULT_MUTABLE_MAX_AGE
    stale_while_revalidate: int = DEFAULT_STALE_WHILE_REVALIDATE
    stale_if_error: int = DEFAULT_STALE_IF_ERROR
    immutable: str = IMMUTABLE_CACHE_CONTROL
    alert: str = ALERT_CACHE_CONTROL

    @property
    def mutable(self) -> str:
        return (
            f"public, max-age={self.mutable_max_age}, "
            f"stale-while-revalidate={self.stale_while_revalidate}, "
            f"stale-if-error={self.stale_if_error}"
        )


@dataclass(frozen=True)
class PublishSettings:
    """What a publish run needs besides the database and the store."""

    days: int = DEFAULT_DAYS
    concurrency: int = DEFAULT_CONCURRENCY
    poll_interval: int = DEFAULT_POLL_INTERVAL
    cache: CachePolicy = CachePolicy()
    public_url: str | None = None  # None: pages reach their data and assets by relative URLs
