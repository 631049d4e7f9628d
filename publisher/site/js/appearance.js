// @ts-check
/**
 * The school's look in the DOM: its accent colour, its logo beside its name,
 * and the dimming of its night hours.
 *
 * Nothing here goes through HTML or a style sheet's text: the colours are set
 * as CSS custom properties through the CSSOM (`style.setProperty`), and only
 * after display.js found them to be "#rrggbb", so a setting cannot inject CSS.
 * The logo is one <img>, made when a school first has one; its `src` changes
 * only when the logo does, so midnight or a countdown's zero never fetch it again.
 */

/**
 * @typedef {import("./display.js").Accent} Accent
 * @typedef {{accent: Accent | null, logo: string | null, night: boolean}} Look
 *   `logo` is the image's absolute URL
 */

/**
 * The look of the screen in `doc`: call `update(look)` as often as wanted.
 * @param {Document} doc
 */
export function createAppearance(doc) {
  const root = /** @type {HTMLElement} */ (doc.querySelector("[data-screen]"));
  const header = /** @type {HTMLElement} */ (doc.querySelector('[data-slot="header"]'));
  /** @type {HTMLImageElement | null} */
  let image = null;
  let accentShown = "";
  let logoShown = "";

  /** The logo's <img>: shown once its image loaded, hidden again if it fails. */
  const logoImage = () => {
    if (image) return image;
    const img = doc.createElement("img");
    img.className = "logo";
    img.alt = ""; // the school's name is beside it
    img.decoding = "async";
    img.hidden = true;
    img.addEventListener("load", () => {
      img.hidden = false;
    });
    img.addEventListener("error", () => {
      img.hidden = true;
    });
    header.prepend(img);
    image = img;
    return img;
  };

  return {
    /** @param {Look} look */
    update(look) {
      const accent = look.accent ? `${look.accent.fill} ${look.accent.text}` : "";
      if (accent !== accentShown) {
        accentShown = accent;
        if (look.accent) {
          root.style.setProperty("--accent", look.accent.fill);
          root.style.setProperty("--accent-text", look.accent.text);
        } else {
          root.style.removeProperty("--accent");
          root.style.removeProperty("--accent-text");
        }
      }
      const logo = look.logo ?? "";
      if (logo !== logoShown) {
        logoShown = logo;
        if (logo) {
          const img = logoImage();
          img.hidden = true; // until the new image has loaded
          img.src = logo;
        } else if (image) {
          image.hidden = true;
          image.removeAttribute("src");
        }
      }
      const night = String(look.night);
      if (root.dataset.night !== night) root.dataset.night = night;
    },
  };
}
