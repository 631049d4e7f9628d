"""The schedule database: schools and everything a day snapshot is built from.

Every row below a school is "schedule data": changing it through the library
bumps the school's revision (see `publisher.db.revision`). The tables from
`PublishedObject` on record what has been published, per target, and who is
publishing, and the alerts put on screens; they are not schedule data.

The schema changes only through a migration (`publisher/db/migrations/versions`);
a change here without one leaves existing databases behind.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

DEFAULT_WEEKEND = "friday,saturday"
LOCALES = ("ar", "en")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An instant, stored in UTC and read back with its zone, on every database.

    PostgreSQL keeps the zone (`timestamp with time zone`); SQLite keeps the wall
    time it is given and hands it back without one. So an instant is turned to
    UTC before it is stored, and one read back without a zone is UTC: every
    stored time reads as an aware UTC datetime, and no caller repairs it.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None or value.tzinfo is None:
            return value  # a naive instant is already UTC by this module's rule
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def split_weekend(stored: str) -> tuple[str, ...]:
    """The weekend column ("friday,saturday") as weekday names."""
    return tuple(day for day in stored.split(",") if day)


def new_public_key() -> str:
    """An unguessable, URL-safe school key: 128 random bits (22 characters)."""
    return secrets.token_urlsafe(16)


class Base(DeclarativeBase):
    pass


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    public_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_public_key)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8), default="ar")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    weekend: Mapped[str] = mapped_column(String(100), default=DEFAULT_WEEKEND)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    revised_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())

    bell_schedules: Mapped[list[BellSchedule]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="BellSchedule.name"
    )
    week_plan: Mapped[list[WeekPlanDay]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="WeekPlanDay.weekday"
    )
    calendar: Mapped[list[CalendarOverride]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        order_by="(CalendarOverride.first_date, CalendarOverride.id)",
    )
    classes: Mapped[list[SchoolClass]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="SchoolClass.position"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        order_by="(Lesson.weekday, Lesson.period_index, Lesson.id)",
    )
    substitutions: Mapped[list[Substitution]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        order_by="(Substitution.date, Substitution.period_index, Substitution.id)",
    )
    duties: Mapped[list[Duty]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="Duty.id"
    )
    announcements: Mapped[list[Announcement]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="Announcement.id"
    )
    exams: Mapped[list[Exam]] = relationship(
        back_populates="school",
        cascade="all, delete-orphan",
        order_by="(Exam.date, Exam.period_index, Exam.id)",
    )
    display: Mapped[SchoolDisplay | None] = relationship(
        back_populates="school", cascade="all, delete-orphan"
    )
    class_groups: Mapped[list[ClassGroup]] = relationship(
        back_populates="school", cascade="all, delete-orphan", order_by="ClassGroup.name"
    )

    def __repr__(self) -> str:
        return f"<School {self.id} {self.slug!r} r{self.revision}>"


class BellSchedule(Base):
    """A named set of periods ("Regular", "Ramadan", "Exams")."""

    __tablename__ = "bell_schedules"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))

    school: Mapped[School] = relationship(back_populates="bell_schedules")
    periods: Mapped[list[Period]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="Period.index"
    )


class Period(Base):
    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("bell_schedule_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bell_schedule_id: Mapped[int] = mapped_column(
        ForeignKey("bell_schedules.id", ondelete="CASCADE")
    )
    index: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="lesson")
    label: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[dt.time] = mapped_column(Time)
    ends_at: Mapped[dt.time] = mapped_column(Time)

    schedule: Mapped[BellSchedule] = relationship(back_populates="periods")


class WeekPlanDay(Base):
    """Which bell schedule applies on a weekday; a weekday with no row has no school."""

    __tablename__ = "week_plan"
    __table_args__ = (UniqueConstraint("school_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, as date.weekday()
    bell_schedule_id: Mapped[int] = mapped_column(ForeignKey("bell_schedules.id"), index=True)

    school: Mapped[School] = relationship(back_populates="week_plan")
    schedule: Mapped[BellSchedule] = relationship()


class CalendarOverride(Base):
    """A holiday, or a special day using another bell schedule, over a range of dates."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "holiday" or "special"
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200), default="")
    bell_schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("bell_schedules.id"), index=True
    )

    school: Mapped[School] = relationship(back_populates="calendar")
    schedule: Mapped[BellSchedule | None] = relationship()


class SchoolClass(Base):
    """A class (a group of pupils, "7A"); `position` orders them on the screen."""

    __tablename__ = "classes"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    school: Mapped[School] = relationship(back_populates="classes")


class Lesson(Base):
    """The weekly timetable: on a weekday, in a period, a class has a subject and a teacher."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("school_id", "weekday", "period_index", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)
    period_index: Mapped[int] = mapped_column(Integer)
    # Indexed: deleting a class checks (and cascades to) the rows naming it.
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    teacher: Mapped[str] = mapped_column(String(200), default="")
    # "": none known. The server default keeps working the inserts of outside
    # applications written before lessons had rooms.
    room: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # "": the whole class. Named `group_label`: GROUP is an SQL keyword.
    group_label: Mapped[str] = mapped_column(String(100), default="", server_default="")

    school: Mapped[School] = relationship(back_populates="lessons")
    school_class: Mapped[SchoolClass] = relationship()


class Substitution(Base):
    """On one date, a class's lesson in a period gets another teacher or room, or is cancelled."""

    __tablename__ = "substitutions"
    __table_args__ = (UniqueConstraint("school_id", "date", "period_index", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    period_index: Mapped[int] = mapped_column(Integer)
    # Indexed: deleting a class checks (and cascades to) the rows naming it.
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    teacher: Mapped[str | None] = mapped_column(String(200))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    room: Mapped[str | None] = mapped_column(String(100))  # None: the weekly room

    school: Mapped[School] = relationship(back_populates="substitutions")
    school_class: Mapped[SchoolClass] = relationship()


class Duty(Base):
    """A teacher on duty at a place, every given weekday or on one date."""

    __tablename__ = "duties"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    weekday: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date)
    teacher: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")

    school: Mapped[School] = relationship(back_populates="duties")


class Announcement(Base):
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)

    school: Mapped[School] = relationship(back_populates="announcements")


class Exam(Base):
    """On one date, in an exam period, a class sits a paper in a room with its invigilators."""

    __tablename__ = "exams"
    __table_args__ = (UniqueConstraint("school_id", "date", "period_index", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    period_index: Mapped[int] = mapped_column(Integer)
    # Indexed: deleting a class checks (and cascades to) the rows naming it.
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    room: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # One name a line, lead first: names hold no line break (documents refuse
    # one), and a column keeps an exam one row that the triggers see whole.
    invigilators: Mapped[str] = mapped_column(Text, default="", server_default="")

    school: Mapped[School] = relationship(back_populates="exams")
    school_class: Mapped[SchoolClass] = relationship()


class SchoolDisplay(Base):
    """How a school's screen looks; a school without a row uses the defaults.

    NULL is "not set": the manifest resolves the default then, so a default
    follows the school's locale. The logo is kept here, whole (a few hundred
    kilobytes at most), so the database alone is enough to publish.
    """

    __tablename__ = "school_displays"

    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    hijri: Mapped[bool | None] = mapped_column(Boolean)
    digits: Mapped[str | None] = mapped_column(String(8))
    accent: Mapped[str | None] = mapped_column(String(7))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_extension: Mapped[str | None] = mapped_column(String(8))
    night_start: Mapped[dt.time | None] = mapped_column(Time)
    night_end: Mapped[dt.time | None] = mapped_column(Time)

    school: Mapped[School] = relationship(back_populates="display")


class ClassGroup(Base):
    """A named set of a school's classes (a floor, a wing), published in its manifest so
    that a screen can be asked for the group by name.

    The classes are one name a line, in the school's class order, as an exam's
    invigilators: a group is one row that the triggers see whole. Names, not
    ids: the page resolves them against the day's classes and names any it
    does not find, so a class renamed behind the group's back shows as unknown
    on screen instead of vanishing quietly.
    """

    __tablename__ = "class_groups"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    classes: Mapped[str] = mapped_column(Text)

    school: Mapped[School] = relationship(back_populates="class_groups")


SCHEDULE_DATA = (
    School,
    BellSchedule,
    Period,
    WeekPlanDay,
    CalendarOverride,
    SchoolClass,
    Lesson,
    Substitution,
    Duty,
    Announcement,
    Exam,
    SchoolDisplay,
    ClassGroup,
)
"""The models whose changes bump a school's revision."""


TARGET_LENGTH = 1000
"""Room for a target's identity (`Store.identity`): scheme, bucket or folder, prefix, endpoint."""


class PublishedObject(Base):
    """An object this publisher has stored in a target, with the fingerprint it was stored with.

    The plan compares against these rows instead of listing the store, so a run
    with nothing changed sends no request to the store at all. Rows are per
    target (`Store.identity`): what one target holds says nothing of another
    (invariant 9).
    """

    __tablename__ = "published_objects"

    target: Mapped[str] = mapped_column(String(TARGET_LENGTH), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)  # relative to the target
    # None for the objects every school shares: the page's assets and sw.js.
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    local_date: Mapped[dt.date | None] = mapped_column(Date)  # set for day files
    sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))  # bytes and headers
    size: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class PublishState(Base):
    """Per target and school: what its live manifest says, and how the last attempt went."""

    __tablename__ = "publish_state"

    target: Mapped[str] = mapped_column(String(TARGET_LENGTH), primary_key=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int | None] = mapped_column(Integer)
    first_date: Mapped[dt.date | None] = mapped_column(Date)
    last_date: Mapped[dt.date | None] = mapped_column(Date)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    attempted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # The digest of what the last good publish was built from (publisher.publish.inputs);
    # None after a failure or before one: the school is built at its next run.
    inputs: Mapped[str | None] = mapped_column(String(64))


class SchoolChange(Base):
    """A school whose schedule data changed outside the library, awaiting a new revision.

    Database triggers (installed by `db init`) add a row whenever schedule data
    is written by anything: plain SQL, another application. The library's own
    edits bump the revision themselves and remove their rows before committing;
    what remains is settled by the publisher (`publisher.db.changes`), which
    bumps each such school's revision once.
    """

    __tablename__ = "school_changes"

    school_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # no FK: survives deletes


class PublishClaim(Base):
    """A publisher's claim on a school while it publishes it (invariant 8).

    A claim names its owner and expires, so a crashed publisher's schools are
    taken over once `expires_at` has passed.
    """

    __tablename__ = "publish_claims"

    school_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class WatcherState(Base):
    """A running `publisher watch`: its heartbeat and what it last did, for `status`."""

    __tablename__ = "watchers"

    owner: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    started_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    beat_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    interval_seconds: Mapped[float] = mapped_column(Float)  # beats at least this often
    last_action: Mapped[str] = mapped_column(Text, default="")
    last_action_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class PublishRun(Base):
    """Per target: the figures of the last publish run there (a `publish` command or
    a watcher's pass), and when a run last had no school fail, for `status --json`
    and the metrics file. One row per target, overwritten by every run."""

    __tablename__ = "publish_runs"

    target: Mapped[str] = mapped_column(String(TARGET_LENGTH), primary_key=True)
    finished_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    published: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    objects_written: Mapped[int] = mapped_column(Integer)
    bytes_written: Mapped[int] = mapped_column(BigInteger)
    build_count: Mapped[int] = mapped_column(Integer)
    build_seconds_sum: Mapped[float] = mapped_column(Float)
    build_seconds_p95: Mapped[float] = mapped_column(Float)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class Alert(Base):
    """A message put on screens at once (`publisher alert`), and who put it and ended it.

    Not schedule data: an alert never moves a revision and reaches screens in an
    object of its own (`alert.json`), not in day files or manifests. A row is
    kept once cleared or expired, as the record of who did what and when.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL: every school.
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[str] = mapped_column(String(10))  # publisher.build.alert.LEVELS
    text: Mapped[str] = mapped_column(Text)
    second_text: Mapped[str | None] = mapped_column(Text)
    until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())  # None: until cleared
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))  # the OS user
    cleared_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    cleared_by: Mapped[str | None] = mapped_column(String(200))
