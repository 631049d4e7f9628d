"""Refreshing self-hosted nginx edges, so an admin's republish shows at once.

The edge in `infra/nginx/publisher-edge.conf` keeps manifests and pages for an
hour, far past the minute screens are told, so that hundreds of screens polling
every minute reach the store a few times an hour instead of once a minute per
school. Freshness comes from here instead: after a run, every mutable object the
run rewrote is asked for once at each edge with `X-Publisher-Refresh: 1`. The
edge lets the publisher's hosts (and no one else) bypass its cache with that
header: it fetches the object from the store and keeps the new copy.

The edge answers a refresh with `X-Cache-Status: BYPASS`. Any other answer means
it did not refresh (the header was ignored, usually because this host is not in
its list of publishers) and is reported, so a misconfigured edge does not go
unnoticed for an hour.

One urllib3 pool per run keeps a connection to each edge open for all of that
run's refreshes; how a failing refresh is retried is `publisher.retry.EDGE_RETRY`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import HTTPError, MaxRetryError

from publisher.errors import ConfigError, PublisherError
from publisher.retry import EDGE_RETRY

REFRESH_HEADER = "X-Publisher-Refresh"
TIMEOUT_SECONDS = 10.0  # to connect, and then for each read
CONNECTIONS = 8  # refreshes in flight, and connections kept per edge


class EdgeRefreshError(PublisherError):
    """An edge did not refresh (the objects themselves are published)."""


def check_edge_url(url: str) -> str:
    """`url` without a trailing slash, or a ConfigError naming what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"edge {url!r}: not an http:// or https:// URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"edge {url!r}: a query string or fragment has no place here")
    try:
        parts.port  # noqa: B018 (urlsplit checks the port only when asked for it)
    except ValueError:
        raise ConfigError(f"edge {url!r}: the port is not a number from 0 to 65535") from None
    return url.rstrip("/")


@dataclass(frozen=True)
class _Edge:
    """One edge as it is asked: its URL as given (for messages, which mask a password),
    the URL requests go to, and the headers of a refresh."""

    url: str
    base: str  # without user and password: they go as Basic auth instead
    headers: dict[str, str]

    @classmethod
    def of(cls, url: str) -> _Edge:
        parts = urlsplit(url)
        headers = {REFRESH_HEADER: "1"}
        if parts.username is not None:
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers.update(urllib3.make_headers(basic_auth=credentials))
        host = parts.netloc.rpartition("@")[2]
        return cls(url, urlunsplit((parts.scheme, host, parts.path, "", "")), headers)


def refresh_edges(urls: Sequence[str], keys: Sequence[str]) -> None:
    """Refresh every key (relative to the published prefix) at every edge.

    All of them are tried; the error names the first failure and how many there were.
    """
    edges = [_Edge.of(check_edge_url(url)) for url in urls]
    edges_and_keys = [(edge, key) for edge in edges for key in sorted(set(keys))]
    with (
        urllib3.PoolManager(
            num_pools=max(1, len(edges)),
            maxsize=CONNECTIONS,
            retries=EDGE_RETRY,
            timeout=urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS),
        ) as http,
        ThreadPoolExecutor(CONNECTIONS) as pool,
    ):
        results = pool.map(lambda pair: _refresh(http, *pair), edges_and_keys)
        failures = [problem for problem in results if problem]
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise EdgeRefreshError(f"{failures[0]}{more}")


def _refresh(http: urllib3.PoolManager, edge: _Edge, key: str) -> str | None:
    """One refresh, retried as `EDGE_RETRY` says; a description of the failure, or None."""
    try:
        response = http.request("GET", f"{edge.base}/{key}", headers=edge.headers, redirect=False)
    except (HTTPError, OSError) as error:
        reason = error.reason if isinstance(error, MaxRetryError) else error
        return f"edge {edge.url}: {key}: {reason}"
    cache = response.headers.get("X-Cache-Status")
    if response.status == 200 and cache == "BYPASS":
        return None
    problem = f"edge {edge.url}: {key}: HTTP {response.status}, X-Cache-Status {cache or 'missing'}"
    if response.status == 200:
        problem += " (is this host allowed to refresh? see the edge's geo list)"
    return problem
