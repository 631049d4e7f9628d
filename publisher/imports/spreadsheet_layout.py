"""The spreadsheet layout as data: the two sheets, their columns and the words a
cell may hold.

The readers match headers against it, the template writes its headers, its
"Read me" sheet and its drop-downs from it, and docs/imports-spreadsheets.md
describes it: one place, so the three cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from publisher.build.source import WEEKDAYS


@dataclass(frozen=True)
class Column:
    """A column: its name, the other headers it may go by (Arabic ones among them),
    and what it means, in English and in Arabic, for the template's "Read me"."""

    name: str
    aliases: tuple[str, ...]
    english: str
    arabic: str
    required: bool = True


@dataclass(frozen=True)
class Sheet:
    """A sheet of the template, and the columns its header row holds; `examples`
    are the example rows the template carries (they must import cleanly)."""

    name: str
    columns: tuple[Column, ...]
    examples: tuple[tuple[str | int | dt.date, ...], ...]

    def headers(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


NOTES = Column(
    "notes",
    ("note", "ملاحظات", "ملاحظة"),
    "Anything you want to remember; not imported.",
    "أي ملاحظة لك؛ لا تُستورد.",
    required=False,
)
"""A column for the school's own notes: read by nobody, so allowed in both sheets."""

CLASS = Column(
    "class",
    ("الصف", "الفصل", "الشعبة"),
    "The class, as the screen shows it (7A).",
    "الصف كما يظهر على الشاشة (٧أ).",
)
PERIOD = Column(
    "period",
    ("الحصة",),
    "The period's number in the school's bell schedule (1, 2, ...).",
    "رقم الحصة في جدول الجرس (١، ٢، ...).",
)

LESSONS = Sheet(
    "Lessons",
    (
        CLASS,
        Column(
            "day",
            ("weekday", "اليوم"),
            "The weekday, in English or Arabic (sunday, الأحد).",
            "يوم الأسبوع بالعربية أو بالإنجليزية (الأحد، sunday).",
        ),
        PERIOD,
        Column("subject", ("المادة",), "The subject; never empty.", "المادة؛ لا تُترك فارغة."),
        Column(
            "teacher",
            ("teachers", "المعلم", "المعلمة", "المعلمون", "المدرس"),
            "The teacher; several are separated by , or ; (may be empty).",
            "المعلم؛ يُفصل بين أكثر من معلم بفاصلة (يجوز تركه فارغًا).",
        ),
        Column(
            "room",
            ("rooms", "القاعة", "الغرفة"),
            "The room; several are separated by , or ; (may be empty).",
            "القاعة؛ يُفصل بين أكثر من قاعة بفاصلة (يجوز تركها فارغة).",
        ),
        Column(
            "group",
            ("المجموعة",),
            "The part of the class taught (Boys, French); empty: the whole class.",
            "جزء الصف الذي يدرس الحصة (بنين، فرنسي)؛ فارغ: الصف كله.",
            required=False,
        ),
        NOTES,
    ),
    (
        ("7A", "sunday", 1, "Mathematics", "Ms Salma", "101", "", ""),
        ("٧ب", "الأحد", 1, "العلوم", "أ. خالد, أ. ليلى", "المختبر", "", "مثال"),
    ),
)

CHANGES = Sheet(
    "Changes",
    (
        Column(
            "school",
            ("المدرسة",),
            "The school's short name (slug); empty: the school the import names.",
            "الاسم المختصر للمدرسة؛ فارغ: المدرسة التي يحددها الاستيراد.",
            required=False,
        ),
        Column(
            "date",
            ("التاريخ",),
            "The date, YYYY-MM-DD (2026-12-07) or a date cell.",
            "التاريخ بالصيغة YYYY-MM-DD (2026-12-07) أو خلية تاريخ.",
        ),
        CLASS,
        PERIOD,
        Column(
            "change",
            ("kind", "التغيير", "نوع التغيير"),
            "substitute (another teacher), cancelled, or room (another room).",
            "بديل (معلم آخر)، أو ملغاة، أو قاعة (قاعة أخرى).",
        ),
        Column(
            "teacher",
            ("substitute", "المعلم", "المعلمة", "المعلم البديل", "البديل"),
            "The substitute teacher: required for substitute, empty otherwise.",
            "المعلم البديل: مطلوب مع بديل، وفارغ في غيرها.",
        ),
        Column(
            "room",
            ("القاعة", "الغرفة"),
            "The new room: required for room, optional for substitute.",
            "القاعة الجديدة: مطلوبة مع قاعة، واختيارية مع بديل.",
        ),
        NOTES,
    ),
    (
        ("", dt.date(2026, 12, 7), "7A", 2, "substitute", "Mr Omar", "", ""),
        ("", dt.date(2026, 12, 7), "٧ب", 3, "room", "", "المختبر", "مثال"),
    ),
)

SUBSTITUTE, CANCELLED, ROOM = "substitute", "cancelled", "room"
CHANGE_WORDS = {
    SUBSTITUTE: SUBSTITUTE,
    "substitution": SUBSTITUTE,
    "بديل": SUBSTITUTE,
    CANCELLED: CANCELLED,
    "canceled": CANCELLED,
    "ملغاة": CANCELLED,
    "ملغى": CANCELLED,
    "إلغاء": CANCELLED,
    ROOM: ROOM,
    "قاعة": ROOM,
    "تغيير قاعة": ROOM,
}
"""A `change` cell's words (lowercase) and the change each means."""

ARABIC_WEEKDAYS = {
    "الأحد": "sunday",
    "الاثنين": "monday",
    "الثلاثاء": "tuesday",
    "الأربعاء": "wednesday",
    "الخميس": "thursday",
    "الجمعة": "friday",
    "السبت": "saturday",
}
"""The Arabic weekday names, Sunday first, as the template's drop-down offers them."""

DROP_DOWN_DAYS = ("sunday", *WEEKDAYS[:-1], *ARABIC_WEEKDAYS)
"""The template's `day` drop-down, Sunday first: the English names, then the Arabic."""

DROP_DOWN_CHANGES = (SUBSTITUTE, CANCELLED, ROOM, "بديل", "ملغاة", "قاعة")
"""The template's `change` drop-down."""
