// @ts-check
/**
 * What the screen shows at one instant, as plain strings: the render module
 * only copies them into the page. Pure: the day, the manifest and `now` are
 * arguments.
 */

import { classLessons, momentAt, pageAt } from "./schedule.js";

/**
 * @typedef {import("./schedule.js").Day} Day
 * @typedef {import("./schedule.js").Moment} Moment
 * @typedef {import("./snapshot.js").Manifest} Manifest
 * @typedef {import("./format.js").Format} Format
 * @typedef {{name: string, subject: string, teacher: string, change: string, badge: string}} Row
 * @typedef {{
 *   state: string, kind: string, density: string, lastMinute: boolean, staleLevel: number,
 *   school: string, time: string, seconds: string, date: string,
 *   dayLabel: string, hijri: string, banner: string,
 *   kicker: string, title: string, range: string, countdownLabel: string, countdown: string,
 *   next: string, classesHeading: string, classesPage: string, rows: Row[],
 *   classesMessage: string, dutiesHeading: string, dutiesPage: string,
 *   duties: {teacher: string, place: string}[],
 *   announcementsHeading: string, announcementsPage: string, announcements: string[],
 *   updated: string, revision: string, stale: string,
 *   moment: Moment | null
 * }} View
 * @typedef {{compact: number, roomy: number}} PerPage  classes on one page, by density
 * @typedef {{perPage: PerPage, pageIntervalMs: number, announcementsShown: number,
 *   announcementChars: number, dutiesShown: number, staleBannerMs: number}} Layout
 */

/** A bell this close (ms) is signalled: the countdown's label and colour change. */
export const LAST_MINUTE_MS = 60_000;

/**
 * Texts up to these lengths (in characters) fit the compact class card on one
 * line each; a day with any longer one uses the roomy card, fewer to a page.
 */
export const COMPACT_LIMITS = { name: 8, subject: 24, teacher: 30 };

/**
 * @param {{fmt: Format, now: number, manifest: Manifest | null, day: Day | null,
 *   stale: boolean, lastSuccessAt: number | null, layout: Layout,
 *   school?: string, failures?: number, retryAt?: number | null, hijri?: boolean}} input
 *   `school` is the name the page was published with (shown before any data);
 *   `failures` and `retryAt` are the poll loop's, shown while nothing has loaded;
 *   `hijri: false` leaves the Hijri line out (the school's display setting).
 * @returns {View}
 */
export function buildView(input) {
  const { fmt, now, manifest, day, stale, lastSuccessAt, layout } = input;
  const s = fmt.strings;
  const age = lastSuccessAt === null ? 0 : now - lastSuccessAt;
  const staleLevel = !stale ? 0 : age >= layout.staleBannerMs ? 2 : 1;
  const view = {
    state: "loading",
    kind: "",
    density: "compact",
    lastMinute: false,
    staleLevel,
    school: manifest?.school.name ?? input.school ?? "",
    time: fmt.time(now),
    seconds: fmt.seconds(now),
    date: fmt.date(now),
    dayLabel: "",
    hijri: input.hijri === false ? "" : fmt.hijri(now),
    banner: staleLevel === 2 && lastSuccessAt !== null ? `${s.staleBanner} ${fmt.ago(age)}` : "",
    kicker: "",
    title: manifest ? s.noData : s.loading,
    range: "",
    countdownLabel: "",
    countdown: "",
    next: "",
    classesHeading: "",
    classesPage: "",
    rows: /** @type {Row[]} */ ([]),
    classesMessage: "",
    dutiesHeading: "",
    dutiesPage: "",
    duties: /** @type {{teacher: string, place: string}[]} */ ([]),
    announcementsHeading: "",
    announcementsPage: "",
    announcements: /** @type {string[]} */ ([]),
    updated: manifest ? updatedLine(fmt, manifest) : "",
    revision: manifest ? `${s.revision} ${fmt.number(manifest.revision)}` : "",
    stale: stale && lastSuccessAt !== null ? `${s.stale} ${fmt.shortDate(lastSuccessAt)} ${fmt.time(lastSuccessAt)}` : "",
    moment: /** @type {Moment | null} */ (null),
  };
  if (!day) return withoutDay(view, input);

  const moment = momentAt(day, now);
  view.moment = moment;
  view.state = moment.state;
  view.title = "";
  const next = day.next_school_day;
  const nextDay = next ? `${fmt.shortDate(next.startMs)} ${s.at} ${fmt.time(next.startMs)}` : "";
  if (day.status === "school_day") view.dayLabel = day.label;

  if (moment.state === "off") {
    view.kicker = day.status === "holiday" ? s.holiday : s.weekend;
    view.title = day.label || view.kicker;
    view.range = nextDay && `${s.nextSchoolDay}: ${nextDay}`;
    view.classesMessage = s.noLessonsToday;
  } else if (moment.state === "after") {
    view.kicker = s.after;
    view.title = nextDay && s.nextSchoolDay;
    view.range = nextDay;
    view.classesMessage = s.noMoreLessons;
  } else if (moment.current) {
    const p = moment.current;
    view.kind = p.kind;
    view.kicker = s.kinds[/** @type {keyof typeof s.kinds} */ (p.kind)] ?? p.kind;
    view.title = p.label;
    view.range = `${fmt.time(p.startMs)} – ${fmt.time(p.endMs)}`;
    view.countdownLabel = s.endsIn;
    view.countdown = fmt.countdown(p.endMs - now);
    if (moment.next) view.next = `${s.next}: ${moment.next.label}${s.sep}${fmt.time(moment.next.startMs)}`;
  } else if (moment.next) {
    const p = moment.next;
    view.kicker = moment.state === "before" ? s.before : s.between;
    view.title = p.label;
    view.range = `${fmt.time(p.startMs)} – ${fmt.time(p.endMs)}`;
    view.countdownLabel = s.startsIn;
    view.countdown = fmt.countdown(p.startMs - now);
  }
  if (moment.until !== null && moment.until - now <= LAST_MINUTE_MS) {
    view.lastMinute = true;
    view.countdownLabel = s.lastMinute;
  }

  view.density = density(day);
  if (moment.lessons) {
    const lessons = moment.lessons;
    view.classesHeading = moment.lessonsNow
      ? `${s.classesNow}${s.sep}${lessons.label}`
      : `${s.classesNext} ${lessons.label}${s.sep}${fmt.time(lessons.startMs)}`;
    const perPage = view.density === "roomy" ? layout.perPage.roomy : layout.perPage.compact;
    const paged = pageAt(classLessons(day, lessons), perPage, now, layout.pageIntervalMs);
    view.rows = paged.items.map(({ name, lesson }) => row(s, name, lesson));
    view.classesPage = pageLine(fmt, paged);
  } else if (!view.classesMessage) {
    view.classesMessage = s.noLessons;
  }

  if (day.duties.length) {
    view.dutiesHeading = s.duties;
    const paged = pageAt(day.duties, layout.dutiesShown, now, layout.pageIntervalMs);
    view.duties = paged.items;
    view.dutiesPage = pageLine(fmt, paged);
  }
  const parts = day.announcements.flatMap((a) => pieces(a.text, layout.announcementChars));
  if (parts.length) {
    view.announcementsHeading = s.announcements;
    const paged = pageAt(parts, layout.announcementsShown, now, layout.pageIntervalMs);
    view.announcements = paged.items;
    view.announcementsPage = pageLine(fmt, paged);
  }
  return view;
}

/**
 * The screen when no held day covers now: still loading, connecting after a
 * failed first load (the next try counted down), no timetable published for
 * today, or offline past the last day it held.
 * @param {View} view
 * @param {Parameters<typeof buildView>[0]} input
 * @returns {View}
 */
function withoutDay(view, { fmt, now, manifest, lastSuccessAt, failures = 0, retryAt = null }) {
  const s = fmt.strings;
  if (!manifest) {
    if (failures > 0) {
      view.state = "connecting";
      view.title = s.connecting;
      view.classesMessage = s.connectingHint;
      if (retryAt !== null) view.range = `${s.nextTry} ${fmt.countdown(retryAt - now)}`;
    }
    return view;
  }
  const today = fmt.dateKey(now);
  const pastWindow = manifest.days.every((entry) => entry.date < today);
  if (!pastWindow) {
    view.state = "nodata";
    return view;
  }
  const revised = manifest.revised_at ? Date.parse(manifest.revised_at) : Number.NaN;
  const since = lastSuccessAt ?? (Number.isNaN(revised) ? null : revised);
  view.state = "offline";
  view.kicker = s.offline;
  view.title = since === null ? "" : fmt.shortDate(since);
  view.range = since === null ? "" : `${s.at} ${fmt.time(since)}`;
  view.classesMessage = s.offlineHint;
  view.banner = "";
  return view;
}

/**
 * "compact" when every class name, subject and teacher of the day fits the
 * compact card (COMPACT_LIMITS), else "roomy". Decided for the whole day, so
 * the number of classes on a page never changes between periods.
 * @param {Day} day
 */
function density(day) {
  const long = (/** @type {string | undefined} */ text, /** @type {number} */ limit) =>
    [...(text ?? "")].length > limit;
  if (day.classes.some((name) => long(name, COMPACT_LIMITS.name))) return "roomy";
  for (const period of day.periods) {
    for (const lesson of period.lessons) {
      if (long(lesson.class, COMPACT_LIMITS.name)) return "roomy";
      if (long(lesson.subject, COMPACT_LIMITS.subject)) return "roomy";
      if (long(lesson.teacher, COMPACT_LIMITS.teacher)) return "roomy";
    }
  }
  return "compact";
}

/**
 * `text` cut at spaces into pieces of at most `limit` characters, so a long
 * announcement pages like the rest instead of being cut off; a single word
 * longer than the limit stays whole.
 * @param {string} text
 * @param {number} limit
 */
export function pieces(text, limit) {
  const out = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && [...current].length + 1 + [...word].length > limit) {
      out.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * "2 / 3" when there is more than one page, else "".
 * @param {Format} fmt
 * @param {{page: number, pages: number}} paged
 */
function pageLine(fmt, paged) {
  return paged.pages > 1 ? `${fmt.number(paged.page + 1)} / ${fmt.number(paged.pages)}` : "";
}

/**
 * @param {import("./format.js").Strings} s
 * @param {string} name
 * @param {import("./schedule.js").Lesson | null} lesson
 * @returns {Row}
 */
function row(s, name, lesson) {
  if (!lesson) return { name, subject: s.free, teacher: "", change: "", badge: "" };
  const change = lesson.change === "cancelled" || lesson.change === "substitute" ? lesson.change : "";
  return {
    name,
    subject: lesson.subject,
    teacher: lesson.teacher,
    change,
    badge: change === "cancelled" ? s.cancelled : change === "substitute" ? s.substitute : "",
  };
}

/**
 * "Timetable updated Sunday 22 November 10:05": when the published timetable
 * last changed, for people; empty when the manifest does not say.
 * @param {Format} fmt
 * @param {Manifest} manifest
 */
function updatedLine(fmt, manifest) {
  const at = manifest.revised_at ? Date.parse(manifest.revised_at) : Number.NaN;
  if (Number.isNaN(at)) return "";
  return `${fmt.strings.updated} ${fmt.shortDate(at)} ${fmt.time(at)}`;
}
