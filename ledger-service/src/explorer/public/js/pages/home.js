// Home: what the platform is, the city and its policy profile, counts, the latest events, usage.
import { el, replace } from "../dom.js";
import { get, getAll, names, total } from "../api.js";
import { hasLabel, label, lang, t } from "../i18n.js";
import { chainText, dateTime, monthDay, number, recordLink, timeNode } from "../format.js";
import { badge, empty, fields, nameOf, pageHead, section, statusGroup } from "../ui.js";

export const strings = {
  zh: {
    "home.lead": "本平台依据公共数据授权运营的有关规定，公示每一项授权的对象、内容、范围和期限，数据产品及其来源，资源目录，各主体的年度披露和资源使用情况。所有记录都来自区块链上的事件，任何人都可以核对。",
    "home.profile": "适用地区与政策",
    "home.city": "地区",
    "home.sources": "依据文件",
    "home.notice": "授权公示期",
    "home.maxTerm": "授权期限上限",
    "home.maxTermValue": "{n} 年",
    "home.tiers": "授权层级",
    "home.tiersValue": "{n} 级",
    "home.annualDue": "年度披露截止",
    "home.annualDueValue": "每年 {date}（披露上一年度）",
    "home.counts": "数据概览",
    "home.count.participants": "参与主体",
    "home.count.resources": "目录资源",
    "home.count.authorizations": "公示授权",
    "home.count.products": "数据产品",
    "home.count.batches": "锚定批次",
    "home.count.receipts": "使用回执",
    "home.latest": "最新动态",
    "home.usage": "资源使用情况",
    "home.usageText": "平台节点已锚定 {receipts} 张使用回执，共 {batches} 个批次。",
    "home.usageLink": "查看使用统计图表",
    "home.verifyLink": "核验一张回执",
    "home.governance": "待生效治理变更：{what}，将于 {date} 后可执行。",
    "home.governanceLink": "查看治理变更",
  },
  en: {
    "home.lead": "Under the rules for the authorized operation of public data, this platform discloses every authorization's holder, content, scope and term, the data products and where their data comes from, the resource catalog, each participant's annual disclosure and how the resources are used. Every record comes from an event on the blockchain and anyone can check it.",
    "home.profile": "Region and policy",
    "home.city": "Region",
    "home.sources": "Rules applied",
    "home.notice": "Notice period of an authorization",
    "home.maxTerm": "Longest authorization term",
    "home.maxTermValue": "{n} years",
    "home.tiers": "Authorization tiers",
    "home.tiersValue": "{n}",
    "home.annualDue": "Annual disclosure due",
    "home.annualDueValue": "{date} each year (for the year before)",
    "home.counts": "At a glance",
    "home.count.participants": "Participants",
    "home.count.resources": "Catalog resources",
    "home.count.authorizations": "Authorizations disclosed",
    "home.count.products": "Data products",
    "home.count.batches": "Anchored batches",
    "home.count.receipts": "Usage receipts",
    "home.latest": "Latest events",
    "home.usage": "Use of the resources",
    "home.usageText": "Platform nodes have anchored {receipts} usage receipts in {batches} batches.",
    "home.usageLink": "See the usage charts",
    "home.verifyLink": "Verify a receipt",
    "home.governance": "Pending governance change: {what}, executable after {date}.",
    "home.governanceLink": "See governance changes",
  },
};

/** "惠州市 Huizhou" → the part in the chosen language. */
function regionName(name) {
  const m = /^(\S*[\u3400-\u9fff]\S*)\s+(.+)$/.exec(String(name));
  if (!m) return String(name);
  return lang() === "zh" ? m[1] : m[2];
}

export async function render(main, ctx) {
  ctx.setTitle(t("nav.home"));
  const health = await get("/health").catch(() => ({}));
  const profile = health.profile ? await fetch(`/policy/${encodeURIComponent(health.profile)}.json`).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null;
  const [dir, nAuth, usage, authorizations, governance] = await Promise.all([
    names(),
    total("/disclosures/authorizations"),
    get("/disclosures/usage").catch(() => null),
    getAll("/authorizations", 2000),
    get("/governance/pending?limit=1").catch(() => ({ items: [] })),
  ]);

  const out = [pageHead(t("site.title"), t("home.lead"))];

  if (governance.items.length) {
    const c = governance.items[0];
    out.push(
      el(
        "p",
        { class: "object", id: "governance-notice" },
        t("home.governance", { what: `${label("governanceKind", c.kind)} ${hasLabel("contract", c.label) ? label("contract", c.label) : hasLabel("role", c.label) ? label("role", c.label) : c.label}`, date: dateTime(c.readyAt) }),
        " ",
        el("a", { href: "#/governance" }, t("home.governanceLink")),
      ),
    );
  }

  const stat = (key, n, href) => el("li", {}, el("a", { href }, el("span", { class: "n" }, number(n)), el("span", { class: "k" }, t(key))));
  out.push(
    section(
      t("home.counts"),
      el(
        "ul",
        { class: "stats" },
        stat("home.count.participants", dir.participants.size, "#/participants"),
        stat("home.count.resources", dir.resources.size, "#/catalog"),
        stat("home.count.authorizations", nAuth, "#/authorizations"),
        stat("home.count.products", dir.products.size, "#/products"),
        stat("home.count.batches", usage ? usage.batches : 0, "#/usage"),
        stat("home.count.receipts", usage ? usage.receipts : 0, "#/usage"),
      ),
    ),
  );

  if (profile) {
    out.push(
      section(
        t("home.profile"),
        fields([
          [t("home.city"), regionName(profile.name)],
          [t("home.notice"), t("unit.workingDays", { n: number(profile.noticeWorkingDays) })],
          [t("home.maxTerm"), t("home.maxTermValue", { n: number(profile.maxTermYears) })],
          [t("home.tiers"), t("home.tiersValue", { n: number(profile.tiers) })],
          [t("home.annualDue"), t("home.annualDueValue", { date: monthDay(profile.annualDisclosureDue || "03-31") })],
          [t("home.sources"), el("ul", {}, (profile.sources || []).map((s) => el("li", {}, chainText(s))))],
        ]),
      ),
    );
  }

  // Latest status changes of authorizations, products and resources, newest first.
  const events = [];
  for (const a of authorizations) for (const h of a.history || []) events.push({ kind: "authorization", id: a.id, name: a.holderName || dir.participant(a.holderId), at: h.at, status: h.status, anchor: h.anchor });
  for (const p of dir.products.values()) for (const h of p.history || []) events.push({ kind: "product", id: p.id, name: nameOf(p), at: h.at, status: h.status, anchor: h.anchor });
  for (const r of dir.resources.values()) for (const h of r.history || []) events.push({ kind: "resource", id: r.id, name: nameOf(r), at: h.at, status: h.status, anchor: h.anchor });
  events.sort((a, b) => b.at - a.at || (b.anchor && a.anchor ? b.anchor.blockNumber - a.anchor.blockNumber : 0));
  const latest = events.slice(0, 8);
  out.push(
    section(
      t("home.latest"),
      latest.length
        ? el(
            "ol",
            { class: "timeline" },
            latest.map((e) =>
              el(
                "li",
                {},
                el("div", { class: "when" }, timeNode(e.at, true)),
                el("div", {}, el("span", { class: "node-kind" }, t(`kind.${e.kind}`)), recordLink(e.kind, e.id, e.name), " ", badge(statusGroup(e.kind), e.status)),
                e.anchor ? el("div", { class: "ev small" }, el("a", { href: `#/tx/${e.anchor.txHash}` }, `${t("evidence.block")} #${number(e.anchor.blockNumber)}`)) : null,
              ),
            ),
          )
        : empty(),
    ),
  );

  out.push(
    section(
      t("home.usage"),
      el("p", {}, t("home.usageText", { receipts: number(usage ? usage.receipts : 0), batches: number(usage ? usage.batches : 0) })),
      el("p", {}, el("a", { href: "#/usage" }, t("home.usageLink")), " · ", el("a", { href: "#/verify" }, t("home.verifyLink"))),
    ),
  );
  replace(main, ...out);
}
