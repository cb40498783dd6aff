/**
 * Statutory time in the service (issue 10): provisional years count the statutory holidays
 * (lunar and solar-term dates included), a fixed-date deadline on a rest day moves to the next
 * working day, and the chain's WorkingDayCalendar is compared with the service's own, every
 * difference an alert.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { createViews, SPACE } from "../../ledger-service/src/views";
import { chinaCalendar, statutoryHolidays } from "../../ledger-service/src/calendar";
import { createQueries } from "../../ledger-service/src/api/queries";
import type { DeadlineRecord } from "../../ledger-service/src/views/deadlines";
import { deadlineKey } from "../../ledger-service/src/views/deadlines";
import { pinnedYearSchedules, dayOfYear } from "../../scripts/lib/calendar";
import { createChainBuilder, cst, openTestStore, P, seedWorld, KEYS, type TestStore } from "./helpers/ledger";

describe("statutory time: provisional years, rest-day due dates, the chain's calendar (C04, C37)", () => {
  const calendar = chinaCalendar();

  it("C04 a year the pinned calendar does not cover counts the 2024 statutory holidays, lunar ones included, and says provisional", () => {
    expect(calendar.covers(2027)).to.equal(false);
    const rests = ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"];
    for (const d of rests) expect(calendar.dayInfo(d), d).to.include({ working: false, provisional: true });
    expect(calendar.dayInfo("2027-02-09")).to.deep.equal({ working: true, provisional: true }); // a Tuesday after 春节's four days
    expect(calendar.dayInfo("2027-02-05").holiday).to.equal("春节"); // 除夕
    // The rule reproduces a published year's statutory days: 2026's 除夕, 清明, 端午 and 中秋.
    const y2026 = statutoryHolidays(2026);
    for (const [d, name] of [["2026-02-16", "春节"], ["2026-04-05", "清明节"], ["2026-06-19", "端午节"], ["2026-09-25", "中秋节"]]) {
      expect(y2026.get(d), d).to.equal(name);
      expect(calendar.isWorkingDay(d), d).to.equal(false);
    }
    // Five working days from Thursday 30 September 2027 skip 国庆's three days and the weekend.
    expect(calendar.addWorkingDays(cst("2027-09-30"), 5)).to.deep.include({ date: "2027-10-08", provisional: true });
  });

  describe("with a seeded ledger", () => {
    let ts: TestStore;
    before(async () => {
      ts = await openTestStore(createViews(loadProfile("huizhou")));
      const b = createChainBuilder();
      seedWorld(b);
      // The chain's calendar: 2025 as pinned but for one day, 2026 as pinned (2024 never set).
      const [y2025, y2026] = pinnedYearSchedules(2025);
      const wrong = dayOfYear("2025-12-26"); // a Friday the chain says rests
      const args = (y: typeof y2025, rest = y.restDays) => ({ year: y.year, restDays: rest.map(String), workDays: y.workDays.map(String), noticeHash: y.noticeHash, version: 1, by: KEYS.authority });
      b.block(cst("2026-04-01"), [
        { contract: "WorkingDayCalendar", event: "CalendarYearSet", args: args(y2025, [...y2025.restDays, wrong].sort((a, c) => a - c)) },
        { contract: "WorkingDayCalendar", event: "CalendarYearSet", args: args(y2026) },
      ]);
      await ts.apply(b);
    });
    after(async () => ts.close());

    it("C37 the annual disclosure due on Saturday 31 March 2029 is due on Monday 2 April, and says why", async () => {
      const d = (await ts.store.reader.get<DeadlineRecord>(SPACE.deadline, deadlineKey("participant", P.operator, "C37", "disclosure-2028")))!;
      expect(d.dueDate).to.equal("2029-04-02");
      expect(d.note).to.contain("2029-03-31 is a rest day");
      const d2025 = (await ts.store.reader.get<DeadlineRecord>(SPACE.deadline, deadlineKey("participant", P.operator, "C37", "disclosure-2025")))!;
      expect(d2025.dueDate).to.equal("2026-03-31"); // a Tuesday: unmoved
    });

    it("C37 only an implementing agency that organized the call owes an annual disclosure, not an authority or a source department", async () => {
      const b = createChainBuilder(5000);
      const termStart = cst("2026-05-01", 0);
      const termEnd = cst("2028-05-01", 0);
      b.block(cst("2026-04-20"), [
        {
          contract: "AuthorizationRegistry", event: "AuthorizationApplied",
          args: { id: "9", parentId: "0", holderId: P.operator, organizerId: P.authority, mode: 2, tier: 1, request: { parentId: "0", holderId: P.operator, callId: "1", termStart: String(termStart), termEnd: String(termEnd), materialsHash: "0x" + "91".repeat(32), resourceIds: ["1"], domains: ["0x" + "92".repeat(32)] }, applicant: KEYS.operator },
        },
      ]);
      b.block(cst("2026-05-06"), [{ contract: "AuthorizationRegistry", event: "AuthorizationActivated", args: { id: "9", agreementId: "1", termStart: String(termStart), termEnd: String(termEnd), by: KEYS.authority } }]);
      await ts.apply(b);
      const disclosure = (who: string, year: number) => ts.store.reader.get<DeadlineRecord>(SPACE.deadline, deadlineKey("participant", who, "C37", `disclosure-${year}`));
      expect(await disclosure(P.authority, 2026)).to.equal(undefined); // the data authority organized this one
      expect(await disclosure(P.authority, 2027)).to.equal(undefined);
      expect((await disclosure(P.agency, 2025))?.dueDate).to.equal("2026-03-31"); // the agency organized authorization 1
      expect((await disclosure(P.operator, 2027))?.dueDate).to.equal("2028-03-31");
    });

    it("C04 the regulator is alerted to every day the chain's calendar and the service's disagree on", async () => {
      const alerts = await createQueries(ts.store.reader).alerts({ now: cst("2026-04-10"), days: 30, limit: 50, kind: "calendar-difference" });
      expect(alerts.items.map((a) => [a.clause, a.subjectId, a.detail])).to.deep.equal([["C04", "2025", { year: 2025, kind: "differs", dates: ["2025-12-26"], chainVersion: 1 }]]);
      expect(alerts.items[0].message).to.equal("the chain's calendar for 2025 (version 1) differs from the service's on 2025-12-26");
    });
  });
});
