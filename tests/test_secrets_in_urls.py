"""A password given in a URL (`https://user:password@host`) is never shown.

Endpoints and edges of some S3-compatible stores and self-hosted caches take
credentials in the URL; botocore, http.client and our own messages repeat the URL
they were given, into terminals, cron mail and log collectors.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading

import pytest
from schools import riyadh_school, save
from watch_process import start_watch, stop

from publisher.errors import mask_userinfo
from testsupport.wait import wait_until


@pytest.fixture
def school(sessions) -> None:
    save(sessions, riyadh_school("alpha"))


def test_a_failing_publish_to_an_endpoint_with_a_password_never_shows_it(
    cli, school, aws_credentials
):
    result = cli(
        "publish", "--all", "--target", "s3://screens/site",
        "--endpoint-url", "http://user:secret@127.0.0.1:1",
    )  # fmt: skip

    assert result.exit_code == 2
    assert "secret" not in result.stdout + result.stderr
    assert "endpoint http://user:***@127.0.0.1:1 unreachable" in result.stderr


def test_a_watcher_logs_an_unreachable_endpoint_without_its_password(
    cli, database_url, school, aws_credentials
):
    process = start_watch(
        database_url, "s3://screens/site", "--interval", "1",
        endpoint="http://user:secret@127.0.0.1:1",
    )  # fmt: skip
    try:

        def watchers() -> list[dict]:
            return json.loads(cli("status", "--json").stdout)["watchers"]

        wait_until(
            lambda: any(w["last_error"] for w in watchers()) or process.poll() is not None, 60
        )
        (watcher,) = watchers()
    finally:
        code, lines = stop(process)
    assert code == 0
    assert "user:***@127.0.0.1:1" in watcher["last_error"]
    assert "secret" not in json.dumps(watcher) + json.dumps(lines)
    assert any("user:***@127.0.0.1:1" in line["message"] for line in lines)


class Edge(http.server.ThreadingHTTPServer):
    """An nginx edge behind Basic auth: refreshes only with the right credentials."""

    def __init__(self) -> None:
        self.authorizations: list[str | None] = []
        edge = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                edge.authorizations.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.send_header("X-Cache-Status", "BYPASS")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_an_edge_url_with_a_password_refreshes_with_basic_auth_and_is_shown_masked(cli, school):
    edge = Edge()
    port = edge.server_address[1]
    try:
        result = cli(
            "publish", "--all", "--json", "--refresh-edge", f"http://edge:secret@127.0.0.1:{port}"
        )
        failing = cli(
            "publish", "--all", "--days", "2", "--refresh-edge", "http://edge:secret@127.0.0.1:1"
        )
    finally:
        edge.shutdown()

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["edges_refreshed"] == [f"http://edge:***@127.0.0.1:{port}"]
    expected = "Basic " + base64.b64encode(b"edge:secret").decode()
    assert edge.authorizations and set(edge.authorizations) == {expected}
    assert failing.exit_code == 1
    assert "Error: edge http://edge:***@127.0.0.1:1: " in failing.stderr
    assert "secret" not in result.stdout + result.stderr + failing.stdout + failing.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("http://user:secret@host:9000/b", "http://user:***@host:9000/b"),
        ("endpoint 'https://u:p%40ss@h' refused", "endpoint 'https://u:***@h' refused"),
        ("postgresql+psycopg://pub:pw@db/screens", "postgresql+psycopg://pub:***@db/screens"),
        ("postgresql://pub@db/screens", "postgresql://pub@db/screens"),  # no password
        ("https://h/path@version", "https://h/path@version"),  # not userinfo
    ],
)
def test_only_the_password_of_a_url_is_masked(text, shown):
    assert mask_userinfo(text) == shown
