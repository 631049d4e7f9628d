// @ts-check
/**
 * The page's DOM: reads the configuration and copies a view into the page.
 *
 * Every node is made once and reused; text goes in through `textContent` (never
 * HTML), and only when it changed, so a kiosk that runs for weeks neither leaks
 * nodes nor repaints what did not move.
 */

/** @typedef {import("./view.js").View} View */

/**
 * The configuration the publisher rendered into the page (a JSON script: data,
 * not code, so the Content-Security-Policy needs no inline-script exception).
 * @param {Document} doc
 */
export function readConfig(doc) {
  const element = doc.getElementById("config");
  return JSON.parse(element?.textContent ?? "{}");
}

/** The page's own URL, without a fragment. */
export function pageUrl() {
  return document.URL.split("#")[0];
}

/**
 * @param {Element} element
 * @param {string} text
 */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * @param {HTMLElement} element
 * @param {boolean} hidden
 */
function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

/**
 * @param {HTMLElement} element
 * @param {string} name
 * @param {string} value
 */
function setData(element, name, value) {
  if (element.dataset[name] !== value) element.dataset[name] = value;
}

/**
 * Copies a Line into `element`: its even pieces as plain spans, its odd ones
 * (names, rooms) in <bdi>, so a Latin name inside an Arabic line is isolated and
 * cannot reorder it. Children are reused; spare ones are removed.
 * @param {HTMLElement} element
 * @param {string[]} line
 */
function setLine(element, line) {
  const doc = element.ownerDocument;
  line.forEach((piece, i) => {
    const tag = i % 2 ? "BDI" : "SPAN";
    let child = element.children[i];
    if (!child || child.tagName !== tag) {
      const made = doc.createElement(tag);
      if (child) child.replaceWith(made);
      else element.append(made);
      child = made;
    }
    setText(child, piece);
  });
  while (element.children.length > line.length) element.lastElementChild?.remove();
}

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {string} className
 * @param {HTMLElement[]} children
 */
function make(doc, tag, className, children = []) {
  const element = doc.createElement(tag);
  element.className = className;
  for (const child of children) element.append(child);
  return element;
}

/**
 * Keeps `container` holding one element per item, creating elements only when
 * more are needed and hiding the spare ones.
 * @template T
 * @param {HTMLElement} container
 * @param {T[]} items
 * @param {() => HTMLElement} create
 * @param {(element: HTMLElement, item: T) => void} fill
 */
function syncList(container, items, create, fill) {
  while (container.children.length < items.length) container.append(create());
  const elements = /** @type {HTMLElement[]} */ ([...container.children]);
  elements.forEach((element, i) => {
    setHidden(element, i >= items.length);
    if (i < items.length) fill(element, items[i]);
  });
}

/**
 * The screen in `doc`: call `update(view)` as often as wanted.
 * @param {Document} doc
 */
export function createScreen(doc) {
  const root = /** @type {HTMLElement} */ (doc.querySelector("[data-screen]"));
  /** @param {string} name */
  const slot = (name) => {
    const element = doc.querySelector(`[data-slot="${name}"]`);
    if (!element) throw new Error(`page template has no slot ${name}`);
    return /** @type {HTMLElement} */ (element);
  };
  const el = {
    school: slot("school"),
    time: slot("time"),
    seconds: slot("seconds"),
    date: slot("date"),
    dayLabel: slot("day-label"),
    hijri: slot("hijri"),
    banner: slot("banner"),
    quiet: slot("quiet"),
    kicker: slot("kicker"),
    title: slot("title"),
    range: slot("range"),
    countdownBox: slot("countdown-box"),
    countdownLabel: slot("countdown-label"),
    countdown: slot("countdown"),
    next: slot("next"),
    classesHeading: slot("classes-heading"),
    classesPage: slot("classes-page"),
    classes: slot("classes"),
    classesMessage: slot("classes-message"),
    changesBox: slot("changes-box"),
    changesHeading: slot("changes-heading"),
    changesPage: slot("changes-page"),
    changes: slot("changes"),
    dutiesBox: slot("duties-box"),
    dutiesHeading: slot("duties-heading"),
    dutiesPage: slot("duties-page"),
    duties: slot("duties"),
    announcementsBox: slot("announcements-box"),
    announcementsHeading: slot("announcements-heading"),
    announcementsPage: slot("announcements-page"),
    announcements: slot("announcements"),
    updated: slot("updated"),
    revision: slot("revision"),
    stale: slot("stale"),
  };

  /** @type {WeakMap<HTMLElement, Record<string, HTMLElement>>} */
  const rowParts = new WeakMap();
  const newRow = () => {
    const parts = {
      name: make(doc, "bdi", "class-name"),
      room: make(doc, "bdi", "class-room"),
      subject: make(doc, "bdi", "subject"),
      group: make(doc, "span", "lesson-group"),
      badge: make(doc, "span", "badge"),
      teacher: make(doc, "span", "teacher"),
      usual: make(doc, "span", "usual-room"),
    };
    // The group flows on after the subject and wraps with it, as one title.
    const title = make(doc, "span", "lesson-title", [parts.subject, parts.group]);
    const element = make(doc, "li", "class-card", [
      parts.name,
      make(doc, "span", "lesson", [
        make(doc, "span", "subject-line", [title, parts.badge]),
        parts.teacher,
      ]),
      make(doc, "span", "rooms", [parts.room, parts.usual]),
    ]);
    rowParts.set(element, parts);
    return element;
  };
  /** @param {HTMLElement} element @param {import("./view.js").Row} row */
  const fillRow = (element, row) => {
    const parts = rowParts.get(element);
    if (!parts) return;
    setText(parts.name, row.name);
    setText(parts.room, row.room);
    setHidden(parts.room, !row.room);
    setData(parts.room, "changed", String(row.roomChanged));
    setText(parts.subject, row.subject);
    setLine(parts.group, row.group);
    setHidden(parts.group, !row.group.length);
    setText(parts.badge, row.badge);
    setHidden(parts.badge, !row.badge);
    setLine(parts.teacher, row.teacher);
    setLine(parts.usual, row.usual);
    setHidden(parts.usual, !row.usual.length);
    setData(element, "change", row.change);
  };
  const newChange = () => {
    // The period, the subject and its group flow as one text: "First Maths · Boys".
    // The period sits in a span of the screen's direction, whose margin keeps to the
    // side of the subject (the <bdi>'s own side follows its text: an Arabic label).
    const period = make(doc, "span", "change-when", [make(doc, "bdi", "change-period")]);
    const head = make(doc, "span", "change-head", [
      period,
      make(doc, "bdi", "change-subject"),
      make(doc, "span", "lesson-group"),
    ]);
    return make(doc, "li", "change", [head, make(doc, "span", "change-what")]);
  };
  /** @param {HTMLElement} element @param {import("./view.js").ChangeItem} item */
  const fillChange = (element, item) => {
    const [head, what] = /** @type {HTMLElement[]} */ ([...element.children]);
    const [when, subject, group] = /** @type {HTMLElement[]} */ ([...head.children]);
    setText(/** @type {Element} */ (when.firstElementChild), item.period);
    setText(subject, item.subject);
    setLine(group, item.group);
    setHidden(group, !item.group.length);
    setLine(what, item.what);
    setData(element, "change", item.change);
  };
  const newGroup = () =>
    make(doc, "li", "change-group", [make(doc, "bdi", "change-class"), make(doc, "ul", "change-items")]);
  /** @param {HTMLElement} element @param {import("./view.js").ChangeGroup} group */
  const fillGroup = (element, group) => {
    const [name, items] = /** @type {HTMLElement[]} */ ([...element.children]);
    setText(name, group.name);
    syncList(items, group.items, newChange, fillChange);
  };
  const newDuty = () =>
    make(doc, "li", "duty", [make(doc, "bdi", "duty-teacher"), make(doc, "bdi", "duty-place")]);
  /** @param {HTMLElement} element @param {{teacher: string, place: string}} duty */
  const fillDuty = (element, duty) => {
    setText(/** @type {Element} */ (element.children[0]), duty.teacher);
    setText(/** @type {Element} */ (element.children[1]), duty.place);
  };
  const newAnnouncement = () => make(doc, "li", "announcement", [make(doc, "bdi", "announcement-text")]);
  /** @param {HTMLElement} element @param {string} text */
  const fillAnnouncement = (element, text) => setText(/** @type {Element} */ (element.firstElementChild), text);

  const nowColumn = doc.querySelector(".now");
  const footer = doc.querySelector(".bottom");
  /**
   * Whether a box's visible children reach out of it. Block boxes are compared,
   * not scroll sizes: an inline name's glyphs reach past its line in Arabic fonts.
   * @param {Element | null} box
   */
  const spills = (box) => {
    if (!box) return false;
    const outer = box.getBoundingClientRect();
    return [...box.children].some((child) => {
      if (/** @type {HTMLElement} */ (child).hidden) return false;
      const inner = child.getBoundingClientRect();
      return inner.bottom > outer.bottom + 1 || inner.top < outer.top - 1;
    });
  };

  return {
    /**
     * What takes more room than the screen has, once drawn: `cards` when a
     * class card spills (its day is then drawn roomy), `column` when the
     * moment's column spills or the footer is pushed off the screen (fewer
     * changes or duties are then shown at a time). Only the laid-out page
     * knows how its texts wrap.
     */
    crowding() {
      const footerOff = footer !== null && footer.getBoundingClientRect().bottom > innerHeight + 1;
      return {
        cards: [...el.classes.children].some(spills),
        column: spills(nowColumn) || footerOff,
      };
    },
    /** @param {View} view */
    update(view) {
      setData(root, "state", view.state);
      setData(root, "kind", view.kind);
      setData(root, "density", view.density);
      // The grid's rows: how many classes a page holds, two to a row (CSSOM, not markup).
      if (view.classRows && el.classes.style.getPropertyValue("--rows") !== String(view.classRows)) {
        el.classes.style.setProperty("--rows", String(view.classRows));
      }
      setData(root, "lastMinute", String(view.lastMinute));
      setData(root, "stale", String(view.staleLevel));
      setText(el.school, view.school);
      setText(el.time, view.time);
      setText(el.seconds, view.seconds);
      setText(el.date, view.date);
      setText(el.dayLabel, view.dayLabel);
      setHidden(el.dayLabel, !view.dayLabel);
      setText(el.hijri, view.hijri);
      setText(el.banner, view.banner);
      setHidden(el.banner, !view.banner);
      setText(el.quiet, view.quiet);
      setHidden(el.quiet, !view.quiet);
      setText(el.kicker, view.kicker);
      setText(el.title, view.title);
      setText(el.range, view.range);
      setHidden(el.countdownBox, !view.countdown);
      setText(el.countdownLabel, view.countdownLabel);
      setText(el.countdown, view.countdown);
      setLine(el.next, view.next);
      setHidden(el.next, !view.next.length);
      setLine(el.classesHeading, view.classesHeading);
      setText(el.classesPage, view.classesPage);
      syncList(el.classes, view.rows, newRow, fillRow);
      setText(el.classesMessage, view.classesMessage);
      setHidden(el.classesMessage, !view.classesMessage);
      setHidden(el.changesBox, !view.changes.length);
      setText(el.changesHeading, view.changesHeading);
      setText(el.changesPage, view.changesPage);
      syncList(el.changes, view.changes, newGroup, fillGroup);
      setHidden(el.dutiesBox, !view.duties.length);
      setText(el.dutiesHeading, view.dutiesHeading);
      setText(el.dutiesPage, view.dutiesPage);
      syncList(el.duties, view.duties, newDuty, fillDuty);
      setHidden(el.announcementsBox, !view.announcements.length);
      setText(el.announcementsHeading, view.announcementsHeading);
      setText(el.announcementsPage, view.announcementsPage);
      syncList(el.announcements, view.announcements, newAnnouncement, fillAnnouncement);
      setText(el.updated, view.updated);
      setText(el.revision, view.revision);
      setText(el.stale, view.stale);
      setHidden(el.stale, !view.stale);
    },
  };
}

/**
 * The note naming what this screen's address asked for that the page does not
 * know (views.js); hidden while there is none.
 * @param {Document} doc
 */
export function createNote(doc) {
  const element = /** @type {HTMLElement} */ (doc.querySelector('[data-slot="view-note"]'));
  return {
    /** @param {string} text */
    update(text) {
      setText(element, text);
      setHidden(element, !text);
    },
  };
}
