"""Imports meet the database: a timetable into one school, changes into the schools
they name. Each file is one transaction: with any error it changes nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session, sessionmaker

from publisher.build.day import kind_of_day
from publisher.build.source import SchoolData, SubstitutionRow
from publisher.db import transaction
from publisher.db.load import load_schools
from publisher.db.lookup import find_school_by_key
from publisher.db.save import save_school
from publisher.documents.import_export import ImportOutcome, guarded
from publisher.errors import BuildError, ValidationError, quote
from publisher.imports.merge import NewSchool, default_weekend, merged_school
from publisher.imports.timetable import Bell, Change, ReadOptions, Timetable, school_days

Reader = Callable[[ReadOptions], Timetable]
"""Reads one export, given what the school tells about its week."""


def import_timetable(
    sessions: sessionmaker[Session],
    source: str,
    school: str,
    read: Reader,
    options: ReadOptions,
    new: NewSchool,
    bells: Sequence[Bell] = (),
) -> ImportOutcome:
    """Put the timetable `read` returns into `school` (an id, slug or public key; a
    new slug creates the school from `new`). Identical data changes nothing."""

    def save() -> ImportOutcome:
        with transaction(sessions) as session:
            existing = _school(session, school)
            weekend = existing.weekend if existing else new.weekend or default_weekend(new.locale)
            timetable = read(dataclasses.replace(options, school_days=school_days(weekend)))
            slug = existing.slug if existing else school
            data, skipped = merged_school(slug, existing, timetable, new, bells)
            _school_id, revision, changed = save_school(session, data)
        return ImportOutcome(source, data.slug, revision, changed, skipped=skipped)

    return guarded(source, save)


def apply_changes(
    sessions: sessionmaker[Session],
    source: str,
    changes: Sequence[Change],
    school: str | None,
) -> list[ImportOutcome]:
    """Apply dated changes to the schools they name (`school` for rows naming none).

    A change replaces the one of its date, period and class, if any. Each is
    checked against its school: the class exists, the date is a school day,
    the period is a lesson period of that day's bells. One bad row and nothing
    of the file is applied. Schools the file does not name are not touched;
    a school whose changes were all there already keeps its revision.
    """
    outcomes: list[ImportOutcome] = []

    def save() -> ImportOutcome:
        with transaction(sessions) as session:
            for slug, rows in _by_school(changes, school, source).items():
                existing = _school(session, slug)
                if existing is None:
                    where = rows[0].where
                    raise ValidationError(f"{where}: there is no school {quote(slug)}")
                data = _with_changes(existing, rows)
                _school_id, revision, changed = save_school(session, data)
                outcomes.append(ImportOutcome(source, data.slug, revision, changed))
        return ImportOutcome(source)

    failed = guarded(source, save)
    return [failed] if failed.error else outcomes


def _school(session: Session, key: str) -> SchoolData | None:
    found = find_school_by_key(session, key)
    return load_schools(session, [found.id])[0] if found is not None else None


def _by_school(
    changes: Sequence[Change], school: str | None, source: str
) -> dict[str, list[Change]]:
    if not changes:
        raise ValidationError(f"{source}: no changes in the file")
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        slug = change.school or school
        if slug is None:
            raise ValidationError(
                f"{change.where}: names no school: add a school column, or give --school"
            )
        grouped.setdefault(slug, []).append(change)
    return grouped


def _with_changes(school: SchoolData, changes: Sequence[Change]) -> SchoolData:
    rows = {(s.date, s.period, s.school_class): s for s in school.substitutions}
    for change in changes:
        row = change.row
        _check(school, change.where, row)
        rows[(row.date, row.period, row.school_class)] = row
    return dataclasses.replace(school, substitutions=tuple(rows.values()))


def _check(school: SchoolData, where: str, row: SubstitutionRow) -> None:
    named = f"school {quote(school.slug)}"
    if row.school_class not in school.classes:
        raise ValidationError(f"{where}: {named} has no class {quote(row.school_class)}")
    try:
        day = kind_of_day(school, row.date)
    except BuildError as error:
        raise ValidationError(f"{where}: {error}") from None
    if day.schedule is None:
        kind = "a holiday" if day.status == "holiday" else "a weekend day"
        raise ValidationError(f"{where}: {row.date} is {kind} of {named}, not a school day")
    period = next((p for p in day.schedule.periods if p.index == row.period), None)
    if period is None or period.kind != "lesson":
        raise ValidationError(
            f"{where}: {row.date} follows bell schedule {quote(day.schedule.name)} of {named},"
            f" which has no lesson period {row.period}"
        )
