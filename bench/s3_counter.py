"""A moto S3 server on 127.0.0.1 that counts the requests it receives, by kind, for benchmarks.

Each request is also kept with its arrival time, user agent and whether it
carried the publisher's edge refresh header (`Counts.received`), for benchmarks
that need to know when the store was asked and on whose behalf.

Moto's `ThreadedMotoServer` with its WSGI application wrapped: the counting
happens in the server itself, so whatever a client sends (boto3, the AWS CLI,
rclone) is counted once, with no proxy in between to add latency.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

KINDS = ("PUT", "GET", "HEAD", "LIST", "DELETE", "other")

PROBE_MARK = ".publisher-probe-"
"""The S3 store's conditional-write probe object: counted as `other`, not as a PUT of content."""

_BUCKET_QUERIES = {
    "location", "versioning", "acl", "policy", "cors", "tagging", "lifecycle",
    "encryption", "website", "logging", "notification", "ownershipControls",
    "publicAccessBlock", "object-lock", "uploads", "delete",
}  # fmt: skip


@dataclass(frozen=True)
class Received:
    """One request, for benchmarks that need to know when it came and from whom."""

    at: float  # time.time() when it arrived: comparable across processes
    kind: str
    key: str  # "bucket/key"
    status: int
    user_agent: str
    refresh: bool  # it carried X-Publisher-Refresh: an edge passing on the publisher's refresh


@dataclass
class Counts:
    """What the server received since the last reset."""

    kinds: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)  # by kind: "PUT 412", "HEAD 404"
    body_bytes: int = 0
    put_keys: list[str] = field(default_factory=list)  # "bucket/key" of every object PUT
    received: list[Received] = field(default_factory=list)  # every request, in order of answer

    def __getitem__(self, kind: str) -> int:
        return self.kinds[kind]


def classify(method: str, path: str, query: str) -> tuple[str, str, str]:
    """(kind, bucket, key) of a path-style S3 request."""
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    params = parse_qs(query, keep_blank_values=True)
    if method == "HEAD":
        return "HEAD", bucket, key
    if method == "DELETE" or (method == "POST" and "delete" in params):
        return "DELETE", bucket, key
    if not key:
        if method == "GET" and not _BUCKET_QUERIES & params.keys():
            return "LIST", bucket, key  # ListObjects(V2): list-type=2, prefix=, delimiter=...
        return "other", bucket, key  # create bucket, location, versioning, ...
    if method == "PUT" and PROBE_MARK not in key and "uploadId" not in params:
        return "PUT", bucket, key
    if method == "GET" and not params.keys() - {"partNumber", "versionId"}:
        return "GET", bucket, key
    return "other", bucket, key


class CountingMotoServer(ThreadedMotoServer):
    """`ThreadedMotoServer` whose application counts every request before moto handles it."""

    def __init__(self) -> None:
        super().__init__(ip_address="127.0.0.1", port=0, verbose=False)
        self._lock = threading.Lock()
        self.counts = Counts()

    def start(self) -> None:
        # Werkzeug logs every request; writing 8,000 log lines would slow the server down.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        super().start()

    def reset(self) -> Counts:
        """The counts so far; start counting afresh."""
        with self._lock:
            counts, self.counts = self.counts, Counts()
        return counts

    @property
    def endpoint(self) -> str:
        host, port = self.get_host_and_port()
        return f"http://{host}:{port}"

    def _server_entry(self) -> None:
        # As ThreadedMotoServer's own, with the application wrapped.
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            self._ip_address, self._port, self._counting(app), True,
            request_handler=MotoRequestHandler,
        )  # fmt: skip
        self._server_ready_event.set()
        self._server.serve_forever()

    def _counting(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            method = environ["REQUEST_METHOD"]
            kind, bucket, key = classify(
                method, environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", "")
            )
            length = int(environ.get("CONTENT_LENGTH") or 0)
            arrived = time.time()

            def recording_start(status: str, headers: Any, *args: Any) -> Any:
                code = status.split(" ", 1)[0]
                received = Received(
                    arrived,
                    kind,
                    f"{bucket}/{key}",
                    int(code),
                    environ.get("HTTP_USER_AGENT", ""),
                    "HTTP_X_PUBLISHER_REFRESH" in environ,
                )
                with self._lock:
                    self.counts.kinds[kind] += 1
                    self.counts.statuses[f"{kind} {code}"] += 1
                    self.counts.body_bytes += length
                    if kind == "PUT":
                        self.counts.put_keys.append(f"{bucket}/{key}")
                    self.counts.received.append(received)
                return start_response(status, headers, *args)

            return app(environ, recording_start)

        return counted
