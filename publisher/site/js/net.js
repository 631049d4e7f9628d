// @ts-check
/**
 * Everything that talks to the network: fetching with a timeout, the
 * manifest's polling URL, checking a day file's hash, reading the build of the published page, the service
 * worker, and reloading the page.
 */

/**
 * @typedef {{text: string, date: string | null, age: string | null, fromCache: boolean,
 *   sentAt: number, receivedAt: number}} Fetched
 */

/** An answer that came but is not a 2xx: its status tells a missing object (404) from a failure. */
export class HttpError extends Error {
  /** @param {number} status @param {string} url */
  constructor(status, url) {
    super(`HTTP ${status} for ${url}`);
    this.status = status;
  }
}

/**
 * GET `url` as text, aborted after `timeoutMs` (body included). Anything but a
 * 2xx is an error (HttpError). `fromCache` is true when the service worker answered from
 * its cache instead of the network (it marks such copies with `X-From-Cache`).
 * @param {string} url
 * @param {{timeoutMs: number, cache?: RequestCache}} options
 * @returns {Promise<Fetched & {bytes: ArrayBuffer}>}
 */
export async function fetchText(url, { timeoutMs, cache = "default" }) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const sentAt = Date.now();
  try {
    const response = await fetch(url, { cache, signal: controller.signal, credentials: "same-origin" });
    const receivedAt = Date.now();
    if (!response.ok) throw new HttpError(response.status, url);
    const bytes = await response.arrayBuffer();
    return {
      text: new TextDecoder("utf-8", { fatal: true }).decode(bytes),
      bytes,
      date: response.headers.get("date"),
      age: response.headers.get("age"),
      fromCache: response.headers.get("x-from-cache") === "sw",
      sentAt,
      receivedAt,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The manifest's URL as a screen polls it, saying who asks: the screen's id,
 * its page build and the data revision it holds (0 before any). The CDN's
 * cache key ignores the query string, so every screen still shares one cached
 * copy; its access log keeps it, and `publisher screens` reads it there.
 * @param {string} manifestUrl
 * @param {{screen: string, build: string, rev: number}} about
 */
export function pollUrl(manifestUrl, { screen, build, rev }) {
  const url = new URL(manifestUrl);
  url.searchParams.set("screen", screen);
  url.searchParams.set("build", build);
  url.searchParams.set("rev", String(rev));
  return url.href;
}

/**
 * A day file's text, refused unless its SHA-256 is the one the manifest names.
 * @param {string} url
 * @param {string} sha256
 * @param {number} timeoutMs
 */
export async function fetchDay(url, sha256, timeoutMs) {
  const fetched = await fetchText(url, { timeoutMs });
  if (globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", fetched.bytes));
    const hex = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== sha256) throw new Error(`${url}: hash ${hex.slice(0, 16)}, not ${sha256.slice(0, 16)}`);
  }
  return fetched.text;
}

/**
 * The build hash written in the published page at `url` (fetched past every
 * cache but the CDN's), or null when the answer did not come from the network.
 * @param {string} url
 * @param {number} timeoutMs
 */
export async function fetchPageBuild(url, timeoutMs) {
  const fetched = await fetchText(url, { timeoutMs, cache: "no-cache" });
  if (fetched.fromCache) return null;
  const page = new DOMParser().parseFromString(fetched.text, "text/html");
  const config = JSON.parse(page.getElementById("config")?.textContent ?? "{}");
  return typeof config.build === "string" ? config.build : null;
}

/** @typedef {{pages: string[], days: string[], logo: string | null, build: string}} Warm */

/**
 * Registers the service worker, then asks it to keep copies of what this
 * screen needs offline. Failures are ignored: the screen works without it.
 * @param {string} scriptUrl
 * @param {() => Warm} warm  what to keep, asked once the worker is active
 */
export async function startServiceWorker(scriptUrl, warm) {
  try {
    if (!("serviceWorker" in navigator)) return;
    await navigator.serviceWorker.register(scriptUrl);
    const registration = await navigator.serviceWorker.ready;
    registration.active?.postMessage({ type: "warm", ...warm() });
  } catch {
    // No service worker (blocked, or an insecure origin): the page still runs.
  }
}

/**
 * Tells the service worker, once active, what this screen needs offline: its
 * page and manifest, the day files it holds, its logo, and its build's assets.
 * @param {Warm} warm
 */
export async function warmServiceWorker(warm) {
  try {
    if (!("serviceWorker" in navigator)) return;
    const registration = await navigator.serviceWorker.ready;
    registration.active?.postMessage({ type: "warm", ...warm });
  } catch {
    // Nothing to warm.
  }
}

/** Loads the page again (a new build, or the daily refresh). */
export function reloadPage() {
  location.reload();
}
