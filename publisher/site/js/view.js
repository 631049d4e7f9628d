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
 *   state: string, kind: string, school: string, time: string, seconds: string, date: string,
 *   dayLabel: string, hijri: string,
 *   kicker: string, title: string, range: string, countdownLabel: string, countdown: string,
 *   next: string, classesHeading: string, classesPage: string, rows: Row[],
 *   classesMessage: string, dutiesHeading: string, duties: {teacher: string, place: string}[],
 *   announcementsHeading: string, announcements: string[], revision: string, stale: string,
 *   moment: Moment | null
 * }} View
 * @typedef {{perPage: number, pageIntervalMs: number, announcementsShown: number,
 *   dutiesShown: number}} Layout
 */

/**
 * @param {{fmt: Format, now: number, manifest: Manifest | null, day: Day | null,
 *   stale: boolean, lastSuccessAt: number | null, layout: Layout}} input
 * @returns {View}
 */
export function buildView({ fmt, now, manifest, day, stale, lastSuccessAt, layout }) {
  const s = fmt.strings;
  const view = {
    state: "loading",
    kind: "",
    school: manifest?.school.name ?? "",
    time: fmt.time(now),
    seconds: fmt.seconds(now),
    date: fmt.date(now),
    dayLabel: "",
    hijri: fmt.hijri(now),
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
    duties: /** @type {{teacher: string, place: string}[]} */ ([]),
    announcementsHeading: "",
    announcements: /** @type {string[]} */ ([]),
    revision: manifest ? revisionLine(fmt, manifest) : "",
    stale: stale && lastSuccessAt !== null ? `${s.stale} ${fmt.shortDate(lastSuccessAt)} ${fmt.time(lastSuccessAt)}` : "",
    moment: /** @type {Moment | null} */ (null),
  };
  if (!day) {
    if (manifest) view.state = "nodata";
    return view;
  }

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

  if (moment.lessons) {
    const lessons = moment.lessons;
    view.classesHeading = moment.lessonsNow
      ? `${s.classesNow}${s.sep}${lessons.label}`
      : `${s.classesNext} ${lessons.label}${s.sep}${fmt.time(lessons.startMs)}`;
    const paged = pageAt(classLessons(day, lessons), layout.perPage, now, layout.pageIntervalMs);
    view.rows = paged.items.map(({ name, lesson }) => row(s, name, lesson));
    if (paged.pages > 1) view.classesPage = `${fmt.number(paged.page + 1)} / ${fmt.number(paged.pages)}`;
  } else if (!view.classesMessage) {
    view.classesMessage = s.noLessons;
  }

  if (day.duties.length) {
    view.dutiesHeading = s.duties;
    view.duties = pageAt(day.duties, layout.dutiesShown, now, layout.pageIntervalMs).items;
  }
  if (day.announcements.length) {
    view.announcementsHeading = s.announcements;
    view.announcements = pageAt(day.announcements, layout.announcementsShown, now, layout.pageIntervalMs)
      .items.map((a) => a.text);
  }
  return view;
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
 * "Revision 12 · changed Sunday 22 November 10:05"
 * @param {Format} fmt
 * @param {Manifest} manifest
 */
function revisionLine(fmt, manifest) {
  const s = fmt.strings;
  const line = `${s.revision} ${fmt.number(manifest.revision)}`;
  const at = manifest.revised_at ? Date.parse(manifest.revised_at) : Number.NaN;
  if (Number.isNaN(at)) return line;
  return `${line}${s.sep}${s.changed} ${fmt.shortDate(at)} ${fmt.time(at)}`;
}
