// @ts-check
/**
 * Words and formats on screen, for one locale and one time zone. Pure: every
 * function takes the instant it formats as an argument.
 *
 * Calendar and digits are pinned in the locale tags, never left to the device:
 * the Gregorian calendar, and a Hijri line in the Umm al-Qura calendar, both in
 * the school's digits (Intl's numbering system, `-u-nu-arab` or `-u-nu-latn`):
 * Arabic-Indic by default on Arabic screens (what Saudi school signage uses),
 * Latin on English ones; many Saudi screens choose Latin digits with Arabic text.
 */

import { DEFAULTS } from "./display.js";

/**
 * @typedef {"ar" | "en"} Locale
 * @typedef {import("./display.js").Digits} Digits
 */

export const LANGUAGE_TAGS = { ar: "ar-SA", en: "en-GB" };

/**
 * The Intl locale of a screen: language, calendar and digits, nothing left to the device.
 * @param {Locale} locale
 * @param {"gregory" | "islamic-umalqura"} calendar
 * @param {Digits} digits
 */
export function localeTag(locale, calendar, digits) {
  return `${LANGUAGE_TAGS[locale] ?? LANGUAGE_TAGS.ar}-u-ca-${calendar}-nu-${digits}`;
}

export const STRINGS = {
  ar: {
    kinds: {
      lesson: "الحصة الحالية",
      break: "استراحة",
      prayer: "وقت الصلاة",
      assembly: "الطابور",
      activity: "نشاط",
      exam: "اختبار",
    },
    before: "قبل بداية اليوم الدراسي",
    between: "الجرس القادم",
    after: "انتهى اليوم الدراسي",
    weekend: "عطلة نهاية الأسبوع",
    holiday: "إجازة",
    loading: "جارٍ تحميل الجدول…",
    noData: "لا يوجد جدول لهذا اليوم",
    endsIn: "يتبقى",
    startsIn: "يبدأ بعد",
    next: "التالي",
    nextSchoolDay: "اليوم الدراسي القادم",
    classesNow: "الفصول الآن",
    classesNext: "الفصول في",
    noLessons: "لا توجد حصص الآن",
    noLessonsToday: "لا توجد حصص اليوم",
    noMoreLessons: "لا توجد حصص أخرى اليوم",
    free: "—",
    substitute: "بديل",
    cancelled: "ملغاة",
    roomChange: "تغيير قاعة",
    // {0}, {1}: names and rooms, each isolated on screen (they may be Latin).
    substituteFor: "بديل: {0} عن {1}",
    substituteBy: "بديل: {0}",
    roomFor: "القاعة: {0} بدلاً من {1}",
    roomTo: "القاعة: {0}",
    insteadOf: "بدلاً من {0}",
    invigilator: "المراقب: {0}",
    invigilators: "المراقبون: {0}",
    list: "، ",
    changesToday: "تغييرات اليوم",
    changesOn: "تغييرات",
    classesOn: "الفصول يوم",
    examsNow: "الاختبارات الآن",
    examsNext: "الاختبارات في",
    quietExams: "هدوء: اختبارات",
    firstBell: "أول جرس",
    duties: "المناوبة",
    announcements: "إعلانات",
    revision: "الإصدار",
    changed: "آخر تعديل",
    stale: "لم يُحدَّث منذ",
    updated: "آخر تحديث للجدول",
    staleBanner: "آخر تحديث لهذه الشاشة",
    offline: "هذه الشاشة غير متصلة منذ",
    offlineHint: "سيعود الجدول عند عودة اتصال الشاشة",
    connectingHint: "يظهر الجدول فور اتصال الشاشة",
    connecting: "جارٍ الاتصال بالخادم…",
    nextTry: "المحاولة التالية بعد",
    lastMinute: "الجرس بعد أقل من دقيقة",
    at: "الساعة",
    // Not a middle dot: next to Arabic-Indic digits it reads as a zero (٠).
    sep: "، ",
  },
  en: {
    kinds: {
      lesson: "Lesson now",
      break: "Break",
      prayer: "Prayer",
      assembly: "Assembly",
      activity: "Activity",
      exam: "Exam",
    },
    before: "Before school",
    between: "Next bell",
    after: "The school day is over",
    weekend: "Weekend",
    holiday: "Holiday",
    loading: "Loading the timetable…",
    noData: "No timetable for today",
    endsIn: "Ends in",
    startsIn: "Starts in",
    next: "Next",
    nextSchoolDay: "Next school day",
    classesNow: "Classes now",
    classesNext: "Classes at",
    noLessons: "No lessons now",
    noLessonsToday: "No lessons today",
    noMoreLessons: "No more lessons today",
    free: "—",
    substitute: "Substitute",
    cancelled: "Cancelled",
    roomChange: "Room change",
    substituteFor: "substitute: {0} for {1}",
    substituteBy: "substitute: {0}",
    roomFor: "room: {0} (instead of {1})",
    roomTo: "room: {0}",
    insteadOf: "instead of {0}",
    invigilator: "Invigilator: {0}",
    invigilators: "Invigilators: {0}",
    list: ", ",
    changesToday: "Changes today",
    changesOn: "Changes",
    classesOn: "Classes on",
    examsNow: "Exams now",
    examsNext: "Exams at",
    quietExams: "Quiet please: exams",
    firstBell: "first bell",
    duties: "On duty",
    announcements: "Announcements",
    revision: "Revision",
    changed: "changed",
    stale: "Not updated since",
    updated: "Timetable updated",
    staleBanner: "This screen last updated",
    offline: "This screen has been offline since",
    offlineHint: "The timetable will be back when this screen reconnects",
    connectingHint: "The timetable appears as soon as this screen connects",
    connecting: "Connecting…",
    nextTry: "Next try in",
    lastMinute: "Bell in under a minute",
    at: "at",
    sep: " · ",
  },
};

/** @typedef {typeof STRINGS.en} Strings */

/**
 * The formatters of one screen: build once per (locale, time zone, digits), call every second.
 * @param {Locale} locale
 * @param {string | undefined} timeZone  an IANA zone; undefined means the device's zone
 * @param {Digits} [digits]  the numbering system; by default the locale's own
 */
export function makeFormat(locale, timeZone, digits = (DEFAULTS[locale] ?? DEFAULTS.ar).digits) {
  const tags = {
    gregory: localeTag(locale, "gregory", digits),
    hijri: localeTag(locale, "islamic-umalqura", digits),
  };
  const clock = new Intl.DateTimeFormat(tags.gregory, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const dateLong = new Intl.DateTimeFormat(tags.gregory, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const dateShort = new Intl.DateTimeFormat(tags.gregory, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
  });
  const hijri = new Intl.DateTimeFormat(tags.hijri, {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const key = new Intl.DateTimeFormat("en-CA-u-ca-gregory-nu-latn", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const wall = new Intl.DateTimeFormat("en-GB-u-ca-gregory-nu-latn", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const two = new Intl.NumberFormat(tags.gregory, { minimumIntegerDigits: 2, useGrouping: false });
  const plain = new Intl.NumberFormat(tags.gregory, { useGrouping: false });
  const relative = new Intl.RelativeTimeFormat(tags.gregory, { numeric: "always", style: "long" });

  /** @param {number} now */
  function clockParts(now) {
    /** @type {Record<string, string>} */
    const parts = {};
    for (const part of clock.formatToParts(now)) parts[part.type] = part.value;
    return parts;
  }

  return {
    strings: STRINGS[locale] ?? STRINGS.ar,
    /** "08:10" @param {number} now */
    time(now) {
      const p = clockParts(now);
      return `${p.hour}:${p.minute}`;
    },
    /** "07", the seconds shown beside the clock @param {number} now */
    seconds(now) {
      return clockParts(now).second;
    },
    /** "Sunday 22 November 2026" @param {number} now */
    date(now) {
      return dateLong.format(now);
    },
    /** "Sunday 22 November" @param {number} now */
    shortDate(now) {
      return dateShort.format(now);
    },
    /** "12 Jumada II 1448 AH" @param {number} now */
    hijri(now) {
      return hijri.format(now);
    },
    /** The local date as "YYYY-MM-DD" (Latin digits), as day files are named. @param {number} now */
    dateKey(now) {
      return key.format(now);
    },
    /** Minutes after local midnight (0-1439), for the night hours. @param {number} now */
    minuteOfDay(now) {
      const [hours, minutes] = wall.format(now).split(":").map(Number);
      return hours * 60 + minutes;
    },
    /** "25:00", or "1:02:03" past an hour; whole seconds rounded up. @param {number} ms */
    countdown(ms) {
      const total = Math.max(0, Math.ceil(ms / 1000));
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      return h > 0
        ? `${plain.format(h)}:${two.format(m)}:${two.format(s)}`
        : `${two.format(m)}:${two.format(s)}`;
    },
    /**
     * How long ago `ms` was, in words: "2 hours ago", "قبل ساعتين"; whole
     * minutes under an hour, whole hours under two days, then days.
     * @param {number} ms
     */
    ago(ms) {
      const minutes = Math.max(1, Math.floor(ms / 60_000));
      if (minutes < 60) return relative.format(-minutes, "minute");
      const hours = Math.floor(minutes / 60);
      if (hours < 48) return relative.format(-hours, "hour");
      return relative.format(-Math.floor(hours / 24), "day");
    },
    /** A count in the screen's digits. @param {number} n */
    number(n) {
      return plain.format(n);
    },
  };
}

/** @typedef {ReturnType<typeof makeFormat>} Format */
