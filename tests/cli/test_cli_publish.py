"""`publisher publish` and `publisher status` through the command line, as a user runs them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text, update
from store_checks import files

from publisher.db import School, transaction
from publisher.page import asset_files

SHARED = len(asset_files()) + 1  # the page's assets and sw.js


def test_publish_all_writes_every_school_and_says_so(cli, two_schools):
    result = cli("publish", "--all")
    assert result.exit_code == 0, result.output
    # Per school: 8 day files (--days 7 and the day the window holds besides, yesterday
    # or today+7), a manifest and its page; shared: the page's assets and sw.js.
    expected = 2 * 11 + SHARED
    assert f"2 published, 0 unchanged, 0 failed: {expected} objects" in result.stderr
    assert len(files(cli.target)) == expected


def test_a_second_publish_all_writes_zero_objects(cli, two_schools):
    cli("publish", "--all")
    result = cli("publish", "--all", "--json")
    summary = json.loads(result.stdout)
    assert (summary["counts"]["objects_written"], summary["unchanged"], summary["published"]) == (
        0,
        ["alpha", "beta"],
        [],
    )


def test_full_builds_every_school_and_publishes_an_edit_no_trigger_saw(cli, sessions, two_schools):
    cli("publish", "--all")
    # An edit made where no trigger could note it: the revision stays where it was.
    with transaction(sessions) as session:
        session.execute(text("UPDATE lessons SET subject = 'Physics' WHERE subject = 'Maths'"))
        session.execute(text("DELETE FROM school_changes"))

    skipped = json.loads(cli("publish", "--all", "--json").stdout)
    full = json.loads(cli("publish", "--all", "--full", "--json").stdout)

    assert (skipped["published"], skipped["counts"]["objects_written"]) == ([], 0)
    assert sorted(full["published"]) == ["alpha", "beta"]
    assert full["counts"]["objects_written"] > 0


def test_json_summary_lists_schools_objects_bytes_seconds_and_invalidation(cli, two_schools):
    summary = json.loads(cli("publish", "--all", "--json").stdout)
    assert (summary["busy"], summary["counts"]["stopped"]) == ([], 0)
    assert (summary["invalidation"], summary["edges_refreshed"]) == (None, [])
    assert summary["published"] == ["alpha", "beta"]
    assert summary["counts"]["published"] == 2
    written = sum(p.stat().st_size for p in cli.target.rglob("*.*"))
    assert summary["counts"]["bytes_written"] == written


@pytest.mark.parametrize("how", ["slug", "id", "public key"])
def test_publish_one_school_by_slug_id_or_public_key(cli, sessions, two_schools, how):
    with transaction(sessions) as session:
        school_id, key = session.execute(
            text("SELECT id, public_key FROM schools WHERE slug = 'beta'")
        ).one()
    name = {"slug": "beta", "id": str(school_id), "public key": key}[how]
    summary = json.loads(cli("publish", "--school", name, "--json").stdout)
    assert summary["published"] == ["beta"]
    assert {f.split("/")[1] for f in files(cli.target) if f.startswith("schools/")} == {key}


def test_publishing_a_named_inactive_school_is_refused_in_one_line_and_writes_nothing(
    cli, sessions, two_schools
):
    with transaction(sessions) as session:
        session.execute(update(School).where(School.slug == "beta").values(active=False))

    result = cli("publish", "--school", "alpha", "--school", "beta")

    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: school beta is inactive; activate it to publish it"
    ]
    assert files(cli.target) == []


def test_publish_changed_only_takes_schools_whose_revision_moved(cli, sessions, two_schools):
    cli("publish", "--all")
    with transaction(sessions) as session:
        session.query(School).filter_by(slug="beta").one().name = "Beta renamed"
    summary = json.loads(cli("publish", "--changed", "--json").stdout)
    assert (summary["published"], summary["unchanged"]) == (["beta"], [])
    assert json.loads(cli("publish", "--changed", "--json").stdout)["published"] == []


def test_dry_run_prints_each_write_with_its_reason_and_writes_nothing(cli, two_schools):
    result = cli("publish", "--all", "--dry-run")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 * 11 + SHARED
    assert all(line.endswith("\tnot yet published") for line in lines)
    assert [line.split("\t")[0] for line in lines[: SHARED + 1]] == ["-"] * SHARED + ["alpha"]
    assert lines[SHARED - 1].split("\t")[1] == "sw.js"
    school, key, _reason = lines[-1].split("\t")
    assert (school, key.rsplit("/", 1)[-1]) == ("beta", "alert.json")
    assert files(cli.target) == []


def test_days_sets_the_window(cli, two_schools):
    cli("publish", "--all", "--days", "3")
    assert len([f for f in files(cli.target) if "/days/" in f]) == 2 * (3 + 1)


def test_a_school_that_fails_is_named_and_the_exit_status_is_1(cli, sessions, two_schools):
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = 'beta'"))
    result = cli("publish", "--all")
    assert result.exit_code == 1
    assert "Error: school beta: unknown time zone 'Nowhere/Land'" in result.stderr
    assert "Traceback" not in result.output
    assert "1 published, 0 unchanged, 1 failed" in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        pytest.param(
            ["publish", "--all", "--database", "nonsense"],
            {},
            "Error: database URL 'nonsense' is not a valid SQLAlchemy URL",
            id="malformed-database-url",
        ),
        pytest.param(
            ["publish", "--all", "--database", "mysql://u@h/db"],
            {},
            "only sqlite:/// and postgresql+psycopg:// are supported",
            id="unsupported-database",
        ),
        pytest.param(
            ["publish", "--all", "--database", "postgresql+psycopg://nobody:secret@127.0.0.1:1/x"],
            {},
            "Error: database postgresql+psycopg://nobody:***@127.0.0.1:1/x is unreachable",
            id="unreachable-database-hides-password",
        ),
        pytest.param(
            ["publish", "--school", "nobody"],
            {},
            'Error: no school "nobody" (give its id, slug or public key)',
            id="unknown-school",
        ),
        pytest.param(
            ["publish", "--all"],
            {"PUBLISHER_TARGET": "ftp://example/x"},
            "unknown scheme 'ftp'",
            id="unknown-target-scheme",
        ),
        pytest.param(
            ["publish", "--all"],
            {"PUBLISHER_TARGET": "file:///proc/publisher-cannot-write-here"},
            "Error: target folder /proc/publisher-cannot-write-here cannot be created",
            id="unwritable-target",
        ),
        pytest.param(
            ["status", "--target", "s3://screens", "--endpoint-url", "nonsense"],
            {},
            "Error: target s3://screens: Invalid endpoint: nonsense",
            id="malformed-endpoint",
        ),
        pytest.param(["publish"], {}, "choose exactly one of --all", id="no-selection"),
        pytest.param(
            ["publish", "--all", "--changed"], {}, "choose exactly one", id="two-selections"
        ),
        pytest.param(
            ["publish", "--all", "--days", "0"], {}, "Invalid value for '--days'", id="zero-days"
        ),
    ],
)
def test_bad_usage_or_configuration_exits_2_with_one_line(cli, two_schools, args, env, message):
    result = cli(*args, env=env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert files(cli.target) == []


def test_a_database_without_schema_asks_for_db_init(cli, tmp_path):
    result = cli("publish", "--all", "--database", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 2
    assert "has no schema yet: run `publisher db init`" in result.stderr


def test_db_init_is_safe_to_run_twice(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert cli("db", "init", "--database", url).exit_code == 0
    assert cli("db", "init", "--database", url).exit_code == 0
    assert cli("status", "--database", url).exit_code == 0


def test_status_shows_published_revision_dates_and_errors(cli, sessions, two_schools):
    cli("publish", "--all")
    with transaction(sessions) as session:
        session.execute(text("UPDATE schools SET timezone = 'Nowhere/Land' WHERE slug = 'beta'"))
    cli("publish", "--all")
    result = cli("status", "--json")
    assert result.exit_code == 1
    alpha, beta = json.loads(result.stdout)["schools"]
    assert (alpha["slug"], alpha["published_revision"], alpha["last_error"]) == ("alpha", 1, None)
    assert (alpha["state"], beta["state"]) == ("published", "failed")
    assert alpha["last_date"] is not None
    assert alpha["published_at"].endswith("Z") and "." not in alpha["published_at"]
    assert beta["last_error"] == "school beta: unknown time zone 'Nowhere/Land'"
    assert json.loads(result.stdout)["target"] == cli.target.resolve().as_uri()
    assert alpha["target"] == beta["target"] == cli.target.resolve().as_uri()
    table = cli("status")
    target_line, header, alpha_row, beta_row = table.stdout.splitlines()
    assert target_line == f"target {cli.target.resolve().as_uri()}"
    columns = ["SCHOOL", "STATE", "REVISION", "PUBLISHED", "DATES", "PUBLISHED AT", "LAST ERROR"]
    assert re.split(" {2,}", header) == columns
    assert alpha_row.split()[:4] == ["alpha", "published", "r1", "r1"]
    assert beta_row.split()[:2] == ["beta", "failed"]
    assert beta_row.endswith("school beta: unknown time zone 'Nowhere/Land'")
    # The columns line up under their headers.
    assert alpha_row.index("published") == beta_row.index("failed") == header.index("STATE")
    assert table.stderr == (
        "2 schools: 1 published, 0 behind, 1 failed, 0 not published, 0 inactive; "
        "0 watchers, 0 overdue\n"
    )


def test_status_before_any_publish_says_not_published(cli, two_schools):
    result = cli("status")
    assert result.exit_code == 1
    assert [line.split()[:2] for line in result.stdout.splitlines()[2:]] == [
        ["alpha", "not"],
        ["beta", "not"],
    ]
    assert "not published  r1        -" in result.stdout.splitlines()[2]
    assert "2 not published" in result.stderr


def test_status_names_a_school_whose_published_revision_is_behind(cli, sessions, two_schools):
    cli("publish", "--all")
    with transaction(sessions) as session:
        session.query(School).filter_by(slug="beta").one().name = "Beta renamed"
    result = cli("status")
    assert result.exit_code == 1
    rows = {line.split()[0]: line.split()[1:4] for line in result.stdout.splitlines()[2:]}
    assert rows == {"alpha": ["published", "r1", "r1"], "beta": ["behind", "r2", "r1"]}
    assert "1 published, 1 behind, 0 failed" in result.stderr
    assert cli("publish", "--changed").exit_code == 0
    assert cli("status").exit_code == 0


def test_status_describes_the_target_it_is_given(cli, two_schools, tmp_path):
    """Publish state is per target: another target's schools were never published there."""
    assert cli("publish", "--all").exit_code == 0
    assert cli("status").exit_code == 0
    other = tmp_path / "other"
    result = cli("status", "--json", env={"PUBLISHER_TARGET": f"file://{other}"})
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["target"] == other.resolve().as_uri()
    assert [s["published_revision"] for s in document["schools"]] == [None, None]
    assert not other.exists()  # status only reads the records: it creates no folder
    assert cli("status", "--target", str(cli.target)).exit_code == 0
