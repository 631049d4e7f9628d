"""The workbook a school secretary fills in: a "Read me" sheet saying what each
column means, in English and Arabic, then the "Lessons" and "Changes" sheets with
their headers, drop-downs and example rows, all from the layout."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from publisher.imports.spreadsheet_layout import (
    CHANGES,
    DROP_DOWN_CHANGES,
    DROP_DOWN_DAYS,
    LESSONS,
    Sheet,
)

ROWS = 2000
"""How many rows the drop-downs and formats cover: a large school's week and more."""

WIDTHS = {"class": 10, "day": 14, "period": 8, "date": 13, "change": 13, "school": 16}
"""Column widths in characters; other columns get `WIDE`."""
WIDE = 24

READ_ME = (
    ("How to fill in this workbook", "طريقة تعبئة هذا الملف"),
    (
        "Lessons: one row per class, day and period. Changes: one row per dated change.",
        "الحصص: سطر لكل صف ويوم وحصة. التغييرات: سطر لكل تغيير في تاريخ معين.",
    ),
    (
        "Keep row 1 as it is; the columns may be in any order. Empty rows are ignored.",
        "اترك السطر الأول كما هو؛ ترتيب الأعمدة حر. الأسطر الفارغة تُهمل.",
    ),
    (
        "Delete the two example rows of each sheet before you import.",
        "احذف سطري المثال في كل ورقة قبل الاستيراد.",
    ),
)

BOLD = Font(bold=True)
ARABIC = Alignment(horizontal="right", readingOrder=2, wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def template_workbook() -> Workbook:
    """The template: "Read me", then "Lessons", then "Changes"."""
    workbook = Workbook()
    _read_me(workbook.worksheets[0])  # a new workbook holds one worksheet
    for sheet in (LESSONS, CHANGES):
        _data_sheet(workbook.create_sheet(sheet.name), sheet)
    return workbook


def _read_me(worksheet: Worksheet) -> None:
    worksheet.title = "Read me"
    for english, arabic in READ_ME:
        worksheet.append(("", "", english, arabic))
    worksheet.append(())
    worksheet.append(("sheet", "column", "meaning", "المعنى"))
    for cell in worksheet[worksheet.max_row]:
        cell.font = BOLD
    for sheet in (LESSONS, CHANGES):
        for column in sheet.columns:
            optional = "" if column.required else " (optional)"
            worksheet.append((sheet.name, column.name + optional, column.english, column.arabic))
    worksheet["C1"].font = BOLD
    worksheet["D1"].font = BOLD
    for letter, width in (("A", 10), ("B", 18), ("C", 60), ("D", 60)):
        worksheet.column_dimensions[letter].width = width
    for meaning, arabic_meaning in worksheet.iter_rows(min_col=3, max_col=4):
        meaning.alignment = WRAP
        arabic_meaning.alignment = ARABIC


def _data_sheet(worksheet: Worksheet, sheet: Sheet) -> None:
    worksheet.append(sheet.headers())
    for cell in worksheet[1]:
        cell.font = BOLD
    worksheet.freeze_panes = "A2"
    for example in sheet.examples:
        worksheet.append([value if value != "" else None for value in example])
    for index, name in enumerate(sheet.headers(), start=1):
        letter = get_column_letter(index)
        worksheet.column_dimensions[letter].width = WIDTHS.get(name, WIDE)
        cells = f"{letter}2:{letter}{ROWS}"
        if name == "date":
            worksheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
            for (cell,) in worksheet[f"{letter}2:{letter}{worksheet.max_row}"]:
                cell.number_format = "yyyy-mm-dd"
        elif name == "day":
            worksheet.add_data_validation(_choice(DROP_DOWN_DAYS, cells, "a weekday"))
        elif name == "change":
            worksheet.add_data_validation(_choice(DROP_DOWN_CHANGES, cells, "a change"))
        elif name == "period":
            worksheet.add_data_validation(_period(cells))
        if name not in ("date", "period"):
            # Typed into a Text column, "7/1" stays a class and "101" a room name,
            # where a General column would make them a date and a number.
            worksheet.column_dimensions[letter].number_format = "@"


def _choice(words: tuple[str, ...], cells: str, what: str) -> DataValidation:
    """A drop-down of `words` that refuses anything else."""
    validation = DataValidation(
        type="list",
        formula1=f'"{",".join(words)}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not in the list",
        error=f"Choose {what} from the list.",
    )
    validation.add(cells)
    return validation


def _period(cells: str) -> DataValidation:
    validation = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a period",
        error="A period is a whole number: 1, 2, ...",
    )
    validation.add(cells)
    return validation
