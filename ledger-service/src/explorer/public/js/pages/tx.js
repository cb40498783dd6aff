// #/tx/:hash — a transaction's decoded events (GET /api/v1/tx/:hash): block and time, then each
// event with its contract, its arguments laid out by name (times as dates, hashes shortened with
// copy, addresses with the participant who signs with them) and a link to the record it made or
// changed.
import { el, clear } from "../dom.js";
import { get, names } from "../api.js";
import { has, label, t } from "../i18n.js";
import { chainText, hashNode, money, number, recordLink, timeNode } from "../format.js";
import { fields, pageHead, section } from "../ui.js";
import { useStylesheet } from "../vendor.js";

export const strings = {
  zh: {
    "tx.title": "交易",
    "tx.lead": "这笔链上交易产生的全部事件，按日志顺序排列。",
    "tx.hash": "交易哈希",
    "tx.block": "区块",
    "tx.time": "时间",
    "tx.events": "事件（{n} 个）",
    "tx.contract": "合约",
    "tx.log": "日志序号",
    "tx.record": "相关记录",
    "tx.args": "参数",
    "tx.signerOf": "签名主体：",
    "tx.usage": "：{count} 次，{fee}",
    "tx.invalid": "这不是一个交易哈希（应为 0x 开头的 64 位十六进制）。",
    "tx.arg.id": "编号",
    "tx.arg.by": "操作账户",
    "tx.arg.nodeId": "平台节点",
    "tx.arg.sequence": "批次序号",
    "tx.arg.root": "默克尔根",
    "tx.arg.receiptCount": "回执数",
    "tx.arg.firstAt": "首条回执时间",
    "tx.arg.lastAt": "末条回执时间",
    "tx.arg.metadataHash": "批次清单哈希",
    "tx.arg.anchoredBy": "锚定账户",
    "tx.arg.usage": "使用计数",
    "tx.arg.name": "名称",
    "tx.arg.publicText": "公开信息",
    "tx.arg.statement": "公开说明",
    "tx.arg.status": "状态",
    "tx.arg.holder": "持有方",
    "tx.arg.reasonHash": "理由文件哈希",
  },
  en: {
    "tx.title": "Transaction",
    "tx.lead": "Every event this transaction emitted on the chain, in log order.",
    "tx.hash": "Transaction hash",
    "tx.block": "Block",
    "tx.time": "Time",
    "tx.events": "Events ({n})",
    "tx.contract": "Contract",
    "tx.log": "Log index",
    "tx.record": "Record",
    "tx.args": "Arguments",
    "tx.signerOf": "signer of ",
    "tx.usage": ": {count} uses, {fee}",
    "tx.invalid": "This is not a transaction hash (0x and 64 hex digits).",
    "tx.arg.id": "Id",
    "tx.arg.by": "Sent by",
    "tx.arg.nodeId": "Platform node",
    "tx.arg.sequence": "Batch sequence",
    "tx.arg.root": "Merkle root",
    "tx.arg.receiptCount": "Receipts",
    "tx.arg.firstAt": "First receipt at",
    "tx.arg.lastAt": "Last receipt at",
    "tx.arg.metadataHash": "Batch manifest hash",
    "tx.arg.anchoredBy": "Anchored by",
    "tx.arg.usage": "Usage counts",
    "tx.arg.name": "Name",
    "tx.arg.publicText": "Public text",
    "tx.arg.statement": "Public statement",
    "tx.arg.status": "Status",
    "tx.arg.holder": "Holder",
    "tx.arg.reasonHash": "Reason document hash",
  },
};

const HASH = /^0x[0-9a-fA-F]{64}$/;
/** Arguments that name a record by id, and the record's kind. */
const ID_ARG = {
  id: null, nodeId: "participant", holderId: "participant", participantId: "participant", holder: "participant", sourceDeptId: "participant", organizerId: "participant",
  productId: "product", scenarioId: "scenario", resourceId: "resource", authorizationId: "authorization", agreementId: "agreement", callId: "call", parentId: "authorization",
};
const USAGE_KINDS = ["product", "scenario", "resource"];
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** An argument that holds a time in seconds (…At, closesAt, termEnd, …). */
const TIME_ARG = /(At|Start|End|Until|Time|timestamp|deadline)$/;

function argLabel(name) {
  return has(`tx.arg.${name}`) ? t(`tx.arg.${name}`) : el("code", {}, name);
}

/** A usage word of BatchAnchored: kind (8 bits) | id (64) | count (32) | 24 zero bits | fee in fen (128). */
function usageWord(word, dir) {
  const w = BigInt(word);
  const kind = USAGE_KINDS[Number(w >> 248n) - 1];
  if (!kind) return hashNode(word);
  const id = ((w >> 184n) & ((1n << 64n) - 1n)).toString();
  const count = Number((w >> 152n) & 0xffffffffn);
  const fee = (w & ((1n << 128n) - 1n)).toString();
  return el("span", { class: "usage-word", title: word }, recordLink(kind, id, recordName({ kind, id }, dir)), t("tx.usage", { count: number(count), fee: money(fee) }));
}

/** One argument's value as nodes: never markup, whatever the chain holds. */
function value(name, v, dir) {
  if (v === null || v === undefined || v === "") return "—";
  if (name === "usage" && typeof v === "string" && HASH.test(v)) return usageWord(v, dir);
  if (ID_ARG[name] && typeof v === "string" && /^[1-9][0-9]{0,19}$/.test(v)) return recordLink(ID_ARG[name], v, recordName({ kind: ID_ARG[name], id: v }, dir));
  if (Array.isArray(v)) return v.length === 0 ? "—" : el("ul", {}, v.map((x) => el("li", {}, value(name, x, dir))));
  if (typeof v === "object") return fields(Object.entries(v).map(([k, x]) => [argLabel(k), value(k, x, dir)]));
  if (typeof v === "boolean") return v ? t("yes") : t("no");
  const s = String(v);
  if (HASH.test(s)) return hashNode(s);
  if (ADDRESS.test(s)) {
    const p = dir && dir.signer(s);
    return el("span", {}, el("code", { class: "hash", title: s }, s), p ? [" ", el("span", { class: "small" }, t("tx.signerOf"), recordLink("participant", p.id, p.name))] : null);
  }
  if (/^[0-9]{9,11}$/.test(s) && TIME_ARG.test(name)) return el("span", {}, timeNode(Number(s), true), " ", el("span", { class: "muted small" }, `(${s})`));
  if (/^[0-9]+$/.test(s)) return s.length <= 15 ? number(s) : s;
  return chainText(s);
}

function eventItem(e, dir) {
  const rec = e.record;
  return el(
    "li",
    { "data-log": e.logIndex, "data-event": e.event },
    el("h3", {}, label("event", e.event), " ", el("code", { class: "muted small" }, e.event)),
    fields([
      [t("tx.contract"), label("contract", e.contract)],
      [t("tx.log"), number(e.logIndex)],
      [t("tx.record"), rec ? recordLink(rec.kind, rec.id, recordName(rec, dir)) : null],
    ]),
    el("div", { class: "tx-args" }, el("h4", { class: "sr-only" }, t("tx.args")), fields(Object.entries(e.args || {}).map(([k, v]) => [argLabel(k), value(k, v, dir)]))),
  );
}

function recordName(rec, dir) {
  if (!dir) return null;
  if (rec.kind === "participant") return dir.participant(rec.id);
  if (rec.kind === "resource") return dir.resource(rec.id);
  if (rec.kind === "product") return dir.product(rec.id);
  return null;
}

export async function render(main, ctx) {
  useStylesheet("/charts.css");
  ctx.setTitle(t("tx.title"));
  const hash = String(ctx.params.hash || "");
  if (!HASH.test(hash)) {
    clear(main).append(pageHead(t("tx.title")), el("p", { class: "error" }, t("tx.invalid")));
    return;
  }
  const [tx, dir] = await Promise.all([get(`/tx/${hash.toLowerCase()}`), names().catch(() => null)]);
  clear(main).append(
    pageHead(t("tx.title"), t("tx.lead")),
    fields([
      [t("tx.hash"), hashNode(tx.txHash)],
      [t("tx.block"), `#${number(tx.blockNumber)}`],
      [t("tx.time"), timeNode(tx.timestamp, true)],
    ]),
    section(t("tx.events", { n: number(tx.events.length) }), el("ol", { class: "tx-events" }, tx.events.map((e) => eventItem(e, dir)))),
  );
}
