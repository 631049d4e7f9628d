"""The log readers on their own: which lines are polls, which are skipped, which are bad."""

from __future__ import annotations

import datetime as dt

from publisher.screens import BadLine, Poll
from publisher.screens.cloudfront import read_cloudfront_log
from publisher.screens.nginx import read_nginx_log

KEY = "k3y-0123456789abcdef"
EDGE_LINE = (
    '127.0.0.1 [22/Nov/2026:04:00:03 +0000] "GET {target} HTTP/1.1" 200 1187 '
    'cache=HIT upstream_status=- upstream_time=- request_time=0.000 "Mozilla/5.0 (X11)"'
)


def edge_lines(*targets: str) -> list[str]:
    return [EDGE_LINE.format(target=target) for target in targets]


def test_an_edge_line_is_a_poll_only_for_a_manifest_named_with_a_screen_id():
    lines = [
        *edge_lines(
            f"/schools/{KEY}/manifest.json?screen=00ff&build=abc&rev=4",
            f"/schools/{KEY}/manifest.json",  # the service worker's own copy
            f"/schools/{KEY}/days/2026-11-22-r1-0123456789abcdef.json",
            f"/schools/{KEY}/manifest.json?screen=00ee",  # a page from before `build` and `rev`
        ),
        "not a line of the edge's format",
    ]
    at = dt.datetime(2026, 11, 22, 4, 0, 3, tzinfo=dt.UTC)
    assert list(read_nginx_log(lines, "access.log")) == [
        Poll(at, KEY, "00ff", "abc", 4),
        Poll(at, KEY, "00ee", "", None),
        BadLine("access.log", 5),
    ]


def test_cloudfront_fields_are_found_by_the_header_and_a_line_of_another_length_is_bad():
    lines = [
        "#Version: 1.0",
        "#Fields: cs-uri-query time sc-status date cs-uri-stem",
        f"screen=a1&build=b2&rev=3\t04:00:03\t200\t2026-11-22\t/p/schools/{KEY}/manifest.json",
        f"-\t04:00:04\t200\t2026-11-22\t/p/schools/{KEY}/manifest.json",
        "screen=a1\t04:00:05\t200",
        f"screen=a1\t25:00:00\t200\t2026-11-22\t/p/schools/{KEY}/manifest.json",
    ]
    assert list(read_cloudfront_log(lines, "E1.gz")) == [
        Poll(dt.datetime(2026, 11, 22, 4, 0, 3, tzinfo=dt.UTC), KEY, "a1", "b2", 3),
        BadLine("E1.gz", 5),
        BadLine("E1.gz", 6),
    ]


def test_a_cloudfront_file_without_the_needed_fields_has_only_bad_lines():
    lines = [
        "#Fields: date time cs-uri-stem",
        f"2026-11-22\t04:00:03\t/schools/{KEY}/manifest.json",
    ]
    assert list(read_cloudfront_log(lines, "E1.gz")) == [BadLine("E1.gz", 2)]
