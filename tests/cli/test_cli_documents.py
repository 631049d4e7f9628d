"""`publisher import` and `publisher export`, through the command line, on SQLite and PostgreSQL."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import select, text

from publisher.build.source import SchoolData
from publisher.cli import main
from publisher.db import School, open_engine, session_factory, transaction
from publisher.db.load import load_schools
from publisher.db.lookup import find_school_by_key
from publisher.db.save import same_schedule_data
from publisher.demo import school_outline
from publisher.documents.reading import read_document
from testsupport import CHECKOUT

EXAMPLE = CHECKOUT / "examples" / "school.yaml"
SLUG = "example-school"


def stored(sessions, slug: str = SLUG) -> SchoolData | None:
    with transaction(sessions) as session:
        school = find_school_by_key(session, slug)
        return load_schools(session, [school.id])[0] if school is not None else None


def edited_example(folder: Path, name: str, edits: dict[str, str]) -> Path:
    """A copy of the example document with each `old: new` text replacement made once."""
    content = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in content, old
        content = content.replace(old, new, 1)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def empty_database_url(database_url: str, new_database) -> str:
    """A second database, of the same kind as `database_url`, with the schema and no school."""
    return new_database("sqlite" if database_url.startswith("sqlite") else "postgresql")


def test_the_example_imports_cleanly(cli, sessions):
    result = cli("import", str(EXAMPLE))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"imported {SLUG} (revision 1)\n"
    assert result.stdout == ""
    school = stored(sessions)
    assert school is not None and len(school.key) >= 22
    assert len(school.lessons) == 100


def test_importing_the_same_file_again_changes_nothing(cli, sessions):
    cli("import", str(EXAMPLE))
    before = stored(sessions)
    result = cli("import", str(EXAMPLE))
    assert result.exit_code == 0
    assert result.stderr == f"unchanged {SLUG} (revision 1)\n"
    assert stored(sessions) == before


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_an_export_imported_back_changes_nothing(cli, sessions, tmp_path, output_format):
    cli("import", str(EXAMPLE))
    before = stored(sessions)
    exported = cli("export", "--school", SLUG, "--format", output_format)
    assert exported.exit_code == 0, exported.stderr
    path = tmp_path / f"exported.{output_format}"
    path.write_text(exported.stdout, encoding="utf-8")

    result = cli("import", str(path))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"unchanged {SLUG} (revision 1)\n"
    assert stored(sessions) == before


def test_an_export_imported_into_an_empty_database_recreates_the_same_school(
    cli, sessions, tmp_path, empty_database_url
):
    cli("import", str(EXAMPLE))
    cli("import", str(edited_example(tmp_path, "v2.yaml", {"label: رمضان": "label: شهر رمضان"})))
    exported = cli("export", "--school", SLUG).stdout
    path = tmp_path / "exported.yaml"
    path.write_text(exported, encoding="utf-8")
    elsewhere = {"PUBLISHER_DATABASE_URL": empty_database_url}

    result = cli("import", str(path), env=elsewhere)

    assert result.stderr == f"imported {SLUG} (revision 1)\n"
    assert cli("export", "--school", SLUG, env=elsewhere).stdout == exported
    engine = open_engine(empty_database_url)
    try:
        copy = stored(session_factory(engine))
    finally:
        engine.dispose()
    original = stored(sessions)
    assert copy is not None and original is not None
    assert copy.key == original.key
    assert same_schedule_data(copy, original)


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param({"name: مدرسة المثال المتوسطة للبنين": "name: مدرسة النور"}, id="a-field"),
        pytest.param({'end: "07:45"}': 'end: "07:40"}'}, id="a-period-time"),
        pytest.param({"classes: [1/أ, 1/ب, 2/أ, 2/ب]": "classes: [1/ب, 1/أ, 2/أ, 2/ب]"}, id="the-class-order"),
        pytest.param({"- {date: 2026-11-24, period: 5, class: 2/أ, cancelled: true}\n": ""}, id="a-removed-substitution"),
        pytest.param({"first-year: [1/أ, 1/ب]": "first-year: [1/أ]"}, id="a-class-group"),
        pytest.param(
            {"name: مدرسة المثال المتوسطة للبنين": "name: مدرسة النور", "الفسحة": "الاستراحة", "place: الساحة, day: sunday": "place: المقصف, day: sunday"},
            id="many-things-at-once",
        ),
    ],
)  # fmt: skip
def test_a_changed_document_bumps_the_revision_by_exactly_one(cli, sessions, tmp_path, edits):
    cli("import", str(EXAMPLE))
    changed = edited_example(tmp_path, "changed.yaml", edits)

    result = cli("import", str(changed))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"imported {SLUG} (revision 2)\n"
    assert cli("import", str(changed)).stderr == f"unchanged {SLUG} (revision 2)\n"


@pytest.mark.parametrize(
    ("edits", "problem"),
    [
        pytest.param({'end: "07:45"}': 'end: "06:45"}'}, 'bell_schedules.regular[1].end: ends at 06:45, before it starts at 07:00', id="a-bad-period"),
        pytest.param({"{day: sunday, period: 2, class: 1/ب,": "{day: sunday, period: 4, class: 1/ب,"}, 'lessons[6].period: period 4 of bell schedule "regular" is a break, not a lesson', id="a-lesson-in-the-break"),
        pytest.param({"first: 2026-12-10": "first: 2026-02-30"}, "calendar[1].first: 2026-02-30 is not a date that exists", id="an-impossible-date"),
        pytest.param({"locale: ar": "locale: ar\nlocale: en"}, 'duplicate key "locale"', id="a-duplicate-key"),
    ],
)  # fmt: skip
def test_a_file_with_an_error_changes_nothing(cli, sessions, tmp_path, edits, problem):
    cli("import", str(EXAMPLE))
    before = stored(sessions)
    bad = edited_example(
        tmp_path, "bad.yaml", {"name: مدرسة المثال المتوسطة للبنين": "name: x", **edits}
    )

    result = cli("import", str(bad))

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert stored(sessions) == before  # same revision, same data


def test_a_bad_file_fails_alone_and_the_others_import(cli, sessions, tmp_path):
    good = edited_example(tmp_path, "good.yaml", {f"slug: {SLUG}": "slug: example-girls"})
    bad = edited_example(tmp_path, "bad.yaml", {"timezone: Asia/Riyadh": "timezone: Asia/Riyad"})
    missing = tmp_path / "missing.yaml"

    result = cli("import", str(bad), str(good), str(missing))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'Error: {bad}: timezone: unknown time zone "Asia/Riyad" (expected an IANA name such as "Asia/Riyadh")',
        "imported example-girls (revision 1)",
        f"Error: {missing}: cannot read: No such file or directory",
    ]
    assert stored(sessions, "example-girls") is not None
    assert stored(sessions, SLUG) is None


def test_a_key_already_used_by_another_school_is_rejected(cli, sessions, tmp_path):
    cli("import", str(EXAMPLE))
    taken = stored(sessions).key  # type: ignore[union-attr]
    other = edited_example(
        tmp_path, "other.yaml", {f"slug: {SLUG}": f"slug: example-girls\nkey: {taken}"}
    )

    result = cli("import", str(other))

    assert result.exit_code == 1
    assert result.stderr == f'Error: {other}: key: already the key of school "{SLUG}"\n'
    assert stored(sessions, "example-girls") is None


def test_a_document_can_set_the_key(cli, sessions, tmp_path):
    key = "Zx8_Ab-cdEfGhIjKlMnOpQ"
    path = edited_example(tmp_path, "keyed.yaml", {f"slug: {SLUG}": f"slug: {SLUG}\nkey: {key}"})
    assert cli("import", str(path)).exit_code == 0
    assert stored(sessions).key == key  # type: ignore[union-attr]


@pytest.mark.parametrize("how", ["slug", "id", "key"])
def test_export_finds_a_school_by_slug_id_or_public_key(cli, sessions, how):
    cli("import", str(EXAMPLE))
    school = stored(sessions)
    assert school is not None
    name = {"slug": school.slug, "id": str(school.id), "key": school.key}[how]

    result = cli("export", "--school", name)

    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"slug: {SLUG}\nkey: {school.key}\n")


@pytest.mark.parametrize("name", ["nope", "999", "99999999999999999999"])
def test_export_of_an_unknown_school_exits_2_with_one_line(cli, name):
    result = cli("export", "--school", name)
    assert result.exit_code == 2
    assert result.stderr == f'Error: no school "{name}" (give its id, slug or public key)\n'
    assert result.stdout == ""


def test_import_needs_the_schema(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'never-initialised.db'}"
    result = cli("import", str(EXAMPLE), "--database", url)
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("has no schema yet: run `publisher db init`")
    assert result.stderr.count("\n") == 1


def test_import_needs_at_least_one_file(cli):
    result = cli("import")
    assert result.exit_code == 2
    assert "Missing argument 'FILE...'" in result.stderr


def json_example(folder: Path, file_name: str, **changes: object) -> Path:
    """The example document as JSON, with top-level fields replaced."""
    document = {**yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), **changes}
    path = folder / file_name
    path.write_text(json.dumps(document, default=str), encoding="utf-8")
    return path


def test_documents_nested_thousands_of_levels_deep_fail_alone(cli, sessions, tmp_path):
    deep_json = tmp_path / "deep.json"
    deep_json.write_text('{"slug": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    deep_yaml = tmp_path / "deep.yaml"
    deep_yaml.write_text("slug: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")

    result = cli("import", str(deep_json), str(deep_yaml), str(EXAMPLE))

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    too_deep = "lists or mappings nested too deeply (a document needs only a few levels)"
    assert result.stderr.splitlines() == [
        f"Error: {deep_json}: {too_deep}",
        f"Error: {deep_yaml}: {too_deep}",
        f"imported {SLUG} (revision 1)",
    ]


def test_a_lone_surrogate_is_refused_naming_file_and_field_and_the_other_files_import(
    cli, sessions, tmp_path
):
    before = json_example(tmp_path, "before.json", slug="before")
    broken = json_example(tmp_path, "broken.json", slug="broken", name="Al\ud800Noor")
    after = json_example(tmp_path, "after.json", slug="after")
    assert "\\ud800" in broken.read_text(encoding="utf-8")  # JSON's escape, as a tool may write it

    result = cli("import", str(before), str(broken), str(after))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "imported before (revision 1)",
        f"Error: {broken}: name: contains U+D800 at position 3, a lone surrogate, which is not a character",
        "imported after (revision 1)",
    ]
    assert stored(sessions, "broken") is None
    assert stored(sessions, "after") is not None


def test_a_value_the_database_refuses_fails_that_file_alone(cli, sessions, tmp_path, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite does not enforce the length of text")
    engine = open_engine(database_url)
    with engine.begin() as connection:  # a column narrower than the document allows
        connection.execute(text("ALTER TABLE lessons ALTER COLUMN subject TYPE varchar(3)"))
    engine.dispose()
    before = json_example(tmp_path, "before.json", slug="before", lessons=[])
    refused = json_example(tmp_path, "refused.json", slug="refused")
    after = json_example(tmp_path, "after.json", slug="after", lessons=[])

    result = cli("import", str(before), str(refused), str(after))

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "imported before (revision 1)"
    assert lines[1].startswith(f"Error: {refused}: could not be saved: value too long")
    assert lines[2] == "imported after (revision 1)"
    assert len(lines) == 3 and "Traceback" not in result.stderr
    assert stored(sessions, "refused") is None


def test_a_document_with_ten_thousand_classes_is_refused_in_seconds(cli, sessions, tmp_path):
    huge = json_example(tmp_path, "huge.json", classes=[f"c{n}" for n in range(10_000)])
    started = time.perf_counter()

    result = cli("import", str(huge))

    assert time.perf_counter() - started < 5
    assert result.exit_code == 1
    assert result.stderr == f"Error: {huge}: classes: has 10000 entries; at most 200 are allowed\n"
    assert stored(sessions) is None


def example_slug() -> str:
    return read_document(EXAMPLE)["slug"]


def test_the_example_slug_is_no_demo_school_slug():
    demo_slugs = {school_outline(number).slug for number in range(1, 301)}
    assert len(demo_slugs) == 300
    assert example_slug() not in demo_slugs
    # Generated demo schools are demo-001, demo-002, ...: no count can reach the example.
    assert not example_slug().startswith("demo-")


def test_importing_the_example_leaves_the_demo_schools_as_they_were(cli, sessions):
    assert cli("demo", "--schools", "6").exit_code == 0

    def classes_per_school() -> dict[str, int]:
        with transaction(sessions) as session:
            ids = session.scalars(select(School.id)).all()
            return {school.slug: len(school.classes) for school in load_schools(session, ids)}

    before = classes_per_school()
    result = cli("import", str(EXAMPLE))

    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"imported {SLUG} (revision 1)\n"
    after = classes_per_school()
    assert after == {**before, SLUG: 4}


def import_stdin(database_url: str, content: bytes, *args: str):
    env = {"PUBLISHER_DATABASE_URL": database_url}
    return CliRunner().invoke(main, ["import", *args, "-"], input=content, env=env)


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_import_dash_reads_a_yaml_or_json_document_from_standard_input(
    cli, sessions, database_url, output_format
):
    cli("import", str(EXAMPLE))
    before = stored(sessions)
    exported = cli("export", "--school", SLUG, "--format", output_format).stdout
    changed = exported.replace("مدرسة المثال", "مدرسة المثال الجديدة")

    result = import_stdin(database_url, changed.encode())

    assert result.exit_code == 0, result.output
    assert result.stderr == f"imported {SLUG} (revision 2)\n"
    after = stored(sessions)
    assert after is not None and before is not None
    assert (after.name, after.key) == ("مدرسة المثال الجديدة المتوسطة للبنين", before.key)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        pytest.param(b'{"slug": "a"', (), "line 1, column 13: Expecting ',' delimiter", id="broken-json"),
        pytest.param(b"slug: [a\n", (), "line 2, column 1: expected ',' or ']', but got '<stream end>'", id="broken-yaml"),
        pytest.param(b"slug: a\n", ("--format", "json"), "line 1, column 1: Expecting value", id="yaml-read-as-json"),
        pytest.param(b"", (), "the file is empty", id="nothing"),
    ],
)  # fmt: skip
def test_a_bad_document_on_standard_input_is_named_stdin(database_url, content, args, message):
    result = import_stdin(database_url, content, *args)
    assert result.exit_code == 1
    assert result.stderr == f"Error: <stdin>: {message}\n"


def test_standard_input_is_read_once(database_url):
    result = CliRunner().invoke(
        main, ["import", "-", "-"], input=b"", env={"PUBLISHER_DATABASE_URL": database_url}
    )
    assert result.exit_code == 2
    assert "standard input (-) can be read only once" in result.stderr


LOGO = b"\x89PNG\r\n\x1a\n" + bytes(100)


def test_a_logo_beside_the_document_is_stored_and_an_identical_import_changes_nothing(
    cli, sessions, tmp_path
):
    """Rooms, exams, display settings and a logo file: importing again, or importing the
    export (which holds the logo inline), changes nothing; a new logo bumps once."""
    folder = tmp_path / "school"
    folder.mkdir()
    (folder / "logo.png").write_bytes(LOGO)
    path = edited_example(
        folder, "school.yaml", {"  digits: arab\n": "  digits: arab\n  logo: logo.png\n"}
    )
    assert cli("import", str(path)).stderr == f"imported {SLUG} (revision 1)\n"
    school = stored(sessions)
    assert school is not None and school.display.logo is not None
    assert school.display.logo.content == LOGO and school.exams

    assert cli("import", str(path)).stderr == f"unchanged {SLUG} (revision 1)\n"
    exported = tmp_path / "exported.yaml"  # in another folder: the logo travels inline
    exported.write_text(cli("export", "--school", SLUG).stdout, encoding="utf-8")
    assert cli("import", str(exported)).stderr == f"unchanged {SLUG} (revision 1)\n"
    assert stored(sessions) == school

    (folder / "logo.png").write_bytes(LOGO + b"\x00")
    assert cli("import", str(path)).stderr == f"imported {SLUG} (revision 2)\n"


def test_a_logo_that_is_not_an_image_fails_that_file_alone_in_one_line(cli, sessions, tmp_path):
    (tmp_path / "logo.png").write_text("not an image")
    path = edited_example(
        tmp_path, "school.yaml", {"  digits: arab\n": "  digits: arab\n  logo: logo.png\n"}
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: display.logo: is not an image the screen can show (expected JPEG, PNG, WEBP)\n"
    )
    assert stored(sessions) is None
