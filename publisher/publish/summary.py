"""What a publish run did, and the words it is told in: a line for people, a
document for scripts.

`publisher publish` and `publisher watch` both report runs; the wording lives
here once, so the command's summary line, the watcher's log line and the
`--json` document (docs/json.md) count the same things the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only named in annotations: the run module imports this one
    from publisher.cdn import CdnReport
    from publisher.publish.plan import PlannedWrite
    from publisher.publish.results import SchoolResult


@dataclass
class RunSummary:
    """What a run did, for people (stderr) and scripts (`--json`)."""

    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    objects_written: int = 0
    bytes_written: int = 0
    mutable_written: list[str] = field(default_factory=list)  # keys a CDN must forget
    failed_ids: dict[int, str] = field(default_factory=dict)  # school id -> slug
    busy: list[int] = field(default_factory=list)  # ids another publisher was publishing
    stopped: int = 0  # schools left for the next run after a stop request
    written: list[tuple[str, str, str]] = field(default_factory=list)  # (school, key, reason)
    build_seconds: list[float] = field(default_factory=list)  # one per school planned

    def add_shared(self, written: Sequence[PlannedWrite]) -> None:
        """Count objects every school shares (the page's assets and sw.js)."""
        self.written.extend(("-", w.key, w.reason) for w in written)
        self.objects_written += len(written)
        self.bytes_written += sum(len(w.content) for w in written)
        self.mutable_written.extend(w.key for w in written if w.mutable)

    def add_unbuilt(self, slugs: Sequence[str]) -> None:
        """Count schools left unbuilt because nothing they are built from changed
        (`publisher.publish.inputs`): unchanged, with nothing written."""
        self.unchanged.extend(slugs)

    def add(self, result: SchoolResult) -> None:
        if result.stopped:
            return
        slug = result.plan.school.slug
        self.build_seconds.append(result.plan.build_seconds)
        self.written.extend((slug, w.key, w.reason) for w in result.written)
        self.objects_written += len(result.written)
        self.mutable_written.extend(w.key for w in result.written if w.mutable)
        self.bytes_written += sum(len(w.content) for w in result.written)
        if result.error is not None:
            self.failed[slug] = result.error
            self.failed_ids[result.plan.school.id or 0] = slug
        elif result.written:
            self.published.append(slug)
        else:
            self.unchanged.append(slug)

    def build_p95(self) -> float:
        """The 95th percentile of the schools' build seconds (nearest rank: a time some
        school really took); 0 when no school was built."""
        if not self.build_seconds:
            return 0.0
        ranked = sorted(self.build_seconds)
        return ranked[math.ceil(0.95 * len(ranked)) - 1]

    def tally(self) -> str:
        """How many schools were published, unchanged and failed: how every report opens."""
        return (
            f"{len(self.published)} published, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed"
        )

    def describe(self, target: str, seconds: float) -> str:
        """The command's summary line: the tally, what was written where, and why
        some schools were left for later."""
        line = (
            f"{self.tally()}: {self.objects_written} objects "
            f"({self.bytes_written:,} bytes) written to {target} in {seconds:.1f} s"
        )
        if self.busy:
            line += f"; {len(self.busy)} skipped, being published by another publisher"
        if self.stopped:
            line += f"; stopped early, {self.stopped} schools left for the next run"
        return line

    def describe_pass(self, label: str) -> str:
        """The watcher's line for one pass (`changed` or `all`), also its last action."""
        return f"{label}: {self.tally()}, {len(self.busy)} busy elsewhere"

    def document(
        self, busy: Sequence[str], told: CdnReport | None, seconds: float
    ) -> dict[str, Any]:
        """The `publish --json` document (docs/json.md), `busy` named by slug:
        lists of schools, then their counts."""
        counts = {
            "published": len(self.published),
            "unchanged": len(self.unchanged),
            "failed": len(self.failed),
            "busy": len(busy),
            "stopped": self.stopped,
            "objects_written": self.objects_written,
            "bytes_written": self.bytes_written,
        }
        return {
            "published": self.published,
            "unchanged": self.unchanged,
            "failed": [{"school": slug, "error": error} for slug, error in self.failed.items()],
            "busy": list(busy),
            "invalidation": told.invalidation if told else None,
            "edges_refreshed": list(told.edges) if told else [],
            "counts": counts,
            "seconds": round(seconds, 3),
        }
