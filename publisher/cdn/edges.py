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
"""

from __future__ import annotations

import base64
import http.client
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote, urlsplit

from publisher.errors import ConfigError, PublisherError

REFRESH_HEADER = "X-Publisher-Refresh"
ATTEMPTS = 3  # a refused connection or a 5xx is tried again after 0.5 s, then 1 s
TIMEOUT_SECONDS = 10.0
CONNECTIONS = 8  # refreshes in flight


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


def refresh_edges(urls: Sequence[str], keys: Sequence[str]) -> None:
    """Refresh every key (relative to the published prefix) at every edge.

    All of them are tried; the error names the first failure and how many there were.
    """
    edges = [check_edge_url(url) for url in urls]
    urls_and_keys = [(edge, key) for edge in edges for key in sorted(set(keys))]
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        results = pool.map(lambda pair: _refresh(*pair), urls_and_keys)
        failures = [problem for problem in results if problem]
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise EdgeRefreshError(f"{failures[0]}{more}")


def _refresh(edge_url: str, key: str) -> str | None:
    """One refresh, tried up to ATTEMPTS times; a description of the failure, or None."""
    url = f"{edge_url}/{key}"
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, cache = _get(url)
        except OSError as error:
            problem = f"edge {edge_url}: {key}: {error}"
        else:
            if status == 200 and cache == "BYPASS":
                return None
            problem = f"edge {edge_url}: {key}: HTTP {status}, X-Cache-Status {cache or 'missing'}"
            if status < 500:  # an answer, but not a refresh: trying again will not help
                if status == 200:
                    problem += " (is this host allowed to refresh? see the edge's geo list)"
                return problem
        if attempt < ATTEMPTS:
            time.sleep(0.5 * attempt)
    return problem


def _get(url: str) -> tuple[int, str | None]:
    """GET with the refresh header; a user and password in the URL go as Basic auth
    (http.client would take them for part of the host name)."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    headers = {REFRESH_HEADER: "1"}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache-Status")
    finally:
        connection.close()
