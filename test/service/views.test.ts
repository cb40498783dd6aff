/**
 * The projections (ledger-service/src/views) fed with realistic ChainEvents through the real
 * LevelDB store, read back through its ViewReader: records, status at any time, timelines and
 * the statutory deadlines of the zhaoqing profile on the China calendar.
 */
import { expect } from "chai";
import { loadProfile } from "../../policy/profile";
import { createViews, SPACE } from "../../ledger-service/src/views";
import { authorizationStatusAt, type AuthorizationRecord } from "../../ledger-service/src/views/authorizations";
import type { DeadlineRecord } from "../../ledger-service/src/views/deadlines";
import { reportPeriods } from "../../ledger-service/src/views/deadlines";
import type { ProductRecord } from "../../ledger-service/src/views/products";
import type { ResourceRecord } from "../../ledger-service/src/views/resources";
import { timelineRange, type TimelineEntry } from "../../ledger-service/src/views/timeline";
import type { ParticipantRecord } from "../../ledger-service/src/views/participants";
import { pad } from "../../ledger-service/src/views/util";
import { calendarInfo, chinaDayStart } from "../../ledger-service/src/calendar";
import type { JsonValue, ViewReader } from "../../ledger-service/src/store/types";
import { createChainBuilder, cst, GOV, h, KEYS, openSeededStore, openTestStore, P, regCode, resourceData, seedGovernance, seedWorld, type TestStore } from "./helpers/ledger";
import { createQueries } from "../../ledger-service/src/api/queries";
import { GOVERNANCE_SPACE, type PendingGovernanceChange } from "../../ledger-service/src/views/governance";

async function all<T>(reader: ViewReader, space: string, opts = {}): Promise<[string, T][]> {
  const out: [string, T][] = [];
  for await (const kv of reader.range<never>(space, opts)) out.push(kv as [string, T]);
  return out;
}

describe("views: projections over the real store", () => {
  const profile = loadProfile("zhaoqing");
  let ts: TestStore;
  let reader: ViewReader;
  let times: ReturnType<typeof seedWorld>;
  const deadline = (key: string) => reader.get<DeadlineRecord>(SPACE.deadline, key);

  before(async () => {
    ({ ts, times } = await openSeededStore(profile));
    reader = ts.store.reader;
  });
  after(async () => ts.close());

  it("projects participants with their signers and qualifications (C08)", async () => {
    const op = await reader.get<ParticipantRecord>(SPACE.participant, pad(P.operator));
    expect(op?.kind).to.equal("Operator");
    expect(op?.qualifications).to.have.length(1);
    expect(op?.status).to.equal("Active");
    const list = await all<ParticipantRecord>(reader, SPACE.participant);
    expect(list.map(([, p]) => p.id)).to.deep.equal(["1", "2", "3", "4", "5", "6", "7"]);
  });

  it("projects resources with their one source department and registration (C09, C36)", async () => {
    const r = await reader.get<ResourceRecord>(SPACE.resource, pad("1"));
    expect(r?.sourceDeptId).to.equal(P.dept);
    expect(r?.status).to.equal("Listed");
    expect([r?.registration.code, r?.registration.codeHex]).to.deep.equal(["GM-2025-R-0001", regCode("GM-2025-R-0001")]);
    expect(r?.data.shareType).to.equal("Unconditional");
  });

  it("computes an authorization's effective status at any time from stored fields, Expired after its term", async () => {
    const a = (await reader.get<AuthorizationRecord>(SPACE.authorization, pad("1")))!;
    expect(a.status).to.equal("Active");
    expect(authorizationStatusAt(a, times.applied - 1)).to.equal("None");
    expect(authorizationStatusAt(a, times.applied)).to.equal("Applied");
    expect(authorizationStatusAt(a, times.noticeStart + 60)).to.equal("Noticed");
    expect(authorizationStatusAt(a, times.activated + 1)).to.equal("Active");
    expect(authorizationStatusAt(a, times.termEnd)).to.equal("Expired");
    expect(a.grants.map((g) => g.status)).to.deep.equal(["Confirmed", "Confirmed"]);
    const children = await all<string>(reader, SPACE.authByParent, { gte: `${pad("1")}:`, lt: `${pad("1")};` });
    expect(children.map(([, id]) => id)).to.deep.equal(["2"]);
  });

  it("C22 keeps every event of a record in its own timeline only, oldest first, with its anchor, actor and related records as links", async () => {
    const timeline = async (kind: string, id: string) => (await all<TimelineEntry>(reader, SPACE.timeline, timelineRange(kind, id))).map(([, e]) => e);
    const entries = await timeline("authorization", "1");
    expect(entries[0].event).to.equal("AuthorizationApplied");
    const order = entries.map((e) => e.blockNumber * 1000 + e.logIndex);
    expect(order).to.deep.equal([...order].sort((x, y) => x - y));
    expect(entries.map((e) => e.event)).to.include.members(["AuthorizationNoticed", "AuthorizationActivated", "GrantAdvanced"]);
    // The agreement's, scenario's, product's and report's own events are in their timelines, not here.
    expect(entries.map((e) => e.event)).to.not.include.members(["AgreementFiled"]);
    expect(entries.filter((e) => e.contract !== "AuthorizationRegistry").map((e) => e.event)).to.deep.equal([]);
    for (const [kind, id, event] of [["agreement", "1", "AgreementFiled"], ["scenario", "1", "ScenarioProposed"], ["product", "1", "ProductRegistered"]] as const) {
      const own = (await timeline(kind, id)).find((e) => e.event === event);
      expect(own?.related, `${kind} ${id} ${event}`).to.deep.include({ kind: "authorization", id: "1" });
    }
    const reports = (await all<TimelineEntry>(reader, SPACE.timeline, { gte: "report:", lt: "report;" })).map(([, e]) => e);
    expect(reports.filter((e) => e.event === "ReportFiled" && e.related.some((r) => r.kind === "authorization" && r.id === "1")).length).to.be.greaterThan(0);
    for (const e of entries) expect(e.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const applied = entries[0];
    expect(applied.actor).to.be.a("string");
    expect(applied.related).to.deep.include.members([{ kind: "participant", id: P.operator }, { kind: "call", id: "1" }]);
    // The operator's timeline holds what it did itself; the authorization it applied for links to it.
    const op = (await timeline("participant", P.operator)).map((e) => e.event);
    expect(op).to.include.members(["ParticipantRegistered", "QualificationAttested", "DisclosureAnchored"]);
    expect(op).to.not.include.members(["AuthorizationApplied"]);
    // Each signature is an event of the agreement, naming the party that signed.
    const signed = async (kind: string, id: string) =>
      (await timeline(kind, id)).filter((e) => e.event === "AgreementSigned").map((e) => [e.args.agreementId, e.args.partyId, e.related.map((r) => `${r.kind}:${r.id}`).join()]);
    expect(await signed("participant", P.operator)).to.deep.equal([]);
    expect(await signed("participant", P.agency)).to.deep.equal([]);
    expect(await signed("agreement", "1")).to.deep.equal([["1", P.agency, `participant:${P.agency}`], ["1", P.operator, `participant:${P.operator}`]]);
    // Status-like fields by name.
    const changed = entries.filter((e) => e.event === "AuthorizationStatusChanged").map((e) => [e.args.from, e.args.to]);
    expect(changed[changed.length - 1]).to.deep.equal(["Noticed", "Active"]);
    expect(entries.find((e) => e.event === "AuthorizationApplied")?.args.mode).to.equal("Comprehensive");
    // Anchors are the event's own: a txHash differs from its blockHash, and both match the block.
    for (const e of entries) {
      expect(e.blockHash).to.equal(h(`block ${e.blockNumber}`));
      expect(e.txHash).to.not.equal(e.blockHash);
    }
  });

  it("C11 computes the catalog approval deadline in working days across the National Day break (not day % 7)", async () => {
    const d1 = (await deadline(`resource:${pad("1")}:C11:entry-approval`))!;
    // Proposed Friday 26 September 2025: Sun 28 (make-up), 29, 30, then 1-8 October off, 9, 10.
    expect(d1.dueDate).to.equal("2025-10-10");
    expect(d1.status).to.equal("met"); // reviewed 10 October 16:00; a weekday-only count would call it late
    expect(d1.provisional).to.equal(false);
    expect(d1.calendar.sha256).to.equal(calendarInfo().sha256);
    const d2 = (await deadline(`resource:${pad("2")}:C11:entry-approval`))!;
    expect(d2.status).to.equal("late");
    const breaches = await all<string>(reader, SPACE.violation);
    expect(breaches.map(([, k]) => k)).to.include(d2.key);
  });

  it("C12 tracks each grant step for 5 working days: evaluation then confirmation; for partners the operator pre-review first", async () => {
    const k = (auth: string, res: string, step: string) => `authorization:${pad(auth)}:C12:grant-${pad(res)}-${step}`;
    const ev = (await deadline(k("1", "1", "evaluate")))!;
    expect(ev.workingDays).to.equal(profile.deadlines.authorityEvaluationWorkingDays);
    expect(ev.dueDate).to.equal("2025-10-22");
    expect(ev.status).to.equal("met");
    expect((await deadline(k("1", "2", "confirm")))!.dueDate).to.equal("2025-10-23");
    expect((await deadline(k("2", "1", "prereview")))!.dueDate).to.equal("2025-11-10");
    expect((await deadline(k("2", "1", "evaluate")))!.status).to.equal("met");
    expect((await deadline(k("2", "1", "confirm")))!.status).to.equal("met");
  });

  it("C04 checks the public notice lasts at least the profile's working days and flags a short one", async () => {
    const ok = (await deadline(`authorization:${pad("1")}:C04:notice`))!;
    expect(ok.status).to.equal("met");
    expect(ok.dueDate).to.equal("2025-10-27");
    const short = (await deadline(`authorization:${pad("2")}:C04:notice`))!;
    expect(short.status).to.equal("violated"); // 3 working days (Nov 10-12) instead of 5
    expect((await deadline(`authorization:${pad("2")}:C04:activation`))!.status).to.equal("violated");
  });

  it("C27 gives the source department 10 working days to answer an objection and records a late answer", async () => {
    const d = (await deadline(`case:${pad("1")}:C27:answer`))!;
    expect(d.dueDate).to.equal("2025-12-15");
    expect(d.status).to.equal("late");
  });

  it("C32 tracks conditional sharing (reply in 2 working days) and flags a refusal without legal basis", async () => {
    const reply = (await deadline(`share:${pad("1")}:C32:reply`))!;
    expect(reply.dueDate).to.equal("2025-12-03");
    expect(reply.status).to.equal("met");
    expect((await deadline(`share:${pad("1")}:C32:refusal-basis`))!.status).to.equal("violated");
    expect(await deadline(`share:${pad("1")}:C32:execute`)).to.equal(undefined);
  });

  it("C28 opens one report deadline per period of the profile's cadence; a filed report meets it; far periods are provisional", async () => {
    const q4 = (await deadline(`authorization:${pad("1")}:C28:QuarterlyOperation-20254`))!;
    expect(q4.dueDate).to.equal("2026-01-15"); // 1-3 January off, Sunday 4 January a make-up day
    expect(q4.status).to.equal("met");
    const annual = (await deadline(`authorization:${pad("1")}:C28:AnnualReport-2025`))!;
    expect(annual.status).to.equal("open");
    const later = (await deadline(`authorization:${pad("1")}:C28:QuarterlyOperation-20273`))!;
    expect(later.provisional).to.equal(true);
    expect(reportPeriods("quarterly", cst("2025-11-01"), cst("2026-02-01")).map(([p]) => p)).to.deep.equal([20254, 20261]);
    expect(reportPeriods("monthly", cst("2025-12-15"), cst("2026-01-02")).map(([p]) => p)).to.deep.equal([202512, 202601]);
  });

  it("C37 expects an annual disclosure by 31 March from the operator and the implementing agency", async () => {
    const op = (await deadline(`participant:${pad(P.operator)}:C37:disclosure-2025`))!;
    expect(op.dueAt).to.equal(chinaDayStart("2026-04-01"));
    expect(op.status).to.equal("met");
    const agency = (await deadline(`participant:${pad(P.agency)}:C37:disclosure-2025`))!;
    expect(agency.status).to.equal("open");
  });

  it("C24 an operation under a child whose parent is suspended is flagged; a rejection closes the open grant steps", async () => {
    const b = createChainBuilder(1000);
    b.block(cst("2026-04-01"), [
      { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "1", from: 7, to: 8, reasonHash: "0x" + "11".repeat(32), emergency: true, by: "0x" + "22".repeat(20) } },
      {
        contract: "AuthorizationRegistry", event: "AuthorizationApplied",
        args: { id: "3", parentId: "0", holderId: P.operator, organizerId: P.agency, mode: 2, tier: 1, request: { parentId: "0", holderId: P.operator, callId: "1", termStart: String(cst("2026-05-01")), termEnd: String(cst("2027-05-01")), materialsHash: "0x" + "66".repeat(32), resourceIds: ["2"], domains: [] }, applicant: "0x" + "55".repeat(20) },
      },
    ]);
    b.block(cst("2026-04-02"), [
      { contract: "ProductRegistry", event: "ProductListed", args: { id: "2", holderId: P.developer, scenarioId: "2", authorizationId: "2", registrationCode: "0x" + "33".repeat(32), registrationValidUntil: String(cst("2028-11-20")), reviewReportHash: "0x" + "44".repeat(32), by: "0x" + "55".repeat(20) } },
      { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "3", from: 1, to: 5, reasonHash: "0x" + "77".repeat(32), emergency: false, by: "0x" + "22".repeat(20) } },
    ]);
    await ts.apply(b);
    const a = (await reader.get<AuthorizationRecord>(SPACE.authorization, pad("1")))!;
    expect(authorizationStatusAt(a, cst("2026-04-01", 12))).to.equal("Suspended");
    expect(authorizationStatusAt(a, cst("2026-03-31"))).to.equal("Active");
    expect(a.history.at(-1)?.emergency).to.equal(true);
    const alerts = (await all<{ subjectId: string; authorizationId: string }>(reader, "alert")).map(([, v]) => v);
    expect(alerts.some((x) => x.subjectId === "2" && x.authorizationId === "2"), "re-listing under a suspended parent").to.equal(true);
    const grant = (await deadline(`authorization:${pad("3")}:C12:grant-${pad("2")}-evaluate`))!;
    expect(grant.status).to.equal("closed");
    const open = await all<string>(reader, SPACE.deadlineOpen);
    expect(open.map(([, k]) => k)).to.not.include(grant.key);
  });

  it("C12 C21 a refused resource grant keeps its public reason, in the authorization's grant steps and in its timeline", async () => {
    const own = (await openSeededStore(profile)).ts;
    try {
      const reason = { reason: "该资源含个人信息，申请用途不满足最小必要原则，不同意授权。", reasonEn: "The resource holds personal data beyond the stated purpose: refused." };
      const b = createChainBuilder(1000);
      b.block(cst("2026-04-01"), [
        {
          contract: "AuthorizationRegistry", event: "AuthorizationApplied",
          args: { id: "3", parentId: "0", holderId: P.operator, organizerId: P.agency, mode: 2, tier: 1, request: { parentId: "0", holderId: P.operator, callId: "1", termStart: String(cst("2026-05-01")), termEnd: String(cst("2027-05-01")), materialsHash: h("materials 3"), resourceIds: ["2"], domains: [] }, applicant: KEYS.operator },
        },
      ]);
      b.block(cst("2026-04-02"), [{ contract: "AuthorizationRegistry", event: "GrantAdvanced", args: { authorizationId: "3", resourceId: "2", status: 3, opinionHash: h("eval 3"), statement: "", by: KEYS.authority } }]);
      b.block(cst("2026-04-03"), [{ contract: "AuthorizationRegistry", event: "GrantAdvanced", args: { authorizationId: "3", resourceId: "2", status: 5, opinionHash: h("refused 3"), statement: JSON.stringify(reason), by: KEYS.dept2 } }]);
      await own.apply(b);
      const a = (await own.store.reader.get<AuthorizationRecord>(SPACE.authorization, pad("3")))!;
      expect(a.grants.map((g) => [g.resourceId, g.status, g.steps.map((x) => [x.status, x.statement?.reason ?? null])])).to.deep.equal([
        ["2", "Refused", [["Evaluated", null], ["Refused", reason.reason]]],
      ]);
      expect(a.grants[0].steps[1].statement).to.include({ reasonEn: reason.reasonEn, status: "Refused", at: cst("2026-04-03") });
      const timeline = (await all<TimelineEntry>(own.store.reader, SPACE.timeline, timelineRange("authorization", "3"))).map(([, v]) => v);
      expect(timeline.filter((x) => x.event === "GrantAdvanced").map((x) => x.statement?.reason ?? null)).to.deep.equal([null, reason.reason]);
    } finally {
      await own.close();
    }
  });

  it("C24 C28 a report filed for a period after its authorization was revoked raises no alert (a duty, not an operation); a product listed then does", async () => {
    const own = (await openSeededStore(profile)).ts;
    try {
      const b = createChainBuilder(1000);
      b.block(cst("2026-04-01"), [
        { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "2", from: 7, to: 10, reasonHash: "0x" + "11".repeat(32), emergency: false, by: KEYS.authority } },
      ]);
      b.block(cst("2026-04-15"), [
        // The first quarter's report, owed for the months it operated in.
        { contract: "OversightRegistry", event: "ReportFiled", args: { reportId: "2", authorizationId: "2", holderId: P.developer, kind: 2, period: "20261", documentHash: h("q1 report 2"), filedAt: String(cst("2026-04-15")), by: KEYS.developer } },
        { contract: "ProductRegistry", event: "ProductListed", args: { id: "2", holderId: P.developer, scenarioId: "2", authorizationId: "2", registrationCode: regCode("GM-2025-P-0002"), registrationValidUntil: String(cst("2028-11-20")), reviewReportHash: h("review 2"), by: KEYS.developer } },
      ]);
      await own.apply(b);
      const q = createQueries(own.store.reader);
      const alerts = (await q.alerts({ now: cst("2026-04-16"), days: 30, limit: 50, kind: "operation-outside-authorization" })).items;
      expect(alerts.map((x) => [x.subjectKind, x.subjectId, x.message])).to.deep.equal([["product", "2", "ProductListed of product 2 while authorization 2 was Revoked"]]);
    } finally {
      await own.close();
    }
  });

  it("C22 C05 lists each scheduled registry swap and governance grant as pending until it is executed or cancelled", async () => {
    const b = createChainBuilder(1100);
    const { readyAt, scheduledAt } = seedGovernance(b, cst("2026-04-03"));
    await ts.apply(b);
    const pending = (await all<PendingGovernanceChange>(reader, GOVERNANCE_SPACE)).map(([, c]) => c);
    expect(pending.map((c) => [c.kind, c.label, c.account, c.current, c.readyAt, c.scheduledAt])).to.deep.equal([
      ["contract-change", "AgreementRegistry", GOV.acceptAll, GOV.realAgreements, readyAt, scheduledAt],
      ["role-grant", "EXPERT", GOV.newExpert, null, readyAt, scheduledAt],
    ]);
    expect(pending[1].scheduledBy).to.equal(GOV.admin);
    expect(pending[0].anchor.txHash).to.match(/^0x[0-9a-f]{64}$/);
    // Executing the grant (RoleGranted) and the swap (ContractRecorded) removes them.
    const b2 = createChainBuilder(1200);
    b2.block(readyAt + 600, [
      { contract: "ProvenantHub", event: "RoleGranted", args: { role: GOV.expert, account: GOV.newExpert, sender: GOV.admin } },
      { contract: "ProvenantHub", event: "ContractRecorded", args: { name: GOV.agreementRegistry, addr: GOV.acceptAll, previous: GOV.realAgreements } },
    ]);
    await ts.apply(b2);
    expect(await all(reader, GOVERNANCE_SPACE)).to.deep.equal([]);
  });

  it("C22 a review that moves the status, reported by AuthorizationReviewed and AuthorizationStatusChanged, enters the history once", async () => {
    // The seeded authorization 1: pre-review and the deciding expert opinion each emitted both events.
    const one = (await reader.get<AuthorizationRecord>(SPACE.authorization, pad("1")))!;
    const statuses = one.history.map((x) => x.status);
    expect(statuses.slice(0, 6)).to.deep.equal(["Applied", "PreReviewed", "ExpertReviewed", "Approved", "Noticed", "Active"]);
    expect(one.reviews.map((r) => r.stage)).to.deep.equal(["PreReview", "Expert"]);
    // A failed pre-review of a new application: one review, one Rejected entry, its grant steps closed.
    const b = createChainBuilder(2000);
    const applicant = "0x" + "55".repeat(20);
    b.block(cst("2026-05-06"), [
      {
        contract: "AuthorizationRegistry", event: "AuthorizationApplied",
        args: { id: "4", parentId: "0", holderId: P.operator, organizerId: P.agency, mode: 1, tier: 1, request: { parentId: "0", holderId: P.operator, callId: "1", termStart: String(cst("2026-06-01")), termEnd: String(cst("2027-06-01")), materialsHash: "0x" + "88".repeat(32), resourceIds: ["1"], domains: [] }, applicant },
      },
    ]);
    const refused = "0x" + "99".repeat(32);
    b.block(cst("2026-05-07"), [
      { contract: "AuthorizationRegistry", event: "AuthorizationReviewed", args: { id: "4", stage: 1, pass: false, opinionHash: refused, status: 5, reviewer: applicant } },
      { contract: "AuthorizationRegistry", event: "AuthorizationStatusChanged", args: { id: "4", from: 1, to: 5, reasonHash: refused, emergency: false, statement: JSON.stringify({ reason: "申请材料不全" }), by: applicant } },
    ]);
    await ts.apply(b);
    const four = (await reader.get<AuthorizationRecord>(SPACE.authorization, pad("4")))!;
    expect(four.status).to.equal("Rejected");
    expect(four.history.map((x) => [x.status, x.reasonHash])).to.deep.equal([["Applied", null], ["Rejected", refused]]);
    // C21: the statement of the second report of the same change joins its entry and the record.
    expect([four.history[1].statement?.reason, four.statement?.reason, four.statement?.at]).to.deep.equal(["申请材料不全", "申请材料不全", cst("2026-05-07")]);
    expect(four.reviews).to.have.length(1);
    expect(authorizationStatusAt(four, cst("2026-05-07", 12))).to.equal("Rejected");
    const grant = (await deadline(`authorization:${pad("4")}:C12:grant-${pad("1")}-evaluate`))!;
    expect(grant.status).to.equal("closed");
    const timeline = (await all<TimelineEntry>(reader, SPACE.timeline, timelineRange("authorization", "4"))).map(([, e]) => e.event);
    expect(timeline).to.deep.equal(["AuthorizationApplied", "AuthorizationReviewed", "AuthorizationStatusChanged"]);
  });

  it("C21 C34 shows a text that is ill-shaped, not NFC, over its cap or escaping a bidi control as absent with its reason, and raises one invalid-public-text alert each", async () => {
    const b = createChainBuilder(3000);
    const at = cst("2026-05-08");
    const change = (id: string, publicText: string): { contract: string; event: string; args: { [k: string]: JsonValue } }[] => [
      { contract: "ResourceCatalog", event: "ResourceChangeProposed", args: { id, data: resourceData(id === "1" ? "land parcels" : "bus routes"), publicText, by: KEYS.dept } },
      { contract: "ResourceCatalog", event: "ResourceChangeReviewed", args: { id, approved: true, data: resourceData(id === "1" ? "land parcels" : "bus routes"), publicText, opinionHash: h(`change ${id}`), by: KEYS.authority } },
    ];
    b.block(at, [
      ...change("1", JSON.stringify({ name: "Cafe\u0301 地块" })), // decomposed é: not NFC
      ...change("2", '{"name":"公交\\u202e线路"}'), // a right-to-left override written as a JSON escape
      { contract: "ProductRegistry", event: "ProductDelisted", args: { id: "2", holderId: P.developer, from: 3, reasonHash: h("delist"), statement: JSON.stringify({ reason: "违".repeat(401) }), by: KEYS.developer } },
      { contract: "ScenarioRegistry", event: "ScenarioRetired", args: { id: "2", authorizationId: "2", from: 2, reasonHash: h("retire"), statement: JSON.stringify({ why: "wrong key" }), by: KEYS.authority } },
    ]);
    await ts.apply(b);
    const one = (await reader.get<ResourceRecord>(SPACE.resource, pad("1")))!;
    expect([one.name, one.publicText, one.publicTextError]).to.deep.equal([null, null, "resource text: name is not in Unicode NFC"]);
    const two = (await reader.get<ResourceRecord>(SPACE.resource, pad("2")))!;
    expect([two.publicText, two.publicTextError]).to.deep.equal([null, "resource text: name holds a control or bidi character at 2"]);
    const product = (await reader.get<ProductRecord>(SPACE.product, pad("2")))!;
    expect([product.status, product.statement, product.statementError]).to.deep.equal(["Delisted", null, "statement text: reason has 401 characters, more than 400"]);
    // The names index follows: a reference to resource 1 no longer shows the refused name.
    expect(await reader.get(SPACE.name, "resource:" + pad("1"))).to.equal(undefined);
    const alerts = await createQueries(reader).alerts({ now: at + 60, days: 30, limit: 50, kind: "invalid-public-text" });
    expect(alerts.items.map((x) => [x.clause, x.at, x.subjectKind, x.subjectId, (x.detail as { event: string }).event, (x.detail as { field: string }).field])).to.deep.equal([
      ["C21", at, "scenario", "2", "ScenarioRetired", "statement"],
      ["C21", at, "product", "2", "ProductDelisted", "statement"],
      ["C21", at, "resource", "2", "ResourceChangeReviewed", "publicText"],
      ["C21", at, "resource", "2", "ResourceChangeProposed", "publicText"],
      ["C21", at, "resource", "1", "ResourceChangeReviewed", "publicText"],
      ["C21", at, "resource", "1", "ResourceChangeProposed", "publicText"],
    ]);
    expect(alerts.items[0].message).to.equal('the statement of ScenarioRetired (scenario 2) is not shown: statement text: reason is missing');
  });
});
