// One language at a time, Chinese first: UI strings (t), enum and code labels from
// /i18n/labels.json (label), the choice remembered in localStorage and set on <html lang>.

const STORE_KEY = "provenant.lang";
const listeners = new Set();
let current = "zh";
let labels = {};

const STRINGS = {
  zh: {
    "site.title": "公共数据授权运营公示平台",
    "site.short": "公示平台",
    "skip": "跳到正文",
    "menu": "菜单",
    "lang.switch": "EN",
    "lang.switchLabel": "EN – Switch to English",
    "search.label": "搜索",
    "search.placeholder": "名称、登记编号、信用代码、交易哈希",
    "search.submit": "搜索",
    "nav.home": "首页",
    "nav.authorizations": "授权公示",
    "nav.products": "数据产品",
    "nav.participants": "参与主体",
    "nav.catalog": "资源目录",
    "nav.annual": "年度披露",
    "nav.usage": "使用统计",
    "nav.verify": "回执验证",
    "nav.governance": "治理变更",
    "nav.main": "主导航",
    "demo.banner": "演示数据：本站记录由开发链上的演示账户生成，并非真实授权。",
    "index.diverged": "索引与链已分叉：本页数据可能来自已被替换的分支，请以链上记录为准（运维人员可用 --reindex 重建索引）。",
    "index.reindex": "正在重建索引（已到区块 {block}），当前显示旧索引。",
    "index.syncing": "索引正在追赶链（落后 {lag} 个区块），记录可能暂缺。",
    "health.ok": "链 {chain} · 已索引区块 {block}",
    "health.down": "服务暂时不可用",
    "footer.text": "本站记录均来自链上事件，不可篡改；每条记录附区块与交易。所有时间均为北京时间。",
    "footer.api": "开放接口（OpenAPI）",
    "loading": "正在加载…",
    "loaded": "已加载",
    "copy": "复制",
    "copy.label": "复制完整哈希 {hash}",
    "copied": "已复制",
    "copy.failed": "无法复制，请手动选择",
    "more": "更多",
    "none": "无",
    "unknown": "未知",
    "yes": "是",
    "no": "否",
    "id": "编号",
    "name": "名称",
    "status": "状态",
    "kind": "类型",
    "actions": "操作",
    "evidence": "链上存证",
    "evidence.block": "区块",
    "evidence.time": "时间",
    "evidence.tx": "交易",
    "history": "历史记录",
    "history.empty": "暂无历史记录",
    "history.by": "操作方：{actor}",
    "history.related": "相关记录：",
    "history.statement": "公开说明：",
    "history.full": "全部历史",
    "pager.label": "分页",
    "pager.prev": "上一页",
    "pager.next": "下一页",
    "pager.page": "第 {page} 页，共 {pages} 页",
    "pager.total": "共 {total} 条",
    "pager.shown": "第 {from}–{to} 条，共 {total} 条",
    "empty": "暂无记录",
    "error.title": "出错了",
    "error.not_found": "没有找到这条记录：它可能不存在，或尚未被索引。",
    "error.index_not_ready": "索引正在追赶链，请稍后再试。",
    "error.rate_limited": "请求过于频繁，请稍候几秒再试。",
    "error.validation": "请求的地址格式不正确。",
    "error.network": "无法连接到服务，请检查网络后重试。",
    "error.generic": "服务暂时无法回答这个请求，请稍后再试。",
    "error.retry": "重试",
    "error.home": "返回首页",
    "notfound.title": "页面不存在",
    "notfound.text": "找不到这个页面。请检查地址，或从首页和搜索框找到要看的记录。",
    "unit.workingDays": "{n} 个工作日",
    "beijing": "北京时间",
    "kind.authorization": "授权",
    "kind.product": "产品",
    "kind.resource": "资源",
    "kind.scenario": "场景",
    "kind.participant": "主体",
    "kind.call": "征集公告",
    "kind.agreement": "协议",
    "kind.tx": "交易",
    "kind.address": "地址",
    "kind.case": "案件",
    "kind.share": "共享申请",
    "kind.report": "报告",
    "kind.batch": "批次",
    "kind.registration": "登记",
    "kind.evaluation": "评估",
    "kind.disclosure": "年度披露",
    "kind.filing": "备案",
    "kind.contract": "合约",
    "kind.role": "角色",
  },
  en: {
    "site.title": "Public Data Authorized Operation Disclosure",
    "site.short": "Disclosure portal",
    "skip": "Skip to content",
    "menu": "Menu",
    "lang.switch": "中文",
    "lang.switchLabel": "中文 – 切换到中文",
    "search.label": "Search",
    "search.placeholder": "Name, registration code, credit code, tx hash",
    "search.submit": "Search",
    "nav.home": "Home",
    "nav.authorizations": "Authorizations",
    "nav.products": "Products",
    "nav.participants": "Participants",
    "nav.catalog": "Catalog",
    "nav.annual": "Annual disclosures",
    "nav.usage": "Usage",
    "nav.verify": "Verify a receipt",
    "nav.governance": "Governance",
    "nav.main": "Main navigation",
    "demo.banner": "Demo data: these records were made by demo keys on a development chain; none is a real authorization.",
    "index.diverged": "The index has diverged from the chain: what this page shows may come from a replaced branch; the chain is authoritative (operators can rebuild with --reindex).",
    "index.reindex": "The index is being rebuilt (at block {block}); the previous index is shown meanwhile.",
    "index.syncing": "The index is catching up with the chain ({lag} blocks behind); some records may be missing.",
    "health.ok": "Chain {chain} · indexed block {block}",
    "health.down": "The service is unavailable",
    "footer.text": "Every record comes from an on-chain event and cannot be altered; each carries its block and transaction. All times are Beijing time.",
    "footer.api": "Open API (OpenAPI)",
    "loading": "Loading…",
    "loaded": "Loaded",
    "copy": "Copy",
    "copy.label": "Copy the full hash {hash}",
    "copied": "Copied",
    "copy.failed": "Could not copy; select the text instead",
    "more": "More",
    "none": "None",
    "unknown": "Unknown",
    "yes": "Yes",
    "no": "No",
    "id": "No.",
    "name": "Name",
    "status": "Status",
    "kind": "Kind",
    "actions": "Actions",
    "evidence": "On-chain evidence",
    "evidence.block": "Block",
    "evidence.time": "Time",
    "evidence.tx": "Transaction",
    "history": "History",
    "history.empty": "No history yet",
    "history.by": "By {actor}",
    "history.related": "Related: ",
    "history.statement": "Public statement: ",
    "history.full": "Full history",
    "pager.label": "Pages",
    "pager.prev": "Previous",
    "pager.next": "Next",
    "pager.page": "Page {page} of {pages}",
    "pager.total": "{total} in total",
    "pager.shown": "{from}–{to} of {total}",
    "empty": "No records yet",
    "error.title": "Something went wrong",
    "error.not_found": "This record was not found: it may not exist, or it is not indexed yet.",
    "error.index_not_ready": "The index is catching up with the chain; try again shortly.",
    "error.rate_limited": "Too many requests; wait a few seconds and try again.",
    "error.validation": "The address of this page is not in a valid form.",
    "error.network": "The service cannot be reached; check the connection and retry.",
    "error.generic": "The service cannot answer this request now; try again later.",
    "error.retry": "Retry",
    "error.home": "Back to the home page",
    "notfound.title": "Page not found",
    "notfound.text": "There is no such page. Check the address, or find the record from the home page or the search box.",
    "unit.workingDays": "{n} working days",
    "beijing": "Beijing time",
    "kind.authorization": "Authorization",
    "kind.product": "Product",
    "kind.resource": "Resource",
    "kind.scenario": "Scenario",
    "kind.participant": "Participant",
    "kind.call": "Call for applications",
    "kind.agreement": "Agreement",
    "kind.tx": "Transaction",
    "kind.address": "Address",
    "kind.case": "Case",
    "kind.share": "Share request",
    "kind.report": "Report",
    "kind.batch": "Batch",
    "kind.registration": "Registration",
    "kind.evaluation": "Evaluation",
    "kind.disclosure": "Annual disclosure",
    "kind.filing": "Filing",
    "kind.contract": "Contract",
    "kind.role": "Role",
  },
};

/** "zh" or "en". */
export function lang() {
  return current;
}

/** The BCP 47 tag of the current language (for <html lang> and Intl). */
export function locale() {
  return current === "zh" ? "zh-CN" : "en";
}

/** A UI string, with {name} placeholders filled from `vars`. */
export function t(key, vars) {
  const s = STRINGS[current][key] ?? STRINGS.zh[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k])));
}

/** Whether a UI string exists (in the current language or Chinese). */
export function has(key) {
  return key in STRINGS[current] || key in STRINGS.zh;
}

/** Adds a page's own UI strings: { zh: {…}, en: {…} }. */
export function addStrings(more) {
  for (const l of ["zh", "en"]) Object.assign(STRINGS[l], (more && more[l]) || {});
}

/**
 * The label of an enum or code value (ledger-service/src/i18n/labels.json): `label("authorizationStatus", "Active")`.
 * Unknown values read as a spaced-out code in English and "未知（code）" never: the code words themselves.
 */
export function label(group, code) {
  if (code === null || code === undefined || code === "") return t("none");
  const g = labels[group];
  const entry = g && g[String(code)];
  if (entry && entry[current]) return entry[current];
  return humanize(String(code));
}

/** Whether labels.json has this code in this group. */
export function hasLabel(group, code) {
  return Boolean(labels[group] && labels[group][String(code)]);
}

/** "DataAuthority" → "Data authority" (only when labels.json lacks the code). */
function humanize(code) {
  const words = code.replace(/[_-]+/g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/** Loads labels.json and the remembered language; sets <html lang>. */
export async function initI18n() {
  try {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved === "zh" || saved === "en") current = saved;
  } catch {
    // storage disabled: Chinese first
  }
  document.documentElement.lang = locale();
  try {
    const res = await fetch("/i18n/labels.json", { headers: { accept: "application/json" } });
    if (res.ok) labels = await res.json();
  } catch {
    labels = {};
  }
}

/** Switches the language, remembers it, sets <html lang>, and tells the listeners. */
export function setLang(next) {
  if (next !== "zh" && next !== "en") return;
  current = next;
  try {
    localStorage.setItem(STORE_KEY, next);
  } catch {
    // not remembered, still switched
  }
  document.documentElement.lang = locale();
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
}
