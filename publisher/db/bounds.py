"""What a batch of schools' windows need from the dated and weekly tables, as query conditions.

A batch spans a handful of UTC offsets at most, so its schools fall into a few
groups whose windows are the same dates; each table is still read with one
query, an OR of one condition per group (`publisher.db.load`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import RowMapping, or_

from publisher.build.day import Window


@dataclass(frozen=True)
class Span:
    """Schools whose windows are the same dates (one time-zone offset, usually)."""

    school_ids: tuple[int, ...]
    first: dt.date
    last: dt.date
    weekdays: tuple[int, ...]


@dataclass(frozen=True)
class Bounds:
    """What a batch's windows need to read, as conditions on queries.

    The batch's schools are grouped by their window's dates (a batch spans a
    handful of UTC offsets at most), and each table is still read with one
    query: an OR of one condition per group.
    """

    spans: tuple[Span, ...] | None = None  # None: no window, read everything

    @classmethod
    def of(cls, schools: Sequence[RowMapping], window: Window | None) -> Bounds:
        if window is None:
            return cls()
        groups: dict[tuple[dt.date, ...], list[int]] = defaultdict(list)
        for school in schools:
            groups[tuple(window.dates(school["timezone"]))].append(school["id"])
        return cls(
            tuple(
                Span(tuple(ids), dates[0], dates[-1], tuple(sorted({d.weekday() for d in dates})))
                for dates, ids in groups.items()
            )
        )

    def _where(self, query: Any, school_id: Any, condition: Any) -> Any:
        if self.spans is None:
            return query
        return query.where(
            or_(*(school_id.in_(span.school_ids) & condition(span) for span in self.spans))
        )

    def ending_from(self, query: Any, school_id: Any, last: Any) -> Any:
        """Rows still in force on or after the first date."""
        return self._where(query, school_id, lambda span: last >= span.first)

    def touching(self, query: Any, school_id: Any, first: Any, last: Any) -> Any:
        """Rows whose dates overlap the window."""
        return self._where(
            query, school_id, lambda span: (last >= span.first) & (first <= span.last)
        )

    def on_weekdays(self, query: Any, school_id: Any, weekday: Any) -> Any:
        return self._where(query, school_id, lambda span: weekday.in_(span.weekdays))

    def weekly_or_dated(self, query: Any, school_id: Any, weekday: Any, date: Any) -> Any:
        """Rows for one of the window's weekdays (no date), or dated within it."""
        return self._where(
            query,
            school_id,
            lambda span: (
                (date.is_(None) & weekday.in_(span.weekdays)) | date.between(span.first, span.last)
            ),
        )
