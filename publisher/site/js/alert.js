// @ts-check
/**
 * Alerts on the screen: reading a school's alert object (`alert.json`), and
 * which alert shows at an instant. Pure: the text and the time are arguments.
 *
 * An alert object is polled on its own short cycle, apart from the manifest,
 * and never decides anything else: a missing or malformed one means "no
 * alert", so it can take nothing off the screen. An alert ends at its `until`
 * on the screen's own clock, with no request; the object is only asked whether
 * an alert was put up or cleared.
 */

/**
 * @typedef {"urgent" | "notice"} Level
 * @typedef {{level: Level, text: string, secondText: string | null,
 *   since: number, until: number | null}} Alert
 *   `since` and `until` are epoch milliseconds; `until` null: until cleared
 * @typedef {{alerts: Alert[]}} Alerts
 * @typedef {{alert: Alert, index: number, count: number}} Shown
 *   the alert on screen, and which of how many of its level take turns
 */

/** The levels, the most pressing first: a screen shows the alerts of the first one up. */
export const LEVELS = /** @type {const} */ (["urgent", "notice"]);

/** @type {Alerts} */
export const NO_ALERTS = Object.freeze({ alerts: [] });

/** The takeover's heading, in the page's language. */
export const LABELS = {
  ar: { urgent: "تنبيه عاجل", notice: "تنبيه" },
  en: { urgent: "Urgent", notice: "Notice" },
};

/**
 * An alert object's text as alerts. A document that is not JSON, not schema 1,
 * or without an `alerts` list is no alert at all; an entry that is not an
 * alert (no text, an unknown level, a date that does not parse) is left out
 * alone, so a bad notice cannot hide a good urgent alert.
 * @param {string} text
 * @returns {Alerts}
 */
export function parseAlerts(text) {
  /** @type {any} */
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return NO_ALERTS;
  }
  if (!doc || typeof doc !== "object" || doc.schema !== 1 || !Array.isArray(doc.alerts)) {
    return NO_ALERTS;
  }
  const alerts = [];
  for (const entry of doc.alerts) {
    const alert = readAlert(entry);
    if (alert) alerts.push(alert);
  }
  return { alerts };
}

/**
 * @param {any} entry
 * @returns {Alert | null}
 */
function readAlert(entry) {
  if (!entry || typeof entry !== "object") return null;
  const { level, text, second_text: second, since, until } = entry;
  if (!LEVELS.includes(level) || typeof text !== "string" || !text.trim()) return null;
  if (second !== undefined && typeof second !== "string") return null;
  const sinceMs = typeof since === "string" ? Date.parse(since) : Number.NaN;
  const untilMs = until === undefined ? null : typeof until === "string" ? Date.parse(until) : Number.NaN;
  if (!Number.isFinite(sinceMs) || (untilMs !== null && !Number.isFinite(untilMs))) return null;
  return { level, text, secondText: second?.trim() ? second : null, since: sinceMs, until: untilMs };
}

/**
 * The alert on screen at `now`, or null: among those not past their `until`,
 * the ones of the most pressing level take turns, `pageMs` each, on the clock
 * (the same instant always shows the same one, as the page's other lists do).
 * @param {Alerts} alerts
 * @param {number} now
 * @param {number} pageMs
 * @returns {Shown | null}
 */
export function alertAt(alerts, now, pageMs) {
  const live = alerts.alerts.filter((a) => a.until === null || now < a.until);
  if (live.length === 0) return null;
  const top = Math.min(...live.map((a) => LEVELS.indexOf(a.level)));
  const shown = live.filter((a) => LEVELS.indexOf(a.level) === top);
  const index = Math.floor(now / pageMs) % shown.length;
  return { alert: shown[index], index, count: shown.length };
}

/**
 * The takeover's text size, by how much it holds: a short alert fills the
 * screen, the longest (two texts of 300 characters) still fits whole.
 * @param {Alert} alert
 * @returns {"large" | "medium" | "small"}
 */
export function alertSize(alert) {
  const chars = alert.text.length + (alert.secondText?.length ?? 0);
  if (chars <= 80) return "large";
  return chars <= 240 ? "medium" : "small";
}
