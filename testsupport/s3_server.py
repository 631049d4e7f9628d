"""Real S3 over HTTP for tests: moto's threaded server, a fresh bucket, and a fault proxy.

Everything binds to 127.0.0.1 on a free port and is stopped in teardown.

Import the `*_fixture` functions into a test module to use them (`moto_server`,
`aws_env`, `bucket`, `proxy`):

- `moto_server` (session): moto's S3 on a real socket, so the command line talks HTTP.
- `aws_env`: fake credentials and no shared AWS files, so nothing reaches a real account.
- `bucket`: an empty bucket per test, publicly readable like a CDN origin, so objects
  can be read back with plain HTTP (no signature) to check bodies and headers.
- `proxy`: a small forwarding proxy in front of moto that logs every request and can
  answer 503 SlowDown / 500 / 403, drop or hang a connection, lose a response after
  the store handled the request, corrupt a body in transit, check Content-MD5 the way
  S3 does (moto itself does not), or go down for good after N requests.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import logging
import socket
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer

from publisher.stores.s3 import S3Store

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class MotoServer:
    url: str


@pytest.fixture(scope="session", name="moto_server")
def moto_server_fixture() -> Iterator[MotoServer]:
    """moto's S3 on 127.0.0.1, a free port, for the whole session."""
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield MotoServer(f"http://{host}:{port}")
    finally:
        server.stop()
        werkzeug.setLevel(level)


@pytest.fixture(name="aws_env")
def aws_env_fixture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Fake credentials in the environment and no shared config; returns the variables set."""
    empty = tmp_path / "aws-empty"
    empty.write_text("")
    variables = {
        **FAKE_CREDENTIALS,
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",  # never wait for an instance metadata service
    }
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "PUBLISHER_ENDPOINT_URL",
        "PUBLISHER_TARGET",
    ):
        monkeypatch.delenv(name, raising=False)
    return variables


@dataclass(frozen=True)
class Fetched:
    """An object read back with plain HTTP, as a CDN or a screen would."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Bucket:
    """A bucket on the moto server, and ways to look at it that bypass the publisher."""

    name: str
    endpoint: str
    client: Any

    def target(self, prefix: str = "") -> str:
        return f"s3://{self.name}/{prefix}"

    def store(self, prefix: str = "") -> S3Store:
        """The publisher's own store on this bucket, talking to moto directly."""
        return S3Store(self.client, self.name, f"{prefix.strip('/')}/" if prefix else "")

    def object_keys(self, prefix: str = "") -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        return sorted(
            item["Key"]
            for page in paginator.paginate(Bucket=self.name, Prefix=prefix)
            for item in page.get("Contents", [])
        )

    def fetch(self, key: str) -> Fetched:
        """GET without any signature: only what a public origin serves."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}", timeout=10) as r:
                return Fetched(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as error:
            return Fetched(error.code, {k.lower(): v for k, v in error.headers.items()}, b"")


def s3_client(endpoint: str) -> Any:
    """A boto3 client with explicit fake credentials, independent of the environment."""
    return boto3.session.Session(
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=FAKE_CREDENTIALS["AWS_DEFAULT_REGION"],
    ).client("s3", endpoint_url=endpoint)


@pytest.fixture(name="bucket")
def bucket_fixture(moto_server: MotoServer) -> Iterator[Bucket]:
    """An empty bucket of the test's own, readable by anyone (a CDN's origin)."""
    client = s3_client(moto_server.url)
    name = f"screens-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read))
    made = Bucket(name, moto_server.url, client)
    yield made
    for start in range(0, len(keys := made.object_keys()), 1000):
        client.delete_objects(
            Bucket=name, Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]]}
        )
    client.delete_bucket(Bucket=name)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the fault proxy ----------------------------------------------------------------

ERRORS = {
    "503 SlowDown": (503, "SlowDown", "Please reduce your request rate."),
    "500 InternalError": (500, "InternalError", "We encountered an internal error."),
    "403 AccessDenied": (403, "AccessDenied", "Access Denied"),
}
FAULTS = (
    *ERRORS,
    "reset",  # hang up before forwarding: the store never sees the request
    "lost",  # forward, then hang up: the store did the work, the client never hears
    "hang",  # answer nothing until the client gives up, then hang up
    "corrupt",  # flip one byte of the body, keep every header (Content-MD5 included)
)
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "expect", "te", "upgrade"}


@dataclass
class Rule:
    """Requests with this method whose path contains `contains` get `fault`, `times` times."""

    contains: str
    fault: str
    times: int | None = None  # None: every time
    method: str = "PUT"

    def __post_init__(self) -> None:
        assert self.fault in FAULTS, self.fault


@dataclass(frozen=True)
class Exchange:
    """One request the proxy received, and what became of it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int | None  # None: the client got no answer
    fault: str | None


@dataclass
class FaultProxy:
    """A forwarding HTTP proxy in front of `upstream`; see the module docstring."""

    upstream: str
    rules: list[Rule] = field(default_factory=list)
    verify_md5: bool = False  # refuse a PUT whose Content-MD5 does not match, as S3 does
    down_after: int | None = None  # after this many requests, hang up and stop listening
    hang_seconds: float = 5.0
    exchanges: list[Exchange] = field(default_factory=list)
    url: str = ""
    down: bool = False

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._release = threading.Event()  # ends every hang at teardown
        self._connections: set[socket.socket] = set()
        self._received = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._stopped = False
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()  # new connections are refused from here on
        with self._lock:
            open_connections = list(self._connections)
        for connection in open_connections:  # kept-alive ones too, as a dying server would
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def add(self, contains: str, fault: str, times: int | None = None) -> None:
        with self._lock:
            self.rules.append(Rule(contains, fault, times))

    def clear(self) -> None:
        """Forget the log and every rule."""
        with self._lock:
            self.rules.clear()
            self.exchanges.clear()

    def puts(self, contains: str = "") -> list[Exchange]:
        with self._lock:
            return [e for e in self.exchanges if e.method == "PUT" and contains in e.path]

    def received(self) -> int:
        with self._lock:
            return self._received

    # Called from the handler threads.

    def _admit(self, method: str, path: str) -> str | None:
        """The fault for this request, or "down" once the proxy has gone down."""
        with self._lock:
            self._received += 1
            if self.down:
                return "down"
            if self.down_after is not None and self._received > self.down_after:
                self.down = True
                threading.Thread(target=self.stop, daemon=True).start()
                return "down"
            for rule in self.rules:
                if rule.method == method and rule.contains in path and rule.times != 0:
                    if rule.times is not None:
                        rule.times -= 1
                    return rule.fault
            return None

    def _log(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # `stop` closes the connections itself
    proxy: FaultProxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a client or `stop` hung up: expected
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as boto3's connection pool expects
    timeout = 30  # an idle kept-alive connection ends eventually
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.proxy._lock:
            self.server.proxy._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.proxy._lock:
            self.server.proxy._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:
        self._handle()

    do_PUT = do_HEAD = do_POST = do_DELETE = do_GET

    def _handle(self) -> None:
        proxy = self.server.proxy
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = proxy._admit(self.command, self.path)

        def log(status: int | None) -> None:
            proxy._log(Exchange(self.command, self.path, headers, body, status, fault))

        if fault in ("down", "reset"):
            log(None)
            return self._hang_up()
        if fault == "hang":
            log(None)
            proxy._release.wait(proxy.hang_seconds)
            return self._hang_up()
        if fault in ERRORS:
            status, code, message = ERRORS[fault]
            log(status)
            return self._answer_error(status, code, message)
        sent = _flip_a_byte(body) if fault == "corrupt" else body
        if proxy.verify_md5 and self.command == "PUT" and not _md5_matches(headers, sent):
            log(400)
            return self._answer_error(
                400, "BadDigest", "The Content-MD5 you specified did not match what we received."
            )
        forwarded = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        status, reply_headers, reply = proxy._forward(self.command, self.path, forwarded, sent)
        log(status if fault != "lost" else None)
        if fault == "lost":
            return self._hang_up()
        self.send_response(status)
        for name, value in reply_headers:
            lowered = name.lower()
            if lowered in HOP_BY_HOP or lowered in ("server", "date"):
                continue
            if lowered == "content-length" and self.command != "HEAD":
                continue  # recomputed below; a HEAD keeps the object's own length
            self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply)

    def _answer_error(self, status: int, code: str, message: str) -> None:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _hang_up(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


def _flip_a_byte(body: bytes) -> bytes:
    if not body:
        return body
    middle = len(body) // 2
    return body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :]


def _md5_matches(headers: dict[str, str], body: bytes) -> bool:
    """Whether the body matches its Content-MD5, when one is given (S3's own rule)."""
    given = headers.get("content-md5")
    if given is None:
        return True
    return given == base64.b64encode(hashlib.md5(body, usedforsecurity=False).digest()).decode()


@pytest.fixture(name="proxy")
def proxy_fixture(moto_server: MotoServer) -> Iterator[FaultProxy]:
    """A fault proxy in front of the moto server; no faults until a test adds rules."""
    started = FaultProxy(moto_server.url).start()
    yield started
    started.stop()
