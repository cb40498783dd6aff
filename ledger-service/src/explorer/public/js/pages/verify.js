// #/verify — 回执验证 (C31): paste, choose or drop a receipt proof file (provenant-receipt-proof/1).
// This browser reads every field, recomputes the receipt's Merkle leaf and walks the proof path to
// a root itself (keccak256 from @noble/hashes, served by this site), then compares that root with
// the batch the chain anchored (fetched from the API) and shows the anchoring transaction. A
// tampered file fails at the step that catches it, naming the field.
import { el, clear } from "../dom.js";
import { get } from "../api.js";
import { t } from "../i18n.js";
import { hashNode, number, recordLink, timeNode } from "../format.js";
import { fields, pageHead, section } from "../ui.js";
import { useStylesheet } from "../vendor.js";
import { ProofFieldError, processProof, readProofFile, receiptLeaf } from "../receipt-proof.js";

export const strings = {
  zh: {
    "verify.title": "回执验证",
    "verify.lead": "粘贴、选择或拖入一份使用回执的证明文件（provenant-receipt-proof/1）。本页在您的浏览器里重新计算回执的默克尔叶子和证明路径，再与链上锚定的批次树根比对；文件不会上传。",
    "verify.paste": "证明文件内容（JSON）",
    "verify.file": "或选择证明文件",
    "verify.drop": "也可以把文件拖到此框内。",
    "verify.run": "验证",
    "verify.clear": "清空",
    "verify.result": "验证结果",
    "verify.ok": "验证通过：这条回执包含在链上锚定的批次中。",
    "verify.failed": "验证未通过：{step}一步不符。",
    "verify.empty": "请先粘贴或选择证明文件。",
    "verify.readError": "无法读取所选文件。",
    "verify.step.file": "读取文件",
    "verify.step.leaf": "重算叶子",
    "verify.step.node": "平台节点",
    "verify.step.proof": "证明路径",
    "verify.step.anchored": "链上批次",
    "verify.step.timeRange": "回执时间",
    "verify.field": "字段 {field}：",
    "verify.reason.json": "不是有效的 JSON（{detail}）。",
    "verify.reason.object": "应为一个 JSON 对象。",
    "verify.reason.format": "格式应为 {expected}。",
    "verify.reason.bytes32": "应为 0x 开头的 32 字节十六进制值。",
    "verify.reason.zero": "不能为全零。",
    "verify.reason.uint": "应为十进制无符号整数（不超过 uint64）。",
    "verify.reason.positive": "应为正整数编号。",
    "verify.reason.seconds": "应为 Unix 秒数。",
    "verify.reason.array": "应为数组（最多 64 项）。",
    "verify.reason.ascending": "资源编号应严格递增。",
    "verify.reason.basis": "收费依据应为 {allowed} 之一。",
    "verify.reason.freeFee": "非商业使用的费用必须为 0。",
    "verify.reason.productOrResources": "应只填产品编号或所用资源之一。",
    "verify.reason.unknown": "证明文件格式中没有这个字段。",
    "verify.reason.pending": "文件没有批次和证明路径：回执尚未锚定，请稍后向平台节点重新索取证明文件。",
    "verify.pass.file": "文件格式为 provenant-receipt-proof/1，各字段格式正确。",
    "verify.pass.leaf": "回执的 14 个字段计算得叶子 {leaf}，与文件中的 leaf 一致。",
    "verify.pass.leafComputed": "回执的 14 个字段计算得叶子 {leaf}（文件未附 leaf）。",
    "verify.fail.leaf": "回执的字段计算得叶子 {leaf}，但文件中的 leaf 为 {fileLeaf}：回执（receipt）中至少一个字段在签发后被改动。",
    "verify.pass.node": "回执与批次同属平台节点 {node}。",
    "verify.fail.node": "回执的 receipt.nodeId 为 {receiptNode}，批次的 batch.nodeId 为 {batchNode}。",
    "verify.pass.proof": "从叶子沿 {n} 步证明路径计算得树根 {root}，与文件中的 batch.root 一致。",
    "verify.fail.proof": "从叶子沿证明路径（proof）计算得树根 {computed}，但文件中的 batch.root 为 {root}：证明路径或回执被改动。",
    "verify.pass.anchored": "平台节点 {node} 的第 {sequence} 批次已锚定上链，树根 {root} 与本机计算结果一致。",
    "verify.fail.anchoredMissing": "索引中没有平台节点 {node} 的第 {sequence} 批次（batch.sequence）：该批次未锚定，或文件的批次编号被改动。",
    "verify.fail.anchoredRoot": "链上锚定的第 {sequence} 批次树根为 {chainRoot}，本机从回执算出的树根为 {root}：文件的批次（batch.root）与链上记录不符。",
    "verify.pass.timeRange": "回执时间 {at} 在批次的回执时间范围内。",
    "verify.fail.timeRange": "回执时间（receipt.timestamp）{at} 不在批次的回执时间范围 {from} – {to} 内。",
    "verify.skip": "前一步未通过，未检查。",
    "verify.batch": "锚定的批次",
    "verify.batch.node": "平台节点",
    "verify.batch.sequence": "批次序号",
    "verify.batch.count": "回执数",
    "verify.batch.root": "默克尔根",
    "verify.batch.block": "区块",
    "verify.batch.time": "上链时间",
    "verify.batch.tx": "上链交易",
  },
  en: {
    "verify.title": "Verify a receipt",
    "verify.lead": "Paste, choose or drop the proof file of a usage receipt (provenant-receipt-proof/1). Your browser recomputes the receipt's Merkle leaf and proof path itself and compares the root with the batch anchored on the chain; the file is not uploaded.",
    "verify.paste": "Proof file contents (JSON)",
    "verify.file": "Or choose a proof file",
    "verify.drop": "You can also drop the file into this box.",
    "verify.run": "Verify",
    "verify.clear": "Clear",
    "verify.result": "Result",
    "verify.ok": "Verified: this receipt is in a batch anchored on the chain.",
    "verify.failed": "Not verified: the step “{step}” does not match.",
    "verify.empty": "Paste or choose a proof file first.",
    "verify.readError": "The chosen file could not be read.",
    "verify.step.file": "Read the file",
    "verify.step.leaf": "Recompute the leaf",
    "verify.step.node": "Platform node",
    "verify.step.proof": "Proof path",
    "verify.step.anchored": "Anchored batch",
    "verify.step.timeRange": "Receipt time",
    "verify.field": "Field {field}: ",
    "verify.reason.json": "not valid JSON ({detail}).",
    "verify.reason.object": "must be a JSON object.",
    "verify.reason.format": "the format must be {expected}.",
    "verify.reason.bytes32": "must be a 0x-prefixed 32-byte hex value.",
    "verify.reason.zero": "must not be all zero.",
    "verify.reason.uint": "must be an unsigned decimal integer (uint64).",
    "verify.reason.positive": "must be a positive id.",
    "verify.reason.seconds": "must be Unix seconds.",
    "verify.reason.array": "must be an array (at most 64 items).",
    "verify.reason.ascending": "resource ids must be strictly ascending.",
    "verify.reason.basis": "the charging basis must be one of {allowed}.",
    "verify.reason.freeFee": "a use that is not commercial charges nothing: the fee must be 0.",
    "verify.reason.productOrResources": "name either a product or the resources used, not both.",
    "verify.reason.unknown": "the proof file format has no such field.",
    "verify.reason.pending": "the file has no batch and proof: the receipt is not anchored yet; ask the platform node for its proof file later.",
    "verify.pass.file": "The file is a provenant-receipt-proof/1 and every field is well formed.",
    "verify.pass.leaf": "The receipt's 14 fields hash to leaf {leaf}, the file's leaf.",
    "verify.pass.leafComputed": "The receipt's 14 fields hash to leaf {leaf} (the file has no leaf).",
    "verify.fail.leaf": "The receipt's fields hash to leaf {leaf}, but the file's leaf is {fileLeaf}: at least one field of the receipt was changed after it was issued.",
    "verify.pass.node": "Receipt and batch are of platform node {node}.",
    "verify.fail.node": "The receipt's receipt.nodeId is {receiptNode}, the batch's batch.nodeId {batchNode}.",
    "verify.pass.proof": "The {n}-step proof path leads from the leaf to root {root}, the file's batch.root.",
    "verify.fail.proof": "The proof path (proof) leads from the leaf to root {computed}, but the file's batch.root is {root}: the path or the receipt was changed.",
    "verify.pass.anchored": "Batch {sequence} of platform node {node} is anchored on the chain with root {root}, the root computed here.",
    "verify.fail.anchoredMissing": "The index has no batch {sequence} (batch.sequence) of platform node {node}: it is not anchored, or the file's batch number was changed.",
    "verify.fail.anchoredRoot": "Batch {sequence} was anchored with root {chainRoot}; the root computed here from the receipt is {root}: the file's batch (batch.root) does not match the chain.",
    "verify.pass.timeRange": "The receipt's time {at} lies in the batch's range of receipt times.",
    "verify.fail.timeRange": "The receipt's time (receipt.timestamp) {at} lies outside the batch's range {from} – {to}.",
    "verify.skip": "Not checked: an earlier step failed.",
    "verify.batch": "The anchored batch",
    "verify.batch.node": "Platform node",
    "verify.batch.sequence": "Batch sequence",
    "verify.batch.count": "Receipts",
    "verify.batch.root": "Merkle root",
    "verify.batch.block": "Block",
    "verify.batch.time": "Anchored at",
    "verify.batch.tx": "Anchoring transaction",
  },
};

const STEPS = ["file", "leaf", "node", "proof", "anchored", "timeRange"];
const iso = (s) => new Date(s * 1000).toISOString().replace(".000Z", "Z");

/**
 * Runs the steps in order; the first failure stops the chain checks after it. Returns
 * { ok, steps: [{ step, status, text }], batch } where batch is the anchored batch when found.
 */
async function check(text) {
  const steps = [];
  const pass = (step, key, vars) => steps.push({ step, status: "pass", text: t(key, vars) });
  const fail = (step, text) => {
    steps.push({ step, status: "fail", text });
    for (const s of STEPS.slice(STEPS.indexOf(step) + 1)) steps.push({ step: s, status: "skip", text: t("verify.skip") });
    return { ok: false, failed: step, steps, batch: null };
  };
  let f;
  try {
    f = readProofFile(text);
  } catch (err) {
    if (!(err instanceof ProofFieldError)) throw err;
    return fail("file", `${t("verify.field", { field: err.field })}${t(`verify.reason.${err.reason}`, err.vars)}`);
  }
  pass("file", "verify.pass.file");

  const leaf = receiptLeaf(f.receipt);
  if (f.leaf === null) pass("leaf", "verify.pass.leafComputed", { leaf });
  else if (f.leaf === leaf) pass("leaf", "verify.pass.leaf", { leaf });
  else return fail("leaf", t("verify.fail.leaf", { leaf, fileLeaf: f.leaf }));

  if (f.receipt.nodeId !== f.batch.nodeId) return fail("node", t("verify.fail.node", { receiptNode: f.receipt.nodeId, batchNode: f.batch.nodeId }));
  pass("node", "verify.pass.node", { node: f.batch.nodeId });

  const root = processProof(leaf, f.proof);
  if (root !== f.batch.root) return fail("proof", t("verify.fail.proof", { computed: root, root: f.batch.root }));
  pass("proof", "verify.pass.proof", { n: f.proof.length, root });

  // The node's last anchored sequence first: a batch past it is not anchored (no 404 to ask for).
  const usage = await get("/disclosures/usage?limit=1");
  const node = (usage.items || []).find((n) => n.nodeId === String(f.batch.nodeId));
  const missing = () => fail("anchored", t("verify.fail.anchoredMissing", { node: f.batch.nodeId, sequence: f.batch.sequence }));
  if (!node || BigInt(node.lastSequence) < f.batch.sequence) return missing();
  let batch;
  try {
    batch = await get(`/batches/${f.batch.nodeId}/${f.batch.sequence}`);
  } catch (err) {
    if (err && err.status === 404) return missing();
    throw err;
  }
  if (String(batch.root).toLowerCase() !== root) {
    const out = fail("anchored", t("verify.fail.anchoredRoot", { sequence: f.batch.sequence, chainRoot: batch.root, root }));
    return { ...out, batch };
  }
  pass("anchored", "verify.pass.anchored", { node: batch.nodeName || f.batch.nodeId, sequence: f.batch.sequence, root });

  const at = f.receipt.timestamp;
  if (at < batch.firstAt || at > batch.lastAt) {
    const out = fail("timeRange", t("verify.fail.timeRange", { at: iso(at), from: iso(batch.firstAt), to: iso(batch.lastAt) }));
    return { ...out, batch };
  }
  pass("timeRange", "verify.pass.timeRange", { at: iso(at) });
  return { ok: true, failed: null, steps, batch };
}

function resultView(r) {
  const list = el(
    "ol",
    { class: "verify-steps" },
    r.steps.map((s) => el("li", { class: s.status, "data-step": s.step, "data-status": s.status }, el("span", { class: "step" }, t(`verify.step.${s.step}`)), " — ", s.text)),
  );
  const b = r.batch;
  return [
    el("p", { class: `verdict ${r.ok ? "pass" : "fail"}`, "data-ok": r.ok ? "true" : "false" }, r.ok ? t("verify.ok") : t("verify.failed", { step: t(`verify.step.${r.failed}`) })),
    list,
    b
      ? section(
          t("verify.batch"),
          fields([
            [t("verify.batch.node"), recordLink("participant", b.nodeId, b.nodeName)],
            [t("verify.batch.sequence"), `#${b.sequence}`],
            [t("verify.batch.count"), number(b.receiptCount)],
            [t("verify.batch.root"), hashNode(b.root)],
            [t("verify.batch.block"), b.anchor ? `#${number(b.anchor.blockNumber)}` : null],
            [t("verify.batch.time"), b.anchor ? timeNode(b.anchor.timestamp, true) : null],
            [t("verify.batch.tx"), b.anchor ? hashNode(b.anchor.txHash, `#/tx/${b.anchor.txHash}`) : null],
          ]),
        )
      : null,
  ];
}

export async function render(main, ctx) {
  useStylesheet("/charts.css");
  ctx.setTitle(t("verify.title"));
  const textarea = el("textarea", { id: "verify-text", name: "proof", spellcheck: "false", autocomplete: "off", "aria-describedby": "verify-drop-hint" });
  const file = el("input", { id: "verify-file", type: "file", accept: ".json,application/json" });
  const result = el("div", { id: "verify-result", "aria-live": "polite" });
  const heading = el("h2", { id: "verify-result-title", hidden: true }, t("verify.result"));

  const run = async () => {
    const text = textarea.value.trim();
    clear(result);
    if (!text) {
      result.append(el("p", { class: "error" }, t("verify.empty")));
      return;
    }
    button.disabled = true;
    try {
      heading.hidden = false;
      result.append(...resultView(await check(text)).filter(Boolean));
    } finally {
      button.disabled = false;
    }
  };
  const load = async (f) => {
    if (!f) return;
    try {
      textarea.value = await f.text();
      await run();
    } catch {
      clear(result).append(el("p", { class: "error" }, t("verify.readError")));
    }
  };
  file.addEventListener("change", () => load(file.files && file.files[0]));
  const button = el("button", { type: "submit", id: "verify-run" }, t("verify.run"));
  const zone = el(
    "div",
    { class: "dropzone" },
    el("label", { for: "verify-text" }, t("verify.paste")),
    textarea,
    el("p", { id: "verify-drop-hint", class: "muted small" }, t("verify.drop")),
    el("label", { for: "verify-file" }, t("verify.file")),
    file,
  );
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) void load(f);
  });
  const form = el(
    "form",
    {
      "aria-label": t("verify.title"),
      "on:submit": (e) => {
        e.preventDefault();
        void run();
      },
    },
    zone,
    el(
      "p",
      { class: "controls" },
      button,
      " ",
      el("button", {
        type: "button",
        "on:click": () => {
          textarea.value = "";
          file.value = "";
          heading.hidden = true;
          clear(result);
        },
      }, t("verify.clear")),
    ),
  );
  clear(main).append(pageHead(t("verify.title"), t("verify.lead")), form, el("section", { class: "block", "aria-labelledby": "verify-result-title" }, heading, result));
}
