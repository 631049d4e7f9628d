"""`publisher screens` on logs the real nginx edge wrote (infra/nginx/publisher-edge.conf,
run by testsupport/edge.py in front of moto's S3), and on a CloudFront standard log
written from AWS's documented fields (tests/data/cloudfront-standard.log).

Screens are played by plain HTTP requests to the edge, each poll naming a screen
id, a page build and a revision as the page does. The edge logs real times, so
the clock the command is given is set from the moment the polls were made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from schools import riyadh_school, save, t

from publisher.build.source import WEEKDAYS, BellScheduleRow, CalendarRow, PeriodRow
from publisher.cli import main
from publisher.cli.app import App
from testsupport import CHECKOUT
from testsupport.edge import NGINX, Edge, start_edge
from testsupport.s3_server import (  # noqa: F401  (the fixtures register by being imported)
    Bucket,
    MotoServer,
    aws_env_fixture,
    bucket_fixture,
    moto_server_fixture,
)

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx; CI installs it)"
)

PREFIX = "site"
BUILD = "0123456789abcdef"
OPEN, CLOSED = "openKey-0123456789abcdef-AAAA", "closedKey-0123456789abcdef-BBB"
CLOUDFRONT_LOG = CHECKOUT / "tests" / "data" / "cloudfront-standard.log"
CLOUDFRONT_KEY = "cfTestSchoolKey-0123456789abcdefXYZ"
ALL_DAY = BellScheduleRow("all-day", (PeriodRow(1, "lesson", "All day", t("00:00"), t("23:59")),))


@pytest.fixture
def database_url(new_database: Callable[[str], str]) -> str:
    """SQLite only: what is read from the database is a few plain queries."""
    return new_database("sqlite")


def every_day_school(slug: str, key: str, **changes: Any) -> Any:
    """A school in UTC with lessons all day, every day: its hours cover any moment
    the test happens to run at (but a holiday's)."""
    every_day = {
        "key": key,
        "timezone": "UTC",
        "locale": "en",
        "weekend": (),
        "bell_schedules": (ALL_DAY,),
        "week": tuple((day, "all-day") for day in WEEKDAYS),
        "calendar": (),
        "lessons": (),
        "substitutions": (),
        "duties": (),
    }
    return riyadh_school(slug, **{**every_day, **changes})


@dataclasses.dataclass
class Screens:
    """The published schools behind a running edge, and `publisher screens` to run."""

    edge: Edge
    database_url: str
    target: str
    endpoint: str

    def poll(self, key: str, screen: str, rev: int, build: str = BUILD) -> None:
        """One screen's manifest poll through the edge, as the page sends it."""
        count = len(self.edge.access_log())
        answer = self.edge.get(
            f"/schools/{key}/manifest.json?screen={screen}&build={build}&rev={rev}"
        )
        assert answer.status == 200, answer
        self.edge.access_log(at_least=count + 1)

    @property
    def log(self) -> Path:
        return self.edge.folder / "access.log"

    def run(self, *args: str, now: dt.datetime) -> Result:
        env = {"PUBLISHER_DATABASE_URL": self.database_url, "PUBLISHER_TARGET": self.target}
        return CliRunner().invoke(
            main,
            ["screens", "--endpoint-url", self.endpoint, *args],
            env=env,
            obj=App(clock=lambda: now),
            catch_exceptions=False,
        )

    def listed(self, *args: str, now: dt.datetime, exit_code: int = 0) -> list[dict[str, Any]]:
        result = self.run("--log", str(self.log), "--json", *args, now=now)
        assert result.exit_code == exit_code, result.stderr
        return json.loads(result.stdout)["screens"]


@pytest.fixture
def screens(
    cli, aws_env, sessions, bucket: Bucket, moto_server: MotoServer, tmp_path: Path
) -> Iterator[Screens]:
    """Two schools published to the bucket (revision 1), and the edge in front of it.

    "closed" has a holiday around today: no school hours."""
    today = dt.datetime.now(dt.UTC).date()
    holiday = CalendarRow(
        "holiday", today - dt.timedelta(days=2), today + dt.timedelta(days=2), "Break"
    )
    save(
        sessions,
        every_day_school("open", OPEN),
        every_day_school("closed", CLOSED, calendar=(holiday,)),
    )
    target = bucket.target(PREFIX)
    published = cli("publish", "--all", "--target", target, "--endpoint-url", moto_server.url)
    assert published.exit_code == 0, published.stderr
    with start_edge(moto_server.url, f"/{bucket.name}/{PREFIX}", tmp_path / "edge") as edge:
        yield Screens(edge, cli.database_url, target, moto_server.url)


def test_each_screen_is_listed_with_its_school_first_and_last_poll_build_and_revision(
    screens: Screens,
):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    screens.poll(OPEN, "aaaa000000000001", rev=0)
    screens.poll(OPEN, "aaaa000000000001", rev=1, build="fedcba9876543210")
    screens.poll(OPEN, "aaaa000000000002", rev=1)
    screens.poll(CLOSED, "cccc000000000001", rev=1)
    after = dt.datetime.now(dt.UTC)

    rows = screens.listed(now=after)

    assert [(r["school"], r["screen"]) for r in rows] == [
        ("closed", "cccc000000000001"),
        ("open", "aaaa000000000001"),
        ("open", "aaaa000000000002"),
    ]
    first = rows[1]
    assert (first["school_name"], first["school_key"]) == ("مدرسة open", OPEN)
    assert (first["build"], first["revision"]) == ("fedcba9876543210", 1)  # its last poll's
    seen = [dt.datetime.fromisoformat(first[name]) for name in ("first_seen", "last_seen")]
    assert before <= seen[0] <= seen[1] <= after


def test_a_screen_holding_an_older_revision_than_the_published_one_is_behind(
    screens: Screens,
):
    screens.poll(OPEN, "aaaa000000000001", rev=1)
    screens.poll(OPEN, "aaaa000000000002", rev=0)

    rows = screens.listed(now=dt.datetime.now(dt.UTC))

    assert [(r["screen"], r["revision"], r["published_revision"], r["behind"]) for r in rows] == [
        ("aaaa000000000001", 1, 1, False),
        ("aaaa000000000002", 0, 1, True),
    ]
    table = screens.run("--log", str(screens.log), now=dt.datetime.now(dt.UTC))
    assert table.exit_code == 0
    assert [line.split()[:2] for line in table.stdout.splitlines()[1:]] == [
        ["open", "aaaa000000000001"],
        ["open", "aaaa000000000002"],
    ]
    assert "r0 behind" in table.stdout.splitlines()[2]
    assert "2 screens, 1 behind what is published" in table.stderr


def test_silent_for_lists_screens_silent_that_long_in_school_hours_and_exits_1(
    screens: Screens,
):
    screens.poll(OPEN, "aaaa000000000001", rev=1)
    screens.poll(CLOSED, "cccc000000000001", rev=1)  # on holiday: never missed
    polled = dt.datetime.now(dt.UTC)

    assert screens.listed("--silent-for", "10m", now=polled + dt.timedelta(minutes=5)) == []
    quiet = screens.run("-q", "--log", str(screens.log), "--silent-for", "10m", now=polled)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")  # cron mails nothing

    later = polled + dt.timedelta(minutes=15)
    rows = screens.listed("--silent-for", "10m", now=later, exit_code=1)
    assert [(r["school"], r["screen"]) for r in rows] == [("open", "aaaa000000000001")]
    assert rows[0]["silent_seconds"] >= 13 * 60  # all of it in school hours (but 23:59-00:00)

    table = screens.run("--log", str(screens.log), "--silent-for", "10m", now=later)
    assert table.exit_code == 1
    assert "1 of 2 screens silent for 10 min or more during school hours" in table.stderr


def test_a_malformed_line_is_counted_and_named_in_one_line_and_the_rest_is_read(
    screens: Screens, tmp_path: Path
):
    screens.poll(OPEN, "aaaa000000000001", rev=1)
    log = tmp_path / "access.log"
    lines = screens.log.read_text().splitlines()
    log.write_text("\n".join([lines[0], "GET /schools/ truncated", *lines[1:]]) + "\n")

    result = screens.run("--log", str(log), now=dt.datetime.now(dt.UTC))

    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "could not be read" in line]
    assert warnings == [f"Warning: 1 log line could not be read (the first: {log} line 2)"]
    assert "Traceback" not in result.stderr
    assert "aaaa000000000001" in result.stdout


def test_rotated_and_gzipped_files_in_a_folder_read_as_one_log(screens: Screens, tmp_path: Path):
    screens.poll(OPEN, "aaaa000000000001", rev=0)
    screens.poll(OPEN, "aaaa000000000001", rev=1)
    first, second = screens.log.read_text().splitlines(keepends=True)
    folder = tmp_path / "nginx"
    folder.mkdir()
    (folder / "access.log.2.gz").write_bytes(gzip.compress(first.encode()))
    (folder / "access.log.1").write_text(second)

    result = screens.run("--log", str(folder), "--json", now=dt.datetime.now(dt.UTC))

    assert result.exit_code == 0, result.stderr
    (row,) = json.loads(result.stdout)["screens"]
    assert screens.listed(now=dt.datetime.now(dt.UTC)) == [row]


@pytest.mark.parametrize("problem", ["missing", "corrupt gzip"])
def test_an_unreadable_log_is_one_line_and_exit_status_2(
    screens: Screens, tmp_path: Path, problem: str
):
    path = tmp_path / "access.log.1.gz"
    if problem == "corrupt gzip":
        whole = gzip.compress(screens.log.read_bytes() + os.urandom(4000))
        path.write_bytes(whole[: len(whole) // 2])  # cut short, as by a copy interrupted

    result = screens.run("--log", str(path), now=dt.datetime.now(dt.UTC))

    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: log {path}: ")
    assert len(result.stderr.splitlines()) == 1, result.stderr


# -- CloudFront -------------------------------------------------------------------------


@pytest.fixture
def cloudfront_school(sessions) -> None:
    """The Riyadh school of the CloudFront log, never published to the test's target."""
    save(sessions, riyadh_school("riyadh", key=CLOUDFRONT_KEY))


@pytest.mark.parametrize("where", ["file", "s3"])
def test_cloudfront_standard_logs_are_read_from_a_file_or_an_s3_prefix(
    cloudfront_school,
    cli,
    aws_env,
    bucket: Bucket,
    moto_server: MotoServer,
    tmp_path: Path,
    where: str,
):
    compressed = gzip.compress(CLOUDFRONT_LOG.read_bytes())
    name = "E2EXAMPLE123.2026-11-22-04.a1b2c3d4.gz"
    if where == "file":
        (tmp_path / name).write_bytes(compressed)
        location = str(tmp_path / name)
    else:
        bucket.client.put_object(Bucket=bucket.name, Key=f"cf-logs/{name}", Body=compressed)
        location = f"s3://{bucket.name}/cf-logs"
    # Sunday 22 November 2026, 07:30 in Riyadh: First period, 20 minutes after the last poll.
    now = dt.datetime(2026, 11, 22, 4, 30, tzinfo=dt.UTC)

    result = CliRunner().invoke(
        main,
        ["screens", "--log", location, "--json", "--endpoint-url", moto_server.url],
        env={"PUBLISHER_DATABASE_URL": cli.database_url, "PUBLISHER_TARGET": bucket.target(PREFIX)},
        obj=App(clock=lambda: now),
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["screens"]
    assert [
        (r["school"], r["screen"], r["first_seen"], r["last_seen"], r["revision"]) for r in rows
    ] == [
        ("riyadh", "1a2b3c4d5e6f7081", "2026-11-22T04:00:03Z", "2026-11-22T04:09:58Z", 2),
        ("riyadh", "99aa88bb77cc66dd", "2026-11-22T04:01:05Z", "2026-11-22T04:01:05Z", 3),
    ]
    assert {r["build"] for r in rows} == {"5f0c2a9e81d4b7c3"}
    assert {r["published_revision"] for r in rows} == {None}  # never published to this target
    assert not any(r["behind"] for r in rows)


def test_the_shipped_edge_format_is_the_one_the_reader_reads():
    from publisher.screens.nginx import EDGE_LOG_FORMAT

    conf = (CHECKOUT / "infra" / "nginx" / "publisher-edge.conf").read_text()
    start = conf.index("log_format publisher_edge ")
    declaration = conf[start : conf.index(";", start)].removeprefix("log_format publisher_edge ")
    shipped = "".join(part.strip().strip("'") for part in declaration.splitlines())
    assert shipped == EDGE_LOG_FORMAT


def test_the_json_document_has_exactly_the_keys_docs_json_md_shows(screens: Screens):
    screens.poll(OPEN, "aaaa000000000001", rev=1)
    docs = (CHECKOUT / "docs" / "json.md").read_text(encoding="utf-8")
    example = json.loads(
        docs.split("## `publisher screens --json`")[1].split("```json")[1].split("```")[0]
    )

    result = screens.run("--log", str(screens.log), "--json", now=dt.datetime.now(dt.UTC))

    document = json.loads(result.stdout)
    assert list(document) == list(example)
    assert list(document["screens"][0]) == list(example["screens"][0])
    assert list(document["counts"]) == list(example["counts"])
