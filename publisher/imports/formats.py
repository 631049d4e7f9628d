"""Which reader reads which file: the `import --from` formats and the changes files.

Readers are imported when a file needs them, so that a command that reads no
export (and `--help`) never loads openpyxl or an XML parser.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from publisher.errors import ValidationError
from publisher.imports.timetable import Change, ReadOptions, Timetable

ChangesRead = tuple[list[Change], tuple[str, ...]]
"""The changes of a file, and summary lines of what it held that cannot be applied."""


def _reader(module: str, name: str) -> Callable[..., Any]:
    return getattr(importlib.import_module(f"publisher.imports.{module}"), name)  # type: ignore[no-any-return]


def read_timetable(kind: str, paths: Sequence[str], options: ReadOptions) -> Timetable:
    """The timetable in `paths` (one file; Untis: GPU001 and, optionally, GPU002)."""
    contents = [(path, _read(path)) for path in paths]
    if kind == "untis":
        return _reader("untis", "read_untis")(contents, options)  # type: ignore[no-any-return]
    if len(contents) != 1:
        raise ValidationError(f"--from {kind} reads one file, not {len(contents)}")
    [(source, content)] = contents
    name = {"asc": ("asc", "read_asc"), "spreadsheet": ("spreadsheet", "read_lessons")}[kind]
    return _reader(*name)(content, source, options)  # type: ignore[no-any-return]


def read_changes(path: str, options: ReadOptions) -> ChangesRead:
    """The dated changes in a CSV or XLSX file, or an Untis GPU014 export (by its name)."""
    content = _read(path)
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return _reader("spreadsheet", "read_changes")(content, path, options), ()
    if "gpu014" in Path(path).name.lower():
        read = _reader("untis", "read_substitutions")(content, path, options)
        return list(read.changes), tuple(read.skipped)
    raise ValidationError(f"{path}: a changes file is .csv, .xlsx or an Untis export named GPU014…")


def write_template(path: Path) -> None:
    """A spreadsheet a school fills in: lessons and changes (see imports-spreadsheets.md)."""
    _reader("spreadsheet", "write_template")(path)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ValidationError(f"{path}: cannot read: {error.strerror or error}") from None
