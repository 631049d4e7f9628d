"""School documents: reading files, validating them into SchoolData, writing them back."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from school_documents import BASE, DELETE, edited

from publisher.build.source import WEEKDAYS, SchoolData
from publisher.demo import demo_schools
from publisher.documents import dump_document, parse_school, read_document, school_document
from publisher.errors import ValidationError
from testsupport import CHECKOUT

EXAMPLE = CHECKOUT / "examples" / "school.yaml"


def test_the_base_document_is_valid():
    school = parse_school(copy.deepcopy(BASE), "school.yaml")
    assert school.slug == "al-noor-boys"
    assert school.key == ""
    assert school.active is True
    assert school.planned_schedule("sunday") == "regular"
    assert school.substitutions[1].teacher is None and school.substitutions[1].cancelled


INVALID = [
    # (path edited, new value, the message after "school.yaml: ")
    pytest.param("timezone", "Asia/Riyad", 'timezone: unknown time zone "Asia/Riyad"', id="unknown-time-zone"),
    pytest.param("bell_schedules.regular[2].end", "07:40", "bell_schedules.regular[2].end: ends at 07:40, before it starts at 07:45", id="period-ends-before-it-starts"),
    pytest.param("bell_schedules.regular[2].end", "07:45", "bell_schedules.regular[2].end: ends at 07:45, when it starts at 07:45", id="period-ends-when-it-starts"),
    pytest.param("bell_schedules.regular[3].start", "07:30", "bell_schedules.regular[3]: 07:30-08:50 overlaps bell_schedules.regular[1] (07:00-07:45)", id="overlapping-periods"),
    pytest.param("bell_schedules.regular[3].index", 2, "bell_schedules.regular[3].index: index 2 is already used by bell_schedules.regular[2]", id="duplicate-period-index"),
    pytest.param("bell_schedules.regular[1].kind", "recess", "bell_schedules.regular[1].kind: expected one of lesson, break,", id="unknown-period-kind"),
    pytest.param("bell_schedules.regular[1].start", 465, 'bell_schedules.regular[1].start: expected a time "HH:MM", found the number 465; put the time in quotes', id="time-read-as-base-60-number"),
    pytest.param("bell_schedules.regular[1].start", "7.00", 'bell_schedules.regular[1].start: expected a time "HH:MM", found the text "7.00"', id="time-not-hh-mm"),
    pytest.param("bell_schedules.regular[1].end", "24:10", "bell_schedules.regular[1].end: 24:10 is not a time of day", id="time-out-of-range"),
    pytest.param("lessons[1].period", 9, 'lessons[1].period: bell schedule "regular", planned on sunday, has no period 9', id="lesson-in-a-missing-period"),
    pytest.param("lessons[1].period", 2, 'lessons[1].period: period 2 of bell schedule "regular" is a break, not a lesson', id="lesson-in-a-break"),
    pytest.param("lessons[1].day", "friday", "lessons[1].day: no bell schedule is planned on friday", id="lesson-on-a-weekend-day"),
    pytest.param("lessons[2].class", "1A", 'lessons[2]: class "1A" already has a lesson in sunday period 1 (lessons[1])', id="two-lessons-for-a-class-in-a-period"),
    pytest.param("lessons[1].class", "1C", 'lessons[1].class: unknown class "1C"', id="lesson-for-an-unknown-class"),
    pytest.param("lessons[1].subject", "  ", "lessons[1].subject: must not be empty", id="empty-subject"),
    pytest.param("lessons[1].teacher", "x" * 201, "lessons[1].teacher: is 201 characters long; at most 200 are allowed", id="text-too-long"),
    pytest.param("name", "Al\x00Noor", "name: contains the control character U+0000 at position 3", id="control-character-in-text"),
    pytest.param("lessons[1].teacher", "Ahmed\tAli", "lessons[1].teacher: contains the control character U+0009 at position 6", id="tab-in-a-name"),
    pytest.param("name", "Al Noor\n", "name: contains the control character U+000A at position 8 (only an announcement may have several lines)", id="line-break-in-a-name"),
    pytest.param("bell_schedules.regular[1].label", "First\x85", "bell_schedules.regular[1].label: contains the control character U+0085 at position 6", id="c1-control-in-a-label"),
    pytest.param("name", "Al\ud800Noor", "name: contains U+D800 at position 3, a lone surrogate, which is not a character", id="lone-surrogate-in-a-name"),
    pytest.param("announcements[1].text", "x\udfff", "announcements[1].text: contains U+DFFF at position 2, a lone surrogate", id="lone-surrogate-in-an-announcement"),
    pytest.param("classes[2]", "7\u202eA", "classes[2]: contains U+202E RIGHT-TO-LEFT OVERRIDE at position 2; text may not change its direction", id="bidi-override-in-a-class"),
    pytest.param("lessons[1].subject", "\u202eevil", "lessons[1].subject: contains U+202E RIGHT-TO-LEFT OVERRIDE at position 1; text may not change its direction", id="bidi-override-in-a-subject"),
    pytest.param("announcements[1].text", "Welcome \u2067back", "announcements[1].text: contains U+2067 RIGHT-TO-LEFT ISOLATE at position 9", id="bidi-isolate-in-an-announcement"),
    pytest.param("name", "\u202bمدرسة", "name: contains U+202B RIGHT-TO-LEFT EMBEDDING at position 1", id="bidi-embedding-in-a-name"),
    pytest.param("classes[2]", "1\u200bA", "classes[2]: contains the invisible character U+200B ZERO WIDTH SPACE at position 2 (not allowed in names of classes, teachers and bell schedules)", id="zero-width-space-in-a-class"),
    pytest.param("lessons[1].teacher", "Ahmed\u200f", "lessons[1].teacher: contains the invisible character U+200F RIGHT-TO-LEFT MARK at position 6", id="direction-mark-in-a-teacher"),
    pytest.param("duties[1].teacher", "\ufeffSaeed", "duties[1].teacher: contains the invisible character U+FEFF ZERO WIDTH NO-BREAK SPACE at position 1", id="byte-order-mark-in-a-teacher"),
    pytest.param("substitutions[1].teacher", "Fa\u2060hd", "substitutions[1].teacher: contains the invisible character U+2060 WORD JOINER", id="word-joiner-in-a-substitute"),
    pytest.param("week.sunday", "regular\u200d", "week.sunday: contains the invisible character U+200D ZERO WIDTH JOINER", id="zero-width-joiner-in-a-schedule-name"),
    pytest.param("lessons[1].class", "1\u061cA", "lessons[1].class: contains the invisible character U+061C ARABIC LETTER MARK", id="arabic-letter-mark-in-a-class"),
    pytest.param("bell_schedules.regular[1].start", "०७:००", 'bell_schedules.regular[1].start: expected a time "HH:MM", found the text "०७:००"', id="time-in-devanagari-digits"),
    pytest.param("substitutions[1].date", "২০২৬-১১-২৩", 'substitutions[1].date: expected a date YYYY-MM-DD, found the text "২০২৬-১১-২৩"', id="date-in-bengali-digits"),
    pytest.param("bell_schedules.regular[1].end", "٢٤:١٠", "bell_schedules.regular[1].end: 24:10 is not a time of day", id="arabic-indic-time-out-of-range"),
    pytest.param("substitutions[1].date", "٢٠٢٦-٠٢-٣٠", "substitutions[1].date: 2026-02-30 is not a date that exists", id="arabic-indic-impossible-date"),
    pytest.param("bell_schedules.regular[1].index", 10**3000, "bell_schedules.regular[1].index: must be from 0 to 999, found a number of 3001 digits", id="number-of-thousands-of-digits"),
    pytest.param("name", -(10**25), "name: expected text, found a number of 26 digits; put it in quotes", id="long-number-instead-of-text"),
    pytest.param("classes", [f"{n}A" for n in range(201)], "classes: has 201 entries; at most 200 are allowed", id="too-many-classes"),
    pytest.param("bell_schedules.exams", [{"index": n, "kind": "exam", "start": f"{n // 60:02}:{n % 60:02}", "end": f"{n // 60:02}:{n % 60:02}:30"} for n in range(41)], "bell_schedules.exams: has 41 entries; at most 40 are allowed", id="too-many-periods"),
    pytest.param("bell_schedules", {f"s{n}": [] for n in range(51)}, "bell_schedules: has 51 bell schedules; at most 50 are allowed", id="too-many-bell-schedules"),
    pytest.param("calendar", [{"kind": "holiday", "first": "2026-12-10", "last": "2026-12-10"}] * 501, "calendar: has 501 entries; at most 500 are allowed", id="too-many-calendar-entries"),
    pytest.param("lessons", [{}] * 20_001, "lessons: has 20001 entries; at most 20000 are allowed", id="too-many-lessons"),
    pytest.param("substitutions", [{}] * 20_001, "substitutions: has 20001 entries; at most 20000 are allowed", id="too-many-substitutions"),
    pytest.param("duties", [{}] * 2_001, "duties: has 2001 entries; at most 2000 are allowed", id="too-many-duties"),
    pytest.param("announcements", [{"text": "x" * 2000, "first": "2026-11-22", "last": "2026-11-26"}] * 101, "announcements: has 101 entries; at most 100 are allowed", id="too-many-announcements"),
    pytest.param("announcements[1].text", "x" * 1001, "announcements[1].text: is 1001 characters long; at most 1000 are allowed", id="announcement-too-long"),
    pytest.param("classes[1]", "x" * 101, "classes[1]: is 101 characters long; at most 100 are allowed", id="class-name-too-long"),
    pytest.param("name", "x" * 201, "name: is 201 characters long; at most 200 are allowed", id="school-name-too-long"),
    pytest.param("bell_schedules.regular[1].index", 1000, "bell_schedules.regular[1].index: must be from 0 to 999, found 1000", id="period-number-too-large"),
    pytest.param("substitutions[1].class", "2A", 'substitutions[1].class: unknown class "2A"', id="substitution-for-an-unknown-class"),
    pytest.param("substitutions[1].date", "2026-02-30", "substitutions[1].date: 2026-02-30 is not a date that exists", id="impossible-date"),
    pytest.param("substitutions[1].date", "23/11/2026", 'substitutions[1].date: expected a date YYYY-MM-DD, found the text "23/11/2026"', id="date-in-another-form"),
    pytest.param("substitutions[2].cancelled", False, "substitutions[2]: needs a teacher, a room, or cancelled: true", id="substitution-with-neither-teacher-nor-cancelled"),
    pytest.param("substitutions[1].cancelled", True, "substitutions[1]: give a teacher or a room, or cancelled: true, not both", id="substitution-with-teacher-and-cancelled"),
    pytest.param("substitutions[2]", {"date": "2026-11-23", "period": 1, "class": "1A", "cancelled": True}, 'substitutions[2]: class "1A" already has a substitution on 2026-11-23 period 1 (substitutions[1])', id="two-substitutions-for-one-slot"),
    pytest.param("calendar[1].last", "2026-12-09", "calendar[1].last: 2026-12-09 is before the first date 2026-12-10", id="calendar-ends-before-it-starts"),
    pytest.param("calendar[2].schedule", "ramadan", 'calendar[2].schedule: unknown bell schedule "ramadan" (known: regular, exams)', id="special-day-with-an-unknown-schedule"),
    pytest.param("calendar[2].schedule", DELETE, "calendar[2].schedule: a special day needs the bell schedule it uses", id="special-day-without-a-schedule"),
    pytest.param("calendar[1].schedule", "exams", "calendar[1].schedule: a holiday has no bell schedule", id="holiday-with-a-schedule"),
    pytest.param("calendar[1].kind", "vacation", "calendar[1].kind: expected one of holiday, special", id="unknown-calendar-kind"),
    pytest.param("announcements[1].last", "2026-11-21", "announcements[1].last: 2026-11-21 is before the first date 2026-11-22", id="announcement-ends-before-it-starts"),
    pytest.param("week.sunday", "regluar", 'week.sunday: unknown bell schedule "regluar"', id="week-names-an-unknown-schedule"),
    pytest.param("week.monday", DELETE, "week: monday is not a weekend day but has no bell schedule", id="school-day-without-a-schedule"),
    pytest.param("week.friday", "regular", "week.friday: friday is a weekend day, which has no bell schedule", id="weekend-day-with-a-schedule"),
    pytest.param("week.funday", "regular", 'week: unknown weekday "funday"', id="week-names-an-unknown-weekday"),
    pytest.param("weekend[1]", "Friday", 'weekend[1]: unknown weekday "Friday" (expected one of monday,', id="weekday-not-lowercase"),
    pytest.param("weekend[2]", "friday", "weekend[2]: friday is listed twice", id="weekend-day-twice"),
    pytest.param("lessons[1].day", "sun", 'lessons[1].day: unknown weekday "sun"', id="lesson-on-an-unknown-weekday"),
    pytest.param("duties[1].date", "2026-11-25", "duties[1]: give exactly one of day (every week) or date (once)", id="duty-with-day-and-date"),
    pytest.param("duties[2].date", DELETE, "duties[2]: give exactly one of day (every week) or date (once)", id="duty-with-neither-day-nor-date"),
    pytest.param("colour", "green", 'unknown key "colour"', id="unknown-key-at-the-top"),
    pytest.param("lessons[1].teachr", "Ahmed", 'lessons[1]: unknown key "teachr" (did you mean "teacher"?)', id="unknown-key-in-a-lesson"),
    pytest.param("bell_schedules.regular[1].length", 45, 'bell_schedules.regular[1]: unknown key "length"', id="unknown-key-in-a-period"),
    pytest.param("name", DELETE, "name: required but missing", id="missing-name"),
    pytest.param("week", DELETE, "week: required but missing", id="missing-week"),
    pytest.param("lessons[1].subject", DELETE, "lessons[1].subject: required but missing", id="missing-subject"),
    pytest.param("bell_schedules.regular[1].end", DELETE, "bell_schedules.regular[1].end: required but missing", id="missing-period-end"),
    pytest.param("name", 5, "name: expected text, found the number 5; put it in quotes", id="number-instead-of-text"),
    pytest.param("classes[2]", 10, "classes[2]: expected text, found the number 10; put it in quotes", id="number-as-class-name"),
    pytest.param("bell_schedules.regular[1].index", "1", 'bell_schedules.regular[1].index: expected a whole number, found the text "1"', id="text-instead-of-number"),
    pytest.param("lessons[1].period", True, "lessons[1].period: expected a whole number, found true", id="boolean-instead-of-number"),
    pytest.param("active", "yes", 'active: expected true or false, found the text "yes"', id="text-instead-of-boolean"),
    pytest.param("classes", "1A", 'classes: expected a list, found the text "1A"', id="text-instead-of-list"),
    pytest.param("lessons", None, "lessons: expected a list, found nothing (null) (write [] for none)", id="null-instead-of-list"),
    pytest.param("bell_schedules", [], "bell_schedules: expected a mapping of schedule names to periods, found a list", id="list-instead-of-mapping"),
    pytest.param("lessons[1]", "sunday 1A Math", 'lessons[1]: expected a mapping, found the text "sunday 1A Math"', id="text-instead-of-row"),
    pytest.param("classes[2]", "1A", 'classes[2]: class "1A" is listed twice (classes[1])', id="class-listed-twice"),
    pytest.param("locale", "fr", 'locale: expected one of ar, en, found the text "fr"', id="unknown-locale"),
    pytest.param("slug", "Al Noor", 'slug: expected 1 to 100 of a-z, 0-9 and -, found the text "Al Noor"', id="slug-with-capitals-and-space"),
    pytest.param("slug", "", "slug: expected 1 to 100 of a-z, 0-9 and -", id="empty-slug"),
    pytest.param("key", "short", "key: expected 22 to 64 URL-safe base64 characters", id="key-too-short"),
    pytest.param("key", "abc+def/ghi=jkl+mno/pqr=", "key: expected 22 to 64 URL-safe base64 characters", id="key-not-url-safe"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "message"), INVALID)
def test_an_invalid_document_is_rejected_with_one_line_naming_file_and_field(path, value, message):
    with pytest.raises(ValidationError) as caught:
        parse_school(edited(path, value), "school.yaml")
    error = str(caught.value)
    assert error.startswith(f"school.yaml: {message}"), error
    assert "\n" not in error


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(edited("key", "AAAAAAAAAAAAAAAAAAAAAA"), id="a-22-character-key"),
        pytest.param(edited("active", False), id="inactive"),
        pytest.param(edited("weekend", DELETE), id="weekend-defaults-to-friday-and-saturday"),
        pytest.param(edited("week.friday", "regular", edited("weekend", ["saturday"])), id="a-one-day-weekend"),
        pytest.param(edited("weekend", [], edited("week", {d: "regular" for d in WEEKDAYS})), id="no-weekend"),
        pytest.param(edited("lessons[1].teacher", DELETE), id="lesson-without-teacher"),
        pytest.param(edited("calendar[1].label", DELETE), id="calendar-entry-without-label"),
        pytest.param(edited("duties[1].place", DELETE), id="duty-without-place"),
        pytest.param(edited("bell_schedules.regular[1].label", ""), id="period-without-label"),
        pytest.param(edited("bell_schedules.regular[1].start", "06:59:30"), id="time-with-seconds"),
        pytest.param(edited("bell_schedules.regular[1].start", "6:30"), id="time-with-one-hour-digit"),
        pytest.param(edited("substitutions[1].date", dt.date(2026, 11, 23)), id="date-as-yaml-date"),
        pytest.param(edited("substitutions[1].cancelled", False), id="not-cancelled-with-teacher"),
        pytest.param(edited("calendar", []), id="empty-calendar"),
        pytest.param(edited("lessons", DELETE), id="no-lessons-yet"),
        pytest.param(edited("announcements[1].text", "Exams start on Sunday.\nBring a pencil."), id="announcement-on-two-lines"),
        pytest.param(edited("name", "\u200fمدرسة النور (Al Noor)\u200e"), id="direction-marks-in-free-text"),
        pytest.param(edited("lessons[1].subject", "می\u200cخواهم"), id="zero-width-non-joiner-in-free-text"),
        pytest.param(edited("classes", ["1A", "1B", *(f"{n}C" for n in range(198))]), id="200-classes"),
        pytest.param(edited("announcements", [{"text": "x" * 1000, "first": "2026-11-22", "last": "2026-11-26"}] * 100), id="100-announcements-of-1000-characters"),
    ],
)  # fmt: skip
def test_these_variations_are_valid(document):
    """Accepted, and kept whole: the school exports to a document that reads back the same."""
    school = parse_school(document, "school.yaml")
    assert school.slug == BASE["slug"]
    assert parse_school(school_document(school), "exported.yaml") == school


def test_the_order_of_rows_does_not_matter():
    shuffled = copy.deepcopy(BASE)
    shuffled["lessons"].reverse()
    shuffled["bell_schedules"]["regular"].reverse()
    shuffled["weekend"].reverse()
    assert parse_school(shuffled, "a.yaml") == parse_school(copy.deepcopy(BASE), "b.yaml")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        pytest.param("school.yaml", "slug: a\nname: A\nslug: b\n", 'line 3, column 1: duplicate key "slug" (first at line 1)', id="duplicate-yaml-key"),
        pytest.param("school.yaml", "week:\n  sunday: regular\n  sunday: exams\n", 'line 3, column 3: duplicate key "sunday" (first at line 2)', id="duplicate-nested-yaml-key"),
        pytest.param("school.yml", "lessons: [{day: sunday, day: monday}]\n", 'line 1, column 25: duplicate key "day" (first at line 1)', id="duplicate-key-in-a-flow-row"),
        pytest.param("school.json", '{"slug": "a", "slug": "b"}', 'duplicate key "slug"', id="duplicate-json-key"),
        pytest.param("school.yaml", "slug: [a\n", "line 2, column 1: expected ',' or ']'", id="bad-yaml-syntax"),
        pytest.param("school.json", '{"slug": }', "line 1, column 10: Expecting value", id="bad-json-syntax"),
        pytest.param("school.yaml", "- a\n- b\n", "expected a mapping of fields, found a list", id="a-list-at-the-top"),
        pytest.param("school.yaml", "# nothing yet\n", "the file is empty", id="empty-file"),
        pytest.param("school.txt", "slug: a\n", "unsupported file type; use .yaml, .yml or .json", id="unknown-extension"),
        pytest.param("school.yaml", "slug: a\x07\n", "character 8: unacceptable character #x0007", id="control-character-in-yaml"),
    ],
)  # fmt: skip
def test_an_unreadable_document_is_rejected_naming_the_file(tmp_path, name, text, problem):
    path = write(tmp_path / name, text)
    with pytest.raises(ValidationError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{path}: {problem}"), str(caught.value)


def test_a_missing_file_is_rejected_naming_it(tmp_path):
    with pytest.raises(ValidationError, match=r"missing\.yaml: cannot read: No such file"):
        read_document(tmp_path / "missing.yaml")


def test_a_file_that_is_not_utf8_is_rejected(tmp_path):
    path = tmp_path / "school.yaml"
    path.write_bytes("name: مدرسة".encode("cp1256"))
    with pytest.raises(ValidationError, match=r"school\.yaml: not UTF-8 text"):
        read_document(path)


def test_yaml_keeps_unquoted_times_and_impossible_dates_as_text(tmp_path):
    path = write(tmp_path / "school.yaml", "a: 07:45\nb: 10:15\nc: 2026-11-24\nd: 2026-02-30\n")
    assert read_document(path) == {
        "a": "07:45",
        "b": "10:15",  # plain YAML 1.1 would give the number 615
        "c": dt.date(2026, 11, 24),
        "d": "2026-02-30",  # plain PyYAML raises "day is out of range for month"
    }


def test_an_impossible_yaml_date_names_its_field(tmp_path):
    document = copy.deepcopy(BASE)
    document["calendar"][0]["first"] = "DATE"
    text = dump_document(document).replace("DATE", "2026-02-30")
    path = write(tmp_path / "school.yaml", text)
    with pytest.raises(ValidationError) as caught:
        parse_school(read_document(path), str(path))
    assert str(caught.value) == f"{path}: calendar[1].first: 2026-02-30 is not a date that exists"


def example() -> SchoolData:
    return parse_school(read_document(EXAMPLE), str(EXAMPLE))


def test_the_example_is_a_complete_valid_school():
    school = example()
    assert (school.slug, school.timezone, school.locale) == ("example-school", "Asia/Riyadh", "ar")
    assert school.weekend == ("friday", "saturday")
    assert {kind for s in school.bell_schedules for kind in (p.kind for p in s.periods)} >= {
        "lesson",
        "break",
        "prayer",
    }
    assert {c.kind for c in school.calendar} == {"holiday", "special"}
    assert school.lessons and school.substitutions and school.duties and school.announcements
    assert school.exams and any(row.room for row in school.lessons) and school.display.accent


@pytest.mark.parametrize("output_format", ["yaml", "json"])
def test_a_written_document_reads_back_as_the_same_school(tmp_path, output_format):
    school = example()
    text = dump_document(school_document(school), output_format)
    path = write(tmp_path / f"again.{output_format}", text)
    assert parse_school(read_document(path), str(path)) == school


def test_a_document_with_a_key_keeps_it():
    document = edited("key", "k" * 22)
    school = parse_school(document, "school.yaml")
    assert school_document(school)["key"] == "k" * 22


def test_written_yaml_is_readable():
    text = dump_document(school_document(example()))
    assert text.startswith("slug: example-school\nname: مدرسة المثال")  # not \u escapes
    assert "weekend: [friday, saturday]\n" in text
    assert '{index: 1, kind: lesson, label: الحصة الأولى, start: "07:00", end: "07:45"}' in text
    week = text[text.index("week:") : text.index("calendar:")]
    assert week.split()[1:3] == ["sunday:", "regular"]  # the school's own week order


def test_written_json_is_plain_json_with_iso_dates():
    document = json.loads(dump_document(school_document(example()), "json"))
    assert document["calendar"][0]["first"] == "2026-11-29"
    assert "مدرسة" in dump_document(school_document(example()), "json")


def test_the_example_in_the_format_documentation_is_valid(tmp_path):
    docs = (CHECKOUT / "docs" / "import-format.md").read_text("utf-8")
    example_text = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path / "school.yaml", example_text)
    assert parse_school(read_document(path), str(path)).slug == "example-school"


@pytest.mark.parametrize(
    ("start", "first"),
    [
        pytest.param("٠٧:٠٠", "٢٠٢٦-١٢-١٠", id="arabic-indic"),
        pytest.param("۰۷:۰۰", "۲۰۲۶-۱۲-۱۰", id="eastern-arabic-indic"),
        pytest.param("０７：００", "２０２６－１２－１０", id="full-width"),
        pytest.param("٠7:0٠", "2026-1٢-10", id="mixed"),
    ],
)  # fmt: skip
def test_times_and_dates_in_arabic_or_full_width_digits_mean_the_same_and_export_in_ascii(
    start, first
):
    document = edited("calendar[1].first", first, edited("bell_schedules.regular[1].start", start))
    school = parse_school(document, "school.yaml")
    assert school == parse_school(copy.deepcopy(BASE), "school.yaml")
    written = school_document(school)
    assert written["bell_schedules"]["regular"][0]["start"] == "07:00"
    assert written["calendar"][0]["first"] == dt.date(2026, 12, 10)


@pytest.mark.parametrize(
    ("document", "shown"),
    [
        pytest.param(edited("slug", "line one\nline two " + "x" * 5000), '"line one\\nline two ' + "x" * 62 + '…" (5018 characters)', id="long-text-with-a-line-break"),
        pytest.param(edited("locale", "ar\r\n\x1b[31m"), '"ar\\r\\n\\u001b[31m"', id="control-characters"),
        pytest.param(edited("locale", "\u202ear"), '"\\u202ear"', id="bidi-override"),
        pytest.param(edited("lessons[1]", {"k" * 3000 + "\n": 1, **BASE["lessons"][0]}), 'unknown key "' + "k" * 80 + '…" (3001 characters)', id="long-unknown-key"),
    ],
)  # fmt: skip
def test_an_error_quotes_a_value_on_one_line_cut_to_80_characters(document, shown):
    with pytest.raises(ValidationError) as caught:
        parse_school(document, "school.yaml")
    error = str(caught.value)
    assert shown in error, error
    assert "\n" not in error and "\r" not in error and "\x1b" not in error and "\u202e" not in error
    assert len(error) < 200


def test_a_bell_schedule_name_in_a_field_path_is_quoted_and_cut():
    name = "Ramadan\n" + "r" * 500
    document = edited(
        f"bell_schedules.{name}", [{"index": 1, "kind": "recess", "start": "08:00", "end": "09:00"}]
    )
    with pytest.raises(ValidationError) as caught:
        parse_school(document, "school.yaml")
    assert str(caught.value).startswith(
        'school.yaml: bell_schedules."Ramadan\\n'
        + "r" * 32
        + '…" (508 characters): is 508 characters long'
    )


def test_a_huge_list_of_classes_is_refused_at_once_and_a_long_one_checked_in_linear_time():
    started = time.perf_counter()
    with pytest.raises(
        ValidationError, match=r"classes: has 10000 entries; at most 200 are allowed"
    ):
        parse_school(edited("classes", [f"c{n}" for n in range(10_000)]), "school.yaml")
    assert time.perf_counter() - started < 1

    classes = ["1A", "1B", *(f"c{n}" for n in range(197)), "c5"]
    with pytest.raises(
        ValidationError, match=r'classes\[200\]: class "c5" is listed twice \(classes\[8\]\)'
    ):
        parse_school(edited("classes", classes), "school.yaml")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("big.json", '{"slug": ' + "9" * 5000 + "}", id="json"),
        pytest.param("big.yaml", "slug: " + "9" * 5000 + "\n", id="yaml"),
    ],
)
def test_a_number_of_thousands_of_digits_is_refused_naming_the_file(tmp_path, name, text):
    path = write(tmp_path / name, text)
    with pytest.raises(ValidationError) as caught:
        read_document(path)
    assert (
        str(caught.value)
        == f"{path}: a number has thousands of digits; no field takes one that long"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("deep.json", '{"slug": ' + "[" * 100_000 + "]" * 100_000 + "}", id="json-lists"),
        pytest.param("deep.json", '{"a": ' * 100_000 + "1" + "}" * 100_000, id="json-objects"),
        pytest.param("deep.yaml", "slug: " + "[" * 100_000 + "]" * 100_000 + "\n", id="yaml-flow-lists"),
        pytest.param("deep.yaml", "".join("  " * n + "- \n" for n in range(5_000)), id="yaml-block-lists"),
    ],
)  # fmt: skip
def test_a_document_nested_thousands_of_levels_deep_is_refused_naming_the_file(
    tmp_path, name, text
):
    path = write(tmp_path / name, text)
    with pytest.raises(ValidationError) as caught:
        read_document(path)
    assert (
        str(caught.value)
        == f"{path}: lists or mappings nested too deeply (a document needs only a few levels)"
    )


def test_every_demo_school_is_a_valid_document():
    # The demo builds SchoolData without reading a document; its schools must
    # still pass every rule a document does, limits and characters included.
    for school in demo_schools(dt.date(2026, 11, 22), count=60):
        assert parse_school(school_document(school), school.slug) == school.normalized()
