// @ts-check
/**
 * What the screen shows at one instant, as plain strings: the render module
 * only copies them into the page. Pure: the day, the manifest and `now` are
 * arguments.
 */

import { CLASS_KINDS, classLessons, momentAt, nextClassPeriod, pageAt } from "./schedule.js";

/**
 * @typedef {import("./schedule.js").Day} Day
 * @typedef {import("./schedule.js").Moment} Moment
 * @typedef {import("./snapshot.js").Manifest} Manifest
 * @typedef {import("./format.js").Format} Format
 * @typedef {string[]} Line  a text in pieces; the odd ones (1, 3, ...) are names or rooms
 *   from the data, isolated on screen (<bdi>) so a Latin name cannot reorder an Arabic line
 * @typedef {{name: string, room: string, roomChanged: boolean, subject: string, group: Line,
 *   teacher: Line, usual: Line, change: string, badge: string}} Row  one class card; `group`
 *   follows the subject ("English · Boys"): [separator, the group], or [] for the whole class
 * @typedef {{period: string, subject: string, group: Line, change: string, what: Line}} ChangeItem
 * @typedef {{name: string, items: ChangeItem[]}} ChangeGroup  a class's changes on one page
 * @typedef {{
 *   state: string, kind: string, density: string, lastMinute: boolean, staleLevel: number,
 *   school: string, time: string, seconds: string, date: string,
 *   dayLabel: string, hijri: string, banner: string, quiet: string,
 *   kicker: string, title: string, range: string, countdownLabel: string, countdown: string,
 *   next: Line, classesHeading: Line, classesPage: string, classesDay: string,
 *   classRows: number, rows: Row[],
 *   classesMessage: string, changesHeading: string, changesPage: string, changes: ChangeGroup[],
 *   dutiesHeading: string, dutiesPage: string,
 *   duties: {teacher: string, place: string}[],
 *   announcementsHeading: string, announcementsPage: string, announcements: string[],
 *   updated: string, revision: string, stale: string,
 *   moment: Moment | null
 * }} View
 * @typedef {{compact: number, roomy: number}} PerPage  classes on one page, by density
 * @typedef {{perPage: PerPage, pageIntervalMs: number, announcementsShown: number,
 *   announcementChars: number, dutiesShown: number, changesShown: number,
 *   staleBannerMs: number, roomyDays?: string[], classesShown?: number}} Layout
 *   `roomyDays`: dates whose compact cards were found to spill once drawn on this
 *   screen; `classesShown`: fewer classes on a page than `perPage`, when even the
 *   roomy cards were found to spill
 */

/** A bell this close (ms) is signalled: the countdown's label and colour change. */
export const LAST_MINUTE_MS = 60_000;

/**
 * Texts up to these lengths (in characters) fit the compact class card on one
 * line each; a day with any longer one uses the roomy card, fewer to a page.
 * The subject's line carries the lesson's group too ("English · Boys"), the
 * teacher's line an exam's invigilators. Rooms take the card's
 * end, so how long they may be depends on the rest: a day whose compact cards
 * spill once drawn is drawn roomy (`Layout.roomy`, decided by the page).
 */
export const COMPACT_LIMITS = { name: 8, subject: 24, teacher: 30 };

/**
 * @param {{fmt: Format, now: number, manifest: Manifest | null, day: Day | null,
 *   nextDay?: Day | null, stale: boolean, lastSuccessAt: number | null, layout: Layout,
 *   school?: string, failures?: number, retryAt?: number | null, hijri?: boolean}} input
 *   `nextDay` is the held file of the day's next school day, if the screen holds it;
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
    quiet: "",
    kicker: "",
    title: manifest ? s.noData : s.loading,
    range: "",
    countdownLabel: "",
    countdown: "",
    next: /** @type {Line} */ ([]),
    classesHeading: /** @type {Line} */ ([]),
    classesPage: "",
    classesDay: "",
    classRows: 0,
    rows: /** @type {Row[]} */ ([]),
    classesMessage: "",
    changesHeading: "",
    changesPage: "",
    changes: /** @type {ChangeGroup[]} */ ([]),
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
    if (p.kind === "exam") view.quiet = s.quietExams;
    view.kicker = s.kinds[/** @type {keyof typeof s.kinds} */ (p.kind)] ?? p.kind;
    view.title = p.label;
    view.range = `${fmt.time(p.startMs)} – ${fmt.time(p.endMs)}`;
    view.countdownLabel = s.endsIn;
    view.countdown = fmt.countdown(p.endMs - now);
    // Labels are the school's own words, isolated: an Arabic label in an English line.
    if (moment.next) view.next = [`${s.next}: `, moment.next.label, `${s.sep}${fmt.time(moment.next.startMs)}`];
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

  view.density = density(s, day, layout);
  if (moment.lessons) {
    const lessons = moment.lessons;
    const exam = lessons.kind === "exam";
    view.classesHeading = moment.lessonsNow
      ? [`${exam ? s.examsNow : s.classesNow}${s.sep}`, lessons.label]
      : [`${exam ? s.examsNext : s.classesNext} `, lessons.label, `${s.sep}${fmt.time(lessons.startMs)}`];
    showClasses(view, input, day, lessons);
  } else if (!view.classesMessage) {
    view.classesMessage = s.noLessons;
  }
  // Nothing more today: the next school day, its changes and duty instead of today's.
  const listed = (moment.state === "off" || moment.state === "after") && next
    ? showNextSchoolDay(view, input, next)
    : day;
  if (listed) showChangesAndDuties(view, input, listed, listed === day);
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
 * After school, at weekends and on holidays: the next school day's first
 * lessons (or exams), from the file already held for it; without that file,
 * its date and first bell. Returns the held day, or null.
 * @param {View} view
 * @param {Parameters<typeof buildView>[0]} input
 * @param {import("./schedule.js").NextSchoolDay} next
 * @returns {Day | null}
 */
function showNextSchoolDay(view, input, next) {
  const { fmt, nextDay = null, layout } = input;
  const s = fmt.strings;
  const first = nextDay ? nextClassPeriod(nextDay.periods) : null;
  if (!nextDay || !first) {
    view.classesHeading = [s.nextSchoolDay];
    view.classesMessage = `${fmt.shortDate(next.startMs)}${s.sep}${s.firstBell} ${fmt.time(next.startMs)}`;
    return null;
  }
  view.density = density(s, nextDay, layout);
  view.classesHeading = [
    `${s.classesOn} ${fmt.shortDate(next.startMs)}${s.sep}`,
    first.label,
    `${s.sep}${fmt.time(first.startMs)}`,
  ];
  view.classesMessage = "";
  showClasses(view, input, nextDay, first);
  return nextDay;
}

/**
 * The changes list and the duties of `listed`: today's, or the next school
 * day's (their headings then name its date).
 * @param {View} view
 * @param {Parameters<typeof buildView>[0]} input
 * @param {Day} listed
 * @param {boolean} today
 */
function showChangesAndDuties(view, { fmt, now, layout }, listed, today) {
  const s = fmt.strings;
  const on = today ? "" : fmt.shortDate(listed.startMs);
  const items = changeItems(s, listed);
  if (items.length) {
    view.changesHeading = today ? s.changesToday : `${s.changesOn} ${on}`;
    const paged = pageAt(items, layout.changesShown, now, layout.pageIntervalMs);
    view.changes = groupByClass(paged.items);
    view.changesPage = pageLine(fmt, paged);
  }
  if (listed.duties.length) {
    view.dutiesHeading = today ? s.duties : `${s.duties}${s.sep}${on}`;
    const paged = pageAt(listed.duties, layout.dutiesShown, now, layout.pageIntervalMs);
    view.duties = paged.items;
    view.dutiesPage = pageLine(fmt, paged);
  }
}

/**
 * The class cards of `period` of `day`, the page of them shown at `now`.
 * @param {View} view
 * @param {Parameters<typeof buildView>[0]} input
 * @param {Day} day
 * @param {import("./schedule.js").Period} period
 */
function showClasses(view, { fmt, now, layout }, day, period) {
  const perPage =
    layout.classesShown ?? (view.density === "roomy" ? layout.perPage.roomy : layout.perPage.compact);
  const paged = pageAt(classLessons(day, period), perPage, now, layout.pageIntervalMs);
  view.classRows = Math.ceil(perPage / 2); // two columns of cards
  view.classesDay = day.date;
  view.rows = paged.items.map(({ name, lesson }) => row(fmt.strings, name, lesson));
  view.classesPage = pageLine(fmt, paged);
  if (period.kind === "exam" && !period.lessons.length) {
    // An exam period whose papers the data does not list: still an exam, never "no lessons".
    view.rows = [];
    view.classesPage = "";
    view.classesMessage = `${fmt.strings.kinds.exam}${fmt.strings.sep}${period.label}`;
  }
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
 * "compact" when every class name, subject and teacher's line (or an exam's
 * invigilators) of the day fits the compact card (COMPACT_LIMITS) and the day's
 * compact cards were not found to spill on this screen, else "roomy". Decided for the whole day, so
 * the number of classes on a page never changes between periods.
 * @param {import("./format.js").Strings} s
 * @param {Day} day
 * @param {Layout} layout
 */
function density(s, day, layout) {
  if (layout.roomyDays?.includes(day.date)) return "roomy";
  const long = (/** @type {string} */ text, /** @type {number} */ limit) => [...text].length > limit;
  if (day.classes.some((name) => long(name, COMPACT_LIMITS.name))) return "roomy";
  for (const period of day.periods) {
    if (!CLASS_KINDS.includes(period.kind)) continue;
    for (const lesson of period.lessons) {
      const card = row(s, lesson.class, lesson);
      if (long(card.name, COMPACT_LIMITS.name)) return "roomy";
      if (long(card.subject + card.group.join(""), COMPACT_LIMITS.subject)) return "roomy";
      if (long(card.teacher.join(""), COMPACT_LIMITS.teacher)) return "roomy";
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
 * `template` with its "{0}", "{1}" filled in, as a Line: the values are the odd
 * pieces, so each is isolated on screen.
 * @param {string} template
 * @param {...string} values
 * @returns {Line}
 */
export function fill(template, ...values) {
  return template.split(/\{(\d)\}/).map((piece, i) => (i % 2 ? values[Number(piece)] ?? "" : piece));
}

/**
 * "Invigilators: A, B" with each name isolated.
 * @param {import("./format.js").Strings} s
 * @param {string[]} names
 * @returns {Line}
 */
function invigilatorsLine(s, names) {
  if (!names.length) return [];
  const [before, after] = (names.length === 1 ? s.invigilator : s.invigilators).split("{0}");
  const line = [before];
  names.forEach((name, i) => {
    if (i) line.push(s.list);
    line.push(name);
  });
  line.push(after ?? "");
  // [before, A, ", ", B, after]: the separators sit at even places, the names at odd ones.
  return line;
}

/**
 * `b` appended to `a` with `sep` between them, keeping the names at odd places.
 * @param {Line} a
 * @param {string} sep
 * @param {Line} b
 * @returns {Line}
 */
function joinLines(a, sep, b) {
  if (!a.length) return b;
  return [...a.slice(0, -1), `${a[a.length - 1]}${sep}${b[0] ?? ""}`, ...b.slice(1)];
}

/**
 * One class card: the lesson, its room and the day's change, or the class's exam.
 * @param {import("./format.js").Strings} s
 * @param {string} name
 * @param {import("./schedule.js").Lesson | null} lesson
 * @returns {Row}
 */
function row(s, name, lesson) {
  const card = { name, room: "", roomChanged: false, subject: s.free, group: /** @type {Line} */ ([]),
    teacher: /** @type {Line} */ ([]), usual: /** @type {Line} */ ([]), change: "", badge: "" };
  if (!lesson) return card;
  card.subject = lesson.subject;
  card.group = groupLine(s, lesson);
  card.room = lesson.room ?? "";
  if (Array.isArray(lesson.invigilators)) {
    card.teacher = invigilatorsLine(s, lesson.invigilators);
    return card;
  }
  card.teacher = ["", lesson.teacher ?? ""];
  const change = ["cancelled", "substitute", "room"].includes(lesson.change ?? "") ? lesson.change ?? "" : "";
  card.change = change;
  card.badge = change === "cancelled" ? s.cancelled : change === "substitute" ? s.substitute : "";
  if (change !== "cancelled" && lesson.usual_room) {
    card.roomChanged = true;
    card.usual = fill(s.insteadOf, lesson.usual_room);
  }
  return card;
}

/**
 * The part of the class a lesson is taught to, as it follows the subject:
 * [separator, group], the group isolated (it may be Latin on an Arabic screen);
 * [] for a lesson to the whole class. The locale's separator, never a middle dot
 * in Arabic: "English · Boys", "رياضيات، المجموعة 1".
 * @param {import("./format.js").Strings} s
 * @param {import("./schedule.js").Lesson} lesson
 * @returns {Line}
 */
function groupLine(s, lesson) {
  return typeof lesson.group === "string" && lesson.group ? [s.sep, lesson.group] : [];
}

/**
 * Every change of `day` (substitutes, cancellations, room changes), by class
 * in the day's class order, then by period.
 * @param {import("./format.js").Strings} s
 * @param {Day} day
 * @returns {(ChangeItem & {name: string})[]}
 */
function changeItems(s, day) {
  const items = [];
  for (const period of day.periods) {
    if (period.kind !== "lesson") continue;
    for (const lesson of period.lessons) {
      const what = changeLine(s, lesson);
      if (!what) continue;
      items.push({
        name: lesson.class,
        period: period.label,
        subject: lesson.subject,
        group: groupLine(s, lesson),
        change: lesson.change ?? "",
        what,
      });
    }
  }
  const order = new Map(day.classes.map((name, i) => [name, i]));
  const rank = (/** @type {string} */ name) => order.get(name) ?? order.size;
  // A stable sort: within a class the periods stay in time order.
  return items.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What changed, in words: "substitute: A for B", "cancelled", "room: 12 (instead
 * of 101)"; null for a lesson as usual.
 * @param {import("./format.js").Strings} s
 * @param {import("./schedule.js").Lesson} lesson
 * @returns {Line | null}
 */
function changeLine(s, lesson) {
  const moved = lesson.room && lesson.usual_room ? fill(s.roomFor, lesson.room, lesson.usual_room) : null;
  switch (lesson.change) {
    case "cancelled":
      return [s.cancelled];
    case "substitute": {
      const teacher = lesson.teacher ?? "";
      const who = lesson.replaces ? fill(s.substituteFor, teacher, lesson.replaces) : fill(s.substituteBy, teacher);
      return moved ? joinLines(who, s.sep, moved) : who;
    }
    case "room":
      return moved ?? fill(s.roomTo, lesson.room ?? "");
    default:
      return null;
  }
}

/**
 * The changes on one page, each class's under its name.
 * @param {(ChangeItem & {name: string})[]} items
 * @returns {ChangeGroup[]}
 */
function groupByClass(items) {
  /** @type {ChangeGroup[]} */
  const groups = [];
  for (const { name, ...item } of items) {
    const last = groups[groups.length - 1];
    if (last && last.name === name) last.items.push(item);
    else groups.push({ name, items: [item] });
  }
  return groups;
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
