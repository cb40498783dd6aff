/**
 * China working-day calendar for statutory deadlines (DESIGN section 5).
 *
 * The data is the holiday / make-up working day (调休补班) table shipped in the npm package
 * `chinese-days` (`dist/chinese-days.json`), read once, hashed (sha256 of the exact bytes) and
 * pinned by version, so any deadline can be recomputed later with the same data. Days are China
 * days (UTC+8, no daylight saving). A year the table does not cover (the State Council publishes
 * each schedule late in the previous year) falls back to the provisional rule: weekends and the
 * statutory holidays of 《全国年节及纪念日放假办法》 (2024) rest — 元旦 1 January, 春节 four days
 * from 除夕, 清明 (the solar term's day), 劳动节 1-2 May, 端午 (5th of the 5th lunar month), 中秋
 * (15th of the 8th), 国庆 1-3 October — with the lunar and solar-term dates from `chinese-days`;
 * the days off around them and the make-up working days are not guessed. Every result that
 * touched such a day is marked `provisional: true`.
 */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { getLunarDatesInRange, getSolarTermsInRange } from "chinese-days";

/** China standard time offset from UTC, in seconds. */
export const CHINA_OFFSET_SECONDS = 8 * 3600;
const DAY_SECONDS = 86_400;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** What data a deadline was computed with. */
export interface CalendarInfo {
  package: string;
  version: string;
  /** sha256 (hex, 0x-prefixed) of the data file. */
  sha256: string;
  /** Path of the data file inside the package. */
  file: string;
  /** Years the official schedule covers, ascending. */
  coveredYears: number[];
}

/** A deadline in working days. */
export interface WorkingDayDeadline {
  /** The China-local date of the last working day, YYYY-MM-DD. */
  date: string;
  /** End of that day in China time (exclusive), seconds since the epoch. */
  endsAt: number;
  /** True when some day counted lies in a year the calendar does not cover (weekends only). */
  provisional: boolean;
}

export interface Calendar {
  info(): CalendarInfo;
  /** True when `year`'s official schedule is in the data. */
  covers(year: number): boolean;
  /** Whether a China-local date (YYYY-MM-DD) is a working day, and whether that is provisional. */
  dayInfo(date: string): { working: boolean; provisional: boolean; holiday?: string; makeUp?: string };
  isWorkingDay(date: string): boolean;
  /**
   * The `n`-th working day strictly after the China-local day of `start` (n >= 1), or the start
   * day itself for n = 0. `start`: a Date or seconds since the epoch.
   */
  addWorkingDays(start: Date | number, n: number): WorkingDayDeadline;
}

export class CalendarDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalendarDataError";
  }
}

/** The raw table: holidays and make-up working days by date. */
export interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** China-local date (YYYY-MM-DD) of an instant (seconds since the epoch or a Date). */
export function chinaDate(at: Date | number): string {
  const ms = typeof at === "number" ? at * 1000 : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("invalid instant");
  // The views ask this for every event (a hot path of indexing): one Date per China day, not per call.
  const day = Math.floor((ms + CHINA_OFFSET_SECONDS * 1000) / (DAY_SECONDS * 1000));
  let date = chinaDates.get(day);
  if (date === undefined) {
    date = new Date(ms + CHINA_OFFSET_SECONDS * 1000).toISOString().slice(0, 10);
    if (chinaDates.size >= 100_000) chinaDates.clear();
    chinaDates.set(day, date);
  }
  return date;
}
const chinaDates = new Map<number, string>();

/** Start of a China-local day (00:00 UTC+8), seconds since the epoch. */
export function chinaDayStart(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000 - CHINA_OFFSET_SECONDS;
}

function nextDate(date: string): string {
  return new Date((chinaDayStart(date) + CHINA_OFFSET_SECONDS + DAY_SECONDS) * 1000).toISOString().slice(0, 10);
}

function weekday(date: string): number {
  // Day of the week of the calendar date itself (0 Sunday .. 6 Saturday).
  return new Date((chinaDayStart(date) + CHINA_OFFSET_SECONDS) * 1000).getUTCDay();
}

/** The statutory holidays of `year` by the 2024 rule, date -> name (the provisional rule). */
export function statutoryHolidays(year: number): Map<string, string> {
  const out = new Map<string, string>([
    [`${year}-01-01`, "元旦"],
    [`${year}-05-01`, "劳动节"],
    [`${year}-05-02`, "劳动节"],
    [`${year}-10-01`, "国庆节"],
    [`${year}-10-02`, "国庆节"],
    [`${year}-10-03`, "国庆节"],
  ]);
  const lunar = (from: string, to: string, month: number, day: number): string | undefined =>
    getLunarDatesInRange(from, to).find((d) => d.lunarMon === month && d.lunarDay === day && !d.isLeap)?.date;
  const newYear = lunar(`${year}-01-15`, `${year}-02-25`, 1, 1);
  if (newYear !== undefined) {
    const eve = chinaDayStart(newYear) - DAY_SECONDS;
    for (let i = 0; i < 4; i++) out.set(chinaDate(eve + i * DAY_SECONDS), "春节");
  }
  const qingming = getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`).find((t) => t.term === "pure_brightness" && t.index === 1)?.date;
  if (qingming !== undefined) out.set(qingming, "清明节");
  const duanwu = lunar(`${year}-05-20`, `${year}-06-30`, 5, 5);
  if (duanwu !== undefined) out.set(duanwu, "端午节");
  const zhongqiu = lunar(`${year}-09-01`, `${year}-10-10`, 8, 15);
  if (zhongqiu !== undefined) out.set(zhongqiu, "中秋节");
  return out;
}

/** Builds a calendar over a table; `meta` names where the table came from. */
export function createCalendar(data: CalendarData, meta: Omit<CalendarInfo, "coveredYears">): Calendar {
  const years = new Set<number>();
  for (const d of [...Object.keys(data.holidays), ...Object.keys(data.workdays)]) {
    if (!DATE_RE.test(d)) throw new CalendarDataError(`bad date in calendar data: ${d}`);
    years.add(Number(d.slice(0, 4)));
  }
  const coveredYears = [...years].sort((a, b) => a - b);
  const info: CalendarInfo = { ...meta, coveredYears };

  const covers = (year: number): boolean => years.has(year);
  /** Statutory holidays of the years the table does not cover, computed once each. */
  const provisional = new Map<number, Map<string, string>>();

  const dayInfo = (date: string): ReturnType<Calendar["dayInfo"]> => {
    if (!DATE_RE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
    const wd = weekday(date);
    const weekend = wd === 0 || wd === 6;
    const year = Number(date.slice(0, 4));
    if (!covers(year)) {
      let holidays = provisional.get(year);
      if (holidays === undefined) provisional.set(year, (holidays = statutoryHolidays(year)));
      const holiday = holidays.get(date);
      return holiday !== undefined ? { working: false, provisional: true, holiday } : { working: !weekend, provisional: true };
    }
    const makeUp = data.workdays[date];
    if (makeUp !== undefined) return { working: true, provisional: false, makeUp: makeUp.split(",")[1] ?? makeUp };
    const holiday = data.holidays[date];
    if (holiday !== undefined) return { working: false, provisional: false, holiday: holiday.split(",")[1] ?? holiday };
    return { working: !weekend, provisional: false };
  };

  // Deadlines are opened per event during a catch-up, mostly from a few days: answers are kept
  // by (start day, n), bounded.
  const answers = new Map<string, WorkingDayDeadline>();
  const addWorkingDays = (start: Date | number, n: number): WorkingDayDeadline => {
    if (!Number.isInteger(n) || n < 0 || n > 3660) throw new RangeError(`working days must be an integer 0..3660: ${n}`);
    const from = chinaDate(start);
    const cacheKey = `${from}+${n}`;
    const known = answers.get(cacheKey);
    if (known !== undefined) return { ...known };
    const answer = countWorkingDays(from, n);
    if (answers.size >= 4096) answers.clear();
    answers.set(cacheKey, answer);
    return { ...answer };
  };

  const countWorkingDays = (from: string, n: number): WorkingDayDeadline => {
    let date = from;
    let provisional = false;
    let left = n;
    while (left > 0) {
      date = nextDate(date);
      const d = dayInfo(date);
      provisional ||= d.provisional;
      if (d.working) left -= 1;
    }
    return { date, endsAt: chinaDayStart(date) + DAY_SECONDS, provisional };
  };

  return {
    info: () => ({ ...info, coveredYears: [...info.coveredYears] }),
    covers,
    dayInfo,
    isWorkingDay: (date) => dayInfo(date).working,
    addWorkingDays,
  };
}

const PACKAGE = "chinese-days";
const DATA_FILE = "dist/chinese-days.json";

/** Reads the pinned `chinese-days` table from node_modules and builds a calendar over it. */
export function loadChineseDaysCalendar(): Calendar {
  const pkgJson = require.resolve(`${PACKAGE}/package.json`);
  const dir = path.dirname(pkgJson);
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const bytes = readFileSync(path.join(dir, DATA_FILE));
  const sha256 = "0x" + createHash("sha256").update(bytes).digest("hex");
  const parsed = JSON.parse(bytes.toString("utf8")) as Partial<CalendarData>;
  if (typeof parsed.holidays !== "object" || typeof parsed.workdays !== "object" || !parsed.holidays || !parsed.workdays) {
    throw new CalendarDataError(`${PACKAGE}@${version} ${DATA_FILE} lacks holidays/workdays`);
  }
  return createCalendar({ holidays: parsed.holidays, workdays: parsed.workdays }, { package: PACKAGE, version, sha256, file: DATA_FILE });
}

// The default calendar is immutable data read once on first use (not mutable shared state).
let defaultCalendar: Calendar | undefined;
/** The calendar over the installed `chinese-days` data. */
export function chinaCalendar(): Calendar {
  defaultCalendar ??= loadChineseDaysCalendar();
  return defaultCalendar;
}

/** Package, version, sha256 of the data and covered years of the default calendar. */
export function calendarInfo(): CalendarInfo {
  return chinaCalendar().info();
}

/** `n` working days after `start` in China time on the default calendar. */
export function addWorkingDays(start: Date | number, n: number): WorkingDayDeadline {
  return chinaCalendar().addWorkingDays(start, n);
}
