"""The schema and its migrations: `db init`, `db upgrade`, and databases that are behind.

A database from before this version of the publisher is built here from the
baseline migration (the schema as it stood before migrations, written out in
full) with no revision recorded, as the old `db init` left it. Each database
test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from conftest import Cli
from schools import riyadh_school, save
from sqlalchemy import create_engine, inspect, text

from publisher.db import open_engine, session_factory
from publisher.db.changes import install_triggers
from publisher.db.schema import SCHEMA_REVISION, current_revision, head_revision, migration_config
from publisher.page import asset_files

BASELINE = "0001_baseline"
ROOMS = "0003_rooms_exams_display"
GROUPS = "0004_lesson_groups"
RUNS = "0005_publish_runs"
ALERTS = "0006_alerts"
CLASS_GROUPS = "0007_class_groups"
INPUTS = "0008_publish_inputs"
WINDOW = 8  # dates a manifest names with the default --days 7
PER_SCHOOL = WINDOW + 3  # the day files, the manifest, the page, the alert object
SHARED = len(asset_files()) + 1  # the page's assets and sw.js
TABLES = (
    "schools",
    "bell_schedules",
    "periods",
    "week_plan",
    "calendar_overrides",
    "classes",
    "lessons",
    "substitutions",
    "duties",
    "announcements",
    "published_objects",
    "publish_state",
)


def migrate(url: str, revision: str, legacy_target: str | None = None, down: bool = False) -> None:
    engine = open_engine(url)
    with engine.begin() as connection:
        config = migration_config(legacy_target)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    engine.dispose()


def forget_revision(url: str) -> None:
    """As a database made before migrations: no `alembic_version` table."""
    engine = open_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()


ADDED_COLUMNS = {"target", "room", "group_label", "inputs"}
"""Columns later migrations add to the baseline's tables (0002 targets, 0003 rooms,
0004 lesson groups, 0008 publish inputs)."""


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table but the columns added since the baseline, in a stable order."""
    engine = create_engine(url)
    found = {}
    with engine.connect() as connection:
        for table in TABLES:
            columns = [c["name"] for c in inspect(connection).get_columns(table)]
            kept = ", ".join(f'"{c}"' for c in columns if c not in ADDED_COLUMNS)
            query = f"SELECT {kept} FROM {table} ORDER BY {kept}"
            found[table] = [tuple(row) for row in connection.execute(text(query))]
    engine.dispose()
    return found


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, new_database: Callable[..., str]) -> str:
    return new_database(request.param, schema=False)


@pytest.fixture
def cli(empty_url: str, tmp_path: Path) -> Cli:
    """`publisher` on the test's own database (made here, not by conftest)."""
    return Cli(database_url=empty_url, target=tmp_path / "public")


@pytest.fixture
def old_url(empty_url: str) -> str:
    """The schema as the previous version's `db init` made it, triggers and all."""
    migrate(empty_url, BASELINE)
    forget_revision(empty_url)
    engine = open_engine(empty_url)
    install_triggers(engine)
    engine.dispose()
    return empty_url


def test_an_old_database_keeps_every_row_and_its_records_count_for_the_cron_target(
    cli, old_url, tmp_path
):
    """Schools, revisions, public keys and records all survive `db upgrade`; the
    target it names (cron's) needs nothing more, any other gets everything."""
    # Schools and records such as the previous version made: saved and published to
    # the cron target by this version, then taken back down to the old schema.
    assert cli("db", "upgrade", "--database", old_url).exit_code == 0
    engine = open_engine(old_url)
    save(session_factory(engine), riyadh_school("alpha"), riyadh_school("beta"))
    with engine.begin() as connection:  # an outside edit, as an admin site would make
        connection.execute(text("UPDATE schools SET name = 'Alpha' WHERE slug = 'alpha'"))
    engine.dispose()
    assert cli("publish", "--all", "--database", old_url).exit_code == 0
    migrate(old_url, BASELINE, cli.target.resolve().as_uri(), down=True)
    forget_revision(old_url)
    before = rows(old_url)
    assert len(before["published_objects"]) == 2 * PER_SCHOOL + SHARED
    assert len(before["publish_state"]) == 2

    behind = cli("status", "--database", old_url)
    assert behind.exit_code == 2
    [line] = behind.stderr.splitlines()
    assert line.endswith(
        "has an older schema: run `publisher db upgrade` to bring it up to date (its data is kept)"
    )

    upgraded = cli("db", "upgrade", "--database", old_url)
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stderr.strip().endswith(
        f"upgraded from before migrations to revision {head_revision()}"
    )
    assert rows(old_url) == before
    engine = create_engine(old_url)
    with engine.connect() as connection:
        targets = set(connection.execute(text("SELECT target FROM published_objects")).scalars())
        targets |= set(connection.execute(text("SELECT target FROM publish_state")).scalars())
    engine.dispose()
    assert targets == {cli.target.resolve().as_uri()}

    def written(*args: str) -> int:
        result = cli("publish", *args, "--json", "--database", old_url)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["counts"]["objects_written"]

    assert written("--all") == 0
    assert written("--all", "--target", f"file://{tmp_path / 'other'}") == 2 * PER_SCHOOL + SHARED
    # The triggers still notice an edit made with plain SQL after the upgrade.
    engine = create_engine(old_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE schools SET name = 'Beta' WHERE slug = 'beta'"))
    engine.dispose()
    result = cli("publish", "--changed", "--json", "--database", old_url)
    assert json.loads(result.stdout)["published"] == ["beta"]
    again = cli("db", "upgrade", "--database", old_url).stderr.strip()
    assert again.startswith("Schema ready in ") and again.endswith(f"(revision {head_revision()})")


def test_every_command_on_a_database_behind_asks_for_db_upgrade_in_one_line(cli, empty_url):
    migrate(empty_url, BASELINE)  # recorded, one revision behind
    for args in (("publish", "--all"), ("status",), ("gc",), ("export", "--school", "x")):
        result = cli(*args, "--database", empty_url)
        assert result.exit_code == 2, (args, result.output)
        [line] = result.stderr.splitlines()
        assert line.startswith("Error: database ") and line.endswith(
            f"is at schema revision {BASELINE}, behind {head_revision()}: "
            "run `publisher db upgrade` (its data is kept)"
        )
    result = cli("db", "init", "--database", empty_url)  # on an existing database: upgrade
    assert result.exit_code == 0
    assert f"upgraded from revision {BASELINE} to revision {head_revision()}" in result.stderr
    assert cli("status", "--database", empty_url).exit_code == 0


def test_a_database_from_a_newer_publisher_asks_for_a_newer_publisher(cli, empty_url):
    assert cli("db", "init").exit_code == 0
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    result = cli("publish", "--all")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.endswith(
        "is at schema revision 0099_future, which this publisher does not know: "
        "upgrade the publisher"
    )


def test_db_init_creates_the_schema_at_the_head_revision_and_is_safe_to_run_again(cli, empty_url):
    first = cli("db", "init", "--database", empty_url).stderr.strip()
    assert first.startswith("Schema created in ") and first.endswith(
        f"(revision {head_revision()})"
    )
    again = cli("db", "init", "--database", empty_url).stderr.strip()
    assert again.startswith("Schema ready in ") and again.endswith(f"(revision {head_revision()})")
    engine = open_engine(empty_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_migrations_build_the_schema_the_models_describe(empty_url, new_database):
    """Replaying every migration and creating from the models give the same tables."""
    migrate(empty_url, "head", "file:///public")
    fresh = new_database("sqlite" if empty_url.startswith("sqlite") else "postgresql")

    def shape(url: str) -> dict[str, object]:
        engine = create_engine(url)
        found = inspect(engine)
        tables = sorted(set(found.get_table_names()) - {"alembic_version"})
        result = {
            table: (
                [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                found.get_pk_constraint(table)["constrained_columns"],
                sorted((i["name"], tuple(i["column_names"])) for i in found.get_indexes(table)),
                sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table)),
                sorted(
                    (tuple(f["constrained_columns"]), f["referred_table"])
                    for f in found.get_foreign_keys(table)
                ),
            )
            for table in tables
        }
        engine.dispose()
        return result

    migrated, created = shape(empty_url), shape(fresh)
    for table in created:  # column order may differ where a migration added a column
        columns_m, *rest_m = migrated[table]
        columns_c, *rest_c = created[table]
        assert (sorted(columns_m), rest_m) == (sorted(columns_c), rest_c), table


def test_an_old_database_missing_a_table_and_an_index_gets_them(tmp_path):
    """The previous `db init` created what was missing; upgrading does so too."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cli = Cli(database_url=url, target=tmp_path / "public")
    migrate(url, BASELINE)
    forget_revision(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE watchers"))
        connection.execute(text("DROP INDEX ix_lessons_class_id"))
    assert cli("status", "--database", url).exit_code == 2
    assert cli("db", "upgrade", "--database", url).exit_code == 0
    found = inspect(engine)
    assert "watchers" in found.get_table_names()
    assert "ix_lessons_class_id" in {i["name"] for i in found.get_indexes("lessons")}
    engine.dispose()
    assert cli("status", "--database", url).exit_code == 0


def test_the_migrations_are_files_of_the_package(tmp_path):
    """They ship in the wheel: Alembic finds them inside `publisher`, not in the checkout."""
    import publisher.db.migrations as migrations

    folder = Path(migrations.__file__).parent
    assert (folder / "env.py").is_file()
    assert (folder / "versions" / "__init__.py").is_file()
    assert migration_config().get_main_option("script_location") == str(folder)


def test_a_database_at_the_head_whose_version_table_was_lost_upgrades_without_harm(cli, empty_url):
    """Restored from a dump that left out `alembic_version`, say: the target columns are
    there already, so the upgrade adds nothing and every record keeps its target."""
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    before = rows(empty_url)
    forget_revision(empty_url)

    result = cli("db", "upgrade", "--target", "file:///somewhere/else")

    assert result.exit_code == 0, result.output
    assert rows(empty_url) == before
    again = cli("publish", "--all", "--json")
    assert json.loads(again.stdout)["counts"]["objects_written"] == 0


def test_an_upgrade_that_cannot_write_is_one_line_and_changes_nothing(old_url, tmp_path):
    if not old_url.startswith("sqlite"):
        pytest.skip("a read-only connection is a SQLite URL option")
    read_only = f"sqlite:///file:{old_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    before = rows(old_url)

    result = Cli(database_url=read_only, target=tmp_path / "public")("db", "upgrade")

    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: database ") and "readonly database" in line
    assert rows(old_url) == before
    assert current_revision(open_engine(old_url)) is None


def test_upgrading_a_0002_database_to_rooms_exams_and_display_keeps_every_row(cli, empty_url):
    """Lessons gain an empty room, substitutions none; exams and display settings start
    empty; what was published stays published, and outside edits are still noticed."""
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"), riyadh_school("beta"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, "0002_targets", down=True)
    before = rows(empty_url)
    assert before["lessons"] and before["substitutions"] and before["published_objects"]

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(open_engine(empty_url)) == head_revision() == INPUTS
    assert rows(empty_url) == before
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        lesson_rooms = set(connection.execute(text("SELECT room FROM lessons")).scalars())
        change_rooms = set(connection.execute(text("SELECT room FROM substitutions")).scalars())
        for table in ("exams", "school_displays"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        # An edit made with plain SQL to a new column is noticed, as any other.
        connection.execute(text("UPDATE lessons SET room = 'Lab 2' WHERE teacher = 'T-Maths-A'"))
    engine.dispose()
    assert (lesson_rooms, change_rooms) == ({""}, {None})
    result = cli("publish", "--changed", "--json")
    assert json.loads(result.stdout)["published"] == ["alpha", "beta"]


def test_upgrading_a_0003_database_gives_every_lesson_the_whole_class_and_keeps_every_row(
    cli, empty_url
):
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, ROOMS, down=True)
    before = rows(empty_url)

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(open_engine(empty_url)) == head_revision()
    assert rows(empty_url) == before
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        groups = set(connection.execute(text("SELECT group_label FROM lessons")).scalars())
        # An edit made with plain SQL to the new column is noticed, as any other.
        connection.execute(text("UPDATE lessons SET group_label = 'Boys' WHERE period_index = 1"))
    engine.dispose()
    assert groups == {""}
    result = cli("publish", "--changed", "--json")
    assert json.loads(result.stdout)["published"] == ["alpha"]


def test_upgrading_a_0004_database_adds_the_last_run_per_target_and_keeps_every_row(cli, empty_url):
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, GROUPS, down=True)
    assert "publish_runs" not in inspect(create_engine(empty_url)).get_table_names()
    before = rows(empty_url)

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(open_engine(empty_url)) == head_revision()
    assert rows(empty_url) == before
    assert json.loads(cli("status", "--json").stdout)["last_run"] is None  # none recorded yet
    cli("publish", "--all")
    last_run = json.loads(cli("status", "--json").stdout)["last_run"]
    assert (last_run["succeeded"], last_run["counts"]["unchanged"]) == (True, 1)


def test_upgrading_a_0005_database_adds_an_empty_alerts_table_and_keeps_every_row(cli, empty_url):
    """Alerts are not schedule data: the new table has no trigger, and an alert put up
    after the upgrade moves no revision."""
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, RUNS, down=True)
    assert "alerts" not in inspect(create_engine(empty_url)).get_table_names()
    before = rows(empty_url)

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(open_engine(empty_url)) == head_revision()
    assert rows(empty_url) == before
    assert cli("alert", "--all", "Fire drill").exit_code == 0
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM alerts")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM school_changes")).scalar() == 0
    engine.dispose()
    assert json.loads(cli("publish", "--changed", "--json").stdout)["published"] == []


def test_upgrading_a_0006_database_adds_watched_class_groups_and_keeps_every_row(cli, empty_url):
    """Class groups are schedule data, published in the manifest: a group written with
    plain SQL after the upgrade is noticed, and republishes its school."""
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, ALERTS, down=True)
    assert "class_groups" not in inspect(create_engine(empty_url)).get_table_names()
    before = rows(empty_url)

    result = cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert current_revision(open_engine(empty_url)) == head_revision()
    assert rows(empty_url) == before
    assert json.loads(cli("publish", "--changed", "--json").stdout)["published"] == []
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO class_groups (school_id, name, classes)"
                " SELECT id, 'ground', '1A' FROM schools WHERE slug = 'alpha'"
            )
        )
    engine.dispose()
    assert json.loads(cli("publish", "--changed", "--json").stdout)["published"] == ["alpha"]
    exported = cli("export", "--school", "alpha").stdout
    assert "class_groups:\n  ground: [1A]\n" in exported


def test_upgrading_a_0007_database_builds_every_school_once_then_skips_what_did_not_change(
    cli, empty_url
):
    """Records from before the digest have none: the first run after the upgrade builds
    and compares every school as before (writing nothing), and records its digest."""
    assert cli("db", "init").exit_code == 0
    save(session_factory(open_engine(empty_url)), riyadh_school("alpha"))
    assert cli("publish", "--all").exit_code == 0
    migrate(empty_url, CLASS_GROUPS, down=True)
    before = rows(empty_url)

    assert cli("db", "upgrade").exit_code == 0

    assert current_revision(open_engine(empty_url)) == head_revision()
    assert rows(empty_url) == before
    first = json.loads(cli("publish", "--all", "--json").stdout)
    built = json.loads(cli("status", "--json").stdout)["last_run"]["counts"]["built"]
    assert (first["counts"]["objects_written"], built) == (0, 1)
    cli("publish", "--all")
    built = json.loads(cli("status", "--json").stdout)["last_run"]["counts"]["built"]
    assert built == 0


def test_the_revision_every_command_expects_is_the_head_of_the_migrations():
    """Commands check a database's revision against SCHEMA_REVISION without loading
    Alembic; a new migration must move it."""
    assert head_revision() == SCHEMA_REVISION
