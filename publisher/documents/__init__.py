"""School documents: one school per YAML or JSON file, read, validated, written back.

`read_document` reads a file, `parse_school` validates it into a `SchoolData`,
`school_document` turns a `SchoolData` back into a document and `dump_document`
into text; `import_files` and `export_school` connect them to the database.
The format is described in docs/import-format.md.
"""

from __future__ import annotations

from publisher.db.lookup import find_school_by_key, resolve_school
from publisher.documents.import_export import (
    ImportOutcome,
    export_school,
    import_file,
    import_files,
)
from publisher.documents.parsing import parse_school
from publisher.documents.reading import read_document
from publisher.documents.writing import FORMATS, dump_document, school_document

__all__ = [
    "FORMATS",
    "ImportOutcome",
    "dump_document",
    "export_school",
    "find_school_by_key",
    "import_file",
    "import_files",
    "parse_school",
    "read_document",
    "resolve_school",
    "school_document",
]
