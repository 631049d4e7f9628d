"""From polls to the list of screens: when each was first and last seen, what it
holds, whether that is behind what is published, and how long it has been
silent during its school's hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from publisher.build import SchoolData
from publisher.screens.hours import silence_in_hours
from publisher.screens.polls import BadLine, Poll


@dataclass(frozen=True)
class Seen:
    """What the logs say of one screen of one school: its first and last polls, and
    the build and revision its last poll named."""

    school_key: str
    screen: str
    first: dt.datetime
    last: dt.datetime
    build: str
    revision: int | None


@dataclass
class Gathered:
    """Every screen seen in the logs, and the lines that could not be read."""

    screens: dict[tuple[str, str], Seen] = field(default_factory=dict)
    bad_lines: int = 0
    first_bad: BadLine | None = None

    def add(self, entry: Poll | BadLine) -> None:
        if isinstance(entry, BadLine):
            self.bad_lines += 1
            self.first_bad = self.first_bad or entry
            return
        key = (entry.school_key, entry.screen)
        seen = self.screens.get(key)
        if seen is None:
            self.screens[key] = Seen(*key, entry.at, entry.at, entry.build, entry.revision)
            return
        # Logs count whole seconds: of two polls in one second, the one naming the
        # higher revision is the later (a screen's revision only moves on).
        latest = (entry.at, _order(entry.revision)) >= (seen.last, _order(seen.revision))
        self.screens[key] = Seen(
            *key,
            first=min(seen.first, entry.at),
            last=max(seen.last, entry.at),
            build=entry.build if latest else seen.build,
            revision=entry.revision if latest else seen.revision,
        )


def _order(revision: int | None) -> int:
    return -1 if revision is None else revision


def gather(entries: Iterable[Poll | BadLine], into: Gathered | None = None) -> Gathered:
    """The screens of `entries` (logs in any order: a screen's last poll wins)."""
    gathered = into if into is not None else Gathered()
    for entry in entries:
        gathered.add(entry)
    return gathered


@dataclass(frozen=True)
class School:
    """What the report needs of a school: its data (for its name and hours) and the
    revision recorded as published to the target, if any."""

    data: SchoolData
    published_revision: int | None


@dataclass(frozen=True)
class ScreenRow:
    """One screen in the report. `school` is None for a key no school of the
    database has (another database's school, or one deleted)."""

    seen: Seen
    school: School | None
    behind: bool  # it holds an older revision than the one published
    silent: dt.timedelta | None  # school-hours silence since its last poll, when asked

    @property
    def published_revision(self) -> int | None:
        return self.school.published_revision if self.school else None


def screen_rows(
    gathered: Gathered,
    schools: Mapping[str, School],
    now: dt.datetime,
    silent_for: dt.timedelta | None = None,
) -> list[ScreenRow]:
    """Every screen, by school slug and screen id; with `silent_for`, only those
    silent at least that long during their school's hours (a screen of an unknown
    school has no hours, so it is never silent)."""
    rows = []
    for seen in gathered.screens.values():
        school = schools.get(seen.school_key)
        published = school.published_revision if school else None
        behind = published is not None and (seen.revision is None or seen.revision < published)
        silent = None
        if silent_for is not None:
            silent = dt.timedelta(0)
            if school is not None:
                silent = silence_in_hours(school.data, seen.last, now, silent_for)
            if silent < silent_for:
                continue
        rows.append(ScreenRow(seen, school, behind, silent))
    return sorted(rows, key=_row_order)


def _row_order(row: ScreenRow) -> tuple[bool, str, str]:
    """By school slug, then screen id; screens of unknown schools last, by key."""
    school = row.school
    return (school is None, school.data.slug if school else row.seen.school_key, row.seen.screen)
