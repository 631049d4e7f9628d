// @ts-check
/**
 * Where an instant falls in a school day: the current period, the next one, and
 * the instant the countdown runs to. Pure: the day and `now` are arguments. Only
 * the absolute instants of the day file are used (UTC, parsed once), so the
 * screen needs no time-zone rules, also on daylight-saving days.
 */

/**
 * @typedef {{class: string, subject: string, teacher?: string, room?: string, group?: string,
 *   change?: string, replaces?: string, usual_room?: string, invigilators?: string[]}} Lesson
 *   a lesson (`teacher`, and the day's `change`) or, in an exam period, an exam
 *   (`invigilators`); `room`, `group` (the part of the class taught), `replaces` and
 *   `usual_room` when the data gives them
 * @typedef {{index: number, kind: string, label: string, start: string, end: string,
 *   starts_at: string, ends_at: string, lessons: Lesson[], startMs: number, endMs: number}} Period
 * @typedef {{date: string, start: string, starts_at: string, startMs: number}} NextSchoolDay
 * @typedef {{schema: number, date: string, timezone: string, status: string, label: string,
 *   starts_at: string, ends_at: string, startMs: number, endMs: number, classes: string[],
 *   periods: Period[], duties: {teacher: string, place: string}[],
 *   announcements: {text: string}[], next_school_day: NextSchoolDay | null}} Day
 * @typedef {"off" | "before" | "period" | "between" | "after"} State
 * @typedef {{state: State, current: Period | null, next: Period | null, until: number | null,
 *   lessons: Period | null, lessonsNow: boolean}} Moment
 */

/**
 * A day document with its instants parsed and its periods in time order.
 * Throws when an instant is not a valid date.
 * @param {any} doc
 * @returns {Day}
 */
export function prepareDay(doc) {
  const periods = (doc.periods ?? [])
    .map((/** @type {any} */ p) => ({
      ...p,
      lessons: Array.isArray(p.lessons) ? p.lessons : [],
      startMs: instant(p.starts_at),
      endMs: instant(p.ends_at),
    }))
    .sort((/** @type {Period} */ a, /** @type {Period} */ b) => a.startMs - b.startMs);
  const next = doc.next_school_day
    ? { ...doc.next_school_day, startMs: instant(doc.next_school_day.starts_at) }
    : null;
  return {
    ...doc,
    classes: Array.isArray(doc.classes) ? doc.classes : [],
    duties: Array.isArray(doc.duties) ? doc.duties : [],
    announcements: Array.isArray(doc.announcements) ? doc.announcements : [],
    periods,
    next_school_day: next,
    startMs: instant(doc.starts_at),
    endMs: instant(doc.ends_at),
  };
}

/** @param {unknown} text */
function instant(text) {
  const ms = typeof text === "string" ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not an instant: ${String(text)}`);
  return ms;
}

/**
 * Where `now` falls in `day`.
 * @param {Day} day
 * @param {number} now
 * @returns {Moment}
 */
export function momentAt(day, now) {
  const none = { current: null, next: null, until: null, lessons: null, lessonsNow: false };
  if (day.status !== "school_day") return { state: "off", ...none };
  const periods = day.periods;
  const i = periods.findIndex((p) => now < p.endMs);
  if (i < 0) return { state: "after", ...none };
  const period = periods[i];
  if (now >= period.startMs) {
    const lessonsNow = CLASS_KINDS.includes(period.kind);
    return {
      state: "period",
      current: period,
      next: periods[i + 1] ?? null,
      until: period.endMs,
      lessons: lessonsNow ? period : nextClassPeriod(periods, i + 1),
      lessonsNow,
    };
  }
  return {
    state: i === 0 ? "before" : "between",
    current: null,
    next: period,
    until: period.startMs,
    lessons: nextClassPeriod(periods, i),
    lessonsNow: false,
  };
}

/** Periods in which every class has its own entry: a lesson, or an exam. */
export const CLASS_KINDS = ["lesson", "exam"];

/**
 * The first period from `from` on whose entries are the classes' own.
 * @param {Period[]} periods
 * @param {number} from
 */
export function nextClassPeriod(periods, from = 0) {
  return periods.slice(from).find((p) => CLASS_KINDS.includes(p.kind)) ?? null;
}

/**
 * Each class's lesson in `period`, in the day's class order; a class with
 * nothing in that period gets null.
 * @param {Day} day
 * @param {Period} period
 * @returns {{name: string, lesson: Lesson | null}[]}
 */
export function classLessons(day, period) {
  const byClass = new Map(period.lessons.map((l) => [l.class, l]));
  const names = day.classes.length ? day.classes : period.lessons.map((l) => l.class);
  return names.map((name) => ({ name, lesson: byClass.get(name) ?? null }));
}

/**
 * The slice of `items` shown at `now` when they are paged on a timer: pages are
 * balanced (30 items on 24 places make two pages of 15) and the page follows
 * the clock, so no timer of its own is needed.
 * @template T
 * @param {T[]} items
 * @param {number} perPage
 * @param {number} now
 * @param {number} intervalMs
 * @returns {{items: T[], page: number, pages: number}}
 */
export function pageAt(items, perPage, now, intervalMs) {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const size = Math.ceil(items.length / pages);
  const page = Math.floor(now / intervalMs) % pages;
  return { items: items.slice(page * size, page * size + size), page, pages };
}
