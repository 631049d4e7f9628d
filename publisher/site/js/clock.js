// @ts-check
/**
 * The screen's clock, corrected from the server's `Date` (plus `Age`) header.
 * Pure: device times are arguments.
 *
 * Only responses that really crossed the network may be sampled (the caller
 * drops copies replayed by the service worker). `Date` has one-second
 * resolution, so the median of the last few samples is used and changes
 * smaller than a second are ignored: a clock that jumps at every poll looks
 * broken. A device clock that is obviously wrong (more than a day off, or
 * earlier than the snapshot it shows) takes the newest server time at once.
 */

export const SAMPLES_KEPT = 5;
const DAY_MS = 86_400_000;
const RESOLUTION_MS = 1000;

/** @typedef {{samples: number[], offset: number}} Skew  offsets are server minus device, ms */

/** @type {Skew} */
export const NO_SKEW = { samples: [], offset: 0 };

/**
 * What one response says about the device clock: server minus device, in ms,
 * or null when it carries no usable `Date`.
 * @param {string | null} date  the `Date` header
 * @param {string | null} age  the `Age` header (seconds a cache held the response)
 * @param {number} sentAt  device time when the request left
 * @param {number} receivedAt  device time when the response headers arrived
 */
export function offsetFromHeaders(date, age, sentAt, receivedAt) {
  if (!date) return null;
  const server = Date.parse(date);
  if (Number.isNaN(server)) return null;
  const ageSeconds = age && /^\d+$/.test(age.trim()) ? Number(age.trim()) : 0;
  // Date is truncated to the second (add half of one); the server wrote it
  // about half a round trip before the response arrived.
  const serverAtReceipt = server + 500 + ageSeconds * 1000 + Math.max(0, receivedAt - sentAt) / 2;
  return Math.round(serverAtReceipt - receivedAt);
}

/**
 * The skew after one more sample.
 * @param {Skew} skew
 * @param {number} offset  from offsetFromHeaders
 * @param {number} deviceNow
 * @param {number | null} earliest  the start of the earliest day the screen holds
 * @returns {Skew}
 */
export function addSample(skew, offset, deviceNow, earliest) {
  const obviouslyWrong = Math.abs(offset) > DAY_MS || (earliest !== null && deviceNow < earliest);
  if (obviouslyWrong) return { samples: [offset], offset };
  const samples = [...skew.samples, offset].slice(-SAMPLES_KEPT);
  const middle = median(samples);
  return {
    samples,
    offset: Math.abs(middle - skew.offset) < RESOLUTION_MS ? skew.offset : middle,
  };
}

/**
 * The corrected time.
 * @param {number} deviceNow
 * @param {Skew} skew
 */
export function correctedNow(deviceNow, skew) {
  return deviceNow + skew.offset;
}

/**
 * The middle sample (the upper one of two): always a value some response gave.
 * @param {number[]} values
 */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
