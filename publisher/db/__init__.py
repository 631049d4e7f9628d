"""The schedule database: models, sessions, schema, revision tracking, and every query.

Nothing outside this package imports the models or builds a statement
(tests/test_layout.py); the models are re-exported here for tests that set up rows.
"""

from publisher.build.source import WEEKDAYS
from publisher.db.models import (
    Announcement,
    BellSchedule,
    CalendarOverride,
    Duty,
    Lesson,
    Period,
    PublishedObject,
    PublishState,
    School,
    SchoolClass,
    Substitution,
    WeekPlanDay,
)
from publisher.db.schema import init_schema, require_schema, upgrade_schema
from publisher.db.session import open_engine, session_factory, transaction

__all__ = [
    "WEEKDAYS",
    "Announcement",
    "BellSchedule",
    "CalendarOverride",
    "Duty",
    "Lesson",
    "Period",
    "PublishState",
    "PublishedObject",
    "School",
    "SchoolClass",
    "Substitution",
    "WeekPlanDay",
    "init_schema",
    "open_engine",
    "require_schema",
    "session_factory",
    "transaction",
    "upgrade_schema",
]
