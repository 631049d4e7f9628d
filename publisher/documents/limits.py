"""The most a school document may hold: caps far above any real school.

They keep a runaway file (an export loop, a spreadsheet pasted a thousand times)
from filling the database and every screen's day file: such a file is refused
in seconds, naming the list or text that is too long. The lengths of names
match the database's columns (publisher/db/models.py), which must never be
exceeded. docs/import-format.md lists them all.
"""

from __future__ import annotations

CLASSES = 200
CLASS_GROUPS = 100
BELL_SCHEDULES = 50
PERIODS = 40  # in one bell schedule
CALENDAR_ENTRIES = 500
LESSONS = 20_000
SUBSTITUTIONS = 20_000
DUTIES = 2_000
ANNOUNCEMENTS = 100

NAME_LENGTH = 200  # the school's name, subjects, teachers, labels, places
SHORT_NAME_LENGTH = 100  # classes and bell schedules
ANNOUNCEMENT_LENGTH = 1_000

INVIGILATORS = 20  # of one exam
EXAMS = 20_000
LOGO_BYTES = 256 * 1024
