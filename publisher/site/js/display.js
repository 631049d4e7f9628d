// @ts-check
/**
 * The school's display settings, read from its manifest's `school.display`: the
 * Hijri line, the digits, the accent colour, the logo and the night hours. Pure.
 *
 * Each setting is checked on its own and falls back to its default alone, so a
 * bad value costs neither the other settings nor the timetable; an old manifest
 * without the block shows the defaults the publisher would have written.
 */

/**
 * @typedef {"arab" | "latn"} Digits
 * @typedef {{start: number, end: number}} Night  minutes after local midnight
 * @typedef {{fill: string, text: string}} Accent  the school's colour, and the
 *   same colour made legible as text on the page's panels
 * @typedef {{hijri: boolean, digits: Digits, accent: Accent | null,
 *   logo: string | null, night: Night | null}} Display
 */

/** What the publisher resolves when a school sets nothing (publisher/build/manifest.py). */
export const DEFAULTS = {
  ar: { hijri: true, digits: /** @type {Digits} */ ("arab") },
  en: { hijri: false, digits: /** @type {Digits} */ ("latn") },
};

/** The panel the accent is read on as text (`--panel-strong` in screen.css). */
export const PANEL = "#1b3550";
/** Text contrast wanted against PANEL (WCAG's 4.5:1 for body text). */
export const TEXT_CONTRAST = 4.5;

// "#rrggbb" only: anything else (a name, rgb(), a ";") never reaches the CSS.
const COLOUR = /^#[0-9a-fA-F]{6}$/;
// The logo's name beside the manifest, as the publisher writes it: never a path elsewhere.
const LOGO = /^logo-[0-9a-f]+\.(png|jpg|webp)$/;
const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The settings in a manifest's `school.display` (absent or not an object: the
 * defaults for `locale`).
 * @param {unknown} block
 * @param {string} locale
 * @returns {Display}
 */
export function displaySettings(block, locale) {
  const defaults = locale === "en" ? DEFAULTS.en : DEFAULTS.ar;
  /** @type {Record<string, unknown>} */
  const given = block && typeof block === "object" ? /** @type {any} */ (block) : {};
  const { hijri, digits, accent, logo, night } = given;
  return {
    hijri: typeof hijri === "boolean" ? hijri : defaults.hijri,
    digits: digits === "arab" || digits === "latn" ? digits : defaults.digits,
    accent: typeof accent === "string" && COLOUR.test(accent) ? accentColours(accent) : null,
    logo: typeof logo === "string" && LOGO.test(logo) ? logo : null,
    night: nightHours(night),
  };
}

/**
 * Night hours as minutes after midnight, or null unless both ends are "HH:MM"
 * and differ.
 * @param {unknown} value
 * @returns {Night | null}
 */
function nightHours(value) {
  if (!value || typeof value !== "object") return null;
  const { start, end } = /** @type {Record<string, unknown>} */ (value);
  const minutes = (/** @type {unknown} */ text) => {
    const match = typeof text === "string" ? CLOCK.exec(text) : null;
    return match ? Number(match[1]) * 60 + Number(match[2]) : null;
  };
  const from = minutes(start);
  const to = minutes(end);
  if (from === null || to === null || from === to) return null;
  return { start: from, end: to };
}

/**
 * Whether the screen is dimmed at `minute` (local minutes after midnight): from
 * `start` included to `end` excluded, across midnight when `end` is earlier.
 * @param {Night | null} night
 * @param {number} minute
 */
export function isNight(night, minute) {
  if (!night) return false;
  return night.start < night.end
    ? night.start <= minute && minute < night.end
    : minute >= night.start || minute < night.end;
}

/**
 * The school's colour for lines and edges (as given), and for text: the same
 * colour mixed with white just enough to read on the page's dark panels, so a
 * dark green accent still gives a legible "Lesson now".
 * @param {string} colour  "#rrggbb"
 * @returns {Accent}
 */
export function accentColours(colour) {
  const fill = colour.toLowerCase();
  const rgb = channels(fill);
  let text = fill;
  for (let step = 1; step <= 20 && contrast(text, PANEL) < TEXT_CONTRAST; step += 1) {
    text = hex(rgb.map((c) => c + ((255 - c) * step) / 20));
  }
  return { fill, text };
}

/**
 * The contrast ratio of two colours (WCAG 2: 1 to 21).
 * @param {string} a  "#rrggbb"
 * @param {string} b  "#rrggbb"
 */
export function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * Relative luminance (WCAG 2).
 * @param {string} colour  "#rrggbb"
 */
function luminance(colour) {
  const [r, g, b] = channels(colour).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** @param {string} colour "#rrggbb" */
function channels(colour) {
  return [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16));
}

/** @param {number[]} rgb */
function hex(rgb) {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}
