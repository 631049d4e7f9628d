"""Writing a `SchoolData` back as a document, and a document as YAML or JSON text.

`school_document` is the inverse of `parse_school`: parsing what it returns gives
the same school again, so an export imported back changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import yaml

from publisher.build.source import WEEKDAYS, SchoolData
from publisher.config import DOCUMENT_FORMATS
from publisher.documents.display import display_document
from publisher.documents.fields import clock
from publisher.documents.groups import class_groups_document

FORMATS = DOCUMENT_FORMATS


def school_week(weekend: tuple[str, ...]) -> list[str]:
    """The weekdays in the school's own order: starting the day after its weekend."""
    start = 0
    for i, day in enumerate(WEEKDAYS):
        if day not in weekend and WEEKDAYS[i - 1] in weekend:
            start = i
            break
    return [*WEEKDAYS[start:], *WEEKDAYS[:start]]


def school_document(data: SchoolData) -> dict[str, Any]:
    """The document form of a school: plain values, in the order a person reads them.

    Dates are `datetime.date` values (YAML writes them bare, JSON as "YYYY-MM-DD");
    times are "HH:MM" text. Identity beyond the slug and public key (id,
    revision) is not part of a document.
    """
    data = data.normalized()
    order = {day: i for i, day in enumerate(school_week(data.weekend))}
    position = {name: i for i, name in enumerate(data.classes)}
    document: dict[str, Any] = {"slug": data.slug}
    if data.key:
        document["key"] = data.key
    document.update(
        name=data.name,
        timezone=data.timezone,
        locale=data.locale,
        active=data.active,
        weekend=list(data.weekend),
        classes=list(data.classes),
        bell_schedules={
            schedule.name: [
                {
                    "index": p.index,
                    "kind": p.kind,
                    "label": p.label,
                    "start": clock(p.start),
                    "end": clock(p.end),
                }
                for p in schedule.periods
            ]
            # The schedules of the ordinary week first, then the special ones.
            for schedule in sorted(
                data.bell_schedules, key=lambda s: (s.name not in dict(data.week).values(), s.name)
            )
        },
        week=dict(sorted(data.week, key=lambda entry: order[entry[0]])),
        calendar=[
            {"kind": c.kind, "first": c.first, "last": c.last, "label": c.label}
            | ({"schedule": c.schedule} if c.schedule is not None else {})
            for c in data.calendar
        ],
        lessons=[
            {
                "day": x.weekday,
                "period": x.period,
                "class": x.school_class,
                "subject": x.subject,
                "teacher": x.teacher,
            }
            | ({"room": x.room} if x.room else {})
            | ({"group": x.group} if x.group else {})
            for x in sorted(
                data.lessons,
                key=lambda x: (order[x.weekday], x.period, position.get(x.school_class, -1)),
            )
        ],
        substitutions=[
            {"date": s.date, "period": s.period, "class": s.school_class}
            | ({"cancelled": True} if s.cancelled else {})
            | ({"teacher": s.teacher} if s.teacher is not None else {})
            | ({"room": s.room} if s.room is not None else {})
            for s in data.substitutions
        ],
        duties=[
            {"teacher": d.teacher, "place": d.place}
            | ({"day": d.weekday} if d.weekday is not None else {"date": d.date})
            for d in data.duties
        ],
        announcements=[
            {"text": a.text, "first": a.first, "last": a.last} for a in data.announcements
        ],
        exams=[
            {"date": x.date, "period": x.period, "class": x.school_class, "subject": x.subject}
            | ({"room": x.room} if x.room else {})
            | {"invigilators": list(x.invigilators)}
            for x in data.exams
        ],
    )
    display = display_document(data.display)
    if display:
        document["display"] = display
    groups = class_groups_document(data.class_groups)
    if groups:
        document["class_groups"] = groups
    return document


def dump_document(document: dict[str, Any], format: str = "yaml") -> str:
    """The document as text: readable YAML, or JSON (UTF-8, not ASCII-escaped)."""
    if format == "json":
        return json.dumps(document, ensure_ascii=False, indent=2, default=_json_value) + "\n"
    if format != "yaml":
        raise ValueError(f"unknown document format {format!r}; expected one of {FORMATS}")
    return yaml.dump(
        _yaml_layout(document),
        Dumper=_DocumentDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )


def _json_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a document")


class _FlowMap(dict):  # type: ignore[type-arg]
    """A small row written on one line: `{day: sunday, period: 1, ...}`."""


class _FlowList(list):  # type: ignore[type-arg]
    """A short list written on one line: `[friday, saturday]`."""


_ROW_SECTIONS = ("calendar", "lessons", "substitutions", "duties", "exams")
_TIME_TEXT = re.compile(r"\d{2}:\d{2}(:\d{2})?")


def _yaml_layout(document: dict[str, Any]) -> dict[str, Any]:
    """Mark which parts to write in flow style: rows of a table, and short lists."""
    laid_out = dict(document)
    for name in ("weekend", "classes"):
        if name in laid_out:
            laid_out[name] = _FlowList(laid_out[name])
    for name in _ROW_SECTIONS:
        if name in laid_out:
            laid_out[name] = [_FlowMap(row) for row in laid_out[name]]
    if "class_groups" in laid_out:
        laid_out["class_groups"] = {
            name: _FlowList(classes) for name, classes in laid_out["class_groups"].items()
        }
    if "bell_schedules" in laid_out:
        laid_out["bell_schedules"] = {
            name: [_FlowMap(p) for p in periods]
            for name, periods in laid_out["bell_schedules"].items()
        }
    return laid_out


class _DocumentDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Times are always quoted: unquoted, YAML 1.1 reads 10:15 as the number 615.
    style = '"' if _TIME_TEXT.fullmatch(value) else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_DocumentDumper.add_representer(str, _represent_str)
_DocumentDumper.add_representer(_FlowMap, _represent_flow_map)
_DocumentDumper.add_representer(_FlowList, _represent_flow_list)
