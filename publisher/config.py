"""Settings: command-line flags override environment variables, which override these defaults.

Click reads each flag and its environment variable (`envvar=`); this module holds
the defaults and the values built from them, so the library never reads the
environment itself.
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
