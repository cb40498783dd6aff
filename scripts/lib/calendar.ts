/**
 * The year schedules a deployment seeds its WorkingDayCalendar with: the rest days and make-up
 * working days of every year the pinned `chinese-days` table covers (the same table the
 * ledger-service counts deadlines with), from a first year on, as 0-based days of the year.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { id as keccakText } from "ethers";

export interface YearSchedule {
  year: number;
  restDays: number[];
  workDays: number[];
  /** Hash naming the source: package, version and the year's dates. */
  noticeHash: string;
}

/** 0-based day of the year of a YYYY-MM-DD date. */
export function dayOfYear(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000;
}

/** The schedules of the years >= `fromYear` the pinned table covers, ascending. */
export function pinnedYearSchedules(fromYear: number): YearSchedule[] {
  const pkg = require.resolve("chinese-days/package.json");
  const version = (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
  const data = JSON.parse(readFileSync(path.join(path.dirname(pkg), "dist/chinese-days.json"), "utf8")) as {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
  };
  const years = new Map<number, { rest: string[]; work: string[] }>();
  const add = (date: string, which: "rest" | "work") => {
    const y = Number(date.slice(0, 4));
    if (y < fromYear) return;
    const entry = years.get(y) ?? { rest: [], work: [] };
    entry[which].push(date);
    years.set(y, entry);
  };
  for (const d of Object.keys(data.holidays)) add(d, "rest");
  for (const d of Object.keys(data.workdays)) add(d, "work");
  return [...years.entries()]
    .sort(([a], [b]) => a - b)
    .map(([year, e]) => {
      const rest = e.rest.sort();
      const work = e.work.sort();
      return {
        year,
        restDays: rest.map(dayOfYear),
        workDays: work.map(dayOfYear),
        noticeHash: keccakText(`chinese-days@${version}:${year}:rest=${rest.join(",")};work=${work.join(",")}`),
      };
    });
}
