// @ts-check
/**
 * The alert takeover in the DOM: over the timetable, under the header, so the
 * clock stays in sight. Its nodes are in the page from the start and filled
 * through `textContent` only when the alert on screen changes; the screen's
 * `data-alert` (the level) lets the style sheet hide what the takeover covers.
 */

/**
 * @typedef {import("./alert.js").Shown} Shown
 */

/**
 * The takeover of the screen in `doc`: call `update(...)` on every tick.
 * @param {Document} doc
 */
export function createTakeover(doc) {
  const root = /** @type {HTMLElement} */ (doc.querySelector("[data-screen]"));
  /** @param {string} name */
  const slot = (name) => /** @type {HTMLElement} */ (doc.querySelector(`[data-slot="${name}"]`));
  const box = slot("alert");
  const label = slot("alert-label");
  const page = slot("alert-page");
  const text = slot("alert-text");
  const second = slot("alert-second");
  let shownKey = "";

  return {
    /**
     * @param {Shown | null} shown
     * @param {{label: string, page: string, size: string}} words  the heading, the
     *   "2 / 3" indicator (empty for one alert) and the text size
     */
    update(shown, words) {
      const key = shown ? JSON.stringify([shown.alert, words]) : "";
      if (key === shownKey) return;
      shownKey = key;
      if (!shown) {
        box.hidden = true;
        delete root.dataset.alert;
        return;
      }
      const { alert } = shown;
      root.dataset.alert = alert.level;
      box.dataset.size = words.size;
      label.textContent = words.label;
      page.textContent = words.page;
      text.textContent = alert.text;
      second.textContent = alert.secondText ?? "";
      second.hidden = !alert.secondText;
      box.hidden = false;
    },
  };
}
