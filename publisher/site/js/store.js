// @ts-check
/**
 * What the screen keeps across reloads, in localStorage: the last good
 * manifest and the day files it holds (so a reload, even offline, shows the
 * last good day at once), when the last poll succeeded, and when the page last
 * reloaded itself.
 */

/** @typedef {import("./snapshot.js").Entry} Entry */

const VERSION = "v1";

/** @param {string} school @param {string} what */
const key = (school, what) => `screen:${VERSION}:${school}:${what}`;

/**
 * @param {string} name
 * @returns {any}
 */
function read(name) {
  try {
    const text = localStorage.getItem(name);
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * @param {string} name
 * @param {unknown} value
 */
function write(name, value) {
  try {
    localStorage.setItem(name, JSON.stringify(value));
  } catch {
    // Full or disabled storage: the screen keeps running from memory.
  }
}

/**
 * The saved manifest's text and each held day file's manifest entry and text, or
 * null. Callers check them again as if they came from the network.
 * @param {string} school
 * @returns {{manifest: string, days: [Entry, string][]} | null}
 */
export function loadData(school) {
  const saved = read(key(school, "data"));
  if (!saved || typeof saved.manifest !== "string" || !Array.isArray(saved.days)) return null;
  return saved;
}

/**
 * Saves the manifest's and day files' texts (only call when they changed).
 * @param {string} school
 * @param {string} manifest
 * @param {[Entry, string][]} days  each day file's manifest entry and text
 */
export function saveData(school, manifest, days) {
  write(key(school, "data"), { manifest, days });
}

/** @param {string} school @returns {number | null} */
export function loadLastSuccess(school) {
  const value = read(key(school, "ok"));
  return typeof value === "number" ? value : null;
}

/** @param {string} school @param {number} at */
export function saveLastSuccess(school, at) {
  write(key(school, "ok"), at);
}

/** @param {string} school @returns {number[]} */
export function loadReloads(school) {
  const value = read(key(school, "reloads"));
  return Array.isArray(value) ? value.filter((t) => typeof t === "number") : [];
}

/** @param {string} school @param {number[]} times */
export function saveReloads(school, times) {
  write(key(school, "reloads"), times.slice(-10));
}
