"""Reading a document file (YAML or JSON, by extension) into plain Python values.

YAML is read safely, with three departures from PyYAML's defaults that would
otherwise lose data silently: a key repeated in one mapping is an error (the
default keeps the last one), `10:15` stays the text "10:15" (YAML 1.1 reads it
as the base-60 number 615), and an impossible date such as 2026-02-30 stays
text so the validator can name its field instead of the parser crashing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from publisher.errors import ValidationError, quote

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}

_MERGE_TAG = "tag:yaml.org,2002:merge"

# Both readers recurse once per level of nesting; a document is a few levels
# deep, so a file nested past Python's recursion limit is refused, not a crash.
_TOO_DEEP = "lists or mappings nested too deeply (a document needs only a few levels)"


class _DocumentLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys and keeps times and impossible dates as text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # unhashable: the base class reports it
                if first is not None:
                    raise ConstructorError(
                        None,
                        None,
                        f"duplicate key {_shown(key)} (first at line {first})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _shown(key: Any) -> str:
    return quote(key) if isinstance(key, str) else repr(key)


def _number_or_text(tag: str) -> Any:
    base = yaml.SafeLoader.yaml_constructors[tag]

    def construct(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        if ":" in str(node.value):
            return loader.construct_scalar(node)
        return base(loader, node)

    return construct


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


for _tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    _DocumentLoader.add_constructor(_tag, _number_or_text(_tag))
_DocumentLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _DuplicateJsonKey(Exception):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKey(key)
        result[key] = value
    return result


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text with the document loader; errors name `source` and the line."""
    try:
        return yaml.load(text, Loader=_DocumentLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise ValidationError(f"{source}: {_TOO_DEEP}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = _one_line(error.problem or error.context or "invalid YAML")
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ValidationError(f"{source}: {where}{problem}") from None
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise ValidationError(
            f"{source}: character {error.position + 1}: unacceptable character"
            f" #x{code:04x} ({_one_line(error.reason)})"
        ) from None
    except yaml.YAMLError as error:
        raise ValidationError(f"{source}: invalid YAML: {_one_line(str(error))}") from None
    except ValueError as error:  # a number past Python's 4300 digits
        raise ValidationError(f"{source}: {_unreadable_value(error)}") from None


def _one_line(message: str) -> str:
    return " ".join(message.split())


def load_json(text: str, source: str) -> Any:
    """Parse JSON text, refusing a key repeated in one object."""
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except RecursionError:
        raise ValidationError(f"{source}: {_TOO_DEEP}") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{source}: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except _DuplicateJsonKey as error:
        raise ValidationError(f"{source}: duplicate key {quote(error.args[0])}") from None
    except ValueError as error:  # a number past Python's 4300 digits
        raise ValidationError(f"{source}: {_unreadable_value(error)}") from None


def _unreadable_value(error: ValueError) -> str:
    if "digits" in str(error):
        return "a number has thousands of digits; no field takes one that long"
    return f"a value cannot be read: {quote(_one_line(str(error)))}"


def read_document(
    path: str | Path, content: bytes | None = None, kind: str | None = None
) -> dict[str, Any]:
    """Read one document file into a mapping; every error names the file as given.

    `kind` ("yaml" or "json") overrides the extension. With `content` (a
    document read from standard input, say) nothing is read from `path`, which
    only names it, and without a `kind` the content decides: JSON when it
    starts with "{", YAML otherwise.
    """
    source = str(path)
    if content is not None:
        return parse_document(content, source, kind or guess_kind(content))
    kind = kind or SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise ValidationError(f"{source}: unsupported file type; use .yaml, .yml or .json")
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ValidationError(f"{source}: cannot read: {error.strerror or error}") from None
    return parse_document(raw, source, kind)


def guess_kind(content: bytes) -> str:
    """The kind of a document with no file name: JSON if it starts with "{" (after a BOM
    and blanks), YAML otherwise."""
    return "json" if content.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{") else "yaml"


def parse_document(raw: bytes, source: str, kind: str) -> dict[str, Any]:
    """A document's bytes as a mapping; errors name `source`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{source}: not UTF-8 text (byte {error.start})") from None
    document = load_yaml(text, source) if kind == "yaml" else load_json(text, source)
    if document is None:
        raise ValidationError(f"{source}: the file is empty")
    if not isinstance(document, dict):
        kind_found = "a list" if isinstance(document, list) else "a single value"
        raise ValidationError(f"{source}: expected a mapping of fields, found {kind_found}")
    return document
