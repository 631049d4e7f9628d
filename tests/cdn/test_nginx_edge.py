"""The nginx edge of infra/nginx/publisher-edge.conf, run for real in front of an S3 store.

Each test publishes a school with the command line to a bucket on moto's S3
server and starts Debian's nginx with the shipped configuration (see
testsupport/edge.py), its store pointed at `origin`: moto behind a proxy that counts
the edge's requests and can fail, go down or answer slowly. Screens are played
by plain HTTP requests to the edge.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import gzip
import http.client
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from schools import riyadh_school, save

from testsupport.edge import NGINX, Answer, Edge, Origin, start_edge
from testsupport.s3_server import (  # noqa: F401  (the fixtures register by being imported)
    Bucket,
    MotoServer,
    Rule,
    aws_env_fixture,
    bucket_fixture,
    moto_server_fixture,
)

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx; CI installs it)"
)

PREFIX = "site"
IMMUTABLE = "public, max-age=31536000, immutable"
MUTABLE = "public, max-age=60, stale-while-revalidate=60, stale-if-error=604800"
STALE_ANSWERS = {"STALE", "UPDATING"}  # an expired copy, served while the store is asked
SCREENS = 50


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    """SQLite only: the edge never sees the database."""
    return new_database("sqlite")


@dataclass(frozen=True)
class Published:
    """What one publish put in the bucket, as paths on the edge."""

    page: str
    manifest: str
    days: list[str]
    assets: list[str]
    service_worker: str = "/sw.js"

    @property
    def school(self) -> list[str]:
        """The objects one screen loads: its page, its manifest and its day files."""
        return [self.page, self.manifest, *self.days]


@dataclass
class Publisher:
    """`publisher publish --all` to the test's bucket, straight to moto (not through the edge)."""

    cli: Any  # conftest's Cli: `publisher` in-process on the test's database
    bucket: Bucket
    endpoint: str
    result: Any = None  # the last run's CliResult

    def __call__(self, *options: str, exit_code: int = 0) -> Published:
        self.result = self.cli(
            "publish",
            "--all",
            "--target",
            self.bucket.target(PREFIX),
            "--endpoint-url",
            self.endpoint,
            *options,
        )
        assert self.result.exit_code == exit_code, self.result.stderr
        keys = self.bucket.object_keys(f"{PREFIX}/")
        (manifest,) = [key for key in keys if key.endswith("/manifest.json")]
        folder = manifest.removesuffix("manifest.json")
        days = [
            folder + day["path"] for day in json.loads(self.bucket.fetch(manifest).body)["days"]
        ]
        return Published(
            page=on_edge(folder + "index.html"),
            manifest=on_edge(manifest),
            days=[on_edge(key) for key in days],
            assets=[on_edge(key) for key in keys if key.startswith(f"{PREFIX}/assets/")],
        )

    def from_store(self, path: str) -> Answer:
        """What the store itself answers for an edge path."""
        fetched = self.bucket.fetch(f"{PREFIX}{path}")
        return Answer(fetched.status, fetched.headers, fetched.body)


def on_edge(key: str) -> str:
    """The edge's path for a bucket key under the prefix."""
    return "/" + key.removeprefix(f"{PREFIX}/")


@pytest.fixture
def publish(cli, aws_env, sessions, bucket: Bucket, moto_server: MotoServer) -> Publisher:
    save(sessions, riyadh_school("alpha"))
    return Publisher(cli, bucket, moto_server.url)


@pytest.fixture
def origin(moto_server: MotoServer) -> Iterator[Origin]:
    started = Origin(moto_server.url).start()
    yield started
    started.stop()


@pytest.fixture
def edge(origin: Origin, bucket: Bucket, tmp_path: Path) -> Iterator[Edge]:
    with start_edge(origin.url, f"/{bucket.name}/{PREFIX}", tmp_path / "edge") as started:
        yield started


MUTABLE_LIFETIME = "proxy_cache_valid 200 1h;"  # in the shipped file, once
PUBLISHER_HOSTS = "127.0.0.1 1;  "  # the shipped geo list's first entry


@pytest.fixture
def changed_edge(
    origin: Origin, bucket: Bucket, tmp_path: Path
) -> Callable[..., contextlib.AbstractContextManager[Edge]]:
    """An edge started from the shipped file with some of its text replaced first."""

    def replace(changes: dict[str, str]) -> Callable[[str], str]:
        def transform(text: str) -> str:
            for old, new in changes.items():
                assert text.count(old) == 1, old
                text = text.replace(old, new)
            return text

        return transform

    def start(changes: dict[str, str]) -> contextlib.AbstractContextManager[Edge]:
        path = f"/{bucket.name}/{PREFIX}"
        return start_edge(origin.url, path, tmp_path / "edge", transform=replace(changes))

    return start


@pytest.fixture
def short_lived_edge(changed_edge) -> Iterator[Edge]:
    """The edge with manifests and pages kept one second instead of an hour."""
    with changed_edge({MUTABLE_LIFETIME: "proxy_cache_valid 200 1s;"}) as started:
        yield started


def on_store(bucket: Bucket, path: str) -> str:
    """The path the edge asks the store for: path-style, under the prefix."""
    return f"/{bucket.name}/{PREFIX}{path}"


def wait_past_max_age(answer: Answer) -> None:
    """Until the max-age `answer` names has passed since it was received.

    nginx counts in whole seconds, so a copy may live up to a second longer.
    """
    max_age = re.search(r"max-age=(\d+)", answer.headers["cache-control"])
    assert max_age, answer.headers["cache-control"]
    time.sleep(int(max_age[1]) + 1.2)


def after_refresh(edge: Edge, path: str, before: bytes) -> Answer:
    """The edge's answer for `path` once the refresh that replaced `before` is stored.

    The refresh's answer reaches the publisher just before nginx renames the new copy
    into its cache, and a request that another nginx worker takes in between still
    gets the old copy. So the new one is asked for until it comes, for a second at
    most; each answer is still the edge's own, and none of them reaches the store.
    """
    deadline = time.monotonic() + 1
    while True:
        answer = edge.get(path)
        if answer.body != before or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


def from_host(edge: Edge, address: str, path: str, headers: dict[str, str]) -> Answer:
    """A request to the edge sent from another loopback address (127.0.0.0/8 all reach it)."""
    port = urlsplit(edge.url).port
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(address, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    finally:
        connection.close()


# -- serving and caching --------------------------------------------------------------


def test_a_screens_files_come_through_the_edge_with_the_stores_headers_then_from_its_cache(
    publish, edge: Edge, origin: Origin, bucket: Bucket
):
    published = publish()
    paths = [*published.school, published.service_worker, *published.assets]

    for path in paths:
        stored = publish.from_store(path)
        first = edge.get(path)
        assert (first.status, first.cache) == (200, "MISS"), path
        assert first.body == stored.body, path
        assert first.headers["cache-control"] == stored.headers["cache-control"], path
        assert first.headers["content-type"] == stored.headers["content-type"], path
        assert first.headers["etag"] == stored.headers["etag"], path
        assert not [name for name in first.headers if name.startswith(("x-amz", "x-minio"))], path
    edge.access_log(at_least=len(paths))  # every copy stored (nginx logs after storing)

    for path in paths:
        again = edge.get(path)
        assert (again.status, again.cache) == (200, "HIT"), path
        assert again.body == publish.from_store(path).body, path
        assert len(origin.gets(on_store(bucket, path))) == 1, path

    assert edge.get(published.manifest).headers["cache-control"] == MUTABLE
    assert edge.get(published.days[0]).headers["cache-control"] == IMMUTABLE


def test_the_access_log_names_each_requests_cache_status_and_the_stores_time(publish, edge: Edge):
    published = publish()
    edge.get(published.manifest)
    edge.access_log(at_least=1)
    edge.get(published.manifest)

    miss, hit = edge.access_log(at_least=2)
    assert published.manifest in miss and published.manifest in hit
    assert "cache=MISS upstream_status=200 upstream_time=0." in miss
    assert "cache=HIT upstream_status=- upstream_time=-" in hit


def test_a_cached_answer_carries_the_edges_current_date_not_the_stores(publish, edge: Edge):
    """Screens set their clocks from Date plus Age; nginx sends no Age, so Date must be now."""
    published = publish()
    edge.get(published.days[0])
    time.sleep(2.1)

    answer = edge.get(published.days[0])
    assert answer.cache == "HIT"
    assert "age" not in answer.headers
    served = email.utils.parsedate_to_datetime(answer.headers["date"])
    assert abs(served - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=1.5)


def test_the_edge_keeps_manifests_and_pages_past_the_max_age_screens_are_told(
    publish, edge: Edge, origin: Origin, bucket: Bucket
):
    """Screens are told a minute; the edge keeps an hour, so the store hears from it rarely."""
    published = publish("--max-age", "1")
    mutable = [published.manifest, published.page, published.service_worker]
    first = {path: edge.get(path) for path in mutable}
    wait_past_max_age(first[published.manifest])

    for path in mutable:
        again = edge.get(path)
        assert (again.cache, again.body) == ("HIT", first[path].body), path
        assert again.headers["cache-control"].startswith("public, max-age=1,"), path
        assert len(origin.gets(on_store(bucket, path))) == 1, path


def test_a_republish_with_refresh_edge_replaces_the_edges_copies_at_once(
    publish, sessions, edge: Edge, origin: Origin, bucket: Bucket
):
    published = publish()
    old = edge.get(published.manifest)
    edge.access_log(at_least=1)
    save(sessions, riyadh_school("alpha", name="Alpha school, renamed"))

    published = publish("--refresh-edge", edge.url)
    # The name is in the manifest and in the page (for the first load): both rewritten.
    assert "1 edge refreshed for 2 rewritten objects" in publish.result.stderr

    answer = after_refresh(edge, published.manifest, old.body)
    assert answer.cache == "HIT"
    assert answer.body == publish.from_store(published.manifest).body != old.body
    assert json.loads(answer.body)["school"]["name"] == "Alpha school, renamed"
    # The screen's first load, then the publisher's refresh: no request of a screen.
    assert len(origin.gets(on_store(bucket, published.manifest))) == 2
    refreshes = [line for line in edge.access_log(at_least=4) if "cache=BYPASS" in line]
    assert len(refreshes) == 2, refreshes
    assert any(published.manifest in line for line in refreshes), refreshes


def test_the_edge_keeps_alert_objects_and_an_alert_with_refresh_edge_replaces_them_at_once(
    publish, cli, edge: Edge, origin: Origin, bucket: Bucket
):
    """Screens poll their alert object every 8 to 12 s: the edge must answer every poll
    itself, and the alert command must put the new object there at once."""
    published = publish()
    alert = published.page.replace("index.html", "alert.json")
    target = ["--target", bucket.target(PREFIX), "--endpoint-url", publish.endpoint]
    first = edge.get(alert)
    assert (first.cache, json.loads(first.body)["alerts"]) == ("MISS", [])
    wait_past_max_age(first)  # five seconds: an alert object's max-age

    assert edge.get(alert).cache == "HIT"
    assert len(origin.gets(on_store(bucket, alert))) == 1

    result = cli("alert", "--all", "Stay in your classrooms", *target, "--refresh-edge", edge.url)
    assert result.exit_code == 0, result.stderr
    assert "1 edge refreshed for 1 rewritten object" in result.stderr
    shown = after_refresh(edge, alert, first.body)
    assert shown.cache == "HIT"
    assert [a["text"] for a in json.loads(shown.body)["alerts"]] == ["Stay in your classrooms"]

    result = cli("alert", "--clear", "--all", *target, "--refresh-edge", edge.url)
    assert result.exit_code == 0, result.stderr
    assert "1 edge refreshed for 1 rewritten object" in result.stderr
    cleared = after_refresh(edge, alert, shown.body)
    assert (cleared.cache, json.loads(cleared.body)["alerts"]) == ("HIT", [])
    # The screen's first load and the two refreshes: no poll of a screen reached the store.
    assert len(origin.gets(on_store(bucket, alert))) == 3


def test_an_alert_that_tells_no_cdn_warns_that_screens_behind_an_edge_see_it_late(
    publish, cli, bucket: Bucket
):
    publish()
    target = ["--target", bucket.target(PREFIX), "--endpoint-url", publish.endpoint]

    result = cli("alert", "--all", "Stay in your classrooms", *target)

    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "Warning: no CDN was told (--refresh-edge, --invalidate); behind the shipped nginx "
        "edge or CloudFront configuration, screens see this within the hour\n"
    )


def test_past_the_edges_lifetime_a_republished_manifest_replaces_the_cached_one(
    publish, sessions, short_lived_edge: Edge, origin: Origin, bucket: Bucket
):
    """Without a refresh (lost, or none configured), the lifetime bounds how late a change is."""
    edge = short_lived_edge
    first = edge.get(publish("--max-age", "1").manifest)
    revision = json.loads(first.body)["revision"]
    save(sessions, riyadh_school("alpha", name="Alpha school, renamed"))
    published = publish("--max-age", "1")
    wait_past_max_age(first)  # past the edge's lifetime of one second too

    # The first request past the lifetime gets the old copy at once and starts a refresh.
    stale = edge.get(published.manifest)
    assert (stale.cache, stale.body) == ("STALE", first.body)
    deadline = time.monotonic() + 5
    while (answer := edge.get(published.manifest)).body == first.body:
        assert time.monotonic() < deadline, "the edge still serves the old manifest"
        time.sleep(0.05)
    assert answer.body == publish.from_store(published.manifest).body
    assert json.loads(answer.body)["revision"] == revision + 1

    # The refresh asked by ETag alone: with If-Modified-Since, a store may answer
    # 304 for a manifest rewritten within the same second, and the edge would keep
    # the old one (moto does; Last-Modified counts whole seconds).
    _, refresh = origin.gets(on_store(bucket, published.manifest))
    assert refresh.headers["if-none-match"] == first.headers["etag"]
    assert "if-modified-since" not in refresh.headers


def test_only_the_publishers_hosts_can_refresh(publish, edge: Edge, origin: Origin):
    published = publish()
    edge.get(published.manifest)
    refresh = {"X-Publisher-Refresh": "1"}

    stranger = from_host(edge, "127.0.0.2", published.manifest, refresh)
    assert (stranger.status, stranger.cache) == (200, "HIT")
    assert from_host(edge, "127.0.0.1", published.manifest, refresh).cache == "BYPASS"
    assert (
        from_host(edge, "127.0.0.1", published.manifest, {"X-Publisher-Refresh": "yes"}).cache
        == "HIT"
    )


def test_a_refresh_the_edge_ignores_is_reported_naming_the_edge_and_the_object(
    publish, sessions, changed_edge
):
    """An edge that does not list this host answers from its cache: that is no refresh."""
    with changed_edge({PUBLISHER_HOSTS: ""}) as edge:
        published = publish()
        edge.get(published.page)  # both rewritten by the rename below, both cached
        edge.get(published.manifest)
        save(sessions, riyadh_school("alpha", name="Alpha school, renamed"))

        publish("--refresh-edge", edge.url, exit_code=1)
        kept = edge.get(published.manifest)

    errors = [line for line in publish.result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, publish.result.stderr
    assert f"edge {edge.url}: schools/" in errors[0]
    assert "X-Cache-Status HIT (is this host allowed to refresh?" in errors[0]
    assert kept.cache == "HIT"  # the old copy, still
    assert kept.body != publish.from_store(published.manifest).body


def test_a_refresh_the_store_fails_leaves_the_edges_copy_in_service_and_is_reported(
    publish, sessions, edge: Edge, origin: Origin
):
    published = publish()
    cached = edge.get(published.manifest)
    save(sessions, riyadh_school("alpha", name="Alpha school, renamed"))
    origin.rules.append(Rule("/schools/", "503 SlowDown", method="GET"))

    publish("--refresh-edge", edge.url, "--json", exit_code=1)

    assert "HTTP 503, X-Cache-Status BYPASS" in publish.result.stderr
    assert json.loads(publish.result.stdout)["edges_refreshed"] == []
    answer = edge.get(published.manifest)
    assert (answer.status, answer.cache, answer.body) == (200, "HIT", cached.body)


def test_an_edge_that_cannot_be_reached_is_reported_and_the_run_still_publishes(
    publish, sessions, edge: Edge
):
    published = publish()
    save(sessions, riyadh_school("alpha", name="Alpha school, renamed"))

    publish("--refresh-edge", "http://127.0.0.1:9", exit_code=1)

    assert "Error: edge http://127.0.0.1:9: schools/" in publish.result.stderr
    assert "1 published" in publish.result.stderr
    renamed = json.loads(publish.from_store(published.manifest).body)
    assert renamed["school"]["name"] == "Alpha school, renamed"


def test_a_refresh_edge_that_is_no_url_is_refused_before_anything_is_published(
    publish, origin: Origin
):
    result = publish.cli("publish", "--all", "--refresh-edge", "edge.example.org")
    assert result.exit_code == 2
    assert "edge 'edge.example.org': not an http:// or https:// URL" in result.stderr
    assert origin.requests() == 0


# -- when the store fails -------------------------------------------------------------

FAULTS = {
    "stopped": None,  # nothing listens any more: connections are refused
    "500": "500 InternalError",
    "503": "503 SlowDown",
    "hanging": "hang",  # accepts, never answers (until the edge's read timeout)
}


@pytest.mark.parametrize("fault", FAULTS)
def test_with_the_store_failing_the_edge_keeps_serving_what_it_cached_and_at_once(
    fault: str, publish, short_lived_edge: Edge, origin: Origin
):
    """Past the edge's lifetime (shortened to a second here), copies are served stale."""
    edge = short_lived_edge
    published = publish("--max-age", "1")
    loaded = {path: edge.get(path) for path in published.school}
    assert {answer.cache for answer in loaded.values()} == {"MISS"}

    if FAULTS[fault] is None:
        origin.stop()
    else:
        origin.hang_seconds = 30  # longer than the edge waits
        origin.rules.append(Rule("/schools/", FAULTS[fault], method="GET"))
    wait_past_max_age(loaded[published.manifest])

    for attempt in range(3):
        for path in published.school:
            started = time.monotonic()
            answer = edge.get(path)
            assert time.monotonic() - started < 1, (attempt, path)
            assert (answer.status, answer.body) == (200, loaded[path].body), (attempt, path)
            if path in published.days:
                assert answer.cache == "HIT", (attempt, path)  # immutable: fresh for a year
            else:
                assert answer.cache in STALE_ANSWERS, (attempt, path, answer.cache)


def test_a_school_never_loaded_through_the_edge_fails_while_the_store_is_down(
    publish, edge: Edge, origin: Origin
):
    """The edge holds only what it was asked for: it is a cache, not a copy of the bucket."""
    published = publish()
    origin.stop()

    answer = edge.get(published.manifest)
    assert (answer.status, answer.cache) == (502, "MISS")


# -- protecting the store -------------------------------------------------------------


def test_a_burst_of_screens_asking_for_a_cold_manifest_reaches_the_store_once(
    publish, edge: Edge, origin: Origin, bucket: Bucket
):
    published = publish()
    origin.delay = 0.5  # a slow store: every screen asks before the first answer arrives
    start = threading.Barrier(SCREENS)
    answers: list[Answer] = []

    def screen() -> None:
        start.wait()
        answers.append(edge.get(published.manifest))

    screens = [threading.Thread(target=screen) for _ in range(SCREENS)]
    for thread in screens:
        thread.start()
    for thread in screens:
        thread.join()

    assert len(origin.gets(on_store(bucket, published.manifest))) == 1
    stored = publish.from_store(published.manifest).body
    assert [(a.status, a.body) for a in answers] == [(200, stored)] * SCREENS
    statuses = Counter(a.cache for a in answers)
    assert statuses["MISS"] == 1, statuses


def test_a_query_string_neither_reaches_the_store_nor_makes_another_copy(
    publish, edge: Edge, origin: Origin, bucket: Bucket
):
    published = publish()
    stored = publish.from_store(published.manifest).body

    for count, query in enumerate(("?nocache=1", "", "?versionId=null", "?nocache=2"), 1):
        answer = edge.get(published.manifest + query)
        assert (answer.status, answer.body) == (200, stored), query
        edge.access_log(at_least=count)
    assert [e.path for e in origin.exchanges] == [on_store(bucket, published.manifest)]


def test_screens_polling_with_their_own_ids_share_one_copy_and_the_log_keeps_who_asked(
    publish, edge: Edge, origin: Origin, bucket: Bucket
):
    """Each screen's polls name its id, page build and data revision (`publisher
    screens` reads them from the access log); the cache key ignores them."""
    published = publish()
    polls = [f"{published.manifest}?screen={n:016x}&build=0123abcd&rev={n % 2}" for n in range(6)]

    answers = []
    for count, path in enumerate(polls, 1):
        answers.append(edge.get(path))
        edge.access_log(at_least=count)  # logged, so the copy is stored before the next

    assert [(a.status, a.cache) for a in answers] == [(200, "MISS")] + [(200, "HIT")] * 5
    assert [e.path for e in origin.exchanges] == [on_store(bucket, published.manifest)]
    lines = edge.access_log(at_least=len(polls))
    for path, line, cache in zip(polls, lines, ["MISS"] + ["HIT"] * 5, strict=True):
        assert f'"GET {path} HTTP/1.1" 200 ' in line and f"cache={cache} " in line, line


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?list-type=2",
        "/schools",
        "/index.html",
        "/publisher.db",
        "/schools/a%20b/manifest.json",
        "/schools/../../",
    ],
)
def test_only_the_published_layout_is_served_and_nothing_else_reaches_the_store(
    path: str, edge: Edge, origin: Origin
):
    answer = edge.get(path)
    assert answer.status in (400, 404), answer
    assert answer.cache is None
    assert origin.requests() == 0


def test_only_get_and_head_are_accepted(publish, edge: Edge, origin: Origin):
    published = publish()
    for method in ("PUT", "POST", "DELETE"):
        assert edge.get(published.manifest, method=method).status == 403, method
    assert origin.requests() == 0
    head = edge.get(published.manifest, method="HEAD")
    assert (head.status, head.body) == (200, b"")


# -- compression ----------------------------------------------------------------------


def test_text_is_gzipped_for_screens_that_accept_it_and_fonts_are_not(publish, edge: Edge):
    published = publish()
    texts = [
        *published.school,
        published.service_worker,
        *(path for path in published.assets if path.endswith((".js", ".css"))),
    ]
    fonts = [path for path in published.assets if path.endswith(".woff2")]
    assert texts and fonts

    for path in texts:
        answer = edge.get(path, {"Accept-Encoding": "gzip"})
        assert answer.headers.get("content-encoding") == "gzip", path
        assert "Accept-Encoding" in answer.headers["vary"], path
        assert gzip.decompress(answer.body) == publish.from_store(path).body, path
    for path in fonts:
        answer = edge.get(path, {"Accept-Encoding": "gzip"})
        assert "content-encoding" not in answer.headers, path
        assert answer.body == publish.from_store(path).body, path
