"""One sheet of a spreadsheet, CSV or XLSX, as rows of cells whose header is matched
against a `Sheet` of the layout; cells read as text, whole numbers or dates, each
error one line naming the file, the sheet, the row and the column as the
spreadsheet shows them (the header is row 1, the first column A)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.chartsheet import Chartsheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from publisher.errors import ValidationError, quote
from publisher.imports.encoding import decode
from publisher.imports.spreadsheet_layout import Sheet

KINDS = (".csv", ".xlsx")
DELIMITERS = (",", ";", "\t")
"""What may separate a CSV file's cells: the one its header line uses most (a comma
on a tie). Excel writes `;` where the decimal mark is a comma, and tabs when it
saves "Unicode text"."""

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NAMES = re.compile(r"\s*[,;،]\s*")
"""What separates several names in one cell: a comma (Latin or Arabic) or a semicolon."""


def kind_of(source: str) -> str:
    """`.csv` or `.xlsx`, from the file's name; any other name is refused."""
    kind = PurePath(source).suffix.lower()
    if kind not in KINDS:
        raise ValidationError(f"{source}: a spreadsheet is a .csv or .xlsx file")
    return kind


@dataclass(frozen=True)
class Row:
    """A data row: its number in the spreadsheet, and each column's value by name."""

    place: str
    number: int
    cells: dict[str, tuple[int, object]]

    def text(self, name: str) -> str:
        """The cell as text, stripped; an absent column or an empty cell is ""."""
        if name not in self.cells:
            return ""
        value = self.cells[name][1]
        if isinstance(value, dt.datetime | dt.date | dt.time):
            raise self.error(
                name, f"{value} is a date or time, not text: format the column as Text"
            )
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    def required(self, name: str) -> str:
        text = self.text(name)
        if not text:
            raise self.error(name, "must not be empty")
        return text

    def names(self, name: str) -> tuple[str, ...]:
        """Several names in one cell, separated by `,` or `;`."""
        return tuple(part for part in _NAMES.split(self.text(name)) if part)

    def whole(self, name: str) -> int:
        """A whole number, 0 or more (a number cell, or text of digits)."""
        value = self.cells[name][1]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = self.required(name)
            digits = text.translate(_DIGITS)
            if not (digits.isascii() and digits.isdigit()):
                raise self.error(name, f"{quote(text)} is not a whole number")
            number = int(digits)
        if number < 0:
            raise self.error(name, f"{number} is not a period number (0 or more)")
        return number

    def date(self, name: str) -> dt.date:
        """A date cell, or text `YYYY-MM-DD` (in Latin or Arabic digits)."""
        value = self.cells[name][1]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = self.required(name)
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.translate(_DIGITS), re.ASCII):
                raise ValueError
            return dt.date.fromisoformat(text.translate(_DIGITS))
        except ValueError:
            raise self.error(name, f"{quote(text)} is not a date YYYY-MM-DD") from None

    def error(self, name: str, message: str) -> ValidationError:
        """`message` about the cell of column `name`, as one line naming its place."""
        if name not in self.cells:
            return ValidationError(f"{self.place}, row {self.number}, no {name} column: {message}")
        letter = get_column_letter(self.cells[name][0] + 1)
        return ValidationError(
            f"{self.place}, row {self.number}, column {letter} ({name}): {message}"
        )


@dataclass(frozen=True)
class Table:
    """A sheet whose header row matched its layout: the column of each name."""

    place: str
    columns: dict[str, int]
    rows: tuple[tuple[object, ...], ...]

    def data(self) -> Iterator[Row]:
        """The data rows, from row 2 on; empty rows are left out."""
        for number, values in enumerate(self.rows[1:], start=2):
            if all(_empty(value) for value in values):
                continue
            for index in range(len(values)):
                if index not in self.columns.values() and not _empty(values[index]):
                    raise ValidationError(
                        f"{self.place}, row {number}, column {get_column_letter(index + 1)}:"
                        f" {quote(str(values[index]))} is under no header"
                    )
            cells = {
                name: (index, values[index] if index < len(values) else None)
                for name, index in self.columns.items()
            }
            yield Row(self.place, number, cells)


def read_table(content: bytes, source: str, sheet: Sheet, encoding: str | None) -> Table:
    """The sheet `sheet` of the file (a CSV file is the sheet itself), header matched."""
    if kind_of(source) == ".csv":
        return _match(source, _csv_rows(decode(content, source, encoding), source), sheet)
    return _match(f"{source}, sheet {sheet.name}", _xlsx_rows(content, source, sheet), sheet)


def _csv_rows(text: str, source: str) -> tuple[tuple[object, ...], ...]:
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[object, ...]] = []
    try:
        for values in reader:
            rows.append(tuple(values))
    except csv.Error as error:
        raise ValidationError(f"{source}, row {len(rows) + 1}: {error}") from None
    return tuple(rows)


_BROKEN = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    OSError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
)
"""What openpyxl raises for a file that is not a workbook it can read: not a ZIP
archive (a CSV or an old .xls renamed), a ZIP without a workbook in it, broken XML,
and, for a part that is well-formed XML but not what it should hold, whatever
error its code meets (a chart sheet without its drawing: AttributeError)."""


def _xlsx_rows(content: bytes, source: str, sheet: Sheet) -> tuple[tuple[object, ...], ...]:
    """The sheet's rows from row 1 on, as values. Read-only mode streams the sheet
    (twice as fast); its XML is parsed while the rows are read, so a damaged sheet
    fails there, inside the same guard as opening the workbook."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            worksheet = workbook[_sheet_name(workbook.sheetnames, source, sheet)]
            if isinstance(worksheet, Chartsheet):
                raise ValidationError(
                    f"{source}: sheet {sheet.name} is a chart, not a sheet of cells"
                )
            # The size a workbook records may be wrong: read every row there is.
            worksheet.reset_dimensions()
            return tuple(worksheet.iter_rows(min_row=1, values_only=True))
        finally:
            workbook.close()
    except _BROKEN as error:
        reason = (
            "not a ZIP archive, as every .xlsx file is"
            if isinstance(error, zipfile.BadZipFile)
            else "damaged, or a ZIP archive without a workbook"
        )
        raise ValidationError(
            f"{source}: not a readable .xlsx workbook ({reason});"
            " save it again as an Excel workbook (.xlsx)"
        ) from None


def _sheet_name(names: list[str], source: str, sheet: Sheet) -> str:
    """The workbook's name for `sheet` (sheet names are matched without case)."""
    for name in names:
        if name.strip().lower() == sheet.name.lower():
            return name
    present = ", ".join(quote(name) for name in names) or "none"
    raise ValidationError(f"{source}: no sheet named {sheet.name} (its sheets: {present})")


def _match(place: str, rows: tuple[tuple[object, ...], ...], sheet: Sheet) -> Table:
    """The column of each of the sheet's names in the header row (row 1)."""
    aliases = {
        word.lower(): column.name
        for column in sheet.columns
        for word in (column.name, *column.aliases)
    }
    required = ", ".join(column.name for column in sheet.columns if column.required)
    optional = ", ".join(column.name for column in sheet.columns if not column.required)
    expected = f"{required}; optional: {optional}"
    if not rows or all(_empty(value) for value in rows[0]):
        raise ValidationError(f"{place}: row 1 must hold the column names ({expected})")
    columns: dict[str, int] = {}
    for index, value in enumerate(rows[0]):
        header = "" if value is None else str(value).strip()
        if not header:
            continue
        letter = get_column_letter(index + 1)
        name = aliases.get(header.lower())
        if name is None:
            raise ValidationError(
                f"{place}, row 1, column {letter}: unknown column {quote(header)}"
                f" (the columns are {expected})"
            )
        if name in columns:
            first = get_column_letter(columns[name] + 1)
            raise ValidationError(
                f"{place}, row 1, column {letter}: a second {name} column"
                f" (the first is column {first})"
            )
        columns[name] = index
    for column in sheet.columns:
        if column.required and column.name not in columns:
            raise ValidationError(
                f"{place}: no {column.name} column in row 1 (the columns are {expected})"
            )
    return Table(place, columns, rows)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
