"""`publisher alert`: recorded with who and when, written at once as each school's
alert.json, and nothing else moves: no revision, no day file, no manifest.

The clock is fixed (`App(clock=...)`): Sunday 22 November 2026, 07:00 in Riyadh.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from schools import riyadh_school, save
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from store_checks import RecordingStore

from publisher.cli import main
from publisher.cli.app import App
from publisher.config import PublishSettings
from publisher.db.models import Alert, School
from publisher.page.build import current_page_build
from publisher.publish import publish
from publisher.stores.local import LocalStore

NOW = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)  # 07:00 in Riyadh
USER = getpass.getuser()
NO_ALERT = b'{"alerts":[],"schema":1}'


class Clocked:
    """`publisher` on the test's database and folder, at a time the test sets."""

    def __init__(self, database_url: str, sessions: sessionmaker[Session], folder: Path) -> None:
        self.database_url, self.sessions, self.folder, self.now = (
            database_url,
            sessions,
            folder,
            NOW,
        )

    def __call__(self, *args: str, target: Path | None = None) -> Result:
        env = {
            "PUBLISHER_DATABASE_URL": self.database_url,
            "PUBLISHER_TARGET": f"file://{target or self.folder}",
        }
        app = App(clock=lambda: self.now)
        return CliRunner().invoke(main, list(args), env=env, obj=app, catch_exceptions=False)

    def tree(self, folder: Path | None = None) -> dict[str, bytes]:
        root = folder or self.folder
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.*")}

    def alert_objects(self, folder: Path | None = None) -> dict[str, bytes]:
        """Each school's alert.json, by slug."""
        with self.sessions() as session:
            keys = dict(session.execute(select(School.slug, School.public_key)).all())
        root = folder or self.folder
        return {
            slug: (root / f"schools/{key}/alert.json").read_bytes() for slug, key in keys.items()
        }


@pytest.fixture
def run(database_url: str, sessions, tmp_path: Path) -> Clocked:
    save(sessions, riyadh_school("alpha"), riyadh_school("beta"))
    clocked = Clocked(database_url, sessions, tmp_path / "public")
    assert clocked("publish", "--all").exit_code == 0
    return clocked


def alert_object(*alerts: dict[str, str]) -> bytes:
    return json.dumps(
        {"alerts": list(alerts), "schema": 1}, sort_keys=True, separators=(",", ":"),
        ensure_ascii=False,
    ).encode()  # fmt: skip


FIRE = {
    "level": "urgent",
    "text": "Fire drill: leave by the nearest exit",
    "second_text": "تمرين حريق: اخرجوا من أقرب مخرج",
    "since": "2026-11-22T04:00:00Z",
    "until": "2026-11-22T04:30:00Z",
}


def test_an_alert_for_every_school_writes_each_alert_object_and_nothing_else(run, sessions):
    before = run.tree()
    with sessions() as session:
        revisions = session.execute(select(School.slug, School.revision)).all()
    assert run.alert_objects() == {"alpha": NO_ALERT, "beta": NO_ALERT}  # publish wrote them

    result = run(
        "alert", "--all", FIRE["text"], "--second-text", FIRE["second_text"], "--for", "30m"
    )

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"urgent alert up for every school by {USER}: 2 alert object(s) written to "
        f"file://{run.folder}, 0 already current, 0 failed\n"
    )
    assert run.alert_objects() == {"alpha": alert_object(FIRE), "beta": alert_object(FIRE)}
    after = run.tree()
    assert {k for k in after if after[k] != before.get(k)} == {
        k for k in after if k.endswith("/alert.json")
    }
    with sessions() as session:
        assert session.execute(select(School.slug, School.revision)).all() == revisions
    # Recorded as published: the next publish finds nothing to write and asks the store nothing.
    store = RecordingStore(LocalStore.open(run.folder), check_manifests=False)
    with sessions() as session:
        ids = list(session.scalars(select(School.id)))
    summary = publish(sessions, store, ids, NOW, PublishSettings(), page=current_page_build())
    assert (summary.objects_written, store.puts) == (0, [])
    # verify expects the objects as they are; gc never deletes them.
    assert run("verify").exit_code == 0
    assert run("gc", "--keep-days", "0").exit_code == 0
    assert run.alert_objects() == {"alpha": alert_object(FIRE), "beta": alert_object(FIRE)}


def test_list_shows_each_alert_with_who_and_when_and_a_clear_records_who_ended_it(run, sessions):
    assert run("alert", "--school", "alpha", "Lockdown: stay in your rooms").exit_code == 0
    run.now = NOW + dt.timedelta(minutes=5)
    assert run("alert", "--all", "Parents' evening at 18:00", "--level", "notice").exit_code == 0

    listed = run("alert", "--list")
    assert listed.exit_code == 0
    lines = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [line[1:] for line in lines] == [
        ["alpha", "urgent", "2026-11-22T04:00:00Z", "-", USER, "Lockdown: stay in your rooms"],
        ["(all)", "notice", "2026-11-22T04:05:00Z", "-", USER, "Parents' evening at 18:00"],
    ]
    lockdown = {
        "level": "urgent",
        "text": "Lockdown: stay in your rooms",
        "since": "2026-11-22T04:00:00Z",
    }
    evening = {
        "level": "notice",
        "text": "Parents' evening at 18:00",
        "since": "2026-11-22T04:05:00Z",
    }
    assert run.alert_objects() == {
        "alpha": alert_object(lockdown, evening),  # urgent first
        "beta": alert_object(evening),
    }

    run.now = NOW + dt.timedelta(minutes=20)
    cleared = run("alert", "--clear", "--school", "alpha")
    assert cleared.exit_code == 0
    assert cleared.stderr.startswith(f"1 alert(s) ended by {USER}: 1 alert object(s) written")
    assert run.alert_objects() == {"alpha": alert_object(evening), "beta": alert_object(evening)}
    with sessions() as session:
        row = session.scalars(select(Alert).where(Alert.school_id.is_not(None))).one()
        assert (row.created_by, row.cleared_by) == (USER, USER)
        assert row.cleared_at == NOW + dt.timedelta(minutes=20)

    assert run("alert", "--clear", "--all").exit_code == 0
    assert run.alert_objects() == {"alpha": NO_ALERT, "beta": NO_ALERT}
    listed = run("alert", "--list", "--json")
    assert json.loads(listed.stdout) == {"format": 1, "alerts": [], "counts": {"alerts": 0}}
    with sessions() as session:  # kept, as the record of what happened
        assert len(session.scalars(select(Alert)).all()) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--school", "nowhere", "x"),
            'Error: no school "nowhere" (give its id, slug or public key)',
            id="unknown-school",
        ),
        pytest.param(("--all", "   "), "Error: TEXT: the alert's text is empty", id="empty-text"),
        pytest.param(
            ("--all", "x", "--until", "2026-11-22T06:59"),
            "Error: --until 2026-11-22T06:59: that is not in the future",
            id="until-in-the-past",
        ),
        pytest.param(
            ("--all", "x", "--for", "soon"),
            "Error: --for soon: give a duration such as 30m, 2h or 1h30m",
            id="bad-duration",
        ),
        pytest.param(
            ("--all", "x" * 301),
            "Error: TEXT: 301 characters; at most 300 fit on a screen",
            id="too-long",
        ),
    ],
)
def test_a_bad_alert_is_refused_in_one_line_and_nothing_is_recorded_or_written(
    run, sessions, args, message
):
    before = run.tree()
    result = run("alert", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert run.tree() == before
    with sessions() as session:
        assert session.scalars(select(Alert)).all() == []


def test_an_alert_naming_an_inactive_school_is_refused_in_one_line(run, sessions):
    with sessions.begin() as session:
        session.execute(update(School).where(School.slug == "beta").values(active=False))
    before = run.tree()

    result = run("alert", "--school", "alpha", "--school", "beta", "Fire drill")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: school beta is inactive: its screens show nothing"
    ]
    assert run.tree() == before
    with sessions() as session:
        assert session.scalars(select(Alert)).all() == []


def test_until_without_an_offset_is_the_schools_own_time(run):
    assert (
        run("alert", "--school", "beta", "Early close", "--until", "2026-11-22T12:30").exit_code
        == 0
    )
    assert json.loads(run.alert_objects()["beta"])["alerts"][0]["until"] == "2026-11-22T09:30:00Z"


def test_an_alert_ends_by_itself_and_the_next_publish_takes_it_out(run):
    assert run("alert", "--all", FIRE["text"], "--for", "30m").exit_code == 0
    run.now = NOW + dt.timedelta(minutes=31)
    assert run("alert", "--list").stdout == ""
    result = run("publish", "--all", "--json")
    assert run.alert_objects() == {"alpha": NO_ALERT, "beta": NO_ALERT}
    assert json.loads(result.stdout)["counts"]["objects_written"] == 2  # the two alert objects


def test_a_new_target_gets_the_alert_objects_with_its_first_publish(run, tmp_path):
    assert (
        run(
            "alert", "--all", FIRE["text"], "--second-text", FIRE["second_text"], "--for", "30m"
        ).exit_code
        == 0
    )
    other = tmp_path / "other"
    assert run("publish", "--all", target=other).exit_code == 0
    assert run.alert_objects(other) == {"alpha": alert_object(FIRE), "beta": alert_object(FIRE)}
    again = run("publish", "--all", "--json", target=other)
    assert json.loads(again.stdout)["counts"]["objects_written"] == 0
