"""The page's pure modules, run in Chromium with fixed instants.

Each test imports the published modules into a blank page on the test origin
(a dynamic `import()`), calls them with a chosen `now`, and checks the answers.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from page_server import (  # noqa: F401  (the fixtures register by being imported)
    chromium_fixture,
    modules_fixture,
)
from playwright.sync_api import Page
from schools import riyadh_school

from publisher.build import build_day, build_manifest
from publisher.build.manifest import ManifestEntry
from publisher.page import asset_build_hash, asset_files

SUNDAY = dt.date(2026, 11, 22)


def riyadh(hhmmss: str, day: dt.date = SUNDAY) -> int:
    """Milliseconds since the epoch of a wall-clock time in Riyadh (UTC+3)."""
    local = dt.datetime.combine(
        day, dt.time.fromisoformat(hhmmss), dt.timezone(dt.timedelta(hours=3))
    )
    return int(local.timestamp() * 1000)


def run(page: Page, body: str, arg: Any = None) -> Any:
    """Runs `body` (an async function body) with every module imported and `arg` bound."""
    base = f"/assets/{asset_build_hash(asset_files())}/js/"
    names = ["schedule", "backoff", "clock", "format", "snapshot", "view", "preview", "identify"]
    imports = "\n".join(f"const {n} = await import('{base}{n}.js');" for n in names)
    return page.evaluate(f"async (arg) => {{ {imports}\n{body} }}", arg)


def sunday_document(**changes: Any) -> dict[str, Any]:
    return build_day(riyadh_school(**changes), SUNDAY).document


@pytest.mark.parametrize(
    ("at", "state", "current", "following", "until", "lessons"),
    [
        pytest.param("06:59:59", "before", None, "First", "07:00", "First", id="before-school"),
        pytest.param("07:00:00", "period", "First", "Second", "07:45", "First", id="first-bell"),
        pytest.param("07:44:59.999", "period", "First", "Second", "07:45", "First", id="last-ms"),
        pytest.param("07:45:00", "between", None, "Second", "07:50", "Second", id="passing"),
        pytest.param("08:40:00", "period", "Break", "Third", "08:55", "Third", id="break"),
        pytest.param("11:00:00", "between", None, "Prayer", "11:50", None, id="before-prayer"),
        pytest.param("12:10:00", "after", None, None, None, None, id="after-school"),
    ],
)
def test_moment_of_a_school_day(
    modules: Page,
    at: str,
    state: str,
    current: str | None,
    following: str | None,
    until: str | None,
    lessons: str | None,
) -> None:
    answer = run(
        modules,
        """
        const m = schedule.momentAt(schedule.prepareDay(arg.day), arg.now);
        return {state: m.state, current: m.current?.label ?? null, next: m.next?.label ?? null,
                until: m.until, lessons: m.lessons?.label ?? null};
        """,
        {"day": sunday_document(), "now": riyadh(at)},
    )
    assert answer == {
        "state": state,
        "current": current,
        "next": following,
        "until": riyadh(until) if until else None,
        "lessons": lessons,
    }


def test_weekend_and_holiday_are_off_with_the_next_first_bell(modules: Page) -> None:
    school = riyadh_school()
    friday = build_day(school, dt.date(2026, 11, 27)).document
    holiday = build_day(school, dt.date(2026, 11, 24)).document
    answer = run(
        modules,
        """
        return arg.days.map((doc) => {
          const day = schedule.prepareDay(doc);
          return [schedule.momentAt(day, day.startMs + 36e6).state, day.label,
                  day.next_school_day.startMs];
        });
        """,
        {"days": [friday, holiday]},
    )
    assert answer == [
        ["off", "", riyadh("07:00:00", dt.date(2026, 11, 29))],
        ["off", "National Day", riyadh("08:00:00", dt.date(2026, 11, 25))],  # exams: 08:00
    ]


def test_classes_follow_the_day_order_and_page_evenly(modules: Page) -> None:
    answer = run(
        modules,
        """
        const day = schedule.prepareDay(arg.day);
        const rows = schedule.classLessons(day, day.periods[0]);
        const items = Array.from({length: 30}, (_, i) => i);
        return {
          rows: rows.map((r) => [r.name, r.lesson?.subject ?? null, r.lesson?.change ?? null]),
          pages: [0, 12000, 24000].map((now) => schedule.pageAt(items, 24, now, 12000)),
          one: schedule.pageAt(items.slice(0, 20), 24, 99999, 12000),
        };
        """,
        {"day": sunday_document()},
    )
    assert answer["rows"] == [["1A", "Maths", "substitute"], ["1B", "Maths", None]]
    first, second, third = answer["pages"]
    assert (first["page"], first["pages"], first["items"]) == (0, 2, list(range(15)))
    assert (second["page"], second["items"]) == (1, list(range(15, 30)))
    assert third["page"] == 0
    assert (answer["one"]["pages"], len(answer["one"]["items"])) == (1, 20)


def test_backoff_grows_by_half_from_two_seconds_to_a_thirty_second_cap(modules: Page) -> None:
    answer = run(
        modules,
        """
        const n = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        return {
          high: n.map((f) => backoff.retryDelay(f, 0)),
          low: n.map((f) => backoff.retryDelay(f, 0.999999)),
        };
        """,
    )
    assert answer["high"] == [2000, 3000, 4500, 6750, 10125, 15188, 22781, 30000, 30000, 30000]
    # Jitter takes up to a quarter off, never adds: the cap stays a cap.
    assert answer["low"] == [1500, 2250, 3375, 5063, 7594, 11391, 17086, 22500, 22500, 22500]


def test_regular_polls_wait_the_interval_plus_school_offset_plus_jitter(modules: Page) -> None:
    answer = run(
        modules,
        """
        const keys = Array.from({length: 200}, (_, i) => `school-${i}`);
        const offsets = keys.map((k) => backoff.schoolOffset(k, 30000));
        return {
          offsets,
          again: keys.map((k) => backoff.schoolOffset(k, 30000)),
          delays: [0, 0.5, 0.999].map((r) => backoff.pollDelay(60000, 12345, 15000, r)),
          stale: [179999, 180001].map((t) => backoff.isStale(t, 0, 60000, 3)),
          never: backoff.isStale(1e12, null, 60000, 3),
        };
        """,
    )
    offsets = answer["offsets"]
    assert offsets == answer["again"]
    assert all(0 <= o < 30000 for o in offsets)
    assert len(set(offsets)) > 190  # schools spread over the window
    assert answer["delays"] == [72345, 79845, 87330]
    assert answer["stale"] == [False, True]
    assert answer["never"] is False


@pytest.mark.parametrize(
    ("history", "now", "allowed"),
    [
        pytest.param([], 10_000_000, True, id="first"),
        pytest.param([9_500_000], 10_000_000, False, id="within-ten-minutes"),
        pytest.param([9_000_000], 10_000_000, True, id="after-ten-minutes"),
        pytest.param([7_000_000, 8_000_000, 9_000_000], 10_000_000, False, id="three-this-hour"),
        pytest.param([6_000_000, 8_000_000, 9_000_000], 10_000_000, True, id="one-an-hour-ago"),
    ],
)
def test_self_reloads_are_limited(
    modules: Page, history: list[int], now: int, allowed: bool
) -> None:
    answer = run(
        modules,
        "return backoff.reloadAllowed(arg.history, arg.now, {minGapMs: 600000, perHour: 3});",
        {"history": history, "now": now},
    )
    assert answer is allowed


def test_clock_offset_from_date_and_age(modules: Page) -> None:
    date = "Sun, 22 Nov 2026 04:15:00 GMT"
    server = riyadh("07:15:00")
    answer = run(
        modules,
        """
        const f = clock.offsetFromHeaders;
        return [
          f(arg.date, null, arg.device, arg.device),
          f(arg.date, "30", arg.device, arg.device),
          f(arg.date, null, arg.device - 400, arg.device),
          f(null, null, 0, 0),
          f("yesterday", null, 0, 0),
          f(arg.date, "junk", arg.device, arg.device),
        ];
        """,
        {"date": date, "device": server - 300_000},
    )
    assert answer == [300_500, 330_500, 300_700, None, None, 300_500]


def test_clock_uses_the_median_and_trusts_the_server_when_the_device_is_obviously_wrong(
    modules: Page,
) -> None:
    answer = run(
        modules,
        """
        let skew = clock.NO_SKEW;
        const steps = [];
        for (const offset of [400, 300500, 300200, 900000, 299800]) {
          skew = clock.addSample(skew, offset, 1e12, null);
          steps.push(skew.offset);
        }
        const wrong = clock.addSample(skew, 5 * 86400000, 1e12, null);
        const early = clock.addSample(skew, 3600000, 1e12, 1e12 + 1);
        return {steps, wrong: wrong.offset, early: early.offset,
                now: clock.correctedNow(1000, {samples: [], offset: 250})};
        """,
    )
    # 400 alone is under the Date header's resolution; then the median follows the
    # majority, ignores the outlier (900 s) and moves less than a second not at all.
    assert answer["steps"] == [0, 300500, 300500, 300500, 300500]
    assert answer["wrong"] == 5 * 86_400_000
    assert answer["early"] == 3_600_000
    assert answer["now"] == 1250


def test_formats_pin_calendar_and_digits(modules: Page) -> None:
    answer = run(
        modules,
        """
        const out = {};
        for (const locale of ["ar", "en"]) {
          const f = format.makeFormat(locale, "Asia/Riyadh");
          out[locale] = {
            time: f.time(arg.now), seconds: f.seconds(arg.now), date: f.date(arg.now),
            hijri: f.hijri(arg.now),
            countdown: [f.countdown(25 * 60000), f.countdown(3723000), f.countdown(999),
                        f.countdown(-5)],
            key: [f.dateKey(arg.midnight - 1), f.dateKey(arg.midnight)],
          };
        }
        return out;
        """,
        {"now": riyadh("07:10:05"), "midnight": riyadh("00:00:00", dt.date(2026, 11, 23))},
    )
    assert answer["en"] == {
        "time": "07:10",
        "seconds": "05",
        "date": "Sunday, 22 November 2026",
        "hijri": "12 Jumada II 1448 AH",
        "countdown": ["25:00", "1:02:03", "00:01", "00:00"],
        "key": ["2026-11-22", "2026-11-23"],
    }
    ar = answer["ar"]
    assert ar["time"] == "٠٧:١٠"
    assert ar["countdown"] == ["٢٥:٠٠", "١:٠٢:٠٣", "٠٠:٠١", "٠٠:٠٠"]
    assert "٢٢ نوفمبر ٢٠٢٦" in ar["date"] and ar["date"].startswith("الأحد")
    assert "١٤٤٨" in ar["hijri"] and "جمادى" in ar["hijri"]
    assert ar["key"] == ["2026-11-22", "2026-11-23"]  # file names keep Latin digits


def manifest_document(**changes: Any) -> dict[str, Any]:
    school = riyadh_school()
    day = build_day(school, SUNDAY)
    entry = ManifestEntry(SUNDAY, f"days/{SUNDAY}-r1-{day.sha256[:16]}.json", day.sha256)
    document = json.loads(build_manifest(school, [entry], 60))
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("{not json", "JSON", id="malformed"),
        pytest.param(json.dumps(manifest_document(schema=2)), "schema 2", id="schema"),
        pytest.param(
            json.dumps(manifest_document(poll_interval=0)), "poll interval", id="interval"
        ),
        pytest.param(
            json.dumps(
                manifest_document(
                    days=[{"date": "2026-11-22", "path": "../x/days/a.json", "sha256": "0" * 64}]
                )
            ),
            "bad day entry",
            id="path-outside-days",
        ),
        pytest.param(
            json.dumps(
                manifest_document(school={"name": "x", "timezone": "Mars/Base", "locale": "ar"})
            ),
            "time zone",
            id="zone",
        ),
    ],
)
def test_a_bad_manifest_is_refused(modules: Page, text: str, error: str) -> None:
    answer = run(
        modules,
        "try { snapshot.parseManifest(arg); return 'accepted'; } catch (e) { return String(e); }",
        text,
    )
    assert error.lower() in answer.lower()


def test_days_wanted_held_and_shown(modules: Page) -> None:
    school = riyadh_school()
    days = [build_day(school, SUNDAY + dt.timedelta(days=i)) for i in range(3)]
    entries = [ManifestEntry(d.date, f"days/{d.date}.json", d.sha256) for d in days]
    manifest = build_manifest(school, entries, 60).decode()
    answer = run(
        modules,
        """
        const m = snapshot.parseManifest(arg.manifest);
        const held = new Map();
        arg.days.forEach((text, i) => held.set(m.days[i].path, snapshot.parseDay(text, m.days[i])));
        let wrongDate;
        try { snapshot.parseDay(arg.days[1], m.days[0]); } catch (e) { wrongDate = String(e); }
        const newer = {...m, days: [{...m.days[0], path: "days/new.json"}]};
        return {
          wanted: snapshot.wantedEntries(m, "2026-11-23").map((e) => e.date),
          shown: [arg.sunday, arg.monday].map((t) => snapshot.dayAt(m, held, t)?.date ?? null),
          fallback: snapshot.dayAt(newer, held, arg.sunday)?.date ?? null,
          kept: [...snapshot.keepDays(newer, held, arg.sunday).keys()],
          wrongDate,
        };
        """,
        {
            "manifest": manifest,
            "days": [d.content.decode() for d in days],
            "sunday": riyadh("10:00:00"),
            "monday": riyadh("00:00:00", dt.date(2026, 11, 23)),
        },
    )
    assert answer["wanted"] == ["2026-11-23", "2026-11-24"]
    assert answer["shown"] == ["2026-11-22", "2026-11-23"]
    # Today's new file has not arrived: the copy already held still shows today.
    assert answer["fallback"] == "2026-11-22"
    assert answer["kept"] == ["days/2026-11-22.json"]
    assert "date 2026-11-23, not 2026-11-22" in answer["wrongDate"]


def test_long_announcements_are_cut_at_spaces_into_pieces_that_page(modules: Page) -> None:
    text = " ".join(f"word{n}" for n in range(60))  # 409 characters
    answer = run(
        modules,
        "return [view.pieces(arg.text, 120), view.pieces('short one', 120), "
        "view.pieces('x'.repeat(200), 120)];",
        {"text": text},
    )
    long, short, one_word = answer
    assert " ".join(long) == text  # nothing lost
    assert all(len(piece) <= 120 for piece in long) and len(long) == 4
    assert short == ["short one"]
    assert one_word == ["x" * 200]  # a word longer than the limit stays whole


def test_the_age_of_stale_data_is_said_in_words(modules: Page) -> None:
    answer = run(
        modules,
        """
        const out = {};
        for (const locale of ["ar", "en"]) {
          const f = format.makeFormat(locale, "Asia/Riyadh");
          out[locale] = [5 * 60e3, 75 * 60e3, 5 * 3600e3, 3 * 86400e3].map((ms) => f.ago(ms));
        }
        return out;
        """,
    )
    assert answer["en"] == ["5 minutes ago", "1 hour ago", "5 hours ago", "3 days ago"]
    assert all(phrase.startswith("قبل") for phrase in answer["ar"])


# -- preview and identify ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "zone", "expected"),
    [
        pytest.param("", "Asia/Riyadh", None, id="live"),
        pytest.param("?identify", "Asia/Riyadh", None, id="live-identify"),
        pytest.param(
            "?at=2026-11-22T07:10", "Asia/Riyadh", ("2026-11-22T04:10:00Z", 1), id="minutes"
        ),
        pytest.param(
            "?at=2026-11-22T07:10:30&speed=60",
            "Asia/Riyadh",
            ("2026-11-22T04:10:30Z", 60),
            id="speed",
        ),
        pytest.param(
            "?at=2026-07-01T12:00&speed=1.5",
            "Europe/London",
            ("2026-07-01T11:00:00Z", 1.5),
            id="bst",
        ),
        pytest.param(
            "?at=2026-12-01T12:00&speed=3600",
            "Europe/London",
            ("2026-12-01T12:00:00Z", 3600),
            id="gmt",
        ),
        # The hour a spring-forward skips is read with one of its two offsets.
        pytest.param(
            "?at=2026-03-29T01:30", "Europe/London", ("2026-03-29T00:30:00Z", 1), id="gap"
        ),
    ],
)
def test_read_preview_takes_the_schools_wall_time(
    modules: Page, search: str, zone: str, expected: tuple[str, float] | None
) -> None:
    answer = run(
        modules,
        """const r = preview.readPreview(arg.search, arg.zone);
           return r.preview && [new Date(r.preview.at).toISOString().replace('.000', ''),
                                r.preview.speed];""",
        {"search": search, "zone": zone},
    )
    if expected and expected[0].startswith("2026-03-29"):
        assert answer[0] in ("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"), answer
    else:
        assert answer == (list(expected) if expected else None)


@pytest.mark.parametrize(
    ("search", "error"),
    [
        ("?at=2026-02-29T07:00", "at=2026-02-29T07:00: not a time, expected YYYY-MM-DDTHH:MM[:SS]"),
        ("?at=2026-11-22T24:00", "at=2026-11-22T24:00: not a time, expected YYYY-MM-DDTHH:MM[:SS]"),
        ("?at=2026-11-22 07:00", "at=2026-11-22 07:00: not a time, expected YYYY-MM-DDTHH:MM[:SS]"),
        ("?at=", "at=: not a time, expected YYYY-MM-DDTHH:MM[:SS]"),
        ("?at=2026-11-22T07:00&speed=", "speed=: not a number from 1 to 3600"),
        ("?at=2026-11-22T07:00&speed=0.5", "speed=0.5: not a number from 1 to 3600"),
        ("?at=2026-11-22T07:00&speed=3601", "speed=3601: not a number from 1 to 3600"),
        ("?at=2026-11-22T07:00&speed=-2", "speed=-2: not a number from 1 to 3600"),
        ("?speed=2", "speed needs at=YYYY-MM-DDTHH:MM[:SS]"),
    ],
)
def test_read_preview_says_what_is_wrong(modules: Page, search: str, error: str) -> None:
    answer = run(modules, "return preview.readPreview(arg, 'Asia/Riyadh');", search)
    assert answer == {"preview": None, "error": error}


def test_a_fast_preview_runs_faster_but_its_data_ages_in_device_time(modules: Page) -> None:
    answer = run(
        modules,
        """const p = {at: 1_000_000, wall: '', speed: 60};
           return [preview.previewNow(p, 5_000, 15_000),
                   preview.freshAt(p, 5_000, 15_000, 1_060_000),
                   preview.freshAt(p, 5_000, 15_000, null)];""",
    )
    # Ten device seconds are ten minutes; data fetched after one second is nine seconds old.
    assert answer == [1_600_000, 1_591_000, None]


def test_identify_shortens_the_key_signs_the_offset_and_names_errors_by_file(
    modules: Page,
) -> None:
    answer = run(
        modules,
        """const fmt = format.makeFormat('en', 'Asia/Riyadh');
           const arab = format.makeFormat('ar', 'Asia/Riyadh');
           return [identify.shortKey('Zx4-test-school-key-7Qp'), identify.shortKey('short'),
                   identify.signedSeconds(120_540, fmt), identify.signedSeconds(-300, fmt),
                   identify.signedSeconds(40, fmt), identify.signedSeconds(2_500, arab),
                   identify.describeError(
                     new Error('HTTP 503 for http://h/schools/k/manifest.json?screen=1')),
                   identify.describeError(new DOMException('aborted', 'AbortError')),
                   identify.describeError(new TypeError('Failed to fetch'))];""",
    )
    assert answer == [
        "Zx4-test…",
        "short",
        "+120.5",
        "-0.3",
        "0",
        "+٢٫٥",
        "HTTP 503 manifest.json",
        "timeout",
        "Failed to fetch",
    ]
