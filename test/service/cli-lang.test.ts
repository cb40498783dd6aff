/**
 * The CLI speaks the labels (issue 12, C21): `--lang zh|en`, by default the environment's
 * language; statuses, kinds, relations, alert kinds and deadline states as labels; dates as
 * 2026年3月31日 in 北京时间 for Chinese. Run in-process against the seeded world's API.
 */
import { expect } from "chai";
import { Wallet, id as keccak } from "ethers";
import { REGULATOR_ROLE } from "../../ledger-service/src/api/auth";
import { chinaTime, displayWidth, main } from "../../ledger-service/src/cli/index";
import { deadlineLabel, label } from "../../ledger-service/src/i18n";
import { seededApi } from "./helpers/ledger";

const regulator = new Wallet(keccak("cli regulator"));
const NOW_MS = Date.parse("2026-12-07T12:00:00+08:00");

describe("provenant CLI: --lang, labels and Chinese dates", () => {
  let api: Awaited<ReturnType<typeof seededApi>>;
  before(async () => {
    // One fixed moment, so that two reads compared in a test fall on one China day.
    api = await seededApi("huizhou", { hasRole: async (role, address) => role === REGULATOR_ROLE && address === regulator.address, now: () => NOW_MS });
  });
  after(async () => api.close());

  async function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await main([...args, "--api", api.base], { out: (l) => lines.push(l), env });
    return { code, lines };
  }
  const json = async (args: string[]) => JSON.parse((await run([...args, "--json"])).lines.join("\n"));

  it("C21 trace names kinds, relations and statuses in Chinese with --lang zh, in English with --lang en", async () => {
    const zh = await run(["trace", "2", "--lang", "zh"]);
    expect(zh.code).to.equal(0);
    expect(zh.lines[0]).to.equal("数据产品 2  宗地估值接口  [已发布]");
    expect(zh.lines).to.include("├─ 加工自数据产品 → 数据产品 1  交通规划指数  [已发布]");
    expect(zh.lines.some((l) => l.includes("数源部门 → 参与主体 3  惠州市自然资源局  [正常]"))).to.equal(true);
    expect(zh.lines.some((l) => l.includes("所依据的授权 → 授权 1") && l.includes("[授权生效]"))).to.equal(true);
    expect(zh.lines.join("\n")).to.not.match(/derivedFrom|heldBy|Listed|Active|participant /);
    const en = await run(["trace", "2", "--lang", "en"]);
    expect(en.lines[0]).to.equal("Data product 2  宗地估值接口  [Listed]");
    expect(en.lines).to.include("├─ Derived from product → Data product 1  交通规划指数  [Listed]");
  });

  it("C21 takes the language from PROVENANT_LANG, then LC_ALL / LANG, when --lang is absent; refuses another", async () => {
    expect((await run(["trace", "2"], { LANG: "zh_CN.UTF-8" })).lines[0]).to.equal("数据产品 2  宗地估值接口  [已发布]");
    expect((await run(["trace", "2"], { PROVENANT_LANG: "en", LANG: "zh_CN.UTF-8" })).lines[0]).to.equal("Data product 2  宗地估值接口  [Listed]");
    expect((await run(["trace", "2"], { PROVENANT_LANG: "zh" })).lines[0]).to.equal("数据产品 2  宗地估值接口  [已发布]");
    expect((await run(["trace", "2"], {})).lines[0]).to.equal("Data product 2  宗地估值接口  [Listed]");
    expect((await run(["trace", "2", "--lang", "en"], { LANG: "zh_CN.UTF-8" })).lines[0]).to.equal("Data product 2  宗地估值接口  [Listed]");
    const bad = await run(["trace", "2", "--lang", "fr"]);
    expect([bad.code, bad.lines]).to.deep.equal([2, []]);
  });

  it("C21 deadlines in Chinese: dates as 2026年3月31日, states, names and subjects as labels, in the API's order", async () => {
    const key = ["--key", regulator.privateKey];
    const all = (await json(["deadlines", ...key, "--limit", "1000"])) as { items: { dueDate: string; status: string; name: string; subjectKind: string; subjectId: string; clause: string; daysOverdue?: number }[] };
    expect(all.items.length).to.be.greaterThan(5);
    const zh = await run(["deadlines", ...key, "--limit", "1000", "--lang", "zh"]);
    expect(zh.code).to.equal(0);
    expect(zh.lines[0].split(/\s{2,}/)).to.deep.equal(["截止日期", "状态", "逾期", "条款", "事项", "对象", "说明"]);
    const zhDate = (d: string) => { const [y, m, day] = d.split("-"); return `${y}年${Number(m)}月${Number(day)}日`; };
    const rows = zh.lines.slice(1, -1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => [r[0], r[1], r[r.length - 4], r[r.length - 3], r[r.length - 2]])).to.deep.equal(
      all.items.map((d) => [zhDate(d.dueDate), label("deadlineStatus", d.status, "zh"), d.clause, deadlineLabel(d.name, "zh"), `${label("subjectKind", d.subjectKind, "zh")} ${d.subjectId}`]),
    );
    expect(rows.some((r) => r[0] === "2026年3月31日" && r[1] === "已逾期" && r[4] === "年度信息披露 2025")).to.equal(true);
    expect(zh.lines[zh.lines.length - 1]).to.equal(`共 ${all.items.length} 项截止期限，显示 ${all.items.length} 项`);
    // Columns line up on the terminal: each row's clause column starts at the same width.
    const clauseAt = (l: string) => displayWidth(l.slice(0, l.search(/C\d\d/)));
    expect(new Set(zh.lines.slice(1, -1).map(clauseAt)).size).to.equal(1);
  });

  it("C21 alerts in Chinese: 北京时间 as 2026年4月1日 00:00, alert kinds as labels", async () => {
    const key = ["--key", regulator.privateKey];
    const page = (await json(["alerts", ...key])) as { items: { kind: string; at: number; clause: string; subjectKind: string; subjectId: string }[]; total: number };
    expect(page.items.length).to.be.greaterThan(2);
    const zh = await run(["alerts", ...key, "--lang", "zh"]);
    expect(zh.lines[0].split(/\s{2,}/)).to.deep.equal(["时间（北京时间）", "预警类型", "条款", "对象", "说明"]);
    const rows = zh.lines.slice(1, -1).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => r.slice(0, 4))).to.deep.equal(
      page.items.map((a) => [chinaTime(a.at, "zh"), label("alertKind", a.kind, "zh"), a.clause, `${label("subjectKind", a.subjectKind, "zh")} ${a.subjectId}`]),
    );
    expect(rows[0].slice(0, 2)).to.deep.equal(["2026年4月1日 00:00", "逾期未办"]);
    expect(rows.map((r) => r[1])).to.include("违反规定");
    expect(zh.lines[zh.lines.length - 1]).to.equal(`共 ${page.total} 条预警，本页 ${page.items.length} 条`);
    const en = await run(["alerts", ...key, "--lang", "en"]);
    expect(en.lines[1].split(/\s{2,}/).slice(0, 2)).to.deep.equal(["2026-04-01 00:00", "Missed deadline"]);
  });
});
