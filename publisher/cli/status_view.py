"""How `publisher status` shows its documents: a state word per school, an
aligned table with a header line, and a summary line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PUBLISHED, BEHIND, FAILED, NOT_PUBLISHED, INACTIVE = (
    "published",
    "behind",
    "failed",
    "not published",
    "inactive",
)
"""A school's state in `status`: its last attempt failed; it was never published;
its published revision is not its current one; or all is well. Inactive schools
are not published and never count as a problem."""
STATES = (PUBLISHED, BEHIND, FAILED, NOT_PUBLISHED, INACTIVE)


def school_state(doc: dict[str, Any]) -> str:
    """The one word for a school's status document: a failure outranks never having
    been published, which outranks being behind (a failing school is usually behind)."""
    if not doc["active"]:
        return INACTIVE
    if doc["last_error"]:
        return FAILED
    if doc["published_revision"] is None:
        return NOT_PUBLISHED
    return BEHIND if doc["behind"] else PUBLISHED


def status_counts(documents: list[dict[str, Any]], beats: list[dict[str, Any]]) -> dict[str, int]:
    states = [doc["state"] for doc in documents]
    counts = {"schools": len(documents)}
    counts.update({state.replace(" ", "_"): states.count(state) for state in STATES})
    counts.update(watchers=len(beats), overdue=sum(1 for beat in beats if beat["overdue"]))
    return counts


def unhealthy(counts: dict[str, int]) -> bool:
    """What makes `status` exit 1: an active school not published, behind or
    failed, or a watcher overdue."""
    return any(counts[name] for name in ("not_published", "behind", "failed", "overdue"))


def status_summary(counts: dict[str, int]) -> str:
    states = ", ".join(f"{counts[state.replace(' ', '_')]} {state}" for state in STATES)
    watchers = f"{counts['watchers']} watcher{'s' if counts['watchers'] != 1 else ''}"
    return f"{counts['schools']} schools: {states}; {watchers}, {counts['overdue']} overdue"


def status_table(documents: list[dict[str, Any]], beats: list[dict[str, Any]]) -> list[str]:
    """Aligned columns with a header line: the schools, then (if any) the watchers."""
    rows = [("SCHOOL", "STATE", "REVISION", "PUBLISHED", "DATES", "PUBLISHED AT", "LAST ERROR")]
    for doc in documents:
        published = doc["published_revision"]
        dates = f"{doc['first_date']}..{doc['last_date']}" if doc["first_date"] else "-"
        rows.append(
            (
                doc["slug"],
                doc["state"],
                f"r{doc['revision']}",
                f"r{published}" if published is not None else "-",
                dates,
                doc["published_at"] or "-",
                doc["last_error"] or "",
            )
        )
    lines = _aligned(rows)
    if beats:
        watchers = [("WATCHER", "STATE", "LAST BEAT", "LAST ACTION", "AT", "LAST ERROR")]
        watchers.extend(
            (
                beat["owner"],
                "overdue" if beat["overdue"] else "beating",
                f"{beat['seconds_since_beat']} s ago",
                beat["last_action"] or "-",
                beat["last_action_at"] or "-",
                beat["last_error"] or "",
            )
            for beat in beats
        )
        lines += ["", *_aligned(watchers)]
    return lines


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Columns padded to their widest cell; the last column (free text) is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(
            [cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]
        ).rstrip()
        for row in rows
    ]
