// @ts-check
/**
 * Wires the screen together: a tick every second draws the day from what is
 * held; a poll loop keeps the manifest and its day files fresh, and a shorter
 * one the school's alerts (alert.js, takeover.js). Drawing never
 * waits for the network, and the network is never asked because of the time
 * of day: midnight and a countdown's zero are only redraws.
 */

import { LABELS, alertAt, alertSize, parseAlerts } from "./alert.js";
import { createAppearance } from "./appearance.js";
import { isStale, pollDelay, reloadAllowed, retryDelay, schoolOffset } from "./backoff.js";
import { NO_SKEW, addSample, correctedNow, offsetFromHeaders } from "./clock.js";
import { DEFAULTS, displaySettings, isNight } from "./display.js";
import { makeFormat } from "./format.js";
import { IDENTIFY_KEY, describeError, identifyLines } from "./identify.js";
import {
  HttpError,
  fetchDay,
  fetchPageBuild,
  fetchText,
  pollUrl,
  reloadPage,
  startServiceWorker,
  warmServiceWorker,
} from "./net.js";
import { createOverlays } from "./overlay.js";
import { LABELS as PREVIEW_LABELS, freshAt, previewMark, previewNow, readPreview } from "./preview.js";
import { createNote, createScreen, pageUrl, readConfig } from "./render.js";
import {
  dayAt,
  earliestStart,
  heldDayOn,
  keepDays,
  parseDay,
  parseManifest,
  wantedEntries,
} from "./snapshot.js";
import * as liveStore from "./store.js";
import { createTakeover } from "./takeover.js";
import { buildView } from "./view.js";
import { chooseClasses, dayFilter, readViewParams, screenShape, viewNote } from "./views.js";

/**
 * @typedef {import("./snapshot.js").Manifest} Manifest
 * @typedef {import("./snapshot.js").Entry} Entry
 * @typedef {import("./schedule.js").Day} Day
 */

const config = readConfig(document);
// This screen's own view, from its address (views.js): classes, orientation, language.
const asked = readViewParams(location.search);
const lang = asked.lang ?? (config.locale === "en" ? "en" : "ar");
const key = String(config.school_key);
// `?at=...&speed=N`: a preview (preview.js), which keeps nothing, registers no
// service worker, says no screen id and never reloads itself.
const previewAsked = readPreview(location.search, config.timezone);
const preview = previewAsked.preview;
const previewing = previewAsked.preview !== null || previewAsked.error !== null;
const deviceStart = Date.now();
const store = previewing ? liveStore.NOTHING_KEPT : liveStore;
const manifestUrl = new URL(config.manifest_url, pageUrl()).href;
const screenId = store.screenId();
const screen = createScreen(document);
const appearance = createAppearance(document);
const takeover = createTakeover(document);
const note = createNote(document);
// A held day as this screen shows it: only the classes its address names, if any.
const forScreen = dayFilter();
const root = /** @type {HTMLElement} */ (document.querySelector("[data-screen]"));
if (asked.lang) {
  // The screen's own words in the language asked for; the school's data stays as entered.
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
}
const overlays = createOverlays(document);
const alertUrl = new URL("alert.json", manifestUrl).href;
const offsetMs = schoolOffset(key, config.poll_offset_window_ms);
const backoff = {
  baseMs: config.backoff_base_ms,
  factor: config.backoff_factor,
  capMs: config.backoff_cap_ms,
  jitter: config.backoff_jitter,
};
const layout = {
  pageIntervalMs: config.page_interval_ms,
  announcementsShown: config.announcements_shown,
  announcementChars: config.announcement_chars,
  dutiesShown: config.duties_shown,
  staleBannerMs: config.stale_banner_ms,
};
// Portrait screens have their own design, with room for another number of classes.
const portrait = matchMedia("(orientation: portrait)");
const startedAt = performance.now();

const state = {
  /** @type {Manifest | null} */ manifest: null,
  manifestText: "",
  /** @type {Map<string, Day>} */ days: new Map(),
  /** @type {Map<string, {entry: Entry, text: string}>} */ sources: new Map(),
  skew: NO_SKEW,
  failures: 0,
  /** @type {number | null} */ retryAt: null,
  loaded: false,
  lastSuccessAt: store.loadLastSuccess(key),
  lastBuildCheck: Number.NEGATIVE_INFINITY,
  lastState: "loading",
  /** @type {import("./format.js").Format | null} */ fmt: null,
  fmtKey: "",
  // The school's display settings (the locale's defaults until a manifest says
  // more), and its logo's URL: the name is relative to the manifest, like the day files'.
  display: displaySettings(null, config.locale),
  /** @type {string | null} */ logoUrl: null,
  /** @type {{at: number, text: string} | null} */ lastError: null,
  identify: new URLSearchParams(location.search).has("identify"),
};

// The school's alerts: the object's last text (kept across reloads), as read.
const alerting = { text: store.loadAlerts(key), alerts: parseAlerts(store.loadAlerts(key)), failures: 0 };

const now = () => (preview ? previewNow(preview, deviceStart, Date.now()) : correctedNow(Date.now(), state.skew));
// In a preview the data is as old as it is on the device, whatever the speed.
const lastSuccessAt = () =>
  preview ? freshAt(preview, deviceStart, Date.now(), state.lastSuccessAt) : state.lastSuccessAt;

function format() {
  // The zone the page was published with until a manifest says otherwise: the
  // clock is the school's from the first second, never the device's.
  const zone = state.manifest?.school.timezone ?? config.timezone;
  // The school's digits, unless the address chose the other language: then that one's.
  const digits = lang === config.locale ? state.display.digits : DEFAULTS[lang].digits;
  const fmtKey = `${zone} ${digits}`;
  if (!state.fmt || state.fmtKey !== fmtKey) {
    state.fmt = makeFormat(lang, zone, digits);
    state.fmtKey = fmtKey;
  }
  return state.fmt;
}

/** Announcements are never cut in pieces shorter than this (characters) to fit. */
const MIN_ANNOUNCEMENT_CHARS = 40;

/**
 * What fits, found by drawing (only the laid-out page knows how its texts wrap).
 * A day whose compact class cards spill is drawn roomy from then on (by screen
 * size and date). The moment's column shows as many changes and duties at a
 * time as fit: one fewer of whichever shows more (duties on a tie), down to one
 * each, and then cuts announcements into shorter pieces (a third shorter at a
 * time, down to MIN_ANNOUNCEMENT_CHARS); roomy cards that still spill get a row
 * fewer a page. All but the roomy
 * days start again from the most the configuration allows whenever what is
 * drawn changes shape (another screen size, state, period or list).
 */
const fit = {
  key: "",
  changes: 0,
  duties: 0,
  announcementChars: 0,
  classes: 0,
  /** @type {Set<string>} */ roomy: new Set(),
};

/**
 * The layout the view is built with on this screen: the configuration's, less
 * what was found not to fit.
 * @param {"portrait" | "landscape"} shape
 * @param {string} size  shape and viewport, prefixing the roomy days' keys
 */
function fittedLayout(shape, size) {
  return {
    ...layout,
    perPage: config.classes_per_page[shape],
    changesShown: fit.changes || config.changes_shown[shape],
    dutiesShown: fit.duties || layout.dutiesShown,
    announcementChars: fit.announcementChars || layout.announcementChars,
    classesShown: fit.classes || undefined,
    roomyDays: [...fit.roomy].filter((k) => k.startsWith(size)).map((k) => k.slice(size.length)),
  };
}

/**
 * Draws views built by `viewWith` until nothing spills, taking one thing away
 * at a time (see `fit`); returns the view on screen.
 * @param {import("./view.js").View} view  the view on screen
 * @param {() => import("./view.js").View} viewWith
 * @param {"portrait" | "landscape"} shape
 * @param {string} size
 */
function fitToScreen(view, viewWith, shape, size) {
  for (;;) {
    const crowding = screen.crowding();
    const changes = view.changes.reduce((sum, group) => sum + group.items.length, 0);
    const duties = view.duties.length;
    const chars = fit.announcementChars || layout.announcementChars;
    // In portrait the moment's part grows down, squeezing the cards below it.
    const column = crowding.column || (shape === "portrait" && crowding.cards);
    if (crowding.cards && view.density === "compact" && view.classesDay) {
      fit.roomy.add(size + view.classesDay);
    } else if (column && duties > 1 && duties >= changes) {
      fit.duties = duties - 1;
    } else if (column && changes > 1) {
      fit.changes = changes - 1;
    } else if (crowding.column && view.announcements.length && chars > MIN_ANNOUNCEMENT_CHARS) {
      // A long change (a subject with its group, a substitute for a long name) beside
      // a long announcement: the announcement pages in shorter pieces.
      fit.announcementChars = Math.max(MIN_ANNOUNCEMENT_CHARS, Math.floor((chars * 2) / 3));
    } else if (crowding.cards && view.classRows > 1) {
      fit.classes = 2 * (view.classRows - 1);
    } else {
      return view;
    }
    view = viewWith();
    screen.update(view);
  }
}

/**
 * The shape the screen is drawn in: the address's, else the viewport's; turned a
 * quarter turn when the two differ (a panel mounted the other way, screen.css).
 * @returns {"portrait" | "landscape"}
 */
function orient() {
  const { shape, turned } = screenShape(asked.orientation, portrait.matches);
  if (root.dataset.orientation !== shape) root.dataset.orientation = shape;
  if (root.dataset.turned !== String(turned)) root.dataset.turned = String(turned);
  return shape;
}

function draw() {
  const t = now();
  const intervalMs = (state.manifest?.poll_interval ?? 60) * 1000;
  const fmt = format();
  const held = dayAt(state.manifest, state.days, t);
  const choice = chooseClasses(asked.classes, state.manifest?.school.class_groups, held?.classes ?? []);
  const day = forScreen(held, choice.classes);
  const shape = orient();
  note.update(viewNote(lang, asked, choice.unknown));
  const size = `${shape}|${innerWidth}x${innerHeight}|`;
  const viewWith = () =>
    buildView({
      fmt,
      now: t,
      manifest: state.manifest,
      day,
      nextDay: forScreen(heldDayOn(state.manifest, state.days, day?.next_school_day?.date), choice.classes),
      stale: isStale(t, lastSuccessAt(), intervalMs + offsetMs + config.poll_jitter_ms, config.stale_after_polls),
      lastSuccessAt: lastSuccessAt(),
      layout: fittedLayout(shape, size),
      school: config.school_name,
      failures: state.failures,
      retryAt: state.retryAt,
      hijri: state.display.hijri,
    });
  // The school's logo sits in the header: drawn first, so the fitting below sees it.
  appearance.update({
    accent: state.display.accent,
    logo: state.logoUrl,
    night: isNight(state.display.night, fmt.minuteOfDay(t)),
  });
  let view = viewWith();
  const key = [size, view.state, view.title, view.changesHeading, state.manifest?.revision].join("|");
  if (key !== fit.key) {
    Object.assign(fit, { key, changes: 0, duties: 0, announcementChars: 0, classes: 0 });
    view = viewWith();
  }
  screen.update(view);
  state.lastState = fitToScreen(view, viewWith, shape, size).state;
  drawAlert(t, fmt);
  drawOverlays(fmt);
}

/**
 * The preview mark, always, in a preview; the identify panel while asked for.
 * @param {import("./format.js").Format} fmt
 */
function drawOverlays(fmt) {
  const locale = lang;
  if (preview) overlays.showPreview(previewMark(preview, locale, fmt));
  const identity = {
    school: state.manifest?.school.name ?? config.school_name,
    key,
    build: String(config.build),
    revision: state.manifest?.revision ?? null,
    revisedAt: state.manifest?.revised_at ?? null,
    lastSuccessAt: state.lastSuccessAt,
    offsetMs: state.skew.offset,
    lastError: state.lastError,
  };
  overlays.showIdentity(state.identify ? identifyLines(identity, locale, fmt) : null);
}

/** @param {unknown} error  a failed poll, kept for the identify panel */
function noteError(error) {
  state.lastError = { at: now(), text: describeError(error) };
}

/**
 * The takeover at `t`: an alert past its `until` is gone at this tick, with no request.
 * @param {number} t
 * @param {import("./format.js").Format} fmt
 */
function drawAlert(t, fmt) {
  const shown = alertAt(alerting.alerts, t, layout.pageIntervalMs);
  const labels = LABELS[lang];
  takeover.update(shown, {
    label: shown ? labels[shown.alert.level] : "",
    page: shown && shown.count > 1 ? `${fmt.number(shown.index + 1)} / ${fmt.number(shown.count)}` : "",
    size: shown ? alertSize(shown.alert) : "",
  });
}

/**
 * The alert poll, on its own short cycle with jitter. A 404 or a malformed
 * object is "no alert" (the object is the only thing it can take down); a
 * failed request keeps the alerts held, each until its own end, and backs off
 * as the manifest's poll does.
 */
async function pollAlerts() {
  try {
    // Whole, past the browser's cache (a hundred bytes): a conditional request could
    // be answered "not modified" by a whole-second If-Modified-Since.
    const fetched = await fetchText(alertUrl, { timeoutMs: config.poll_timeout_ms, cache: "no-store" });
    takeAlerts(fetched.text);
    alerting.failures = 0;
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) {
      takeAlerts("");
      alerting.failures = 0;
    } else {
      alerting.failures += 1;
      noteError(error);
    }
  }
  drawAlert(now(), format());
  const delay = alerting.failures
    ? retryDelay(alerting.failures, Math.random(), backoff)
    : pollDelay(config.alert_poll_ms, 0, config.alert_jitter_ms, Math.random());
  setTimeout(pollAlerts, delay);
}

/** @param {string} text  the alert object's text, "" when there is none */
function takeAlerts(text) {
  if (text === alerting.text) return;
  alerting.text = text;
  alerting.alerts = parseAlerts(text);
  store.saveAlerts(key, text);
}

function tick() {
  draw();
  setTimeout(tick, 1000 - (now() % 1000) + 10);
}

/**
 * Takes a manifest and day files as held data.
 * @param {Manifest} manifest
 * @param {string} text
 */
function adopt(manifest, text) {
  state.manifest = manifest;
  state.manifestText = text;
  state.display = displaySettings(manifest.school.display, config.locale);
  state.logoUrl = state.display.logo && new URL(state.display.logo, manifestUrl).href;
  state.days = keepDays(manifest, state.days, now());
  for (const path of state.sources.keys()) if (!state.days.has(path)) state.sources.delete(path);
}

/** The last good data saved by an earlier run of the page, shown before any request. */
function restore() {
  const saved = store.loadData(key);
  if (!saved) return;
  try {
    const manifest = parseManifest(saved.manifest);
    for (const [entry, text] of saved.days) {
      state.days.set(entry.path, parseDay(text, entry));
      state.sources.set(entry.path, { entry, text });
    }
    adopt(manifest, saved.manifest);
  } catch {
    state.days.clear();
    state.sources.clear();
  }
}

function save() {
  store.saveData(key, state.manifestText, [...state.sources.values()].map((s) => [s.entry, s.text]));
  if (!previewing) warmServiceWorker(warmList());
}

function warmList() {
  return {
    pages: [pageUrl(), manifestUrl],
    days: [...state.sources.keys()].map((path) => new URL(path, manifestUrl).href),
    logo: state.logoUrl,
    build: String(config.build),
  };
}

/**
 * One poll: the manifest, then every day file it names from today on that is
 * not held yet. Throws when anything failed; what did arrive is kept.
 */
async function sync() {
  const timeoutMs = state.loaded ? config.poll_timeout_ms : config.first_timeout_ms;
  const about = { screen: screenId, build: String(config.build), rev: state.manifest?.revision ?? 0 };
  // A preview is no screen: its polls must not show in `publisher screens`.
  const url = previewing ? manifestUrl : pollUrl(manifestUrl, about);
  const fetched = await fetchText(url, { timeoutMs, cache: "no-cache" });
  const manifest = parseManifest(fetched.text);
  if (fetched.fromCache && state.manifest) throw new Error("manifest: only the service worker's copy");
  if (!fetched.fromCache) {
    const offset = offsetFromHeaders(fetched.date, fetched.age, fetched.sentAt, fetched.receivedAt);
    if (offset !== null) {
      state.skew = addSample(state.skew, offset, fetched.receivedAt, earliestStart(state.days));
    }
  }
  const zone = manifest.school.timezone;
  const shownZone = state.manifest?.school.timezone ?? config.timezone;
  const today = (zone === shownZone ? format() : makeFormat(lang, zone)).dateKey(now());
  let changed = fetched.text !== state.manifestText;
  let failure = null;
  for (const entry of wantedEntries(manifest, today)) {
    if (state.days.has(entry.path)) continue;
    try {
      const text = await fetchDay(new URL(entry.path, manifestUrl).href, entry.sha256, timeoutMs);
      state.days.set(entry.path, parseDay(text, entry));
      state.sources.set(entry.path, { entry, text });
      changed = true;
    } catch (error) {
      failure = failure ?? error;
    }
  }
  adopt(manifest, fetched.text);
  if (changed) save();
  if (failure) throw failure;
  if (fetched.fromCache) throw new Error("manifest: only the service worker's copy");
}

/**
 * After a successful poll: reload when the published page is another build,
 * or once a day outside lessons, within the reload limits.
 */
async function maybeReload() {
  if (previewing) return; // a reload would start the preview again from `at`
  const t = now();
  let wanted = false;
  if (t - state.lastBuildCheck >= config.build_check_ms) {
    state.lastBuildCheck = t;
    const build = await fetchPageBuild(pageUrl(), config.poll_timeout_ms).catch(() => null);
    wanted = build !== null && build !== config.build;
  }
  const quiet = !["period", "between"].includes(state.lastState);
  if (performance.now() - startedAt >= config.daily_reload_ms && quiet) wanted = true;
  if (!wanted) return;
  const history = store.loadReloads(key);
  const limits = { minGapMs: config.reload_min_gap_ms, perHour: config.reloads_per_hour };
  if (!reloadAllowed(history, t, limits)) return;
  store.saveReloads(key, [...history, t]);
  reloadPage();
}

async function poll() {
  let delay;
  try {
    await sync();
    state.failures = 0;
    state.retryAt = null;
    state.loaded = true;
    state.lastSuccessAt = now();
    store.saveLastSuccess(key, state.lastSuccessAt);
    const intervalMs = (state.manifest?.poll_interval ?? 60) * 1000;
    delay = pollDelay(intervalMs, offsetMs, config.poll_jitter_ms, Math.random());
    draw();
    await maybeReload();
  } catch (error) {
    noteError(error);
    state.failures += 1;
    delay = retryDelay(state.failures, Math.random(), backoff);
    state.retryAt = now() + delay;
    draw();
  }
  setTimeout(poll, delay);
}

addEventListener("keydown", (event) => {
  if (event.key !== IDENTIFY_KEY || event.ctrlKey || event.metaKey || event.altKey) return;
  state.identify = !state.identify;
  drawOverlays(format());
});

if (previewAsked.error) {
  // Neither a blank page nor the live screen: what is wrong, in the preview's frame.
  const words = PREVIEW_LABELS[lang];
  overlays.showPreview({ mark: words.mark, detail: `${words.error}: ${previewAsked.error}`, error: true });
} else {
  restore();
  // Fit the changes list again once the screen's own font has replaced the fallback.
  document.fonts.ready.then(() => {
    fit.key = "";
    fit.roomy.clear();
  });
  tick();
  poll();
  pollAlerts();
  if (!previewing) startServiceWorker(config.service_worker_url, warmList);
}
