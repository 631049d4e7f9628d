"""Rooms, room changes, exams and display settings in school documents."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import base64
import datetime as dt

import pytest
from school_documents import BASE, DELETE, edited

from publisher.build.source import DisplaySettings, ExamRow, Logo, NightHours
from publisher.documents import parse_school, school_document
from publisher.errors import ValidationError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(64)

# BASE plans its "exams" bell schedule (period 1, an exam) from 2027-01-03 to 2027-01-07.
EXAM = {
    "date": "2027-01-03",
    "period": 1,
    "class": "1A",
    "subject": "Math",
    "room": "Hall",
    "invigilators": ["Ahmed", "Saeed"],
}
SCREEN = edited("exams", [EXAM], edited("lessons[1].room", "B-12"))


def files(**named: bytes):
    """A `read_file` holding these files, by name; any other name is missing."""

    def read(name: str) -> bytes:
        if name not in named:
            raise FileNotFoundError(2, "No such file or directory")
        return named[name]

    return read


def data_uri(media_type: str, content: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def test_rooms_exams_and_display_settings_are_read():
    document = edited(
        "display",
        {
            "hijri": False,
            "digits": "latn",
            "accent": "#1A7F5A",
            "logo": "art/logo.png",
            "night": {"start": "19:00", "end": "06:30"},
        },
        SCREEN,
    )
    document["substitutions"].append(
        {"date": "2026-11-25", "period": 3, "class": "1A", "room": "Lab 2"}
    )
    school = parse_school(document, "school.yaml", files(**{"art/logo.png": PNG}))
    assert school.lessons[0].room == "B-12"
    assert [(s.teacher, s.room) for s in school.substitutions] == [
        ("Fahd", None),
        (None, None),
        (None, "Lab 2"),
    ]
    assert school.exams == (
        ExamRow(dt.date(2027, 1, 3), 1, "1A", "Math", "Hall", ("Ahmed", "Saeed")),
    )
    assert school.display == DisplaySettings(
        hijri=False, digits="latn", accent="#1a7f5a", logo=Logo(PNG, "png"),
        night=NightHours(dt.time(19), dt.time(6, 30)),
    )  # fmt: skip


def test_a_document_without_display_settings_leaves_every_one_unset():
    assert parse_school(edited("lessons", []), "school.yaml").display == DisplaySettings()


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        pytest.param(PNG, "png", id="png"),
        pytest.param(JPEG, "jpg", id="jpeg"),
        pytest.param(WEBP, "webp", id="webp"),
    ],
)
def test_a_logos_type_is_read_from_its_bytes_whatever_its_name(content, extension):
    school = parse_school(
        edited("display", {"logo": "logo.img"}), "school.yaml", files(**{"logo.img": content})
    )
    assert school.display.logo == Logo(content, extension)


INVALID = [
    # (document, the message after "school.yaml: ")
    pytest.param(edited("lessons[1].room", 101), "lessons[1].room: expected text, found the number 101; put it in quotes", id="room-as-a-number"),
    pytest.param(edited("lessons[1].room", "B\u200b12"), "lessons[1].room: contains the invisible character U+200B", id="invisible-character-in-a-room"),
    pytest.param(edited("substitutions[1].room", ""), "substitutions[1].room: must not be empty", id="substitution-to-no-room"),
    pytest.param(edited("substitutions[2].room", "Hall"), "substitutions[2]: give a teacher or a room, or cancelled: true, not both", id="cancelled-lesson-with-a-room"),
    pytest.param(edited("exams[1].period", 2, SCREEN), 'exams[1].period: bell schedule "exams", used on 2027-01-03, has no period 2', id="exam-in-a-missing-period"),
    pytest.param(edited("exams[1].date", "2026-11-22", SCREEN), 'exams[1].period: period 1 of bell schedule "regular", used on 2026-11-22, is a lesson, not an exam', id="exam-on-an-ordinary-day"),
    pytest.param(edited("exams[1].date", "2026-12-10", SCREEN), "exams[1].period: 2026-12-10 is a holiday, with no exam period 1", id="exam-on-a-holiday"),
    pytest.param(edited("exams[1].date", "2027-01-08", SCREEN), "exams[1].period: 2027-01-08 is a weekend day, with no exam period 1", id="exam-on-a-weekend"),
    pytest.param(edited("exams[1].class", "9Z", SCREEN), 'exams[1].class: unknown class "9Z" (not in classes)', id="exam-of-an-unknown-class"),
    pytest.param(edited("exams", [EXAM, EXAM | {"subject": "Arabic"}], SCREEN), 'exams[2]: class "1A" already has an exam on 2027-01-03 period 1 (exams[1])', id="two-exams-for-one-class-at-once"),
    pytest.param(edited("exams[1].invigilators", "Ahmed", SCREEN), "exams[1].invigilators: expected a list, found the text", id="invigilators-not-a-list"),
    pytest.param(edited("exams[1].invigilators[2]", "", SCREEN), "exams[1].invigilators[2]: must not be empty", id="an-empty-invigilator"),
    pytest.param(edited("exams[1].subject", DELETE, SCREEN), "exams[1].subject: required but missing", id="exam-without-subject"),
    pytest.param(edited("display", {"hijri": "yes"}), "display.hijri: expected true or false", id="hijri-not-a-boolean"),
    pytest.param(edited("display", {"digits": "arabic"}), "display.digits: expected one of arab, latn", id="unknown-digits"),
    pytest.param(edited("display", {"accent": "green"}), 'display.accent: expected a colour "#rrggbb"', id="accent-not-a-colour"),
    pytest.param(edited("display", {"accent": "#1a7f5"}), 'display.accent: expected a colour "#rrggbb"', id="accent-too-short"),
    pytest.param(edited("display", {"night": {"start": "19:00"}}), "display.night.end: required but missing", id="night-without-end"),
    pytest.param(edited("display", {"night": {"start": "19:00", "end": "19:00"}}), "display.night.end: equals the start 19:00", id="night-of-no-length"),
    pytest.param(edited("display", {"night": {"start": "19:00:30", "end": "06:00"}}), 'display.night.start: expected a time "HH:MM" without seconds', id="night-with-seconds"),
    pytest.param(edited("display", {"colour": "#ffffff"}), 'display: unknown key "colour"', id="unknown-display-key"),
    pytest.param(edited("display", {"logo": "missing.png"}), 'display.logo: cannot read "missing.png": No such file or directory', id="logo-file-missing"),
    pytest.param(edited("display", {"logo": "logo.gif"}), "display.logo: is not an image the screen can show (expected JPEG, PNG, WEBP)", id="logo-of-another-type"),
    pytest.param(edited("display", {"logo": "big.png"}), "display.logo: is 262,224 bytes; a logo may be at most 262,144 bytes (256 KB)", id="logo-too-big"),
    pytest.param(edited("display", {"logo": data_uri("image/jpeg", PNG)}), "display.logo: the data: URI says image/jpeg but holds a image/png image", id="data-uri-of-the-wrong-type"),
    pytest.param(edited("display", {"logo": "data:image/png;base64,%%%"}), "display.logo: the data: URI is not valid base64", id="data-uri-not-base64"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "message"), INVALID)
def test_an_invalid_screen_field_is_rejected_with_one_line_naming_file_and_field(document, message):
    read = files(**{"logo.gif": b"GIF89a" + bytes(64), "big.png": PNG + bytes(256 * 1024)})
    with pytest.raises(ValidationError) as caught:
        parse_school(document, "school.yaml", read)
    error = str(caught.value)
    assert error.startswith(f"school.yaml: {message}"), error
    assert "\n" not in error


def test_a_logo_file_needs_a_document_file_to_be_read_beside():
    with pytest.raises(ValidationError, match=r"^-: display\.logo: a logo file can only be read"):
        parse_school(edited("display", {"logo": "logo.png"}), "-")


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(SCREEN, id="rooms-and-exams"),
        pytest.param(edited("substitutions[1].room", "Lab 2"), id="substitute-in-another-room"),
        pytest.param(edited("substitutions[1]", {"date": "2026-11-23", "period": 1, "class": "1A", "room": "Lab 2"}), id="room-change"),
        pytest.param(edited("exams[1].invigilators", DELETE, SCREEN), id="exam-without-invigilators"),
        pytest.param(edited("exams[1].room", DELETE, SCREEN), id="exam-without-room"),
        pytest.param(edited("display", {"hijri": False}), id="one-display-setting"),
        pytest.param(edited("display", {"digits": "latn", "accent": "#ABCDEF", "night": {"start": "22:00", "end": "05:00"}}), id="night-across-midnight"),
        pytest.param(edited("display", {"logo": data_uri("image/webp", WEBP)}), id="logo-inline"),
        pytest.param(edited("display", {}), id="empty-display-block"),
    ],
)  # fmt: skip
def test_these_screen_variations_are_kept_whole_through_export(document):
    school = parse_school(document, "school.yaml")
    assert parse_school(school_document(school), "exported.yaml") == school


def test_export_writes_a_logo_file_inline_and_only_the_settings_given():
    school = parse_school(
        edited("display", {"logo": "logo.png", "digits": "arab"}),
        "school.yaml",
        files(**{"logo.png": PNG}),
    )
    assert school_document(school)["display"] == {
        "digits": "arab",
        "logo": data_uri("image/png", PNG),
    }
    assert "display" not in school_document(parse_school(BASE, "school.yaml"))
