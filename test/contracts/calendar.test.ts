/**
 * The working-day calendar on chain (issue 10, C04): the deployment seeds it with the pinned
 * calendar the service counts with, the authority maintains it year by year, and a public notice
 * of N working days started before a holiday week runs past it — the chain refuses a shorter one,
 * so no activation can fall inside the holidays. A year nobody has set is counted by the
 * provisional rule, and the notice's record says so.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { chinaCalendar } from "../../ledger-service/src/calendar";
import { pinnedYearSchedules, dayOfYear } from "../../scripts/lib/calendar";
import { deployWorld, createResource, publishCall, applyFor, approveAuthorization, confirmGrants, h, DAY, ROLE, type World } from "../helpers/fixture";
import { cst } from "../helpers/dates";
import { activateAuthorization } from "../helpers/agreements";

/** China-local day number (days since 1970-01-01 in UTC+8) of a CST date. */
const dayNumber = (y: number, m: number, d: number) => (cst(y, m, d) + 8 * 3600) / DAY;

/** A made-up 2030 schedule shaped like a National Day week: 1-7 October rest, Sunday 29 September and Saturday 12 October work. */
const Y = 2030;
/** The fixed-date statutory holidays every schedule must keep (2024 rule). */
const STATUTORY_2030 = ["2030-01-01", "2030-05-01", "2030-05-02", "2030-10-01", "2030-10-02", "2030-10-03"];
const schedule2030 = {
  rest: ["2030-01-01", "2030-05-01", "2030-05-02", "2030-10-01", "2030-10-02", "2030-10-03", "2030-10-04", "2030-10-05", "2030-10-06", "2030-10-07"],
  work: ["2030-09-29", "2030-10-12"],
};

async function noticeReady(w: World, at: number): Promise<bigint> {
  await time.increaseTo(at - 90 * DAY); // applying, reviewing and selecting take a few weeks of chain time
  const r1 = await createResource(w);
  const callId = await publishCall(w);
  const id = await applyFor(w, { resourceIds: [r1], callId });
  await approveAuthorization(w, id);
  await confirmGrants(w, id);
  expect(await time.latest()).to.be.lessThan(at);
  return id;
}

describe("WorkingDayCalendar (C04)", () => {
  it("C04 is seeded with the pinned calendar: every day of every seeded year works or rests as the service counts it", async () => {
    const w = await loadFixture(deployWorld);
    // The deployment seeds the pinned years from its own year on; the chain's clock in this suite
    // may already be past them, so seed a calendar from 2024 the same way and check both.
    const deployedYear = new Date((Number((await ethers.provider.getBlock(w.deployment.startBlock))!.timestamp) + 8 * 3600) * 1000).getUTCFullYear();
    for (const { year } of pinnedYearSchedules(deployedYear)) expect(await w.calendar.isSet(year), `${year}`).to.equal(true);
    const seeded = pinnedYearSchedules(2024);
    expect(seeded.map((s) => s.year)).to.include.members([2024, 2025, 2026]);
    const factory = await ethers.getContractFactory("WorkingDayCalendar");
    const C = await factory.deploy(await w.hub.getAddress(), seeded);
    const calendar = chinaCalendar();
    for (const { year } of seeded) {
      expect(await C.isSet(year)).to.equal(true);
      const mismatches: string[] = [];
      for (let d = dayNumber(year, 1, 1); d < dayNumber(year + 1, 1, 1); d++) {
        const date = new Date(d * DAY * 1000).toISOString().slice(0, 10);
        const [working, provisional] = await C.isWorkingDay(d);
        if (working !== calendar.isWorkingDay(date) || provisional) mismatches.push(date);
      }
      expect(mismatches, `${year}`).to.deep.equal([]);
    }
  });

  it("C04 a notice started before a holiday week lasts its working days past it: the chain refuses a shorter one and any activation inside the holidays", async () => {
    const w = await loadFixture(deployWorld);
    const { authority } = w.signers;
    const A = w.authorizations;
    await w.calendar.connect(authority).setYear(Y, schedule2030.rest.map(dayOfYear), schedule2030.work.map(dayOfYear), h("国办发明电〔2029〕号"));
    // Friday 27 September 2030, 10:00: the 5 working days are Sun 29 Sep (make-up), Mon 30 Sep,
    // then after the holidays Tue 8, Wed 9, Thu 10 October; the notice may end no earlier than
    // the end of 10 October.
    const started = cst(Y, 9, 27, 10);
    const id = await noticeReady(w, started);
    const lawfulEnd = cst(Y, 10, 11);
    expect(await w.calendar.addWorkingDays(started, 5)).to.deep.equal([BigInt(lawfulEnd), false]);
    // Five calendar days would end on 2 October, inside the holidays: refused, nothing changes.
    await time.setNextBlockTimestamp(started);
    const before = await A.authorization(id);
    await expect(A.connect(authority).startNotice(id, started + 5 * DAY + 60))
      .to.be.revertedWithCustomError(A, "AuthorizationRegistryNoticeTooShort")
      .withArgs(started + 5 * DAY + 60, lawfulEnd);
    expect(await A.authorization(id)).to.deep.equal(before);
    await expect(A.connect(authority).startNotice(id, lawfulEnd - 1)).to.be.revertedWithCustomError(A, "AuthorizationRegistryNoticeTooShort");
    await expect(A.connect(authority).startNotice(id, lawfulEnd))
      .to.emit(A, "AuthorizationNoticed")
      .withArgs(id, lawfulEnd, lawfulEnd, false, authority.address);
    // On 3 October (the example of an activation inside National Day) the notice still runs.
    await time.increaseTo(cst(Y, 10, 3, 10));
    await expect(A.connect(authority).activate(id, 1n)).to.be.revertedWithCustomError(A, "AuthorizationRegistryNoticeOpen").withArgs(id, lawfulEnd);
    await time.increaseTo(lawfulEnd);
    await activateAuthorization(w, id);
    expect(await A.isActive(id, await time.latest())).to.equal(true);
  });

  it("C04 a year nobody set is counted by the provisional rule (weekends and 1 January, 1-2 May, 1-3 October rest), and the notice's record says so", async () => {
    const w = await loadFixture(deployWorld);
    const { authority } = w.signers;
    const A = w.authorizations;
    expect(await w.calendar.isSet(2031)).to.equal(false);
    expect(await w.calendar.isWorkingDay(dayNumber(2031, 1, 1))).to.deep.equal([false, true]); // Wednesday, 元旦
    expect(await w.calendar.isWorkingDay(dayNumber(2031, 1, 2))).to.deep.equal([true, true]);
    expect(await w.calendar.isWorkingDay(dayNumber(2031, 5, 2))).to.deep.equal([false, true]); // Friday, 劳动节
    expect(await w.calendar.isWorkingDay(dayNumber(2031, 10, 3))).to.deep.equal([false, true]); // Friday, 国庆
    expect(await w.calendar.isWorkingDay(dayNumber(2031, 1, 4))).to.deep.equal([false, true]); // Saturday
    // Tuesday 30 December 2031 10:00: Wed 31 Dec, (Thu 1 Jan rests), Fri 2, Mon 5, Tue 6, Wed 7 January.
    const started = cst(2031, 12, 30, 10);
    const id = await noticeReady(w, started);
    const lawfulEnd = cst(2032, 1, 8);
    await time.setNextBlockTimestamp(started);
    await expect(A.connect(authority).startNotice(id, lawfulEnd))
      .to.emit(A, "AuthorizationNoticed")
      .withArgs(id, lawfulEnd, lawfulEnd, true, authority.address);
  });

  it("C04 only the data authority sets a year; bad schedules are refused and change nothing; each setting is recorded with its version", async () => {
    const w = await loadFixture(deployWorld);
    const C = w.calendar;
    const { authority, operatorA, admin } = w.signers;
    const statutory = STATUTORY_2030.map(dayOfYear); // 0, 120, 121, 273, 274, 275
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const rest = sorted([...statutory, 3, 40]);
    for (const who of [operatorA, admin]) {
      await expect(C.connect(who).setYear(Y, rest, [], h("n"))).to.be.revertedWithCustomError(C, "HubConsumerUnauthorized").withArgs(who.address, ROLE.DATA_AUTHORITY);
    }
    await expect(C.connect(authority).setYear(1999, rest, [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarInvalidYear").withArgs(1999);
    await expect(C.connect(authority).setYear(Y, [...rest, 365], [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarInvalidDay").withArgs(Y, 365); // 2030 has 365 days
    await expect(C.connect(authority).setYear(Y, [40, 3], [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarDaysNotAscending").withArgs(Y, 3);
    await expect(C.connect(authority).setYear(Y, sorted([...statutory, 3]).flatMap((d) => (d === 3 ? [3, 3] : [d])), [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarDaysNotAscending").withArgs(Y, 3);
    await expect(C.connect(authority).setYear(Y, rest, [40], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarDayTwice").withArgs(Y, 40);
    await expect(C.connect(authority).setYear(Y, rest, [], "0x" + "00".repeat(32))).to.be.revertedWithCustomError(C, "WorkingDayCalendarZeroHash");
    // The authority cannot shorten periods: a make-up day on a weekday, or a statutory holiday that works.
    await expect(C.connect(authority).setYear(Y, rest, [2], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarWorkDayNotWeekend").withArgs(Y, 2); // Thursday 3 January
    await expect(C.connect(authority).setYear(Y, rest.filter((d) => d !== 273), [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarStatutoryHolidayWorks").withArgs(Y, 273);
    await expect(C.connect(authority).setYear(Y, [], [], h("n"))).to.be.revertedWithCustomError(C, "WorkingDayCalendarStatutoryHolidayWorks").withArgs(Y, 0);
    expect(await C.versionOf(Y)).to.equal(0n);
    await expect(C.connect(authority).setYear(Y, rest, [5], h("first"))).to.emit(C, "CalendarYearSet").withArgs(Y, rest, [5], h("first"), 1, authority.address);
    // A correction replaces the year's schedule whole.
    const corrected = sorted([...statutory, 40]);
    await expect(C.connect(authority).setYear(Y, corrected, [], h("corrected"))).to.emit(C, "CalendarYearSet").withArgs(Y, corrected, [], h("corrected"), 2, authority.address);
    expect(await C.versionOf(Y)).to.equal(2n);
    expect(await C.isWorkingDay(dayNumber(Y, 1, 4))).to.deep.equal([true, false]); // day 3 (Friday 4 January) works again
    expect(await C.isWorkingDay(dayNumber(Y, 2, 10))).to.deep.equal([false, false]); // day 40 rests
    expect(await C.isWorkingDay(dayNumber(Y, 1, 6))).to.deep.equal([false, false]); // a Sunday, not made up any more
    await expect(C.addWorkingDays(cst(Y, 1, 1), 367)).to.be.revertedWithCustomError(C, "WorkingDayCalendarTooManyWorkingDays").withArgs(367, 366);
  });
});
