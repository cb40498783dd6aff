// Provenant disclosure explorer: reads the public API only, renders with DOM nodes (never
// innerHTML) because every name and field on the page comes from the chain.
"use strict";

const API = "/api/v1";
const main = document.getElementById("main");

// ===== helpers =====

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const link = (href, text) => el("a", { href }, text);
const hash = (v) => el("span", { class: "hash", title: String(v) }, String(v));
const status = (s) => el("span", { class: `status ${s}`, "data-status": s }, s);
const bi = (zh, en) => [zh, " ", el("small", {}, en)];

function date(seconds) {
  if (!seconds) return "—";
  // China Standard Time, the time of the regulations.
  return new Date((Number(seconds) + 8 * 3600) * 1000).toISOString().slice(0, 16).replace("T", " ") + " CST";
}

function anchor(a) {
  if (!a) return "—";
  return el("span", {}, `#${a.blockNumber} `, hash(a.txHash));
}

async function get(path) {
  const res = await fetch(API + path, { headers: { accept: "application/json" } });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const msg = body && body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
    throw new Error(msg);
  }
  return body;
}

function table(headers, rows) {
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, Array.isArray(h) ? bi(h[0], h[1]) : h)))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c))))),
  );
}

function fields(obj, skip = []) {
  const rows = [];
  for (const [k, v] of Object.entries(obj)) {
    if (skip.includes(k) || v === null || v === undefined) continue;
    let shown;
    if (k === "anchor" || k === "statusAnchor") shown = anchor(v);
    else if (/At$|^term(Start|End)$|End$/.test(k) && typeof v === "number") shown = date(v);
    else if (typeof v === "string" && /^0x[0-9a-fA-F]{16,}$/.test(v)) shown = hash(v);
    else if (k === "status" || k === "storedStatus") shown = status(v);
    else if (typeof v === "object") shown = el("span", { class: "hash" }, JSON.stringify(v));
    else shown = String(v);
    rows.push([k, shown]);
  }
  return table(["字段 Field", "值 Value"], rows);
}

/** A paged list: renders rows, and a "more" button while the API returns `next`. */
async function pagedList(path, headers, toRow) {
  const wrap = el("div", {});
  const t = table(headers, []);
  const body = t.querySelector("tbody");
  const more = el("button", { type: "button" }, "更多 More");
  wrap.append(t);
  let after = null;
  async function load() {
    const sep = path.includes("?") ? "&" : "?";
    const page = await get(path + (after ? `${sep}after=${encodeURIComponent(after)}` : ""));
    for (const item of page.items) body.append(el("tr", {}, toRow(item).map((c) => el("td", {}, c))));
    after = page.next;
    if (!after) more.remove();
    if (page.items.length === 0 && body.children.length === 0) {
      body.append(el("tr", {}, el("td", { colspan: String(headers.length) }, "暂无记录 No records yet")));
    }
  }
  more.addEventListener("click", () => load().catch(showError));
  await load();
  if (after) wrap.append(more);
  return wrap;
}

function timelineLink(kind, id) {
  return link(`#/timeline/${kind}/${id}`, "完整记录 Full history");
}

// ===== pages =====

async function authorizationsPage() {
  const notice = await governanceNotice();
  return [
    notice,
    el("h2", {}, bi("授权公示", "Authorizations: objects, content, scope and term (C21)")),
    await pagedList(
      "/disclosures/authorizations",
      ["#", ["授权对象", "Object"], ["授权内容", "Content"], ["范围", "Scope"], ["期限", "Term"], ["状态", "Status"]],
      (a) => [
        link(`#/authorization/${a.id}`, a.id),
        a.object.participantId ? link(`#/participant/${a.object.participantId}`, a.object.name || a.object.participantId) : "—",
        `${a.content.resources.length} 项资源 resources` + (a.content.domains.length ? `, ${a.content.domains.length} 个领域 domains` : ""),
        `${a.scope.mode}, tier ${a.scope.tier}` + (a.scope.parentId ? ` (上级 parent #${a.scope.parentId})` : ""),
        `${date(a.term.start)} — ${date(a.term.end)}`,
        status(a.status),
      ],
    ),
  ].filter(Boolean);
}

async function productsPage() {
  const page = await get("/disclosures/products");
  const out = [el("h2", {}, bi("数据产品目录", "Product capability lists per operator (C21)"))];
  if (page.items.length === 0) out.push(el("p", { class: "muted" }, "暂无上架产品 No listed products yet"));
  for (const group of page.items) {
    out.push(el("h2", {}, link(`#/participant/${group.holder.id}`, group.holder.name || `#${group.holder.id}`)));
    out.push(
      table(
        ["#", ["类型", "Kind"], ["版本", "Version"], ["场景", "Scenario"], ["登记编号", "Registration code"], ["收费依据", "Charging"]],
        group.products.map((p) => [
          link(`#/product/${p.id}`, p.id),
          p.kind,
          String(p.version),
          link(`#/scenario/${p.scenarioId}`, p.scenarioId),
          p.registrationCode ? hash(p.registrationCode) : "—",
          (p.chargingBases || []).join(", "),
        ]),
      ),
    );
  }
  return out;
}

async function participantsPage() {
  return [
    el("h2", {}, bi("参与主体", "Participants")),
    await pagedList("/participants", ["#", ["名称", "Name"], ["类型", "Kind"], ["统一社会信用代码", "Credit code"], ["状态", "Status"]], (p) => [
      link(`#/participant/${p.id}`, p.id),
      p.name,
      p.kind,
      p.creditCode,
      status(p.status),
    ]),
  ];
}

async function resourcesPage() {
  return [
    el("h2", {}, bi("公共数据资源目录", "Resource catalog")),
    await pagedList(
      "/resources",
      ["#", ["数源部门", "Source department"], ["共享类型", "Share type"], ["开放属性", "Open attribute"], ["状态", "Status"]],
      (r) => [
        link(`#/resource/${r.id}`, r.id),
        link(`#/participant/${r.sourceDeptId}`, r.sourceDeptId),
        r.data ? r.data.shareType : "—",
        r.data ? r.data.openAttribute : "—",
        status(r.status),
      ],
    ),
  ];
}

async function annualPage() {
  // The service picks the last year whose disclosure is due (by 31 March of the next year).
  const data = await get("/disclosures/annual");
  const year = data.year;
  return [
    el("h2", {}, bi(`${year} 年度披露`, `Annual disclosure for ${year} (C37, due 31 March)`)),
    table(
      [["主体", "Participant"], ["版本", "Version"], ["文件哈希", "Document hash"], ["锚定", "Anchor"]],
      data.disclosures.map((d) => [
        link(`#/participant/${d.participantId}`, d.participantId),
        String(d.version),
        hash(d.documentHash),
        anchor(d.anchor),
      ]),
    ),
    el("h2", {}, bi("未按期披露", "Missing disclosures")),
    data.missing.length
      ? table([["主体", "Participant"], ["截止", "Due"]], data.missing.map((m) => [String(m.subjectId ?? m.participantId ?? "—"), date(m.dueAt)]))
      : el("p", { class: "muted" }, "无 None"),
  ];
}

async function usagePage() {
  const data = await get("/disclosures/usage");
  return [
    el("h2", {}, bi("资源使用统计", "Usage statistics (C21): receipts anchored by platform nodes")),
    el("p", {}, `已锚定回执 Anchored receipts: ${data.receipts} · 批次 Batches: ${data.batches}`),
    table(
      [["平台节点", "Platform node"], ["批次", "Batches"], ["回执", "Receipts"], ["起", "From"], ["止", "To"]],
      data.items.map((u) => [link(`#/participant/${u.nodeId}`, u.nodeName || u.nodeId), String(u.batches), String(u.receipts), date(u.firstAt), date(u.lastAt)]),
    ),
    el("p", { class: "muted" }, "任何人可用 provenant verify-receipt 直接对链核验一张回执。Anyone can check a receipt against the chain with provenant verify-receipt."),
  ];
}

const GOVERNANCE_KINDS = {
  "contract-change": "登记地址变更 Registry address change",
  "role-grant": "治理角色授予 Governance role grant",
  "admin-transfer": "管理员移交 Admin hand-over",
};

async function governancePage() {
  return [
    el("h2", {}, bi("待生效治理变更", "Pending governance changes: registry addresses and governance roles wait a delay before they act")),
    await pagedList(
      "/governance/pending",
      [["类型", "Kind"], ["对象", "Target"], ["新地址/持有者", "New address / holder"], ["当前", "Current"], ["生效时间", "Ready at"], ["锚定", "Anchor"]],
      (c) => [
        GOVERNANCE_KINDS[c.kind] || c.kind,
        c.label,
        hash(c.account),
        c.current ? hash(c.current) : "—",
        el("span", {}, date(c.readyAt), " ", status(c.ready ? "Ready" : "Waiting")),
        anchor(c.anchor),
      ],
    ),
  ];
}

/** One line on the front page while any governance change is pending. */
async function governanceNotice() {
  const page = await get("/governance/pending?limit=1");
  if (page.items.length === 0) return null;
  const c = page.items[0];
  return el(
    "p",
    { class: "notice", role: "status", id: "governance-notice" },
    "待生效治理变更 Pending governance change: ",
    `${GOVERNANCE_KINDS[c.kind] || c.kind} ${c.label} → `,
    hash(c.account),
    ` (${date(c.readyAt)}) `,
    link("#/governance", page.next ? "查看全部 See all" : "详情 Details"),
  );
}

async function recordPage(kind, apiPath, id, extra) {
  const record = await get(`${apiPath}/${encodeURIComponent(id)}`);
  // `status` is the record's status now (an authorization Expired once its term is over); `storedStatus` the last one an event stored.
  const out = [el("h2", {}, `${kind} #${id} `, record.status ? status(record.status) : ""), timelineLink(kind, id)];
  if (extra) out.push(...(await extra(record)));
  out.push(fields(record, ["children", "agreements", "scenarios", "history", "reviews", "grants"]));
  return out;
}

async function authorizationPage(id) {
  return recordPage("authorization", "/authorizations", id, async (a) => {
    const out = [];
    if (a.children && a.children.length) {
      out.push(el("h2", {}, bi("下级授权", "Child authorizations")));
      out.push(table(["#", ["状态", "Status"]], a.children.map((c) => [link(`#/authorization/${c.id}`, c.id), status(c.status)])));
    }
    if (a.agreements && a.agreements.length) {
      out.push(el("h2", {}, bi("协议", "Agreements")));
      out.push(table(["#", ["类型", "Kind"], ["状态", "Status"]], a.agreements.map((g) => [link(`#/agreement/${g.id}`, g.id), g.kind, status(g.status)])));
    }
    if (a.scenarios && a.scenarios.length) {
      out.push(el("h2", {}, bi("应用场景", "Scenarios")));
      out.push(table(["#", ["状态", "Status"]], a.scenarios.map((s) => [link(`#/scenario/${s.id}`, s.id), status(s.status)])));
    }
    return out;
  });
}

/** Provenance graph as an indented tree from the product down to the source departments. */
function provenanceTree(graph) {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map();
  for (const e of graph.edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from).push(e);
  }
  const seen = new Set();
  function item(id, relation) {
    const n = nodes.get(id);
    if (!n) return null;
    const label = el("span", {}, el("span", { class: "kind" }, n.kind), relation ? el("small", { class: "muted" }, `${relation} `) : "", link(`#/${n.kind}/${n.recordId}`, `#${n.recordId} ${n.label}`), " ", status(n.status));
    const li = el("li", { "data-node": id }, label);
    if (seen.has(id)) return li;
    seen.add(id);
    const kids = (out.get(id) || []).map((e) => item(e.to, e.relation)).filter(Boolean);
    if (kids.length) li.append(el("ul", { class: "tree" }, kids));
    return li;
  }
  return el("ul", { class: "tree", id: "provenance" }, item(graph.root, null));
}

async function productPage(id) {
  return recordPage("product", "/products", id, async () => {
    const graph = await get(`/products/${encodeURIComponent(id)}/provenance`);
    return [el("h2", {}, bi("数据来源追溯", "Provenance")), provenanceTree(graph), el("p", {}, link(`${API}/products/${id}/provenance?format=prov`, "W3C PROV-JSON"))];
  });
}

/** Kinds of record with a page of their own; any other record links to its history. */
const RECORD_PAGES = new Set(["authorization", "product", "participant", "resource", "scenario", "agreement"]);

function recordLink(r) {
  return link(RECORD_PAGES.has(r.kind) ? `#/${r.kind}/${r.id}` : `#/timeline/${r.kind}/${r.id}`, `${r.kind} #${r.id}`);
}

/** An event's status-like fields (the service gives them by name). */
function eventSummary(t) {
  const a = t.args || {};
  const parts = ["from", "to", "status", "stage", "step", "outcome"].filter((k) => typeof a[k] === "string" && !/^0x/.test(a[k])).map((k) => `${k}: ${a[k]}`);
  return el("span", {}, `${t.contract}.${t.event}`, parts.length ? el("small", { class: "muted" }, ` (${parts.join(", ")})`) : "");
}

async function timelinePage(kind, id) {
  return [
    el("h2", {}, bi("完整记录", `Full history of ${kind} #${id} (C22)`)),
    await pagedList(`/timeline/${kind}/${encodeURIComponent(id)}`, [["时间", "Time"], ["事件", "Event"], ["相关记录", "Related records"], ["操作者", "Actor"], ["区块/交易", "Block / tx"]], (t) => [
      date(t.timestamp),
      eventSummary(t),
      (t.related || []).length ? el("span", {}, (t.related || []).flatMap((r, i) => (i ? [", ", recordLink(r)] : [recordLink(r)]))) : "—",
      t.actor ? hash(t.actor) : "—",
      el("span", {}, `#${t.blockNumber} `, hash(t.txHash)),
    ]),
  ];
}

// ===== router =====

const routes = [
  [/^#?\/?$/, "authorizations", () => authorizationsPage()],
  [/^#\/products$/, "products", () => productsPage()],
  [/^#\/participants$/, "participants", () => participantsPage()],
  [/^#\/resources$/, "resources", () => resourcesPage()],
  [/^#\/annual$/, "annual", () => annualPage()],
  [/^#\/usage$/, "usage", () => usagePage()],
  [/^#\/governance$/, "governance", () => governancePage()],
  [/^#\/authorization\/(\d+)$/, "authorizations", (m) => authorizationPage(m[1])],
  [/^#\/product\/(\d+)$/, "products", (m) => productPage(m[1])],
  [/^#\/participant\/(\d+)$/, "participants", (m) => recordPage("participant", "/participants", m[1])],
  [/^#\/resource\/(\d+)$/, "resources", (m) => recordPage("resource", "/resources", m[1])],
  [/^#\/scenario\/(\d+)$/, "authorizations", (m) => recordPage("scenario", "/scenarios", m[1])],
  [/^#\/agreement\/(\d+)$/, "authorizations", (m) => recordPage("agreement", "/agreements", m[1])],
  [/^#\/timeline\/([a-z]+)\/(\d+)$/, null, (m) => timelinePage(m[1], m[2])],
];

function showError(err) {
  main.replaceChildren(el("div", { class: "error", role: "alert" }, "出错了 Error: ", err.message));
}

async function render() {
  const h = location.hash || "#/";
  const route = routes.find(([re]) => re.test(h));
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", route && a.dataset.nav === route[1]);
  main.replaceChildren(el("p", { class: "muted" }, "加载中… Loading…"));
  try {
    if (!route) throw new Error(`未知页面 Unknown page ${h}`);
    const content = await route[2](h.match(route[0]));
    main.replaceChildren(...[content].flat());
  } catch (err) {
    showError(err);
  }
}

async function health() {
  const node = document.getElementById("health");
  try {
    const h = await get("/health");
    const error = h.lastError ? ` · ${typeof h.lastError === "object" ? h.lastError.message : h.lastError}` : "";
    node.textContent = `链 Chain ${h.chainId} · 已索引区块 Indexed block ${h.indexedBlock} · 延迟 Lag ${h.lag}` + error;
    document.body.classList.toggle("demo", h.demo === true);
    const banner = document.getElementById("index-banner");
    if (h.status === "diverged") {
      banner.textContent = "索引与链已分叉：本页数据可能来自已被替换的分支，请以链上记录为准（运维人员可用 --reindex 重建索引）。The index has diverged from the chain: what this page shows may come from a replaced branch.";
    } else if (h.reindex) {
      banner.textContent = `正在重建索引（已到区块 ${h.reindex.indexedBlock ?? "—"}），当前显示旧索引。The index is being rebuilt; the previous index is shown meanwhile.`;
    } else if (h.status === "starting" || h.status === "syncing") {
      banner.textContent = `索引正在追赶链（延迟 ${h.lag ?? "—"} 个区块），记录可能暂缺。The index is catching up with the chain.`;
    }
    banner.hidden = !(h.status === "diverged" || h.reindex || h.status === "starting" || h.status === "syncing");
  } catch (err) {
    node.textContent = `服务不可用 Service unavailable: ${err.message}`;
  }
}

window.addEventListener("hashchange", render);
render();
health();
setInterval(health, 10_000);
