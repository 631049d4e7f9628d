"""The `--bells` file: clock times for an export that has none (Untis, spreadsheets).

A YAML or JSON document listing the lesson periods, with the school document's
period fields less `kind`:

    periods:
      - {period: 1, start: "07:00", end: "07:45", label: First}
      - {period: 2, start: "07:50", end: "08:35"}

`label` is optional ("Period N"). Periods may not overlap; `merge` puts them
into the school as an export's bells.
"""

from __future__ import annotations

from pathlib import Path

from publisher.documents.fields import At, integer, mapping, records, text, time
from publisher.documents.reading import read_document
from publisher.errors import ValidationError
from publisher.imports.timetable import Bell


def read_bells(path: str | Path) -> tuple[Bell, ...]:
    source = str(path)
    at = At(source)
    document = mapping(read_document(path), at, ("periods",))
    bells = []
    fields = ("period", "start", "end")
    for where, row in records(
        document["periods"], at.key("periods"), fields, ("label",), max_items=40
    ):
        index = integer(row["period"], where.key("period"))
        start, end = time(row["start"], where.key("start")), time(row["end"], where.key("end"))
        if end <= start:
            where.key("end").fail(f"period {index} ends at or before it starts")
        label = text(row.get("label", f"Period {index}"), where.key("label"), max_length=200)
        bells.append(Bell(index, label, start, end))
    return checked_bells(bells, source)


def checked_bells(bells: list[Bell], source: str) -> tuple[Bell, ...]:
    """`bells` in time order; a repeated number or an overlap is a one-line error."""
    ordered = sorted(bells, key=lambda b: b.start)
    seen: set[int] = set()
    for bell in ordered:
        if bell.period in seen:
            raise ValidationError(f"{source}: period {bell.period} is given twice")
        seen.add(bell.period)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            raise ValidationError(
                f"{source}: period {after.period} ({after.start:%H:%M}) starts before period"
                f" {before.period} ends ({before.end:%H:%M})"
            )
    return tuple(ordered)
