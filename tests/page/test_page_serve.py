"""`publisher serve`: a local target over HTTP with the headers the S3 store would send."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from schools import riyadh_school

from publisher.build import build_day
from publisher.build.layout import day_key, day_name, logo_key
from publisher.build.source import DisplaySettings, Logo
from publisher.cli import PublisherGroup
from publisher.cli.serve import serve_command
from publisher.config import CachePolicy, PublishSettings
from publisher.page import asset_build_hash, asset_files
from publisher.page.build import current_page_build
from publisher.page.preview import first_bell_preview, make_server, screen_paths, screens
from publisher.publish import apply_writes, plan_school, plan_shared_objects
from publisher.stores.local import LocalStore
from testsupport import CHECKOUT

KEY = "q2N8f0aZbWc3Yk5Lr7Tx9A"
LOGO = Logo(b"\x89PNG\r\n\x1a\n" + bytes(100), "png")
SCHOOL = riyadh_school(key=KEY, name="مدرسة النور", display=DisplaySettings(logo=LOGO))
SUNDAY = build_day(SCHOOL, dt.date(2026, 11, 22))
DAY = day_key(KEY, day_name(SUNDAY.date, SCHOOL.revision, SUNDAY.sha256))
IMMUTABLE = CachePolicy().immutable
MUTABLE = CachePolicy().mutable


def publish_school(root: Path) -> None:
    """The page, and SCHOOL's page, manifest and Sunday, written as a publish writes them."""
    page, settings = current_page_build(), PublishSettings()
    plan = plan_school(SCHOOL, [SUNDAY], {}, settings, page)
    applied = apply_writes(
        LocalStore.open(root), [*plan_shared_objects(page, {}, settings), *plan.writes]
    )
    assert applied.error is None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    publish_school(tmp_path)
    server = make_server(tmp_path)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def get(url: str, **headers: str) -> tuple[int, Message]:
    """The status and headers (case-insensitive) of a GET."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


BUILD = asset_build_hash(asset_files())


@pytest.mark.parametrize(
    ("path", "content_type", "cache_control"),
    [
        (f"schools/{KEY}/index.html", "text/html; charset=utf-8", MUTABLE),
        (f"schools/{KEY}/manifest.json", "application/json; charset=utf-8", MUTABLE),
        ("sw.js", "text/javascript; charset=utf-8", MUTABLE),
        (DAY, "application/json; charset=utf-8", IMMUTABLE),
        (logo_key(KEY, LOGO), "image/png", IMMUTABLE),
        (f"assets/{BUILD}/js/main.js", "text/javascript; charset=utf-8", IMMUTABLE),
        (f"assets/{BUILD}/css/screen.css", "text/css; charset=utf-8", IMMUTABLE),
        (f"assets/{BUILD}/fonts/noto-sans-arabic-arabic-400-normal.woff2", "font/woff2", IMMUTABLE),
    ],
)
def test_objects_are_typed_and_cached_as_published(
    served: str, path: str, content_type: str, cache_control: str
) -> None:
    status, headers = get(f"{served}/{path}")
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["Cache-Control"] == cache_control
    assert parsedate_to_datetime(headers["Date"]).tzinfo is not None


def test_a_conditional_request_is_answered_304_with_the_same_cache_headers(served: str) -> None:
    url = f"{served}/schools/{KEY}/manifest.json"
    _, headers = get(url)
    status, again = get(url, **{"If-None-Match": headers["ETag"]})
    assert status == 304
    assert again["Cache-Control"] == MUTABLE
    assert "Date" in again


def test_a_file_rewritten_within_the_second_is_never_answered_304(
    served: str, tmp_path: Path
) -> None:
    """Revalidation is by ETag, the content's MD5, as on S3: a file's time has whole
    seconds, so by date alone a manifest rewritten within the second it was read
    would be answered "not modified" and the screen would keep the old one."""
    path = f"schools/{KEY}/manifest.json"
    _, first = get(f"{served}/{path}")
    manifest = tmp_path / path
    stat = manifest.stat()
    manifest.write_bytes(manifest.read_bytes().replace(b'"revision"', b'"revision" '))
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same second
    validators = {"If-None-Match": first["ETag"], "If-Modified-Since": first["Last-Modified"]}
    status, again = get(f"{served}/{path}", **validators)
    assert status == 200
    assert again["ETag"] != first["ETag"]
    assert get(f"{served}/{path}", **{"If-None-Match": again["ETag"]})[0] == 304


def test_a_date_alone_never_makes_a_304(served: str, tmp_path: Path) -> None:
    """Chrome may revalidate a `no-cache` fetch by If-Modified-Since alone: a manifest
    rewritten within the second it was read must still be sent whole."""
    path = f"schools/{KEY}/manifest.json"
    _, first = get(f"{served}/{path}")
    manifest = tmp_path / path
    stat = manifest.stat()
    manifest.write_bytes(manifest.read_bytes().replace(b'"revision"', b'"revision" '))
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same second

    status, again = get(f"{served}/{path}", **{"If-Modified-Since": first["Last-Modified"]})

    assert status == 200
    assert again["ETag"] != first["ETag"]


def test_no_folder_is_listed(served: str) -> None:
    for path in ("", "schools/", f"schools/{KEY}/days/", "missing.json"):
        status, headers = get(f"{served}/{path}")
        assert status == 404, path
        assert "Cache-Control" not in headers


def test_screen_paths_name_each_school_page(tmp_path: Path) -> None:
    (tmp_path / f"schools/{KEY}").mkdir(parents=True)
    (tmp_path / f"schools/{KEY}/index.html").write_bytes(b"")
    assert screen_paths(tmp_path) == [f"/schools/{KEY}/index.html"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("s3://bucket/prefix", "serve previews a local folder"),
        ("file:///nonexistent/folder", "no such folder"),
    ],
)
def test_serve_refuses_what_it_cannot_serve(target: str, message: str) -> None:
    group = PublisherGroup(commands=[serve_command])
    result = CliRunner().invoke(group, ["serve", "--target", target])
    assert result.exit_code == 2
    assert message in result.output


def test_serve_help_names_its_options() -> None:
    result = CliRunner().invoke(click.Group(commands=[serve_command]), ["serve", "--help"])
    assert "--port" in result.output and "PUBLISHER_TARGET" in result.output


def run_serve(folder: Path, *flags: str) -> tuple[str, str]:
    """`publisher serve` on a free port: its first stdout line (after one request with
    -v) and its stderr once stopped with Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "cli.py", "serve", "--port", "0", "--target", f"file://{folder}", *flags],
        cwd=CHECKOUT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        get(line.split("\t")[0])
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    return line, stderr


def test_serve_prints_each_screen_url_beside_its_school_name(tmp_path: Path) -> None:
    publish_school(tmp_path)

    line, stderr = run_serve(tmp_path)
    url, name, preview = line.rstrip("\n").split("\t")
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+/schools/{KEY}/index\.html", url)
    assert name == "مدرسة النور"
    # The only published day is past: its first bell (07:00), less half a minute.
    assert preview == f"{url}?at=2026-11-22T06:59:30"
    assert stderr.startswith(f"Serving {tmp_path} on http://127.0.0.1:")
    assert "GET /schools/" not in stderr

    assert run_serve(tmp_path, "-q")[1] == ""
    assert f'"GET /schools/{KEY}/index.html HTTP/1.1" 200' in run_serve(tmp_path, "-v")[1]


RIYADH = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    ("now", "at"),
    [
        pytest.param(
            dt.datetime(2026, 11, 22, 6, 0, tzinfo=RIYADH),
            "2026-11-22T06:59:30",
            id="before-school",
        ),
        # After Sunday's first bell: Monday's, which Sunday's file names as its next school day.
        pytest.param(
            dt.datetime(2026, 11, 22, 7, 0, tzinfo=RIYADH), "2026-11-23T06:59:30", id="in-school"
        ),
        # Every bell the folder names is past: the first published day's first bell.
        pytest.param(
            dt.datetime(2026, 12, 4, 9, 0, tzinfo=RIYADH), "2026-11-22T06:59:30", id="past"
        ),
    ],
)
def test_the_example_preview_is_half_a_minute_before_the_next_school_days_first_bell(
    tmp_path: Path, now: dt.datetime, at: str
) -> None:
    publish_school(tmp_path)
    assert first_bell_preview(tmp_path, f"/schools/{KEY}/index.html", now) == at


def test_a_screen_without_readable_days_has_no_example_preview(tmp_path: Path) -> None:
    (tmp_path / f"schools/{KEY}").mkdir(parents=True)
    (tmp_path / f"schools/{KEY}/manifest.json").write_bytes(b"<html>")
    now = dt.datetime(2026, 11, 22, 6, 0, tzinfo=RIYADH)
    assert first_bell_preview(tmp_path, f"/schools/{KEY}/index.html", now) is None


def test_a_screen_whose_manifest_cannot_be_read_is_named_with_a_question_mark(
    tmp_path: Path,
) -> None:
    (tmp_path / f"schools/{KEY}").mkdir(parents=True)
    (tmp_path / f"schools/{KEY}/index.html").write_bytes(b"")
    (tmp_path / f"schools/{KEY}/manifest.json").write_bytes(b"<html>")
    assert screens(tmp_path) == [(f"/schools/{KEY}/index.html", "?")]
