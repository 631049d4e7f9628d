"""Moving documents in and out of the database: import files, export one school."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from publisher.build.source import SchoolData
from publisher.db import transaction
from publisher.db.load import load_schools
from publisher.db.lookup import resolve_school, slug_with_key
from publisher.db.save import save_school
from publisher.documents.parsing import parse_school
from publisher.documents.reading import read_document
from publisher.documents.writing import school_document
from publisher.errors import ValidationError

_REASON_LENGTH = 200


@dataclass(frozen=True)
class ImportOutcome:
    """What importing one file did: the school and its revision, or the one-line error;
    `skipped` summarizes what another tool's export held that could not be imported."""

    path: str
    slug: str | None = None
    revision: int | None = None
    changed: bool = False
    error: str | None = None
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


def import_files(
    sessions: sessionmaker[Session], paths: Iterable[str | Path]
) -> list[ImportOutcome]:
    """Import each file in its own transaction; a file that fails changes nothing and
    does not stop the others."""
    return [import_file(sessions, path) for path in paths]


def import_file(
    sessions: sessionmaker[Session],
    path: str | Path,
    content: bytes | None = None,
    kind: str | None = None,
) -> ImportOutcome:
    """Create or update the school a document describes.

    The school's revision goes up by one when anything in it changed, and stays
    where it was when the document matches what is stored. `content` and
    `kind` are passed to `read_document` (a document from standard input).
    """
    source = str(path)

    def save() -> ImportOutcome:
        folder = Path(path).parent
        data = parse_school(
            read_document(path, content, kind), source, lambda name: (folder / name).read_bytes()
        )
        with transaction(sessions) as session:
            _check_key_is_free(session, data, source)
            _school_id, revision, changed = save_school(session, data)
        return ImportOutcome(source, data.slug, revision, changed)

    return guarded(source, save)


def guarded(source: str, save: Callable[[], ImportOutcome]) -> ImportOutcome:
    """What `save` returns, or the one-line error that stopped it (its transaction
    rolled back: the file changed nothing)."""
    try:
        return save()
    except ValidationError as error:
        return ImportOutcome(source, error=str(error))
    except IntegrityError as error:
        # Another process created a clashing row between our check and our write.
        return ImportOutcome(source, error=f"{source}: the database refused it: {_reason(error)}")
    except (DataError, ValueError) as error:
        # Validation should refuse whatever the database cannot hold. Should a value
        # slip through, it fails this file alone: the files after it still import.
        return ImportOutcome(source, error=f"{source}: could not be saved: {_reason(error)}")


def _reason(error: Exception) -> str:
    """The first line of the underlying error, short enough for one line of output."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    return lines[0] if len(lines[0]) <= _REASON_LENGTH else f"{lines[0][:_REASON_LENGTH]}…"


def _check_key_is_free(session: Session, data: SchoolData, source: str) -> None:
    if not data.key:
        return
    owner = slug_with_key(session, data.key)
    if owner is not None and owner != data.slug:
        raise ValidationError(f'{source}: key: already the key of school "{owner}"')


def export_school(sessions: sessionmaker[Session], key: str) -> dict[str, Any]:
    """The document of the school named by id, slug or public key (ConfigError if none)."""
    with transaction(sessions) as session:
        school = resolve_school(session, key)
        (data,) = load_schools(session, [school.id])
    return school_document(data)
