"""The records of an Untis text export ("GPU" file), split into fields.

Untis writes one record a line, its fields separated by the character chosen in
its export dialog (`,` or `;` mostly; a tab or `|` also occur), text fields in
double quotes (a quote inside one doubled, as in CSV), numbers bare. The file does
not say which separator it uses, so it is found from the file's first record: the
candidate that occurs most often outside quotes. A record never spans lines (Untis
writes no line breaks inside a field), so a quote left open at the end of a line is
an error rather than the start of a multi-line field.

Every error is one line naming the file, the line and the field, as the file's
reader names its fields (`Layout`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from publisher.errors import ValidationError, quote

SEPARATORS = (",", ";", "\t", "|")
"""The field separators Untis' export dialog offers, in the order a tie is broken."""


@dataclass(frozen=True)
class Layout:
    """What a GPU file's records hold: the fields a reader uses, by their 1-based
    number and name, and how many fields a record may have (`most`: None when later
    versions of Untis may append fields, which are then ignored)."""

    name: str
    fields: dict[int, str]
    fewest: int
    most: int | None

    def describe(self, number: int) -> str:
        """ "field 6 (day)", or "field 9" for one the reader does not use."""
        name = self.fields.get(number)
        return f"field {number} ({name})" if name else f"field {number}"

    def count(self) -> str:
        if self.most is None:
            return f"at least {self.fewest}"
        return f"{self.fewest} to {self.most}"


@dataclass(frozen=True)
class Record:
    """One line of a GPU file: where it is and its fields, unquoted."""

    source: str
    line: int
    layout: Layout
    fields: tuple[str, ...]

    def text(self, number: int) -> str:
        """Field `number` (1-based), stripped; empty when the record is shorter."""
        return self.fields[number - 1].strip() if number <= len(self.fields) else ""

    def error(self, number: int, message: str) -> ValidationError:
        where = f"{self.source}, line {self.line}, {self.layout.describe(number)}"
        return ValidationError(f"{where}: {message}")

    def number(self, number: int, meaning: str, *, fewest: int = 0) -> int:
        """Field `number` as a whole number no less than `fewest`; else an error
        saying the value is not `meaning` ("a period number")."""
        text = self.text(number)
        if not text.isascii() or not text.isdigit() or int(text) < fewest:
            raise self.error(number, f"{quote(text)} is not {meaning}")
        return int(text)

    def date(self, number: int) -> dt.date:
        """Field `number` as a date written YYYYMMDD, the way Untis writes dates."""
        text = self.text(number)
        try:
            if len(text) != 8 or not text.isascii() or not text.isdigit():
                raise ValueError
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise self.error(number, f"{quote(text)} is not a date (YYYYMMDD)") from None


def read_records(text: str, source: str, layout: Layout) -> list[Record]:
    """The records of a decoded GPU file, blank lines left out, each checked for its
    number of fields (line numbers count every line, as an editor shows them)."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    filled = [(number, line) for number, line in enumerate(lines, 1) if line.strip()]
    if not filled:
        return []
    separator = detect_separator(filled[0][1])
    records = []
    for number, line in filled:
        fields = _split(line, separator, source, number, layout)
        record = Record(source, number, layout, fields)
        _check_count(record, separator)
        records.append(record)
    return records


def detect_separator(line: str) -> str:
    """The separator of a file whose first record is `line`: the candidate found most
    often outside quotes (a comma when there is none: the record then has one field
    and is refused for that)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for character in line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    return max(SEPARATORS, key=lambda candidate: counts[candidate])


def _split(line: str, separator: str, source: str, number: int, layout: Layout) -> tuple[str, ...]:
    fields: list[str] = []
    position = 0
    while True:
        field_number = len(fields) + 1
        if line[position : position + 1] == '"':
            value, position = _quoted(line, position, separator)
            if position < 0:
                where = f"{source}, line {number}, {layout.describe(field_number)}"
                if position == -1:
                    raise ValidationError(f"{where}: unterminated quotes")
                raise ValidationError(f"{where}: text after the closing quote")
        else:
            end = line.find(separator, position)
            end = len(line) if end < 0 else end
            value, position = line[position:end], end
        fields.append(value)
        if position >= len(line):
            return tuple(fields)
        position += len(separator)


def _quoted(line: str, start: int, separator: str) -> tuple[str, int]:
    """The quoted field opening at `start` and the position after it; the position is
    -1 when the quotes are not closed, -2 when text follows the closing quote."""
    value = []
    position = start + 1
    while position < len(line):
        character = line[position]
        if character != '"':
            value.append(character)
            position += 1
        elif line[position + 1 : position + 2] == '"':
            value.append('"')
            position += 2
        else:
            after = position + 1
            if after < len(line) and not line.startswith(separator, after):
                # Spaces after the closing quote are harmless; anything else is not.
                if line[after:].split(separator, 1)[0].strip():
                    return "", -2
                after = line.find(separator, after)
                after = len(line) if after < 0 else after
            return "".join(value), after
    return "", -1


def _check_count(record: Record, separator: str) -> None:
    layout = record.layout
    count = len(record.fields)
    if count >= layout.fewest and (layout.most is None or count <= layout.most):
        return
    shown = "a tab" if separator == "\t" else quote(separator)
    raise ValidationError(
        f"{record.source}, line {record.line}: {count} field{'s' if count != 1 else ''}"
        f" separated by {shown}, where a {layout.name} record has {layout.count()}"
    )
