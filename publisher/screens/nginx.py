"""Reading the nginx edge's access log (infra/nginx/publisher-edge.conf), in its
own log format.

The format is written here once, as nginx's `log_format` text, and the line
pattern is made from it: each `$variable` becomes a group, the text between
them must match as it is. A test checks that the shipped configuration says
exactly this, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from publisher.screens.polls import BadLine, Poll, poll_of

EDGE_LOG_FORMAT = (
    '$remote_addr [$time_local] "$request" $status $body_bytes_sent '
    "cache=$upstream_cache_status upstream_status=$upstream_status "
    "upstream_time=$upstream_response_time request_time=$request_time "
    '"$http_user_agent"'
)
"""The `log_format publisher_edge` of the shipped edge configuration."""


def line_pattern(log_format: str) -> re.Pattern[str]:
    """A regular expression for the lines of `log_format`, a group per variable.

    nginx escapes a `"` inside a value (as `\\x22`), so a lazy match up to the
    next literal text is unambiguous.
    """
    parts = re.split(r"\$([a-z_]+)", log_format)
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
    )
    return re.compile(pattern + r"\Z")


_LINE = line_pattern(EDGE_LOG_FORMAT)


def read_nginx_log(lines: Iterable[str], source: str) -> Iterator[Poll | BadLine]:
    """The screens' polls in an edge access log, and each line that is not one of
    the format's (a truncated line, another format). Other requests are skipped."""
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line:
            continue
        match = _LINE.match(line)
        at = _time(match["time_local"]) if match else None
        if match is None or at is None:
            yield BadLine(source, number)
            continue
        method, _, rest = match["request"].partition(" ")
        target = rest.rpartition(" ")[0]
        path, _, query = target.partition("?")
        poll = poll_of(path, query, at) if method in ("GET", "HEAD") else None
        if poll is not None:
            yield poll


def _time(text: str) -> dt.datetime | None:
    """`$time_local`, such as `04/Dec/2026:16:52:09 +0000` (English month names,
    whatever the host's locale)."""
    try:
        return dt.datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")
    except ValueError:
        return None
