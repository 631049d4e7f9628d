"""Debian's nginx running `infra/nginx/publisher-edge.conf`, for tests.

`start_edge` fills in the file's EDIT lines (the store's address and path, the
listen port, the cache and log paths) and includes it from a minimal nginx.conf
in a temporary folder, so the configuration under test is the shipped one. nginx
runs in the foreground on 127.0.0.1 with everything it writes in that folder.

`Origin` is the store as the edge sees it: moto behind the fault proxy of
`s3_server`, which logs each request and can fail or go down, and which can
also be made slow.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from testsupport.s3_server import Exchange, FaultProxy, closed_port

EDGE_CONF = Path(__file__).resolve().parent.parent / "infra" / "nginx" / "publisher-edge.conf"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")

# What the shipped file says, what the test puts instead, how often it occurs.
STORE_ADDRESS = "minio.example.internal:9000"
STORE_PATH = "set $publisher_origin_path /screens/site;"
LISTEN = "listen 80;"
CACHE_FOLDER = "/var/cache/nginx/publisher-edge"
ACCESS_LOG = "/var/log/nginx/publisher-edge.access.log"

MAIN_CONF = """\
{user}
worker_processes 2;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{
    worker_connections {worker_connections};
}}
http {{
    client_body_temp_path {folder}/temp/body;
    proxy_temp_path {folder}/temp/proxy;
    fastcgi_temp_path {folder}/temp/fastcgi;
    uwsgi_temp_path {folder}/temp/uwsgi;
    scgi_temp_path {folder}/temp/scgi;
    include {folder}/publisher-edge.conf;
}}
"""


@dataclass
class Origin(FaultProxy):
    """moto behind a fault proxy that also waits `delay` seconds before forwarding."""

    delay: float = 0.0

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        time.sleep(self.delay)
        return super()._forward(method, path, headers, body)

    def gets(self, path: str) -> list[Exchange]:
        """The GETs for exactly this path (query string included) that reached the store."""
        with self._lock:
            return [e for e in self.exchanges if e.method == "GET" and e.path == path]

    def requests(self) -> int:
        """How many requests of any kind the edge sent."""
        with self._lock:
            return len(self.exchanges)


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as a screen receives it."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def cache(self) -> str | None:
        """The edge's X-Cache-Status: MISS, HIT, STALE, ...; None when it sent none."""
        return self.headers.get("x-cache-status")


@dataclass
class Edge:
    """A running edge: where it listens, and its folder (configuration, cache, logs)."""

    url: str
    folder: Path

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Answer:
        """One request on a connection of its own, as a screen would make."""
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()

    def access_log(self, at_least: int = 0) -> list[str]:
        """The access log's lines, once there are `at_least` (nginx logs after answering)."""
        log = self.folder / "access.log"
        deadline = time.monotonic() + 5
        while True:
            lines = log.read_text().splitlines() if log.exists() else []
            if len(lines) >= at_least:
                return lines
            assert time.monotonic() < deadline, f"{len(lines)} lines in the access log"
            time.sleep(0.01)


def edge_config(conf: str, *, port: int, store: str, store_path: str, folder: Path) -> str:
    """`conf` (the shipped file's text) with its EDIT lines pointed at the test's store.

    Each placeholder must occur exactly as often as expected, so a change to the
    shipped file that this would silently miss fails here instead.
    """
    for old, new, count in (
        (STORE_ADDRESS, store, 2),  # the upstream server and the Host header
        (STORE_PATH, f"set $publisher_origin_path {store_path};", 1),
        (LISTEN, f"listen 127.0.0.1:{port};", 1),
        (CACHE_FOLDER, str(folder / "cache"), 1),
        (ACCESS_LOG, str(folder / "access.log"), 1),
    ):
        found = conf.count(old)
        assert found == count, f"{EDGE_CONF.name}: {old!r} occurs {found} times, not {count}"
        conf = conf.replace(old, new)
    return conf


@contextlib.contextmanager
def start_edge(
    origin_url: str,
    store_path: str,
    folder: Path,
    *,
    transform: Callable[[str], str] | None = None,
    worker_connections: int = 512,
) -> Iterator[Edge]:
    """nginx with the shipped edge configuration in front of `origin_url`, until the block ends.

    `store_path` is where the published prefix lives on the store: "/BUCKET/PREFIX".
    `transform`, when given, changes the shipped file's text before its EDIT
    lines are filled in (the load benchmark shortens the edge's hour with it);
    `worker_connections` is per nginx worker, for clients holding many connections.
    """
    assert NGINX is not None
    folder.mkdir(parents=True)
    for name in ("cache", "temp"):
        (folder / name).mkdir()
    shipped = EDGE_CONF.read_text()
    # A master started as root runs its workers as `user`: let them use the folder.
    user = "user root;" if os.geteuid() == 0 else ""
    main_conf = MAIN_CONF.format(user=user, folder=folder, worker_connections=worker_connections)
    (folder / "nginx.conf").write_text(main_conf)
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    # nginx binds its port itself, so the port is one found free a moment before: another
    # process (a parallel test, another run) may take it in between. Then nginx cannot
    # bind, exits, and is started again on another port.
    for _ in range(PORT_ATTEMPTS):
        port = closed_port()
        edge_conf = edge_config(
            transform(shipped) if transform else shipped,
            port=port,
            store=urlsplit(origin_url).netloc,
            store_path=store_path,
            folder=folder,
        )
        (folder / "publisher-edge.conf").write_text(edge_conf)
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        assert checked.returncode == 0, f"nginx -t: {checked.stderr}"
        (folder / "error.log").unlink(missing_ok=True)  # a failed attempt's
        with (folder / "stderr.log").open("w") as stderr:
            process = subprocess.Popen(command, stderr=stderr)
        try:
            listening = _listening(process, folder)
        except BaseException:
            _stop(process)
            raise
        if listening:
            break
    else:
        raise AssertionError(f"nginx found no free port in {PORT_ATTEMPTS} attempts")
    try:
        yield Edge(f"http://127.0.0.1:{port}", folder)
    finally:
        _stop(process)


PORT_ATTEMPTS = 5


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # fast shutdown: no waiting for background updates
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _listening(process: subprocess.Popen, folder: Path) -> bool:
    """Waits until nginx listens (True), or has exited because its port was taken (False).

    nginx writes its pid file once it has bound its listening socket: a socket that
    accepts on the port could be another process's, had nginx lost the port to it.
    """
    pid_file = folder / "nginx.pid"
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            logs = [folder / "stderr.log", folder / "error.log"]
            text = "".join(log.read_text() for log in logs if log.exists())
            if "Address already in use" in text:
                return False
            raise AssertionError(f"nginx exited with status {process.returncode}: {text}")
        if pid_file.exists() and pid_file.read_text().strip() == str(process.pid):
            return True
        assert time.monotonic() < deadline, "nginx did not listen within 10 s"
        time.sleep(0.02)
