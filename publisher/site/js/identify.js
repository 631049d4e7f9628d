// @ts-check
/**
 * What the identify overlay says (`?identify`, or the `i` key): which school
 * and which build a screen runs, which data it holds and how it talks to the
 * server, in big type an operator can photograph across a corridor. Pure: the
 * page's state and its formatter are arguments.
 */

/** The key that shows and hides the overlay. */
export const IDENTIFY_KEY = "i";

/** Characters of the school key shown: enough to tell screens apart, not enough to open one. */
export const KEY_SHOWN = 8;

export const LABELS = {
  ar: {
    heading: "تعريف الشاشة",
    school: "المدرسة",
    key: "مفتاح المدرسة",
    build: "إصدار الصفحة",
    revision: "مراجعة البيانات",
    revised: "تغيّرت البيانات",
    sync: "آخر مزامنة ناجحة",
    offset: "تصحيح الساعة",
    error: "آخر خطأ",
    none: "لا يوجد",
    never: "لم تتم بعد",
    seconds: "ث",
    hide: "اضغط i للإخفاء",
  },
  en: {
    heading: "Screen identity",
    school: "School",
    key: "School key",
    build: "Page build",
    revision: "Data revision",
    revised: "Data changed",
    sync: "Last good sync",
    offset: "Clock offset",
    error: "Last error",
    none: "none",
    never: "not yet",
    seconds: "s",
    hide: "Press i to hide",
  },
};

/**
 * @typedef {{school: string, key: string, build: string,
 *   revision: number | null, revisedAt: string | null, lastSuccessAt: number | null,
 *   offsetMs: number, lastError: {at: number, text: string} | null}} Identity
 * @typedef {{label: string, value: string}} Field
 */

/**
 * The overlay's heading, its fields in order, and how to hide it.
 * @param {Identity} identity
 * @param {"ar" | "en"} locale
 * @param {import("./format.js").Format} fmt
 * @returns {{heading: string, fields: Field[], hint: string}}
 */
export function identifyLines(identity, locale, fmt) {
  const words = LABELS[locale] ?? LABELS.ar;
  const when = (/** @type {number} */ t) => `${fmt.shortDate(t)} ${fmt.time(t)}:${fmt.seconds(t)}`;
  const revisedAt = identity.revisedAt === null ? Number.NaN : Date.parse(identity.revisedAt);
  const error = identity.lastError;
  return {
    heading: words.heading,
    hint: words.hide,
    fields: [
      { label: words.school, value: identity.school },
      { label: words.key, value: shortKey(identity.key) },
      { label: words.build, value: identity.build },
      { label: words.revision, value: identity.revision === null ? words.never : fmt.number(identity.revision) },
      { label: words.revised, value: Number.isNaN(revisedAt) ? words.never : when(revisedAt) },
      { label: words.sync, value: identity.lastSuccessAt === null ? words.never : when(identity.lastSuccessAt) },
      { label: words.offset, value: `${signedSeconds(identity.offsetMs, fmt)} ${words.seconds}` },
      { label: words.error, value: error ? `${error.text}${fmt.strings.sep}${when(error.at)}` : words.none },
    ],
  };
}

/**
 * The school key's first characters and an ellipsis: the full key opens the
 * school's screen, and an overlay may end up in a photo.
 * @param {string} key
 */
export function shortKey(key) {
  return key.length > KEY_SHOWN ? `${key.slice(0, KEY_SHOWN)}…` : key;
}

/**
 * "+2.5", "-0.3", "0": the clock correction in seconds, tenths kept.
 * @param {number} ms
 * @param {import("./format.js").Format} fmt
 */
export function signedSeconds(ms, fmt) {
  const tenths = Math.round(ms / 100) / 10;
  if (tenths === 0) return fmt.number(0);
  return `${tenths > 0 ? "+" : "-"}${fmt.number(Math.abs(tenths))}`;
}

/**
 * One line for a failure: "HTTP 500 manifest.json", "timeout"; URLs are
 * shortened to their file name (a school's URL carries its key).
 * @param {unknown} error
 */
export function describeError(error) {
  const name = error instanceof Error ? error.name : "";
  if (name === "AbortError" || name === "TimeoutError") return "timeout";
  const text = error instanceof Error ? error.message : String(error);
  const short = text.replace(/https?:\/\/\S+/g, (url) => url.split(/[?#]/)[0].split("/").pop() || url);
  return short.replace(/ for /, " ").slice(0, 100);
}
