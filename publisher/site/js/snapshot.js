// @ts-check
/**
 * Checking what the publisher wrote, and choosing which day files to hold and
 * show. Pure: nothing here fetches; a document that does not look right throws,
 * so it can never replace good data.
 */

import { prepareDay } from "./schedule.js";

export const MANIFEST_SCHEMA = 1;
export const DAY_SCHEMA = 1;

/**
 * @typedef {import("./schedule.js").Day} Day
 * @typedef {{date: string, path: string, sha256: string}} Entry
 * @typedef {{schema: number,
 *   school: {name: string, timezone: string, locale: string, display?: unknown,
 *     class_groups?: unknown},
 *   revision: number, revised_at: string | null, poll_interval: number, days: Entry[]}} Manifest
 *   `school.class_groups`: the school's named groups of classes, when it has some (views.js)
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Relative to the manifest, inside its days/ folder: never anything else on the origin.
const DAY_PATH = /^days\/[A-Za-z0-9._-]+\.json$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The manifest in `text`, or an exception saying what is wrong with it.
 * @param {string} text
 * @returns {Manifest}
 */
export function parseManifest(text) {
  const doc = JSON.parse(text);
  if (!doc || typeof doc !== "object") throw new Error("manifest: not an object");
  if (doc.schema !== MANIFEST_SCHEMA) throw new Error(`manifest: schema ${doc.schema}`);
  const school = doc.school;
  if (!school || typeof school.name !== "string" || typeof school.timezone !== "string") {
    throw new Error("manifest: no school name or time zone");
  }
  if (!Number.isInteger(doc.revision)) throw new Error("manifest: no revision");
  if (!Number.isFinite(doc.poll_interval) || doc.poll_interval < 5 || doc.poll_interval > 3600) {
    throw new Error(`manifest: poll interval ${doc.poll_interval}`);
  }
  if (!Array.isArray(doc.days)) throw new Error("manifest: no days");
  for (const entry of doc.days) {
    if (!entry || !DATE.test(entry.date) || !DAY_PATH.test(entry.path) || !SHA256.test(entry.sha256)) {
      throw new Error(`manifest: bad day entry ${JSON.stringify(entry)}`);
    }
  }
  // Probe the zone now: an unknown one would throw later, every second.
  new Intl.DateTimeFormat("en", { timeZone: school.timezone });
  return doc;
}

/**
 * The day file in `text`, checked against the manifest entry that named it.
 * @param {string} text
 * @param {Entry} entry
 * @returns {Day}
 */
export function parseDay(text, entry) {
  const doc = JSON.parse(text);
  if (!doc || typeof doc !== "object") throw new Error(`${entry.path}: not an object`);
  if (doc.schema !== DAY_SCHEMA) throw new Error(`${entry.path}: schema ${doc.schema}`);
  if (doc.date !== entry.date) throw new Error(`${entry.path}: date ${doc.date}, not ${entry.date}`);
  if (!Array.isArray(doc.periods)) throw new Error(`${entry.path}: no periods`);
  const day = prepareDay(doc);
  if (!(day.startMs < day.endMs)) throw new Error(`${entry.path}: empty day`);
  return day;
}

/**
 * The entries to hold: today's local date and every later one the manifest
 * names (prefetched, so midnight needs no request). Past dates are not fetched.
 * @param {Manifest} manifest
 * @param {string} today  "YYYY-MM-DD" in the school's zone
 * @returns {Entry[]}
 */
export function wantedEntries(manifest, today) {
  return manifest.days.filter((entry) => entry.date >= today);
}

/**
 * The day to show at `now`: the one the manifest names if it is held, else any
 * held day covering `now` (today's new file has not arrived yet: the older copy
 * of the same date is better than nothing).
 * @param {Manifest | null} manifest
 * @param {Map<string, Day>} held  by path
 * @param {number} now
 * @returns {Day | null}
 */
export function dayAt(manifest, held, now) {
  const covers = (/** @type {Day | undefined} */ day) =>
    day !== undefined && day.startMs <= now && now < day.endMs;
  for (const entry of manifest?.days ?? []) {
    const day = held.get(entry.path);
    if (covers(day)) return /** @type {Day} */ (day);
  }
  for (const day of held.values()) if (covers(day)) return day;
  return null;
}

/**
 * The held day of the local date `date` ("YYYY-MM-DD"), or null: how the screen
 * shows the next school day's first lessons and changes from what it already
 * holds, never from a new request.
 * @param {Manifest | null} manifest
 * @param {Map<string, Day>} held  by path
 * @param {string | undefined} date
 * @returns {Day | null}
 */
export function heldDayOn(manifest, held, date) {
  if (!date) return null;
  for (const entry of manifest?.days ?? []) {
    const day = held.get(entry.path);
    if (entry.date === date && day) return day;
  }
  for (const day of held.values()) if (day.date === date) return day;
  return null;
}

/**
 * The held days worth keeping: those the manifest names, and any covering `now`.
 * @param {Manifest} manifest
 * @param {Map<string, Day>} held
 * @param {number} now
 * @returns {Map<string, Day>}
 */
export function keepDays(manifest, held, now) {
  const named = new Set(manifest.days.map((entry) => entry.path));
  const kept = new Map();
  for (const [path, day] of held) {
    if (named.has(path) || (day.startMs <= now && now < day.endMs)) kept.set(path, day);
  }
  return kept;
}

/**
 * The start of the earliest held day: a device clock earlier than this is
 * obviously wrong (the publisher never publishes a date before its today).
 * @param {Map<string, Day>} held
 * @returns {number | null}
 */
export function earliestStart(held) {
  let earliest = null;
  for (const day of held.values()) if (earliest === null || day.startMs < earliest) earliest = day.startMs;
  return earliest;
}
