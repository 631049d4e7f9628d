"""Reading CloudFront's standard logs (the legacy standard logging: gzip files of
tab-separated fields, announced by a `#Fields:` line).

Fields are found by their names in the `#Fields:` line, as AWS documents them
(`date`, `time`, `cs-uri-stem`, `cs-uri-query`, ...), not by position, so a
file with fields added or left out still reads. The reader is this module's
twenty lines rather than a library (aws-log-parser reads these files too): a
dependency for `line.split("\\t")` and a header is not worth its weight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from urllib.parse import unquote

from publisher.screens.polls import BadLine, Poll, poll_of

NEEDED = ("date", "time", "cs-uri-stem", "cs-uri-query")
"""The fields a poll is read from: when (UTC), the path, the query string."""


def read_cloudfront_log(lines: Iterable[str], source: str) -> Iterator[Poll | BadLine]:
    """The screens' polls in a CloudFront standard log, and each line that could not
    be read (a count of fields other than the header's, a bad date, or any line of
    a file whose header lacks a needed field). Other requests are skipped."""
    fields: list[str] | None = None
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if line.startswith("#Fields:"):
            fields = line.removeprefix("#Fields:").split()
            continue
        if not line or line.startswith("#"):
            continue
        values = line.split("\t")
        if fields is None or len(values) != len(fields) or not set(NEEDED) <= set(fields):
            yield BadLine(source, number)
            continue
        row = dict(zip(fields, values, strict=True))
        try:
            at = dt.datetime.fromisoformat(f"{row['date']}T{row['time']}+00:00")
        except ValueError:
            yield BadLine(source, number)
            continue
        query = row["cs-uri-query"]
        poll = poll_of(unquote(row["cs-uri-stem"]), "" if query == "-" else query, at)
        if poll is not None:
            yield poll
