"""The demo's published bytes at a fixed instant are pinned, so a refactor cannot move them.

The four demo schools of 2026-11-22, each with a fixed public key and a fixed
`revised_at`, are published to a folder at 2026-11-22T10:00Z with the page as
this checkout builds it. Every object's sha256, content type and cache control
must equal `tests/data/demo-published.json`, on SQLite and on PostgreSQL alike
(invariant 6 across databases).

The expectation has two groups:
- `data`: the schools' day files and manifests. They must not change unless the
  published format changes on purpose.
- `page`: the page's assets, sw.js and each school's index.html. Their bytes
  follow the files in publisher/site/, so any edit there moves them.

To change the expectation on purpose, run this module as a script and commit
the file it rewrites:

    python tests/publish/test_published_bytes.py          # rewrites the page group only
    python tests/publish/test_published_bytes.py --data   # rewrites the data group too
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from sqlalchemy import text

from publisher.build.source import SchoolData
from publisher.config import PublishSettings
from publisher.db import init_schema, open_engine, session_factory, transaction
from publisher.db.save import save_schools
from publisher.demo import demo_schools
from publisher.page.build import current_page_build
from publisher.publish.run import publish
from publisher.stores.local import LocalStore

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
REVISED_AT = dt.datetime(2026, 11, 21, 18, 0, tzinfo=dt.UTC)
"""Saving a school stamps `revised_at` with the wall clock; the manifest carries it."""

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "demo-published.json"
PINNED = "tests/data/demo-published.json"
REPIN = "python tests/publish/test_published_bytes.py"

Digests = dict[str, list[str]]
"""Key -> [sha256 of the bytes, content type, cache control]."""


class HeaderRecordingStore(LocalStore):
    """A local folder that also remembers the headers each key was written with
    (a folder keeps no headers; an S3 target would)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.headers: dict[str, tuple[str, str]] = {}

    def put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        cache_control: str,
        create_only: bool = False,
    ) -> None:
        super().put(key, content, content_type, cache_control, create_only)
        self.headers[key] = (content_type, cache_control)


def pinned_key(slug: str) -> str:
    """A readable, valid public key: `publisher demo` draws random ones."""
    return f"pinned-key-{slug}"


def demo() -> list[SchoolData]:
    return [
        dataclasses.replace(school, key=pinned_key(school.slug)) for school in demo_schools(TODAY)
    ]


def publish_demo(database_url: str, folder: Path) -> dict[str, Digests]:
    """Load the demo into the (empty, with schema) database, publish it to `folder`,
    and return every published object's digest, in the `data` and `page` groups."""
    engine = open_engine(database_url)
    try:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            save_schools(session, demo())
        with transaction(sessions) as session:
            session.execute(text("UPDATE schools SET revised_at = :at"), {"at": REVISED_AT})
        with sessions() as session:
            ids = list(session.scalars(text("SELECT id FROM schools ORDER BY id")))
        store = HeaderRecordingStore(folder)
        summary = publish(
            sessions, store, ids, NOW, PublishSettings(), page=current_page_build(None)
        )
    finally:
        engine.dispose()
    assert not summary.failed, summary
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    assert set(files) == set(store.headers), "the folder holds exactly what was written"
    groups: dict[str, Digests] = {"data": {}, "page": {}}
    for key, content in sorted(files.items()):
        group = "data" if is_data(key) else "page"
        groups[group][key] = [hashlib.sha256(content).hexdigest(), *store.headers[key]]
    return groups


def is_data(key: str) -> bool:
    """A school's day file or manifest; everything else is the page."""
    return key.startswith("schools/") and ("/days/" in key or key.endswith("/manifest.json"))


def dumps(groups: dict[str, Digests]) -> str:
    """One object per line, so a diff of the file names the objects that moved."""
    parts = []
    for name in ("data", "page"):
        lines = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in groups[name].items()]
        parts.append(f'  "{name}": {{\n' + ",\n".join(lines) + "\n  }")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def changes(expected: Digests, actual: Digests) -> str:
    keys = sorted(set(expected) | set(actual))
    moved = [k for k in keys if expected.get(k) != actual.get(k)]
    return ", ".join(moved[:5]) + (f" and {len(moved) - 5} more" if len(moved) > 5 else "")


def test_the_demo_publishes_the_pinned_bytes(database_url, tmp_path):
    actual = publish_demo(database_url, tmp_path / "public")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert actual["data"] == expected["data"], (
        "the published data (day files, manifests) changed: "
        f"{changes(expected['data'], actual['data'])}. A refactor must not change them; "
        f"if the format changed on purpose, run `{REPIN} --data` and commit {PINNED}"
    )
    assert actual["page"] == expected["page"], (
        "the published page (assets, sw.js, index.html) changed: "
        f"{changes(expected['page'], actual['page'])}. It follows publisher/site/; "
        f"if that changed on purpose, run `{REPIN}` and commit {PINNED}"
    )


def repin(data: bool) -> None:
    """Rewrite the page group of the expectation (and the data group with `data`)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'publisher.db'}"
        engine = open_engine(url)
        init_schema(engine)
        engine.dispose()
        actual = publish_demo(url, Path(folder) / "public")
    if not data and EXPECTED.exists():
        actual["data"] = json.loads(EXPECTED.read_text(encoding="utf-8"))["data"]
    EXPECTED.parent.mkdir(exist_ok=True)
    EXPECTED.write_text(dumps(actual), encoding="utf-8")
    print(f"rewrote {EXPECTED}: {len(actual['data'])} data and {len(actual['page'])} page objects")


if __name__ == "__main__":
    repin(data="--data" in sys.argv[1:])
