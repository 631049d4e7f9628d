"""The run's figures for monitoring: Prometheus text format in a file, for
node_exporter's textfile collector.

`publish --metrics-file` and `watch --metrics-file` write it after each run
(and the watcher at each heartbeat): the last run's schools published,
unchanged and failed, objects and bytes written, build seconds, duration, the
time of the last successful run, and the watcher's heartbeat. The figures come
from the target's run record in the database (`publisher.db.runs`), the same
one `status --json` shows, so the two always agree.

Build seconds are a summary (`_sum`, `_count` and the 0.95 quantile), not a
histogram: the old system's figures were the average and the p95, which the
summary gives exactly for the run (a histogram only estimates a quantile from
its buckets), and the same three numbers are what the database keeps and
`status --json` shows. They describe the last run alone, as every figure here
does: divide `_sum` by `_count` for its average, rather than taking a rate.

Written by hand rather than with `prometheus_client`: the text format is a
handful of lines (HELP, TYPE, samples) rendered from one stored record, while
the library is built around a process-wide registry of live collectors that
accumulate; it would be a new runtime dependency for what forty lines do, and
the atomic write (temporary file in the same folder, fsync, rename) is ours
either way.

The file is replaced atomically: the collector reads every `*.prom` file in
its folder at each scrape and must never see half a file, so the temporary
file's name does not end in `.prom`.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from publisher.db.runs import RunRecord
from publisher.errors import PublisherError, mask_userinfo

PREFIX = "publisher_"


class MetricsError(PublisherError):
    """The metrics file could not be written: one line, and the run goes on."""


def render_metrics(
    target: str,
    run: RunRecord | None,
    heartbeat: dt.datetime | None = None,
    command: str = "publish",
) -> str:
    """The metrics text for `target`: its last run's figures (none before its first
    run), the last success time (none before a first success), and a watcher's
    `heartbeat` when given.

    Every sample is labelled with the target and the `command` that wrote it
    (`publish` or `watch`): cron's file and the watcher's then never hold the
    same series, which the collector rejects ("collected before with the same
    name and label values"). The help texts never vary, since the collector
    also rejects one name helped two ways.
    """
    labels = {"target": mask_userinfo(target), "command": command}
    lines: list[str] = []
    if run is not None:
        lines += _run_metrics(run, labels)
        if run.last_success_at is not None:
            lines += _gauge(
                "last_success_timestamp_seconds",
                "When a run last finished with no school failed (Unix time).",
                labels,
                run.last_success_at.timestamp(),
            )
    if heartbeat is not None:
        lines += _gauge(
            "watch_heartbeat_timestamp_seconds",
            "When the watcher last beat (Unix time); stale when it hangs or died.",
            labels,
            heartbeat.timestamp(),
        )
    return "".join(f"{line}\n" for line in lines)


def _run_metrics(run: RunRecord, labels: dict[str, str]) -> Iterator[str]:
    counts = [
        ("schools_published", "Schools that wrote something in the last run.", run.published),
        ("schools_unchanged", "Schools with nothing to write in the last run.", run.unchanged),
        ("schools_failed", "Schools that failed in the last run.", run.failed),
        ("objects_written", "Objects written to the store in the last run.", run.objects_written),
        ("bytes_written", "Bytes written to the store in the last run.", run.bytes_written),
        ("run_duration_seconds", "How long the last run took.", run.seconds),
        (
            "last_run_timestamp_seconds",
            "When the last run finished, failed or not (Unix time).",
            run.finished_at.timestamp(),
        ),
    ]
    for name, text, value in counts:
        yield from _gauge(name, text, labels, value)
    name = PREFIX + "build_seconds"
    yield f"# HELP {name} Seconds spent building each school's files in the last run."
    yield f"# TYPE {name} summary"
    yield _sample(name, {**labels, "quantile": "0.95"}, run.build_seconds_p95)
    yield _sample(f"{name}_sum", labels, run.build_seconds_sum)
    yield _sample(f"{name}_count", labels, run.build_count)


def _gauge(name: str, text: str, labels: dict[str, str], value: float) -> list[str]:
    name = PREFIX + name
    return [f"# HELP {name} {text}", f"# TYPE {name} gauge", _sample(name, labels, value)]


def _sample(name: str, labels: dict[str, str], value: float) -> str:
    shown = ",".join(f'{key}="{_escape(text)}"' for key, text in labels.items())
    return f"{name}{{{shown}}} {_number(value)}"


def _escape(text: str) -> str:
    """A label value as the format quotes it: backslash, double quote and line feed escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def write_metrics_file(path: Path, text: str) -> None:
    """Replace the file at `path` with `text` atomically: a temporary file in the same
    folder, flushed to disk, then renamed over it. MetricsError names the file when
    any step fails, and no temporary file is left behind."""
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise MetricsError(f"cannot write metrics file {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the collector must read it
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise MetricsError(f"cannot write metrics file {path}: {error.strerror or error}") from None
