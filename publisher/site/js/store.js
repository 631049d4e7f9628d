// @ts-check
/**
 * What the screen keeps across reloads, in localStorage: the last good
 * manifest and the day files it holds (so a reload, even offline, shows the
 * last good day at once), the last alert object (an alert up when the screen
 * reloads offline stays until its end), when the last poll succeeded, when the
 * page last reloaded itself, and the screen's own random id.
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

const SCREEN_ID = `screen:${VERSION}:id`;
const SCREEN_ID_FORM = /^[0-9a-f]{16}$/;

/**
 * This screen's random id: made once and kept, so the CDN's access log can
 * tell one screen's polls from another's (`publisher screens`). It belongs to
 * the browser, not to a school. When storage is unavailable the screen gets a
 * new id on every load: it then shows as a new screen after each reload.
 * `crypto.getRandomValues`, unlike `randomUUID`, works on plain http too.
 * @returns {string}
 */
export function screenId() {
  const saved = read(SCREEN_ID);
  if (typeof saved === "string" && SCREEN_ID_FORM.test(saved)) return saved;
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const id = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  write(SCREEN_ID, id);
  return id;
}

/** @param {string} school @returns {string} the alert object's text, "" when none */
export function loadAlerts(school) {
  const value = read(key(school, "alerts"));
  return typeof value === "string" ? value : "";
}

/** @param {string} school @param {string} text */
export function saveAlerts(school, text) {
  write(key(school, "alerts"), text);
}

/**
 * A store that keeps nothing and finds nothing: a preview's (preview.js). A
 * preview opened in the live screen's browser must neither show that screen's
 * saved state nor change it; it has no screen id, since it is no screen.
 */
export const NOTHING_KEPT = {
  loadData: (/** @type {string} */ _school) => null,
  saveData: (/** @type {string} */ _school, /** @type {string} */ _manifest, /** @type {[Entry, string][]} */ _days) => {},
  loadLastSuccess: (/** @type {string} */ _school) => null,
  saveLastSuccess: (/** @type {string} */ _school, /** @type {number} */ _at) => {},
  loadReloads: (/** @type {string} */ _school) => /** @type {number[]} */ ([]),
  saveReloads: (/** @type {string} */ _school, /** @type {number[]} */ _times) => {},
  screenId: () => "",
  loadAlerts: (/** @type {string} */ _school) => "",
  saveAlerts: (/** @type {string} */ _school, /** @type {string} */ _text) => {},
};
