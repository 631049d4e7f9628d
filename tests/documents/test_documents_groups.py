"""Class groups in school documents: named sets of classes a screen can be asked for."""

# ruff: noqa: E501  (the tables keep one case per line, so each reads as one rule)

from __future__ import annotations

import json

import pytest
from school_documents import BASE, edited

from publisher.build import build_manifest
from publisher.build.source import ClassGroupRow
from publisher.documents import parse_school, school_document
from publisher.errors import ValidationError

FLOORS = {"ground": ["1B", "1A"], "الطابق-الأول": ["1A"]}


def test_groups_are_read_in_the_schools_class_order_and_sorted_by_name():
    school = parse_school(edited("class_groups", FLOORS), "school.yaml")
    assert school.class_groups == (
        ClassGroupRow("ground", ("1A", "1B")),
        ClassGroupRow("الطابق-الأول", ("1A",)),
    )


def test_a_document_without_groups_has_none_and_exports_none():
    school = parse_school(BASE, "school.yaml")
    assert school.class_groups == ()
    assert "class_groups" not in school_document(school)


def test_groups_are_kept_whole_through_export():
    school = parse_school(edited("class_groups", FLOORS), "school.yaml")
    assert school_document(school)["class_groups"] == {
        "ground": ["1A", "1B"],
        "الطابق-الأول": ["1A"],
    }
    assert parse_school(school_document(school), "exported.yaml") == school


INVALID = [
    pytest.param(["1A"], "class_groups: expected a mapping of group names to lists of classes, found a list", id="not-a-mapping"),
    pytest.param({"ground": ["1A", "9Z"]}, 'class_groups.ground[2]: unknown class "9Z" (not in classes)', id="unknown-class"),
    pytest.param({"ground": []}, "class_groups.ground: the group is empty: list at least one class", id="empty-group"),
    pytest.param({"ground": "1A"}, "class_groups.ground: expected a list, found the text", id="classes-not-a-list"),
    pytest.param({"ground": ["1A", "1A"]}, 'class_groups.ground[2]: class "1A" is listed twice ([1])', id="class-twice"),
    pytest.param({"ground": ["1A"], "Ground": ["1B"]}, 'class_groups.Ground: the group "ground" has the same name', id="duplicate-name-but-for-case"),
    pytest.param({"1a": ["1A"]}, 'class_groups.1a: the name "1a" is also a class\'s ("1A"); choose another', id="name-of-a-class"),
    pytest.param({"first floor": ["1A"]}, 'class_groups.first floor: the name "first floor" cannot be written in a screen\'s address: use letters, digits, - and _ only', id="space-in-name"),
    pytest.param({"a,b": ["1A"]}, 'class_groups.a,b: the name "a,b" cannot be written in a screen\'s address', id="comma-in-name"),
    pytest.param({"a?b": ["1A"]}, 'class_groups.a?b: the name "a?b" cannot be written', id="question-mark-in-name"),
    pytest.param({7: ["1A"]}, "class_groups: a group's name must be text, found the number 7", id="name-not-text"),
]  # fmt: skip


@pytest.mark.parametrize(("groups", "message"), INVALID)
def test_an_invalid_group_is_rejected_with_one_line_naming_file_and_field(groups, message):
    with pytest.raises(ValidationError) as caught:
        parse_school(edited("class_groups", groups), "school.yaml")
    error = str(caught.value)
    assert error.startswith(f"school.yaml: {message}"), error
    assert "\n" not in error


def test_the_manifest_names_the_groups_only_when_the_school_has_some():
    plain = parse_school(BASE, "school.yaml")
    grouped = parse_school(edited("class_groups", FLOORS), "school.yaml")

    without = json.loads(build_manifest(plain, [], 60))["school"]
    with_groups = json.loads(build_manifest(grouped, [], 60))["school"]

    assert "class_groups" not in without
    assert with_groups["class_groups"] == {"ground": ["1A", "1B"], "الطابق-الأول": ["1A"]}
    assert {k: v for k, v in with_groups.items() if k != "class_groups"} == without
