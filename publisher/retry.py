"""Every retry policy of the publisher, in one place: how often a failure is tried again, and why.

Each policy is read by one room; a change of rhythm is a change here.

- a request to an S3 store (`stores/s3.py`): botocore's `standard` mode, `S3_ATTEMPTS`;
- a CloudFront invalidation (`cdn/cloudfront.py`): the same mode, `CLOUDFRONT_ATTEMPTS`;
- a refresh of an nginx edge (`cdn/edges.py`): urllib3's `EDGE_RETRY`;
- `watch` after an outage or a school's failure (`watch.py`): `watch_backoff`;
- a publish waiting for schools another publisher holds: `BUSY_RETRY_SECONDS`;
- the display page polling its manifest (`site/js/backoff.js`): `PAGE_BACKOFF`, which
  reaches the page through its settings (`publisher.page.TIMING`), and bench/ from there.

Nothing here imports the rest of the package, so every room may read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from urllib3.util.retry import Retry

S3_ATTEMPTS = 8
"""Tries per S3 request, the first included (`StoreOptions.max_attempts`, the default).

botocore's `standard` mode retries 500s, 503 SlowDown, throttling, timeouts and
dropped connections with exponential backoff and full jitter (at most 20 s). Eight
tries ride out a store's throttling burst of about half a minute; past that, the
school fails alone and the next run (or `watch`) tries it again.
"""

CLOUDFRONT_ATTEMPTS = 9
"""Tries per CloudFront request, the first included (the first try and 8 retries).

CloudFront throttles CreateInvalidation per account; `standard` mode retries
throttling with backoff and jitter. TooManyInvalidationsInProgress is not
retryable there: it is reported, and the objects are published either way.
"""


def botocore_retries(attempts: int) -> dict[str, Any]:
    """botocore's `retries` config for `attempts` tries, the first included.

    `total_max_attempts` counts the first try; botocore's `max_attempts` would
    count only the retries and so make one attempt more than asked.
    """
    return {"mode": "standard", "total_max_attempts": attempts}


EDGE_RETRY = Retry(
    total=2,
    status_forcelist=(429, 500, 502, 503, 504),
    allowed_methods=("GET",),
    backoff_factor=0.5,
    backoff_jitter=0.5,
    raise_on_status=False,
    respect_retry_after_header=False,
    redirect=False,
)
"""A refresh of an nginx edge: three tries, then the edge is reported.

A refused or dropped connection, a timeout, or an answer of 429, 500, 502, 503 or
504 is tried again: at once (urllib3 does not wait before its first retry), then
after 1 to 1.5 s. The jitter spreads the retries of the refresh threads, which
all meet the same failing edge together. Any other answer is an answer (a 200
without `BYPASS` is an edge that does not list this host): trying again would not
change it. The last answer is returned, not raised, so the report names its
status; a `Retry-After` is not obeyed, since a refresh that waits longer than a
run is worse than one reported; a redirect is an answer too, as it was before.
"""

WATCH_MAX_WAIT = 300.0
"""The longest wait of `watch` between retries after an outage or a school's failure, in
seconds: an outage of an hour is noticed within five minutes of its end."""


def watch_backoff(first_wait: float, failures: int) -> float:
    """Seconds `watch` waits after the `failures`-th failure in a row (1, 2, ...).

    Doubling from `first_wait` (a second for the database and the store, the
    polling interval for a failing school), so a long outage costs at most twelve
    quiet tries an hour rather than one every interval; capped at `WATCH_MAX_WAIT`.
    """
    return min(WATCH_MAX_WAIT, first_wait * 2 ** (failures - 1))


BUSY_RETRY_SECONDS = 0.25
"""How often a run waiting for schools another publisher holds tries to claim them.

A claim is one short statement and the other publisher usually finishes a school
in well under a second, so a quarter of a second keeps `publish --school` prompt
without busying the database."""


@dataclass(frozen=True)
class PageBackoff:
    """The page's retries after a failed poll (`site/js/backoff.js` `retryDelay`):
    `base_ms` x `factor`^(n-1), capped at `cap_ms`, each with up to `jitter` of it
    taken off at random."""

    base_ms: int
    factor: float
    cap_ms: int
    jitter: float


PAGE_BACKOFF = PageBackoff(base_ms=2_000, factor=1.5, cap_ms=30_000, jitter=0.25)
"""2 s, 3 s, 4.5 s ... up to 30 s: a screen notices a recovered CDN within half a minute,
while thousands of screens that failed together spread their retries (the jitter) and
back off gently enough not to keep a struggling origin down. Shipped in the page's
settings (`publisher.page.TIMING`)."""
