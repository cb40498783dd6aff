// One product: what it is (capability list, service mode, price), whether it may be used now and
// why not, its registration, the provenance tree down to the source departments, evidence, history.
import { el, replace } from "../dom.js";
import { get, names } from "../api.js";
import { label, t } from "../i18n.js";
import { chainText, date, hashNode, number, recordLink } from "../format.js";
import { badge, evidence, explain, fields, labels, linkList, nameOf, pageHead, section, textOf, timeline, usability } from "../ui.js";

export const strings = {
  zh: {
    "product.code": "登记编号",
    "product.validUntil": "登记有效期至",
    "product.holder": "提供方",
    "product.scenario": "应用场景",
    "product.authorization": "所依授权",
    "product.kind": "产品类型",
    "product.version": "版本",
    "product.previous": "上一版本",
    "product.charging": "收费依据",
    "product.price": "价格或收费规则",
    "product.serviceMode": "服务方式",
    "product.listed": "上架日期",
    "product.registered": "登记日期",
    "product.capabilities": "能力清单",
    "product.description": "产品说明",
    "product.capabilityHash": "能力清单文件哈希",
    "product.usageHash": "使用说明文件哈希",
    "product.pricingHash": "定价依据文件哈希",
    "product.resources": "使用的资源",
    "product.parents": "上级产品",
    "product.usable": "该产品当前可以使用：已上架、已登记，所依场景和授权均有效。",
    "product.notUsable": "该产品当前不可使用，原因：",
    "product.provenance": "数据来源追溯",
    "product.provenanceLead": "从本产品往下，经上级产品、应用场景、授权直到资源及其数源部门。",
    "product.prov": "W3C PROV-JSON 格式",
    "product.truncated": "来源链过长，仅显示一部分。",
    "product.nodeNotInForce": "不在效力中：当前为“{status}”",
    "product.statement": "公开说明",
  },
  en: {
    "product.code": "Registration code",
    "product.validUntil": "Registration valid until",
    "product.holder": "Provider",
    "product.scenario": "Scenario",
    "product.authorization": "Under authorization",
    "product.kind": "Kind",
    "product.version": "Version",
    "product.previous": "Previous version",
    "product.charging": "Charging basis",
    "product.price": "Price or charging rule",
    "product.serviceMode": "Service mode",
    "product.listed": "Listed on",
    "product.registered": "Registered on",
    "product.capabilities": "Capability list",
    "product.description": "Description",
    "product.capabilityHash": "Capability list document hash",
    "product.usageHash": "Usage terms document hash",
    "product.pricingHash": "Pricing basis document hash",
    "product.resources": "Resources used",
    "product.parents": "Parent products",
    "product.usable": "This product may be used now: listed, registered, and its scenario and authorization are in force.",
    "product.notUsable": "This product may not be used now, because:",
    "product.provenance": "Where the data comes from",
    "product.provenanceLead": "From this product down through parent products, the scenario and authorizations to the resources and their source departments.",
    "product.prov": "as W3C PROV-JSON",
    "product.truncated": "The lineage is too long; only part of it is shown.",
    "product.nodeNotInForce": "not in force: {status}",
    "product.statement": "Public statement",
  },
};

const GOOD = new Set(["Listed", "Approved", "Active", "Effective", "Filed", "Updated"]);

/** The provenance graph as a nested list from the product down, each node with its status and, when not in force, why. */
function tree(graph, dir, rootProblems) {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map();
  for (const e of graph.edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from).push(e);
  }
  const seen = new Set();
  const nodeName = (n) => {
    if (n.name) return n.name;
    if (n.kind === "participant") return n.label || dir.participant(n.recordId);
    if (n.kind === "resource") return dir.resource(n.recordId);
    if (n.kind === "product") return dir.product(n.recordId);
    if (n.label && !/^0x/.test(n.label) && n.kind !== "authorization" && n.kind !== "agreement") return n.label;
    return null;
  };
  function item(id, relation) {
    const n = nodes.get(id);
    if (!n) return null;
    const statusGroup = `${n.kind}Status`;
    const reasons = n.id === graph.root ? rootProblems : n.notUsableBecause || [];
    const why =
      reasons && reasons.length
        ? el("span", { class: "why-not" }, reasons.map(explain).join("；"))
        : !GOOD.has(n.status) && n.kind !== "participant"
          ? el("span", { class: "why-not" }, t("product.nodeNotInForce", { status: label(statusGroup, n.status) }))
          : null;
    const li = el(
      "li",
      { "data-node": id },
      relation ? el("span", { class: "relation" }, label("relation", relation)) : null,
      el("span", { class: "node-kind" }, t(`kind.${n.kind}`)),
      recordLink(n.kind, n.recordId, nodeName(n)),
      " ",
      badge(statusGroup, n.status),
      why,
    );
    if (seen.has(id)) return li;
    seen.add(id);
    const kids = (out.get(id) || []).map((e) => item(e.to, e.relation)).filter(Boolean);
    if (kids.length) li.append(el("ul", { class: "tree" }, kids));
    return li;
  }
  return el("ul", { class: "tree root", id: "provenance" }, item(graph.root, null));
}

export async function render(main, ctx) {
  const id = ctx.params.id;
  const [p, graph, dir] = await Promise.all([get(`/products/${encodeURIComponent(id)}`), get(`/products/${encodeURIComponent(id)}/provenance`), names()]);
  const name = nameOf(p) || `${t("kind.product")} #${p.id}`;
  ctx.setTitle(name);
  const text = p.publicText || {};
  const reg = p.registration || {};
  const out = [
    pageHead(chainText(name), null, el("p", { class: "doc-no" }, nameOf(p) ? `${t("kind.product")} #${p.id} ` : null, badge("productStatus", p.status))),
    usability(p.notUsableBecause, t("product.usable"), t("product.notUsable")),
    section(
      t("product.capabilities"),
      fields([
        [t("product.description"), textOf(text, "description") ? chainText(textOf(text, "description")) : null],
        [t("product.serviceMode"), textOf(text, "serviceMode") ? chainText(textOf(text, "serviceMode")) : null],
        [t("product.price"), textOf(text, "price") ? chainText(textOf(text, "price")) : null],
        [t("product.kind"), label("productKind", p.kind)],
        [t("product.charging"), labels("chargingBasis", p.chargingBases)],
        [t("product.capabilityHash"), hashNode(p.descriptionHash)],
        [t("product.usageHash"), hashNode(p.usageHash)],
        [t("product.pricingHash"), hashNode(p.pricingBasisHash)],
      ]),
    ),
    section(
      t("kind.product"),
      fields([
        [t("product.code"), reg.code || "—"],
        [t("product.validUntil"), reg.validUntil ? date(reg.validUntil) : null],
        [t("product.holder"), recordLink("participant", p.holderId, p.holderName || dir.participant(p.holderId))],
        [t("product.scenario"), recordLink("scenario", p.scenarioId, p.scenarioName || null)],
        [t("product.authorization"), recordLink("authorization", p.authorizationId, p.authorizationName || null)],
        [t("product.version"), number(p.version)],
        [t("product.previous"), p.previousVersionId && p.previousVersionId !== "0" ? recordLink("product", p.previousVersionId, dir.product(p.previousVersionId) || p.previousVersionName) : null],
        [t("product.resources"), linkList("resource", (p.resources || (p.resourceIds || []).map((r) => ({ id: r, name: null }))).map((r) => ({ id: r.id, name: dir.resource(r.id) || r.name })))],
        [t("product.parents"), p.parentProductIds && p.parentProductIds.length ? linkList("product", (p.parents || p.parentProductIds.map((r) => ({ id: r, name: null }))).map((r) => ({ id: r.id, name: dir.product(r.id) || r.name }))) : null],
        [t("product.registered"), p.registeredAt ? date(p.registeredAt) : null],
        [t("product.listed"), p.listedAt ? date(p.listedAt) : null],
        [t("product.statement"), p.statement && p.statement.reason ? chainText(textOf(p.statement, "reason")) : null],
      ]),
    ),
    section(
      t("product.provenance"),
      el("p", { class: "muted" }, t("product.provenanceLead")),
      graph.truncated ? el("p", { class: "muted" }, t("product.truncated")) : null,
      tree(graph, dir, p.notUsableBecause),
      el("p", { class: "small" }, el("a", { href: `/api/v1/products/${encodeURIComponent(p.id)}/provenance?format=prov` }, t("product.prov"))),
    ),
    evidence(p.anchor),
    await timeline("product", p.id),
  ];
  replace(main, ...out);
}
