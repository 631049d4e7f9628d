// @ts-check
/**
 * The DOM of the operators' overlays: the preview mark (a frame round the
 * whole screen and a label, above everything, the alert takeover included),
 * the message of a preview that cannot be shown, and the identify panel. Their
 * nodes are in the page from the start; text goes in through `textContent`,
 * and only when it changed.
 */

/**
 * @typedef {import("./identify.js").Field} Field
 */

/**
 * @param {Element} element
 * @param {string} text
 */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * The overlays of the screen in `doc`.
 * @param {Document} doc
 */
export function createOverlays(doc) {
  /** @param {string} name */
  const slot = (name) => /** @type {HTMLElement} */ (doc.querySelector(`[data-slot="${name}"]`));
  const root = /** @type {HTMLElement} */ (doc.querySelector("[data-screen]"));
  const preview = slot("preview");
  const mark = slot("preview-mark");
  const detail = slot("preview-detail");
  const identify = slot("identify");
  const heading = slot("identify-heading");
  const fields = slot("identify-fields");
  const hint = slot("identify-hint");
  let fieldsKey = "";

  return {
    /**
     * The preview mark and what is previewed (or what is wrong with the preview).
     * @param {{mark: string, detail: string, error?: boolean}} words
     */
    showPreview(words) {
      setText(mark, words.mark);
      setText(detail, words.detail);
      root.dataset.preview = words.error ? "error" : "on";
      preview.hidden = false;
    },
    /**
     * The identify panel, or none.
     * @param {{heading: string, fields: Field[], hint: string} | null} lines
     */
    showIdentity(lines) {
      identify.hidden = !lines;
      if (!lines) return;
      setText(heading, lines.heading);
      setText(hint, lines.hint);
      const key = JSON.stringify(lines.fields.map((f) => f.label));
      if (key !== fieldsKey) {
        fieldsKey = key;
        fields.replaceChildren(
          ...lines.fields.flatMap(() => [doc.createElement("dt"), doc.createElement("dd")]),
        );
      }
      lines.fields.forEach((field, i) => {
        setText(fields.children[2 * i], field.label);
        setText(fields.children[2 * i + 1], field.value);
      });
    },
  };
}
