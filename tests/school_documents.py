"""A small valid school document, and edits of it, for the tests of the import format."""

from __future__ import annotations

import copy
import re
from typing import Any

BASE: dict[str, Any] = {
    "slug": "al-noor-boys",
    "name": "مدرسة النور",
    "timezone": "Asia/Riyadh",
    "locale": "ar",
    "weekend": ["friday", "saturday"],
    "classes": ["1A", "1B"],
    "bell_schedules": {
        "regular": [
            {"index": 1, "kind": "lesson", "label": "First", "start": "07:00", "end": "07:45"},
            {"index": 2, "kind": "break", "label": "Break", "start": "07:45", "end": "08:05"},
            {"index": 3, "kind": "lesson", "label": "Second", "start": "08:05", "end": "08:50"},
        ],
        "exams": [{"index": 1, "kind": "exam", "label": "Exam", "start": "08:00", "end": "10:00"}],
    },
    "week": {day: "regular" for day in ("sunday", "monday", "tuesday", "wednesday", "thursday")},
    "calendar": [
        {"kind": "holiday", "first": "2026-12-10", "last": "2026-12-10", "label": "Long weekend"},
        {
            "kind": "special",
            "first": "2027-01-03",
            "last": "2027-01-07",
            "label": "Exams",
            "schedule": "exams",
        },
    ],
    "lessons": [
        {"day": "sunday", "period": 1, "class": "1A", "subject": "Math", "teacher": "Ahmed"},
        {"day": "sunday", "period": 1, "class": "1B", "subject": "Science", "teacher": "Saeed"},
        {"day": "sunday", "period": 3, "class": "1A", "subject": "Arabic", "teacher": "Khaled"},
    ],
    "substitutions": [
        {"date": "2026-11-23", "period": 1, "class": "1A", "teacher": "Fahd"},
        {"date": "2026-11-24", "period": 3, "class": "1B", "cancelled": True},
    ],
    "duties": [
        {"teacher": "Saeed", "place": "Yard", "day": "sunday"},
        {"teacher": "Ahmed", "place": "Gate", "date": "2026-11-25"},
    ],
    "announcements": [{"text": "Welcome back", "first": "2026-11-22", "last": "2026-11-26"}],
}

DELETE = object()


def edited(path: str, value: Any, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of BASE (or `document`) with the value at `path` replaced, or deleted.

    `path` is written the way error messages name fields: lists count from 1.
    """
    document = copy.deepcopy(BASE if document is None else document)
    steps: list[Any] = [
        int(step[1:-1]) - 1 if step.startswith("[") else step
        for step in re.findall(r"\[\d+\]|[^.\[\]]+", path)
    ]
    *parents, last = steps
    target: Any = document
    for step in parents:
        target = target[step]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return document
