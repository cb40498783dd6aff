/**
 * The chain's WorkingDayCalendar (C04), from its CalendarYearSet events: per year, the rest days
 * and make-up working days the authority set, with the notice's hash and the version. The
 * regulator's alerts compare it day by day with the service's own calendar (`calendarDifferences`).
 */
import type { ChainEvent, View, ViewTx } from "../store/types";
import type { Calendar } from "../calendar";
import { anchorOf, numOf, strOf, type Anchor } from "./util";

export const CALENDAR_SPACE = "calendar-year"; // `${year}` -> ChainCalendarYear

export type ChainCalendarYear = { year: number; restDays: number[]; workDays: number[]; noticeHash: string; version: number; anchor: Anchor };

export function createCalendarView(): View {
  return {
    name: "calendar",
    events: ["WorkingDayCalendar.CalendarYearSet"],
    apply(tx: ViewTx, e: ChainEvent): void {
      if (e.contract !== "WorkingDayCalendar" || e.event !== "CalendarYearSet") return;
      const a = e.args;
      const list = (v: unknown): number[] => (Array.isArray(v) ? v.map((x) => numOf(x as string | number)) : []);
      const y: ChainCalendarYear = {
        year: numOf(a.year),
        restDays: list(a.restDays),
        workDays: list(a.workDays),
        noticeHash: strOf(a.noticeHash),
        version: numOf(a.version),
        anchor: anchorOf(e),
      };
      tx.put(CALENDAR_SPACE, String(y.year), y);
    },
  };
}

/** The dates of `year` (YYYY-MM-DD) on which the chain's schedule and `calendar` disagree. */
export function calendarDifferences(chain: ChainCalendarYear, calendar: Calendar): string[] {
  const rest = new Set(chain.restDays);
  const work = new Set(chain.workDays);
  const out: string[] = [];
  const start = Date.UTC(chain.year, 0, 1);
  for (let d = 0; ; d++) {
    const date = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
    if (Number(date.slice(0, 4)) !== chain.year) break;
    const weekday = new Date(start + d * 86_400_000).getUTCDay();
    const chainWorks = work.has(d) ? true : rest.has(d) ? false : weekday !== 0 && weekday !== 6;
    if (chainWorks !== calendar.isWorkingDay(date)) out.push(date);
  }
  return out;
}
