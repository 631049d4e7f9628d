// @ts-check
/**
 * Preview mode: `?at=2026-12-07T07:29:50&speed=60` shows what the screen will
 * show at that instant (the school's wall time), running from there N times
 * faster. Pure: the query string, the zone and the device's times are arguments.
 *
 * A preview must never pass for the live screen nor touch its state: main.js
 * gives it a store that keeps nothing, no service worker, polls that say
 * nobody asks, and no reloads. A bad `at` or `speed` is a message on screen,
 * never a blank page and never the live screen instead.
 */

/** The fastest a preview runs: an hour a second. */
export const MAX_SPEED = 3600;

const AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const SPEED = /^\d+(\.\d+)?$/;

/**
 * @typedef {{at: number, wall: string, speed: number}} Preview  `at` the instant
 *   (UTC ms) the preview starts from, `wall` as given (seconds added), `speed` the factor
 * @typedef {{preview: Preview | null, error: string | null}} PreviewRequest  neither
 *   for the live screen; `error` says what is wrong with a preview asked for
 */

/**
 * What the page's query string asks: the live screen, a preview, or a preview
 * that cannot be shown (and why, in words an administrator can act on).
 * @param {string} search  `location.search`
 * @param {string} zone  the school's IANA time zone
 * @returns {PreviewRequest}
 */
export function readPreview(search, zone) {
  const params = new URLSearchParams(search);
  const at = params.get("at");
  const speedText = params.get("speed");
  if (at === null && speedText === null) return { preview: null, error: null };
  if (at === null) return { preview: null, error: "speed needs at=YYYY-MM-DDTHH:MM[:SS]" };
  const wall = wallTime(at);
  if (wall === null) return { preview: null, error: `at=${at}: not a time, expected YYYY-MM-DDTHH:MM[:SS]` };
  const speed = speedText === null ? 1 : SPEED.test(speedText) ? Number(speedText) : Number.NaN;
  if (!(speed >= 1 && speed <= MAX_SPEED)) {
    return { preview: null, error: `speed=${speedText}: not a number from 1 to ${MAX_SPEED}` };
  }
  return { preview: { at: zonedInstant(wall, zone), wall: wall.text, speed }, error: null };
}

/**
 * A wall time's fields, or null when `text` is not one (a 31 April, a 24:00).
 * @param {string} text
 * @returns {{fields: number[], text: string} | null}
 */
function wallTime(text) {
  const match = AT.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((f) => Number(f ?? 0));
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second;
  if (!valid) return null;
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return {
    fields: [year, month, day, hour, minute, second],
    text: `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${two(second)}`,
  };
}

/**
 * The instant a wall time names in `zone`. Corrected twice, so an hour a
 * daylight-saving change skips or repeats still lands on an instant of that hour.
 * @param {{fields: number[]}} wall
 * @param {string} zone
 */
function zonedInstant({ fields }, zone) {
  const [year, month, day, hour, minute, second] = fields;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  let instant = asUtc - zoneOffset(asUtc, zone);
  instant = asUtc - zoneOffset(instant, zone);
  return instant;
}

/**
 * How far `zone`'s wall clock is ahead of UTC at `instant`, in ms.
 * @param {number} instant
 * @param {string} zone
 */
export function zoneOffset(instant, zone) {
  const format = new Intl.DateTimeFormat("en-GB-u-ca-gregory-nu-latn", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  /** @type {Record<string, number>} */
  const p = {};
  for (const part of format.formatToParts(instant)) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The preview's clock at device time `deviceNow`: `at` when the page started
 * (`deviceStart`), then `speed` times faster than the device's.
 * @param {Preview} preview
 * @param {number} deviceStart
 * @param {number} deviceNow
 */
export function previewNow(preview, deviceStart, deviceNow) {
  return preview.at + (deviceNow - deviceStart) * preview.speed;
}

/**
 * The preview instant data fetched at preview instant `fetchedAt` is as old as:
 * its age in device time, so a fast preview does not make its data look stale.
 * @param {Preview} preview
 * @param {number} deviceStart
 * @param {number} deviceNow
 * @param {number | null} fetchedAt  a preview instant, or null
 */
export function freshAt(preview, deviceStart, deviceNow, fetchedAt) {
  if (fetchedAt === null) return null;
  const fetchedOnDevice = deviceStart + (fetchedAt - preview.at) / preview.speed;
  return previewNow(preview, deviceStart, deviceNow) - (deviceNow - fetchedOnDevice);
}

export const LABELS = {
  ar: { mark: "معاينة", from: "من", speed: "السرعة", error: "لا يمكن عرض المعاينة" },
  en: { mark: "PREVIEW", from: "from", speed: "speed", error: "This preview cannot be shown" },
};

/**
 * The words of the preview mark: "PREVIEW" and the instant previewed, with the
 * speed when it is not 1 ("from Monday 7 December 07:29:50 · speed ×60").
 * @param {Preview} preview
 * @param {"ar" | "en"} locale
 * @param {import("./format.js").Format} fmt
 */
export function previewMark(preview, locale, fmt) {
  const words = LABELS[locale] ?? LABELS.ar;
  const instant = `${fmt.shortDate(preview.at)} ${fmt.time(preview.at)}:${fmt.seconds(preview.at)}`;
  const speed = preview.speed === 1 ? "" : `${fmt.strings.sep}${words.speed} ×${fmt.number(preview.speed)}`;
  return { mark: words.mark, detail: `${words.from} ${instant}${speed}` };
}
