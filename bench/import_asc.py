"""Benchmark: reading an aSc Timetables export of about 1,000 cards, and importing it.

    python -m bench.import_asc [--classes 30] [--runs 7]

Generates an aSc 2012 XML export in memory (each class has 7 periods on 5 days:
one card a slot, 35 cards a class; some lessons have two teachers, some are split
into groups). Then times, over `--runs` runs each, with the median and the best:

- `read_asc` alone, in this process;
- `publisher import --from asc` of the file into a fresh SQLite database (its
  schema made beforehand, untimed), run in this process (the command's own
  work: reading, merging, saving) and as a process of its own (interpreter
  start-up and the package's imports included);
- the same command again on that database: an identical import, "unchanged";
- `publisher --version` as a process: the start-up alone, for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from publisher.cli import main as publisher_main
from publisher.imports.asc import read_asc
from publisher.imports.timetable import ReadOptions

DAYS = ("10000", "01000", "00100", "00010", "00001")
DAY_NAMES = ("الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس")
PERIODS = (
    ("7:00", "7:45"),
    ("7:50", "8:35"),
    ("8:40", "9:25"),
    ("9:45", "10:30"),
    ("10:35", "11:20"),
    ("11:40", "12:25"),
    ("12:30", "13:15"),
)
SUBJECTS = (
    "الرياضيات",
    "اللغة العربية",
    "العلوم",
    "اللغة الإنجليزية",
    "الدراسات الإسلامية",
    "الاجتماعيات",
    "الحاسب الآلي",
    "التربية الفنية",
    "التربية البدنية",
    "المهارات الحياتية",
)
TEACHERS = 40
ROOMS = 30


def generated_export(classes: int) -> bytes:
    """An aSc 2012 export: `classes` classes, each with a card in every slot of its week."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<timetable ascttversion="2012">']

    def collection(name: str, columns: str, rows: list[dict[str, str]]) -> None:
        lines.append(f'<{name} options="canadd,export:silent" columns="{columns}">')
        element = "class" if name == "classes" else name.removesuffix("s")
        for row in rows:
            attributes = " ".join(f"{key}={quoteattr(value)}" for key, value in row.items())
            lines.append(f"  <{element} {attributes}/>")
        lines.append(f"</{name}>")

    periods = [
        {"period": str(n), "name": str(n), "short": str(n), "starttime": start, "endtime": end}
        for n, (start, end) in enumerate(PERIODS, 1)
    ]
    collection("periods", "period,name,short,starttime,endtime", periods)
    days = [
        {"id": f"D{i}", "name": name, "short": name[:2], "days": bits}
        for i, (name, bits) in enumerate(zip(DAY_NAMES, DAYS, strict=True))
    ]
    collection("daysdefs", "id,name,short,days", days)
    collection("weeksdefs", "id,name,short,weeks", [{"id": "W", "name": "كل أسبوع", "weeks": "1"}])
    collection("termsdefs", "id,name,short,terms", [{"id": "T", "name": "السنة", "terms": "1"}])
    subjects = [{"id": f"S{i}", "name": name} for i, name in enumerate(SUBJECTS)]
    collection("subjects", "id,name", subjects)
    teachers = [{"id": f"T{i}", "name": f"المعلم {i + 1}"} for i in range(TEACHERS)]
    collection("teachers", "id,name", teachers)
    rooms = [{"id": f"R{i}", "name": f"قاعة {101 + i}"} for i in range(ROOMS)]
    collection("classrooms", "id,name", rooms)
    class_rows = [{"id": f"C{c}", "name": f"{7 + c % 3}/{c // 3 + 1}"} for c in range(classes)]
    collection("classes", "id,name", class_rows)
    groups = [
        {"id": f"G{c}-{g}", "classid": f"C{c}", "name": f"مجموعة {g}", "entireclass": "0"}
        for c in range(classes)
        for g in (1, 2)
    ]
    collection("groups", "id,classid,name,entireclass", groups)
    lessons, cards = _lessons_and_cards(classes)
    collection("lessons", "id,classids,subjectid,teacherids,classroomids,groupids", lessons)
    collection("cards", "lessonid,period,days,weeks,terms,classroomids", cards)
    lines.append("</timetable>")
    return "\n".join(lines).encode("utf-8")


def _lessons_and_cards(classes: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Each class: one lesson a subject; every slot of the week a card of one of them.
    The last subject is taught in two groups at once (two cards in one slot)."""
    lessons: list[dict[str, str]] = []
    cards: list[dict[str, str]] = []
    for c in range(classes):
        for s in range(len(SUBJECTS)):
            teachers = f"T{(c + s) % TEACHERS}"
            if s == 0:  # team-taught
                teachers += f",T{(c + s + 1) % TEACHERS}"
            lesson = {
                "id": f"L{c}-{s}",
                "classids": f"C{c}",
                "subjectid": f"S{s}",
                "teacherids": teachers,
                "classroomids": f"R{c % ROOMS}",
                "groupids": "",
            }
            lessons.append(lesson)
        split = {
            "id": f"L{c}-split",
            "classids": f"C{c}",
            "subjectid": f"S{len(SUBJECTS) - 1}",
            "teacherids": f"T{(c + 7) % TEACHERS}",
            "classroomids": f"R{(c + 1) % ROOMS}",
            "groupids": f"G{c}-2",
        }
        lessons.append(split)
        lessons[-2]["groupids"] = f"G{c}-1"
        for slot in range(len(DAYS) * len(PERIODS)):
            day, period = divmod(slot, len(PERIODS))
            subject = slot % len(SUBJECTS)
            card = {
                "lessonid": f"L{c}-{subject}",
                "period": str(period + 1),
                "days": DAYS[day],
                "weeks": "1",
                "terms": "1",
                "classroomids": f"R{c % ROOMS}",
            }
            cards.append(card)
            if subject == len(SUBJECTS) - 1:
                cards.append({**card, "lessonid": f"L{c}-split", "classroomids": ""})
    return lessons, cards


def timed(runs: int, run: Callable[[], object]) -> tuple[float, float]:
    """The median and the best of `runs` wall-clock times of `run`, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def publisher(database: Path, *args: str) -> None:
    """`publisher ARGS` in a process of its own, on `database`; stops on failure."""
    env = {**os.environ, "PUBLISHER_DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "publisher", *args]
    subprocess.run(command, env=env, check=True, capture_output=True)


def in_process(database: Path, *args: str) -> None:
    """`publisher ARGS` in this process, on `database`, its messages discarded."""
    os.environ["PUBLISHER_DATABASE_URL"] = f"sqlite:///{database}"
    with contextlib.redirect_stderr(io.StringIO()):
        publisher_main.main(args=list(args), prog_name="publisher", standalone_mode=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    content = generated_export(args.classes)
    timetable = read_asc(content, "generated.xml", ReadOptions())
    cards = content.count(b"<card ")
    print(
        f"export: {args.classes} classes, {cards} cards, {len(content) / 1024:.0f} KiB;"
        f" read: {len(timetable.lessons)} lessons, {len(timetable.skipped)} skipped reasons"
    )
    rows = [("read_asc", *timed(args.runs, lambda: read_asc(content, "x.xml", ReadOptions())))]

    with tempfile.TemporaryDirectory(prefix="publisher-bench-") as folder:
        export = Path(folder) / "timetable.xml"
        export.write_bytes(content)
        command = (
            "import",
            "--from",
            "asc",
            str(export),
            "--school",
            "bench-school",
            "--name",
            "مدرسة القياس",
            "--timezone",
            "Asia/Riyadh",
            "--locale",
            "ar",
        )
        for where, run_command in (("in process", in_process), ("as a process", publisher)):
            new: list[float] = []
            for run in range(args.runs):
                database = Path(folder) / f"{where.replace(' ', '-')}-{run}.db"
                publisher(database, "db", "init")
                new.append(timed(1, lambda db=database, go=run_command: go(db, *command))[0])
            rows.append((f"import, new school, {where}", statistics.median(new), min(new)))
            again = timed(args.runs, lambda db=database, go=run_command: go(db, *command))
            rows.append((f"import, unchanged, {where}", *again))
        version = timed(args.runs, lambda: publisher(database, "--version"))
        rows.append(("publisher --version, as a process", *version))

    print(f"{'step':<40} {'median s':>9} {'best s':>9}")
    for step, median, best in rows:
        print(f"{step:<40} {median:>9.3f} {best:>9.3f}")


if __name__ == "__main__":
    main()
