"""The words demo schools are made of, in Arabic and English: names, subjects, notices."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    """Everything language-specific a demo school needs, for one locale."""

    locale: str
    subjects: tuple[tuple[str, int], ...]  # (subject, relative weekly weight)
    lesson_labels: tuple[str, ...]  # label of the 1st, 2nd, ... lesson of the day
    assembly: str
    break_: str
    lunch: str
    prayer: str
    exam_labels: tuple[str, ...]
    exam_break: str
    exam_schedule: str
    exam_days: tuple[str, ...]  # calendar labels of the 1st, 2nd, ... exam day
    holiday: str
    places: tuple[str, ...]
    announcements: tuple[str, ...]
    event: tuple[str, str]  # (duty place, announcement) of a one-off event
    subject_rooms: tuple[tuple[str, str], ...]  # (subject, its kind of room), taught there
    spare_room: str  # where a lesson moves for a day


ARABIC_LESSON_LABELS = tuple(
    f"الحصة {ordinal}"
    for ordinal in (
        "الأولى",
        "الثانية",
        "الثالثة",
        "الرابعة",
        "الخامسة",
        "السادسة",
        "السابعة",
        "الثامنة",
    )
)

ARABIC = Words(
    locale="ar",
    subjects=(
        ("لغة عربية", 7),
        ("رياضيات", 6),
        ("تربية إسلامية", 5),
        ("علوم", 4),
        ("إنجليزي", 4),
        ("اجتماعيات", 3),
        ("حاسب", 3),
        ("تربية بدنية", 3),
    ),
    lesson_labels=ARABIC_LESSON_LABELS,
    assembly="الطابور الصباحي",
    break_="الفسحة",
    lunch="الفسحة الثانية",
    prayer="صلاة الظهر",
    exam_labels=("الاختبار الأول", "الاختبار الثاني"),
    exam_break="استراحة",
    exam_schedule="جدول الاختبارات",
    exam_days=("اختبارات الفترة - اليوم الأول", "اختبارات الفترة - اليوم الثاني"),
    holiday="إجازة مطولة",
    places=(
        "الساحة الرئيسية",
        "المقصف",
        "البوابة الرئيسية",
        "ممرات الدور الأول",
        "ممرات الدور الثاني",
        "المصلى",
        "الملعب",
    ),
    announcements=(
        "يرجى الالتزام بالزي المدرسي والحضور قبل الطابور الصباحي",
        "تهنئ إدارة المدرسة الفائزين في مسابقة القرآن الكريم، بارك الله فيهم",
        "اختبارات قصيرة في مادة الرياضيات هذا الأسبوع، نتمنى للجميع التوفيق",
        "حملة مدرستي بيتي الثاني: نظافة الفصول مسؤولية الجميع",
        "آخر موعد لتسليم مشاريع العلوم نهاية الأسبوع",
        "نرحب بأولياء الأمور في اللقاء التربوي بعد صلاة الظهر",
    ),
    event=("قاعة الاختبارات", "جدول الاختبارات متاح لدى رواد الفصول، بالتوفيق للجميع"),
    subject_rooms=(("علوم", "المختبر"), ("حاسب", "معمل الحاسب"), ("تربية بدنية", "الملعب")),
    spare_room="مركز مصادر التعلم",
)

ENGLISH = Words(
    locale="en",
    subjects=(
        ("English", 4),
        ("Maths", 4),
        ("Science", 4),
        ("History", 2),
        ("Geography", 2),
        ("French", 2),
        ("Computing", 2),
        ("PE", 2),
        ("Art", 1),
        ("Music", 1),
        ("RE", 1),
    ),
    lesson_labels=tuple(f"Period {n}" for n in range(1, 9)),
    assembly="Registration",
    break_="Break",
    lunch="Lunch",
    prayer="",
    exam_labels=("Exam 1", "Exam 2"),
    exam_break="Break",
    exam_schedule="Mock exams",
    exam_days=("Mock exams, day 1", "Mock exams, day 2"),
    holiday="INSET day (no pupils)",
    places=("Playground", "Canteen", "Main gate", "Library", "Sports hall", "Corridors"),
    announcements=(
        "Year 11 mock exam timetables are on the noticeboard outside the library",
        "Parents' evening this week from 4pm in the main hall",
        "Bring your PE kit: outdoor lessons go ahead unless it snows",
        "Well done to the Year 8 quiz team, through to the regional final!",
        "Lost property is by reception until Friday",
    ),
    event=("Exam hall", "Good luck to everyone sitting mock exams this week"),
    subject_rooms=(("Science", "Lab"), ("Computing", "ICT suite"), ("PE", "Sports hall")),
    spare_room="Library",
)

ARABIC_GRADES = ("الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس")
ARABIC_SECTIONS = ("أ", "ب", "ج", "د", "هـ", "و", "ز")
ENGLISH_SECTIONS = ("A", "B", "C", "D", "E", "F")

ARABIC_MEN = (
    "أحمد", "محمد", "خالد", "عبدالله", "فهد", "سعد", "عبدالرحمن", "ناصر", "سلطان", "فيصل",
    "تركي", "ماجد", "عمر", "يوسف", "إبراهيم", "صالح", "سلمان", "بندر", "نايف", "منصور",
)  # fmt: skip
ARABIC_WOMEN = (
    "نورة", "سارة", "هند", "ريم", "منيرة", "لطيفة", "الجوهرة", "أمل", "مها", "عبير",
    "هيفاء", "نوف", "أسماء", "فاطمة", "مريم", "عائشة", "خلود", "ندى", "دلال", "وفاء",
)  # fmt: skip
ARABIC_FAMILIES = (
    "الغامدي", "الزهراني", "القحطاني", "العتيبي", "الشهري", "الدوسري", "الحربي", "المطيري",
    "العنزي", "الشمري", "السبيعي", "المالكي", "العمري", "البقمي", "الرشيدي", "الجهني",
    "السهلي", "الخالدي", "التميمي", "الأحمدي",
)  # fmt: skip
ENGLISH_TITLES = ("Mr", "Ms", "Mrs", "Dr")
ENGLISH_FAMILIES = (
    "Patel", "Evans", "Okafor", "Smith", "Jones", "Khan", "Williams", "Brown", "Taylor",
    "Davies", "Wilson", "Thomas", "Roberts", "Hughes", "Walker", "Wright", "Green", "Hall",
    "Wood", "Clarke", "Ahmed", "Murphy", "Nowak", "Chen", "O'Brien", "Kowalski", "Mensah",
)  # fmt: skip

ARABIC_SCHOOL_NAMES = (
    "الفاروق", "الأندلس", "حطين", "طيبة", "القادسية", "اليمامة", "ابن سينا", "الخوارزمي",
    "الملك عبدالعزيز", "الإمام مالك", "الرواد", "المستقبل", "الفيحاء", "النهضة", "الربوة",
)  # fmt: skip
ARABIC_STAGES = (("الابتدائية", 6), ("المتوسطة", 3), ("الثانوية", 3))
"""(the stage's word in a school's name, how many grades it has)"""
ENGLISH_PLACES = (
    "Hackney", "Lambeth", "Camden", "Greenwich", "Ealing", "Brixton", "Islington", "Putney",
    "Stratford", "Wembley", "Croydon", "Enfield", "Richmond", "Barnet", "Harrow",
)  # fmt: skip
ENGLISH_KINDS = ("Academy", "High School", "School", "Community School", "College")
