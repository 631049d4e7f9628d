"""One run's build of the display page: its assets, service worker and school pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from publisher.errors import BuildError
from publisher.page import asset_build_hash, asset_files, render_index, render_service_worker

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class PageBuild:
    """The page files of this run, read once; pages are rendered per school from it."""

    build_hash: str
    assets: Mapping[str, bytes]  # "js/main.js" -> bytes, published under assets/<build_hash>/
    service_worker: bytes
    public_url: str | None = None

    def index(self, school_key: str, locale: str, name: str = "", timezone: str = "") -> bytes:
        """The school's index.html, with its name and time zone written in for the
        first load. Raises BuildError for a locale the page cannot show."""
        try:
            return render_index(
                school_key, locale, self.build_hash, self.public_url, name, timezone
            )
        except ValueError as error:
            raise BuildError(str(error)) from None


def current_page_build(public_url: str | None = None) -> PageBuild:
    """The page as the files of this checkout make it."""
    files = asset_files()
    build_hash = asset_build_hash(files)
    return PageBuild(build_hash, files, render_service_worker(build_hash), public_url)


def content_type(path: str) -> str:
    suffix = path[path.rfind(".") :] if "." in path else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")
