// #/usage — 使用统计 (C21): uses and fees over time per product, scenario and operator, drawn with
// Apache ECharts (served by this site from the npm package) with a table of the same numbers under
// each chart, and the anchored receipt batches newest first with the sequence gaps highlighted (C22).
import { el, clear } from "../dom.js";
import { get } from "../api.js";
import { lang, t } from "../i18n.js";
import { date, hashNode, money, number, recordLink, timeNode } from "../format.js";
import { empty, pageHead, section } from "../ui.js";
import { loadECharts, useStylesheet } from "../vendor.js";

export const strings = {
  zh: {
    "usage.title": "使用统计",
    "usage.lead": "数据产品、应用场景和运营方的使用次数与收费，来自各平台节点锚定上链的使用回执批次。每个批次计入其第一条回执所在的日或月（北京时间）；收费单位为元。",
    "usage.bucket": "统计周期",
    "usage.bucket.day": "按日",
    "usage.bucket.month": "按月",
    "usage.totals": "合计",
    "usage.receipts": "使用回执",
    "usage.batches": "锚定批次",
    "usage.fees": "收费",
    "usage.by.product": "按数据产品",
    "usage.by.scenario": "按应用场景",
    "usage.by.operator": "按运营方（平台节点）",
    "usage.kind.operator": "运营方",
    "usage.chart": "{title}的使用次数图，共 {n} 个对象；下表列出同样的数字。",
    "usage.table": "{title}：每个周期的使用次数和收费",
    "usage.period": "周期",
    "usage.uses": "使用次数",
    "usage.usesFee": "{uses} 次，{fee}",
    "usage.noData": "尚无锚定的使用记录。",
    "usage.noChart": "图表无法加载，下表列出全部数字。",
    "usage.chartNote": "图中为每个周期的使用次数；下表同时列出收费。",
    "batches.title": "锚定批次",
    "batches.lead": "平台节点把使用回执打包成默克尔树，把树根锚定上链。批次序号逐个递增，合约拒绝跳号；若某批次之前缺少序号，说明本索引漏掉了该节点的批次，相应行以橙色标出。",
    "batches.total": "共 {total} 个批次",
    "batches.gaps": "已显示的批次中有 {n} 处序号缺口",
    "batches.noGaps": "已显示的批次没有序号缺口",
    "batches.node": "平台节点",
    "batches.sequence": "序号",
    "batches.count": "回执数",
    "batches.range": "回执时间",
    "batches.root": "默克尔根",
    "batches.anchor": "上链交易",
    "batches.gap": "序号缺口",
    "batches.gapBefore": "之前缺少 {n} 个序号",
    "batches.late": "迟报",
    "batches.more": "加载更多批次",
    "batches.caption": "锚定批次，最新在前",
  },
  en: {
    "usage.title": "Usage",
    "usage.lead": "Uses and fees of data products, scenarios and operators, from the usage receipt batches platform nodes anchor on the chain. A batch counts in the day or month (Beijing time) of its first receipt; fees in yuan.",
    "usage.bucket": "Period",
    "usage.bucket.day": "Per day",
    "usage.bucket.month": "Per month",
    "usage.totals": "Totals",
    "usage.receipts": "Usage receipts",
    "usage.batches": "Anchored batches",
    "usage.fees": "Fees",
    "usage.by.product": "Per data product",
    "usage.by.scenario": "Per scenario",
    "usage.by.operator": "Per operator (platform node)",
    "usage.kind.operator": "Operator",
    "usage.chart": "Chart of uses {title}, {n} series; the table below lists the same numbers.",
    "usage.table": "{title}: uses and fees in each period",
    "usage.period": "Period",
    "usage.uses": "Uses",
    "usage.usesFee": "{uses} uses, {fee}",
    "usage.noData": "No anchored usage yet.",
    "usage.noChart": "The chart could not load; the table lists every number.",
    "usage.chartNote": "The chart shows the uses in each period; the table also lists the fees.",
    "batches.title": "Anchored batches",
    "batches.lead": "Platform nodes pack usage receipts into Merkle trees and anchor the roots on the chain. Sequence numbers go up by one and the contract refuses a skip; a number missing before a batch means this index missed a batch of that node, and the row is marked in orange.",
    "batches.total": "{total} batches",
    "batches.gaps": "{n} sequence gaps among the batches shown",
    "batches.noGaps": "No sequence gaps among the batches shown",
    "batches.node": "Platform node",
    "batches.sequence": "Sequence",
    "batches.count": "Receipts",
    "batches.range": "Receipt times",
    "batches.root": "Merkle root",
    "batches.anchor": "Anchoring transaction",
    "batches.gap": "Sequence gap",
    "batches.gapBefore": "{n} missing before it",
    "batches.late": "Late",
    "batches.more": "Load more batches",
    "batches.caption": "Anchored batches, newest first",
  },
};

const BY = ["product", "scenario", "operator"];
const KIND = { product: "product", scenario: "scenario", operator: "participant" };
const PAGE = 20;

/** Charts of the page on screen, disposed when it renders again. */
let live = [];

function disposeCharts() {
  for (const { chart, observer } of live) {
    observer?.disconnect();
    chart.dispose();
  }
  live = [];
}

/** A bucket's label: 2026年5月 / May 2026, or the day. */
function bucketLabel(bucket, start) {
  if (bucket === "day") return date(start);
  const d = new Date((Number(start) + 8 * 3600) * 1000);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  return lang() === "zh" ? `${y}年${m}月` : `${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]} ${y}`;
}

function seriesName(by, s) {
  return (lang() === "en" && s.nameEn) || s.name || `${by === "operator" ? t("usage.kind.operator") : t(`kind.${by}`)} #${s.id}`;
}

/** The table under a chart: one row per period, one column per series, uses and fees in each cell. */
function seriesTable(by, bucket, body, title) {
  const starts = [...new Set(body.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const at = body.series.map((s) => new Map(s.points.map((p) => [p[0], p])));
  return el(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": t("usage.table", { title }) },
    el(
      "table",
      { class: "series-table", "data-by": by },
      el("caption", { class: "sr-only" }, t("usage.table", { title })),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("usage.period")), body.series.map((s) => el("th", { scope: "col", "data-series": s.id }, recordLink(KIND[by], s.id, seriesName(by, s)))))),
      el(
        "tbody",
        {},
        starts.map((start) =>
          el(
            "tr",
            { "data-start": start },
            el("th", { scope: "row" }, bucketLabel(bucket, start)),
            body.series.map((s, i) => {
              const p = at[i].get(start);
              if (!p) return el("td", { "data-series": s.id, "data-uses": "0", "data-fee": "0" }, "—");
              return el("td", { "data-series": s.id, "data-uses": p[1], "data-fee": p[2] }, number(p[1]), el("span", { class: "fee" }, money(p[2])));
            }),
          ),
        ),
      ),
    ),
  );
}

function drawChart(echarts, node, by, bucket, body) {
  const starts = [...new Set(body.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const chart = echarts.init(node, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    // Canvas text, never HTML: names come from the chain, and the CSP allows no inline styles.
    tooltip: { trigger: "axis", renderMode: "richText", confine: true },
    legend: { type: "scroll", top: 0, left: 0, right: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: starts.map((s) => bucketLabel(bucket, s)) },
    yAxis: { type: "value", minInterval: 1 },
    series: body.series.map((s) => {
      const at = new Map(s.points.map((p) => [p[0], p[1]]));
      return { type: "bar", name: seriesName(by, s), data: starts.map((x) => at.get(x) ?? 0), emphasis: { focus: "series" } };
    }),
  });
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(() => chart.resize()) : null;
  observer?.observe(node);
  live.push({ chart, observer });
}

function batchRow(b) {
  const gap = b.gapBefore > 0;
  const cell = (key, ...content) => el("td", { "data-label": t(key) }, ...content);
  return el(
    "tr",
    { class: gap ? "gap" : null, "data-node": b.nodeId, "data-sequence": b.sequence, "data-gap": b.gapBefore },
    cell("batches.node", recordLink("participant", b.nodeId, b.nodeName)),
    cell("batches.sequence", `#${b.sequence}`),
    cell("batches.count", number(b.count)),
    cell("batches.range", b.firstAt ? [timeNode(b.firstAt, true), " – ", timeNode(b.lastAt, true)] : "—"),
    cell("batches.root", hashNode(b.root)),
    cell("batches.anchor", b.anchor ? [timeNode(b.anchor.timestamp, true), " ", hashNode(b.anchor.txHash, `#/tx/${b.anchor.txHash}`)] : "—", b.late ? [" ", el("span", { class: "badge warn" }, t("batches.late"))] : null),
    cell("batches.gap", gap ? el("span", { class: "gap-note" }, t("batches.gapBefore", { n: number(b.gapBefore) })) : "—"),
  );
}

async function batchesSection() {
  const first = await get(`/batches?limit=${PAGE}`);
  const headers = ["batches.node", "batches.sequence", "batches.count", "batches.range", "batches.root", "batches.anchor", "batches.gap"];
  const tbody = el("tbody", {});
  const gapsLine = el("p", { class: "muted" });
  let shown = [];
  const more = el("button", { type: "button" }, t("batches.more"));
  let next = first.next;
  const add = (items) => {
    shown = shown.concat(items);
    tbody.append(...items.map(batchRow));
    const gaps = shown.filter((b) => b.gapBefore > 0).length;
    gapsLine.textContent = gaps ? t("batches.gaps", { n: number(gaps) }) : t("batches.noGaps");
    gapsLine.className = gaps ? "gap-note" : "muted";
    more.hidden = !next;
  };
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await get(`/batches?limit=${PAGE}&cursor=${encodeURIComponent(next)}`);
      next = page.next;
      add(page.items);
    } finally {
      more.disabled = false;
    }
  });
  add(first.items);
  return el(
    "section",
    { class: "block", id: "batches" },
    el("h2", {}, t("batches.title")),
    el("p", {}, t("batches.lead")),
    el("p", { class: "count" }, t("batches.total", { total: number(first.total) })),
    gapsLine,
    first.items.length === 0
      ? empty()
      : el(
          "div",
          { class: "table-wrap" },
          el(
            "table",
            { class: "cards batches" },
            el("caption", { class: "sr-only" }, t("batches.caption")),
            el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, t(h))))),
            tbody,
          ),
        ),
    el("p", { class: "controls" }, more),
  );
}

export async function render(main, ctx) {
  disposeCharts();
  useStylesheet("/charts.css");
  const bucket = ctx.query.get("bucket") === "day" ? "day" : "month";
  ctx.setTitle(t("usage.title"));

  const select = el(
    "select",
    {
      id: "usage-bucket",
      "on:change": (e) => {
        location.hash = `#/usage?bucket=${e.target.value}`;
      },
    },
    ["month", "day"].map((b) => el("option", { value: b, selected: b === bucket }, t(`usage.bucket.${b}`))),
  );
  const [totals, ...bodies] = await Promise.all([get("/disclosures/usage?limit=1"), ...BY.map((by) => get(`/disclosures/usage/series?by=${by}&bucket=${bucket}`))]);
  const batches = await batchesSection();
  const echarts = await loadECharts().catch(() => null);

  clear(main).append(
    pageHead(t("usage.title"), t("usage.lead")),
    el(
      "ul",
      { class: "stats", "aria-label": t("usage.totals") },
      el("li", {}, el("span", { class: "n" }, number(totals.receipts)), " ", el("span", { class: "k" }, t("usage.receipts"))),
      el("li", {}, el("span", { class: "n" }, number(totals.batches)), " ", el("span", { class: "k" }, t("usage.batches"))),
      el("li", {}, el("span", { class: "n" }, money(totals.fees)), " ", el("span", { class: "k" }, t("usage.fees"))),
    ),
    el("div", { class: "controls" }, el("label", { for: "usage-bucket" }, t("usage.bucket")), " ", select),
  );
  const drawn = [];
  BY.forEach((by, i) => {
    const body = bodies[i];
    const title = t(`usage.by.${by}`);
    if (body.series.length === 0) {
      main.append(section(title, empty(t("usage.noData"))));
      return;
    }
    const chart = el("div", { class: "chart", role: "img", "aria-label": t("usage.chart", { title, n: body.series.length }), "data-by": by });
    main.append(section(title, echarts ? [el("p", { class: "muted small" }, t("usage.chartNote")), chart] : el("p", { class: "muted" }, t("usage.noChart")), seriesTable(by, bucket, body, title)));
    if (echarts) drawn.push([chart, by, body]);
  });
  main.append(batches);
  // Drawn once in the page, so the charts take their box's width.
  for (const [node, by, body] of drawn) drawChart(echarts, node, by, bucket, body);
}
