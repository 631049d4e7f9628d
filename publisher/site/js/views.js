// @ts-check
/**
 * One screen's own view, chosen by its address: which classes it shows
 * (`?classes=7A,7B` or a group the school named, `?classes=first-floor`), which
 * way up it is drawn (`?orientation=portrait|landscape`) and in which language
 * (`?lang=ar|en`). Pure: the address, the school's groups and the day are
 * arguments.
 *
 * A wrong value never darkens a screen: what is unknown is left out and named
 * in a note on screen, and the rest of the view (or the whole school) is shown.
 */

/**
 * @typedef {import("./schedule.js").Day} Day
 * @typedef {"ar" | "en"} Language
 * @typedef {"portrait" | "landscape"} Orientation
 * @typedef {{classes: string[], orientation: Orientation | null, lang: Language | null,
 *   problems: {parameter: string, value: string}[]}} ViewParams
 *   `classes`: the names asked for (classes or groups), [] for every class;
 *   `problems`: parameters given with a value the page does not know
 * @typedef {{classes: Set<string> | null, unknown: string[]}} ClassChoice
 *   `classes`: the day's classes to show, null for all of them
 */

export const ORIENTATIONS = /** @type {const} */ (["portrait", "landscape"]);
export const LANGUAGES = /** @type {const} */ (["ar", "en"]);

/** The note's words, in the screen's language; the values are shown as given. */
const NOTES = {
  ar: {
    classes: "غير موجود في عنوان هذه الشاشة",
    orientation: "اتجاه غير معروف في عنوان هذه الشاشة",
    lang: "لغة غير معروفة في عنوان هذه الشاشة",
    sep: "، ",
  },
  en: {
    classes: "Not found (this screen's address)",
    orientation: "Unknown orientation (this screen's address)",
    lang: "Unknown language (this screen's address)",
    sep: ", ",
  },
};

/**
 * The view asked for in a page address's query (`location.search`).
 * @param {string} search
 * @returns {ViewParams}
 */
export function readViewParams(search) {
  const params = new URLSearchParams(search);
  /** @type {ViewParams} */
  const view = { classes: [], orientation: null, lang: null, problems: [] };
  const classes = params.get("classes");
  if (classes !== null) {
    view.classes = [...new Set(classes.split(",").map((name) => name.trim()).filter(Boolean))];
  }
  const orientation = params.get("orientation");
  if (orientation !== null) {
    const wanted = orientation.trim().toLowerCase();
    const known = ORIENTATIONS.find((o) => o === wanted);
    if (known) view.orientation = known;
    else view.problems.push({ parameter: "orientation", value: orientation });
  }
  const lang = params.get("lang");
  if (lang !== null) {
    const wanted = lang.trim().toLowerCase();
    const known = LANGUAGES.find((l) => l === wanted);
    if (known) view.lang = known;
    else view.problems.push({ parameter: "lang", value: lang });
  }
  return view;
}

/**
 * The classes to show of `dayClasses`: each name asked for is a group of the
 * school's (its classes), or a class; a name is matched exactly, else without
 * regard to case ("7a" is 7A). Names matching nothing are `unknown`; when
 * nothing asked for is known, every class is shown. Without a day's classes
 * to judge by (still loading) nothing is chosen, and nothing is unknown.
 * @param {string[]} wanted  from `readViewParams`
 * @param {unknown} groups  the manifest's `school.class_groups` (absent: none)
 * @param {string[]} dayClasses
 * @returns {ClassChoice}
 */
export function chooseClasses(wanted, groups, dayClasses) {
  if (!wanted.length || !dayClasses.length) return { classes: null, unknown: [] };
  const named = groupsOf(groups);
  /** @type {Set<string>} */
  const chosen = new Set();
  const unknown = [];
  for (const name of wanted) {
    const group = find(name, [...named.keys()]);
    const members = group !== null ? named.get(group) ?? [] : [find(name, dayClasses)];
    const found = members.filter((c) => c !== null && dayClasses.includes(c));
    if (!found.length) unknown.push(name);
    for (const c of found) chosen.add(/** @type {string} */ (c));
  }
  return { classes: chosen.size ? chosen : null, unknown };
}

/**
 * `day` with only the lessons (and exams) of `classes`; the rest of the day
 * (bells, duties, announcements) is the school's and stays whole.
 * @param {Day} day
 * @param {Set<string> | null} classes  null: the whole day, as it is
 * @returns {Day}
 */
export function filterDay(day, classes) {
  if (!classes) return day;
  return {
    ...day,
    classes: day.classes.filter((name) => classes.has(name)),
    periods: day.periods.map((period) => ({
      ...period,
      lessons: period.lessons.filter((lesson) => classes.has(lesson.class)),
    })),
  };
}

/**
 * `filterDay` for a screen that calls it every second: each held day is filtered
 * once per choice of classes, and the same filtered day is handed back after.
 * @returns {(day: Day | null, classes: Set<string> | null) => Day | null}
 */
export function dayFilter() {
  /** @type {WeakMap<Day, {key: string, day: Day}>} */
  const done = new WeakMap();
  return (day, classes) => {
    if (!day || !classes) return day;
    const key = [...classes].join("\n");
    const held = done.get(day);
    if (held?.key === key) return held.day;
    const filtered = filterDay(day, classes);
    done.set(day, { key, day: filtered });
    return filtered;
  };
}

/**
 * The shape a screen is drawn in: the one its address asks for, else the
 * viewport's; `turned` when the two differ, for a panel mounted the other way
 * round from what its player reports.
 * @param {Orientation | null} asked
 * @param {boolean} portraitViewport
 * @returns {{shape: Orientation, turned: boolean}}
 */
export function screenShape(asked, portraitViewport) {
  const actual = portraitViewport ? "portrait" : "landscape";
  const shape = asked ?? actual;
  return { shape, turned: shape !== actual };
}

/**
 * The note shown when the address asks for what the page does not know, in the
 * screen's language: "Not found (this screen's address): 9Z, 10Q"; "" for none.
 * @param {Language} lang
 * @param {ViewParams} params
 * @param {string[]} unknownClasses
 */
export function viewNote(lang, params, unknownClasses) {
  const words = NOTES[lang] ?? NOTES.ar;
  const lines = params.problems.map(({ parameter, value }) =>
    `${parameter === "lang" ? words.lang : words.orientation}: ${value}`,
  );
  if (unknownClasses.length) lines.push(`${words.classes}: ${unknownClasses.join(words.sep)}`);
  return lines.join(" — ");
}

/**
 * The school's groups as a map of name to classes, leaving out anything malformed.
 * @param {unknown} groups
 * @returns {Map<string, string[]>}
 */
function groupsOf(groups) {
  const named = new Map();
  if (!groups || typeof groups !== "object" || Array.isArray(groups)) return named;
  for (const [name, members] of Object.entries(groups)) {
    if (Array.isArray(members)) named.set(name, members.filter((m) => typeof m === "string"));
  }
  return named;
}

/**
 * `name` as one of `names`: itself, or the one equal to it but for case; null when none.
 * @param {string} name
 * @param {string[]} names
 * @returns {string | null}
 */
function find(name, names) {
  if (names.includes(name)) return name;
  const folded = name.toLocaleLowerCase("en");
  return names.find((n) => n.toLocaleLowerCase("en") === folded) ?? null;
}
