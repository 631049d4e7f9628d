"""A bounded HTTP/1.1 client for the load benchmark: a fixed pool of keep-alive connections.

Thousands of simulated screens share a fixed number of connections to the edge
on 127.0.0.1, so the client's cost is bounded whatever the number of screens: a
request waits for a free connection (the wait is measured as scheduling lag)
rather than opening one more. The pool must be large enough that requests the
edge holds back (nginx's cache lock wakes waiting requests in 500 ms steps) do
not keep every other screen waiting. Only what the benchmark reads is parsed:
the status, ETag, X-Cache-Status and the body.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

USER_AGENT = "screens-load"
"""Sent with every screen request; the edge passes it on, so the origin can tell screens' misses."""


class RequestFailed(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


@dataclass(frozen=True)
class Response:
    status: int
    etag: str | None
    cache: str | None  # the edge's X-Cache-Status: HIT, MISS, STALE, ...; None when absent
    body: bytes
    sent_at: float  # time.time() when the request was written: after any wait for a connection


class _Connection:
    """One keep-alive connection, opened on first use and again after the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: bytes) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        try:
            self.writer.write(head)
            response, keep = await _read_response(self.reader, time.time())
        except (OSError, asyncio.IncompleteReadError, ValueError, RequestFailed) as error:
            self.close()
            raise RequestFailed(str(error) or type(error).__name__) from None
        if not keep:
            self.close()
        return response

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class EdgeClient:
    """GET requests to one host over at most `connections` keep-alive connections."""

    def __init__(self, host: str, port: int, connections: int) -> None:
        self.host = host
        self._all = [_Connection(host, port) for _ in range(connections)]
        self._idle: asyncio.Queue[_Connection] = asyncio.Queue()
        for connection in self._all:
            self._idle.put_nowait(connection)

    async def get(
        self, path: str, headers: dict[str, str] | None = None, timeout: float | None = None
    ) -> Response:
        """GET `path`; RequestFailed on a broken connection, TimeoutError past `timeout` seconds.

        The timeout runs from the moment a connection is free, as a page's
        timer runs from its request: waiting for the pool is the client's
        delay, not the network's, and is measured as lag instead.
        """
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}", f"User-Agent: {USER_AGENT}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        connection = await self._idle.get()
        try:
            async with asyncio.timeout(timeout):  # no new task per request, unlike wait_for
                return await connection.request(head)
        except TimeoutError:
            connection.close()  # an answer may still be on its way: never reuse the socket
            raise
        finally:
            self._idle.put_nowait(connection)

    def close(self) -> None:
        for connection in self._all:
            with contextlib.suppress(Exception):
                connection.close()


async def _read_response(reader: asyncio.StreamReader, sent_at: float) -> tuple[Response, bool]:
    """One response; and whether the connection may carry another."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, code, *_ = status_line.split(" ", 2)
    if not version.startswith("HTTP/1."):
        raise RequestFailed(f"unexpected status line {status_line!r}")
    headers: dict[str, str] = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    status = int(code)
    if status == 304 or status == 204 or 100 <= status < 200:
        body = b""
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        raise RequestFailed("a response without a length")
    keep = headers.get("connection", "").lower() != "close"
    response = Response(status, headers.get("etag"), headers.get("x-cache-status"), body, sent_at)
    return response, keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass  # trailers
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
