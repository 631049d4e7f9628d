"""The display page: its asset files, each school's index.html and the service worker.

Pure: the same inputs always give the same bytes (no clock, no environment).
Assets are published under `assets/<build-hash>/`, named by a hash of the whole
asset tree, so a new build never overwrites an old one and ES-module relative
imports work without a bundler. The page reaches its data with relative URLs
by default, so the same files work from any prefix, a CDN or `publisher serve`.

The page's files (`publisher/site/`: templates, JS, CSS, fonts) are package
data, read through `importlib.resources`, so an installed wheel publishes the
same tree as a checkout, from any working folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from publisher.retry import PAGE_BACKOFF

SITE = resources.files("publisher") / "site"
"""The page's files, wherever the package is installed (a checkout, site-packages)."""
ASSET_FOLDERS = ("js", "css", "fonts")
BUILD_HASH_DIGITS = 16

DIRECTIONS = {"ar": "rtl", "en": "ltr"}
TITLES = {"ar": "شاشة المدرسة", "en": "School screen"}
PRELOADED_FONTS = {
    "ar": ("fonts/noto-sans-arabic-arabic-400-normal.woff2",),
    "en": ("fonts/noto-sans-arabic-latin-400-normal.woff2",),
}

TIMING: dict[str, Any] = {
    "first_timeout_ms": 15_000,  # the first load may meet a cold CDN
    "poll_timeout_ms": 9_000,
    # retries after a failure: the policy and its reasons are in publisher.retry
    "backoff_base_ms": PAGE_BACKOFF.base_ms,
    "backoff_factor": PAGE_BACKOFF.factor,
    "backoff_cap_ms": PAGE_BACKOFF.cap_ms,
    "backoff_jitter": PAGE_BACKOFF.jitter,
    "poll_offset_window_ms": 30_000,  # fixed per-school offset: FNV-1a(key) mod 30 s
    "poll_jitter_ms": 15_000,  # random per-screen jitter on top of it
    # The alert poll (alert.json): 8 s plus up to 4 s of jitter, so an alert reaches a
    # screen within its max-age (5 s, config.ALERT_CACHE_CONTROL) and one or two polls.
    "alert_poll_ms": 8_000,
    "alert_jitter_ms": 4_000,
    "stale_after_polls": 3,  # regular polls' worth of time without success -> stale marker
    "build_check_ms": 600_000,  # how often the published page is checked for a new build
    "daily_reload_ms": 86_400_000,  # reload once a day (outside lessons) to shed leaks
    "reload_min_gap_ms": 600_000,  # never two self-reloads within ten minutes,
    "reloads_per_hour": 3,  # nor more than three in an hour
    "page_interval_ms": 12_000,  # classes, duties and announcements page on this timer
    "stale_banner_ms": 3_600_000,  # data this old gets a banner giving its age in words
}
LAYOUT: dict[str, Any] = {
    # Classes on one page, by the screen's orientation and the day's density (the
    # compact card holds names up to 8 characters, subjects 24, teachers 30; any
    # longer text takes the roomy card): the grids of site/css/screen.css.
    "classes_per_page": {
        "landscape": {"compact": 20, "roomy": 10},  # 2 columns x 10 rows, 2 x 5
        "portrait": {"compact": 20, "roomy": 16},  # 2 columns x 10 rows, 2 x 8
    },
    # Changes (substitutes, cancellations, room changes) on one page of the changes
    # list, by orientation: a landscape screen has the moment's column for them.
    "changes_shown": {"landscape": 3, "portrait": 6},
    "duties_shown": 3,
    "announcements_shown": 1,
    "announcement_chars": 120,  # a longer announcement pages in pieces cut at spaces
}
SW_NETWORK_TIMEOUT_MS = 4_000
"""The service worker's wait before it answers with its copy: under the page's own timeouts."""


@cache
def _templates() -> Environment:
    """The page's templates, found when first needed: importing the package reads no file."""
    return Environment(
        loader=PackageLoader("publisher", "site/templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def asset_files() -> dict[str, bytes]:
    """Every file of the page's js/, css/ and fonts/ folders, keyed by path ("js/main.js", ...)."""
    return {
        path: entry.read_bytes()
        for folder in ASSET_FOLDERS
        for path, entry in sorted(_walk(SITE / folder, folder))
    }


def _walk(folder: Traversable, path: str) -> Iterator[tuple[str, Traversable]]:
    """(path, file) for every file under `folder`; a Traversable has no rglob."""
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry, f"{path}/{entry.name}")
        elif entry.is_file():
            yield f"{path}/{entry.name}", entry


def asset_build_hash(files: Mapping[str, bytes]) -> str:
    """First 16 hex digits of SHA-256 over the sorted (path, bytes) pairs."""
    digest = hashlib.sha256()
    for path in sorted(files):
        data = files[path]
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:BUILD_HASH_DIGITS]


def render_index(
    school_key: str,
    locale: str,
    build_hash: str,
    public_url: str | None,
    name: str = "",
    timezone: str = "",
) -> bytes:
    """The school's index.html, published at schools/<school-key>/index.html.

    URLs are relative to that place unless `public_url` (the prefix's public
    base URL) is given. The school's `name` and `timezone` are written in, so
    the title, the name and the clock are right before any data arrives (and
    while a first load fails); without them the page waits for its manifest.
    """
    if locale not in DIRECTIONS:
        raise ValueError(f"school {school_key}: unsupported locale {locale!r}")
    base = _base(public_url)
    page = f"{base}schools/{school_key}/" if public_url else ""
    config = {
        "school_key": school_key,
        "locale": locale,
        "build": build_hash,
        "manifest_url": f"{page}manifest.json" if public_url else "./manifest.json",
        "service_worker_url": f"{base}sw.js",
        "school_name": name,
        "timezone": timezone or None,
        **TIMING,
        **LAYOUT,
    }
    html = (
        _templates()
        .get_template("index.html.j2")
        .render(
            lang=locale,
            dir=DIRECTIONS[locale],
            title=name or TITLES[locale],
            school_name=name,
            csp=_content_security_policy(public_url),
            assets=f"{base}assets/{build_hash}/",
            preload_fonts=PRELOADED_FONTS[locale],
            config=config,
        )
    )
    return html.encode("utf-8")


def render_service_worker(build_hash: str) -> bytes:
    """sw.js for the prefix root, so its scope covers every school's page.

    It precaches the assets of `build_hash`; call it with the hash of the
    current asset tree (`asset_build_hash(asset_files())`).
    """
    assets = [f"assets/{build_hash}/{path}" for path in sorted(asset_files())]
    script = (
        _templates()
        .get_template("sw.js.j2")
        .render(build=build_hash, assets=assets, network_timeout_ms=SW_NETWORK_TIMEOUT_MS)
    )
    return script.encode("utf-8")


def _base(public_url: str | None) -> str:
    """The prefix root as the page sees it: relative (two folders up) or absolute."""
    if not public_url:
        return "../../"
    return public_url.rstrip("/") + "/"


def _content_security_policy(public_url: str | None) -> str:
    """Only this origin (and the public URL's, when given); no inline script but the JSON config."""
    self_ = "'self'"
    if public_url:
        parts = urlsplit(public_url)
        self_ = f"'self' {parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            f"default-src {self_}",
            f"script-src {self_}",
            f"style-src {self_}",
            f"font-src {self_}",
            f"connect-src {self_}",
            f"img-src {self_} data:",
            f"worker-src {self_}",
            f"manifest-src {self_}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
