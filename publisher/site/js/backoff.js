// @ts-check
/**
 * When to ask the network next, and when the screen may reload itself. Pure:
 * the time and the random draw are arguments.
 *
 * Regular polls wait the manifest's interval plus a fixed offset per school
 * (derived from its key) plus a random jitter per screen, so hundreds of
 * screens that started together drift apart instead of asking in the same
 * second. After a failure the screen retries sooner, backing off exponentially
 * with jitter up to a cap, and returns to the regular rhythm after a success.
 */

/** @typedef {{baseMs: number, factor: number, capMs: number, jitter: number}} Backoff */

/** @type {Backoff} */
export const DEFAULT_BACKOFF = { baseMs: 2000, factor: 1.5, capMs: 30000, jitter: 0.25 };

/**
 * The wait before retry number `failures` (1 after the first failure):
 * base * factor^(failures-1), capped, then up to `jitter` of it taken off at
 * random. Taking jitter off (never adding it) keeps the cap a real cap.
 * @param {number} failures
 * @param {number} random  in [0, 1)
 * @param {Backoff} [backoff]
 */
export function retryDelay(failures, random, backoff = DEFAULT_BACKOFF) {
  const nominal = Math.min(backoff.capMs, backoff.baseMs * backoff.factor ** Math.max(0, failures - 1));
  return Math.round(nominal * (1 - backoff.jitter * random));
}

/**
 * A fixed offset for a school in [0, windowMs): FNV-1a of its key, so every
 * screen of a school agrees and different schools spread out.
 * @param {string} key
 * @param {number} windowMs
 */
export function schoolOffset(key, windowMs) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, Math.round(windowMs));
}

/**
 * The wait until the next regular poll: the manifest's interval, then the
 * school's fixed offset, then `random * jitterMs`. The interval is the least a
 * screen waits; the offset spreads schools, the jitter a school's screens.
 * @param {number} intervalMs
 * @param {number} offsetMs
 * @param {number} jitterMs
 * @param {number} random  in [0, 1)
 */
export function pollDelay(intervalMs, offsetMs, jitterMs, random) {
  return Math.round(intervalMs + offsetMs + random * jitterMs);
}

/**
 * Whether the data on screen is older than it should be: `polls` regular
 * polls' worth of time (`pollMs` each, the longest a regular wait can be)
 * without a success.
 * @param {number} now
 * @param {number | null} lastSuccessAt
 * @param {number} pollMs
 * @param {number} polls
 */
export function isStale(now, lastSuccessAt, pollMs, polls) {
  return lastSuccessAt !== null && now - lastSuccessAt > polls * pollMs;
}

/**
 * Whether a self-reload is allowed now, given the times of earlier ones: never
 * two within `minGapMs`, at most `perHour` in an hour, so a page can never loop.
 * @param {number[]} history  times of earlier reloads
 * @param {number} now
 * @param {{minGapMs: number, perHour: number}} limits
 */
export function reloadAllowed(history, now, limits) {
  const recent = history.filter((t) => t <= now && now - t < 3_600_000);
  if (recent.length >= limits.perHour) return false;
  return recent.every((t) => now - t >= limits.minGapMs);
}
