/**
 * `npx provenant <command>`: a small client of the ledger-service API, and of the chain itself.
 *
 *   status                   service, index and chain health, record counts
 *   trace <productId>        a product's provenance as an indented tree (可溯源)
 *   alerts                   the regulator's alerts, newest first (sign-in with a REGULATOR key)
 *   deadlines                statutory deadlines by due date (regulator sign-in)
 *   clause <id>              one rule (C01-C38): what it says, where it is enforced, monitored, tested
 *   verify-receipt <file>    a usage receipt and its proof, checked against the chain directly
 *                            (JSON-RPC, no ledger-service involved: it trusts no service)
 *   receipts submit|status|proof   a platform's side of a node's receipt intake (cli/receipts.ts)
 *
 * Exit codes: 0 ok, 1 failure (API or chain unreachable, not found, refused, not verified), 2 usage,
 * 3 (verify-receipt) a receipt acknowledged but past its batch window without a batch.
 */
import { readFileSync } from "node:fs";
import { FetchRequest, JsonRpcProvider, Network, Wallet } from "ethers";
import { loadDeployment } from "../runtime/deployment";
import { ReceiptFileError, parseReceiptProofFile, verifyReceiptFile, type Check } from "../../../scripts/lib/receipts";
import { RECEIPTS_HELP, receiptsCli, signIn } from "./receipts";
import { CLAUSE_ID, clauses } from "../api/clauses";
import { STATUS_GROUP, deadlineLabel, defaultLang, isLang, label, type Lang } from "../i18n";

export const DEFAULT_API = "http://127.0.0.1:8080";
/** The embedded chain of `npm start` (CHAIN_PORT 8545). */
export const DEFAULT_RPC = "http://127.0.0.1:8545";

const HELP: Record<string, string> = {
  main: `Usage: provenant <command> [options]

Commands:
  status              health of the service, its index and chain; record counts
  trace <productId>   provenance of a product as an indented tree
  alerts              the regulator's alerts, newest first (needs a REGULATOR key)
  deadlines           statutory deadlines by due date (needs a REGULATOR key)
  clause <id>         one rule (C01-C38) from docs/CLAUSES.md: every clause id
                      the alerts and deadlines show resolves here
  verify-receipt <file>
                      check a usage receipt and its proof against the chain directly
  receipts submit|status|proof
                      report receipts to a platform node; a receipt's state; its proof file

Common options:
  --api URL           ledger-service base URL (env PROVENANT_API, default ${DEFAULT_API})
  --json              print the API's JSON instead of text
  --lang zh|en        language of the labels and dates (env PROVENANT_LANG, then LC_ALL/LANG
                      starting with zh; else en): statuses, kinds, alert kinds and deadline
                      states as the regulations word them, dates as 2026年11月30日 (北京时间)
  -h, --help          help of a command (provenant <command> --help)

Exit codes: 0 ok, 1 failure, 2 usage; verify-receipt also 3 (evidence of omission) and 4 (unresolved).`,
  status: `Usage: provenant status [--api URL] [--json] [--lang zh|en]

Prints the service health (index head, lag, last error) and how many participants,
authorizations and products the index holds.`,
  clause: `Usage: provenant clause <id> [--json]

Prints one rule of docs/CLAUSES.md (e.g. provenant clause C04): its name, kind, articles,
what it says, where the chain enforces it, where the service monitors it and the tests that
name it. Every clause id the alerts and deadlines show resolves here (and at
GET /api/v1/clauses/<id>).`,
  trace: `Usage: provenant trace <productId> [--api URL] [--json] [--lang zh|en]

Prints the provenance of a product (数据产品) as an indented tree: the product, its parent
products, scenario, authorization chain, agreements, resources and source departments.`,
  deadlines: `Usage: provenant deadlines [--status open|overdue|met|late|closed|violated] [--limit N]
                           [--key 0xPRIVATE_KEY] [--api URL] [--json] [--lang zh|en]

Signs in to the regulator API with a key holding REGULATOR (--key or env
PROVENANT_REGULATOR_KEY; on the demo chain dev account #3) and lists statutory deadlines,
earliest due date first: due date (China time), status, days overdue (or late), clause,
the deadline's name, its subject and what is due. --limit N prints the first N (default 100).

States: open (not yet due), overdue (past due, not met), met (done in time), late (done after
its due date), closed (no longer required), violated (a one-off rule broken).`,
  alerts: `Usage: provenant alerts [--kind KIND] [--days N] [--limit N] [--after CURSOR]
                        [--key 0xPRIVATE_KEY] [--api URL] [--json] [--lang zh|en]

Signs in to the regulator API with a key holding REGULATOR (--key or env
PROVENANT_REGULATOR_KEY; on the demo chain dev account #3) and lists the regulator's alerts,
newest first: time (China time), kind, clause, subject and message, then how many there are.

Kinds: missed-deadline, missing-report, breach, expiring-term (terms ending within --days,
default 30), operation-outside-authorization, listed-under-stopped-authorization,
listed-not-usable, authorization-with-lost-resources, pending-governance-change, and on a
platform node use-outside-rules. --limit N alerts per page (default 100); --after CURSOR the
page after the one that printed it.`,
  receipts: RECEIPTS_HELP,
  "verify-receipt": `Usage: provenant verify-receipt <file> [--rpc URL] [--deployment FILE] [--window S] [--service URL] [--json]

Checks a usage receipt proof file (provenant-receipt-proof/1, what a platform node hands the
consumer) against the chain itself, trusting no service: recomputes the receipt's Merkle leaf,
checks the proof against the batch root, then asks the ReceiptAnchor contract over JSON-RPC
whether that root is the node's anchored batch, whether it accepts the proof, whether the
receipt's time lies in the batch's range, and, if the file carries a node signature, whether
the key is a signer of the node's participant. Prints each check with its reason.

  --rpc URL           JSON-RPC endpoint (env PROVENANT_RPC, default ${DEFAULT_RPC})
  --deployment FILE   deployment JSON that pins the ReceiptAnchor address (env PROVENANT_DEPLOYMENT);
                      without it the address is taken from the file
  --window SECONDS    how long after its acknowledgement a receipt must be anchored (default 3600)
  --service URL       for a pending receipt's file: ask this node for the proof first
  --max-range BLOCKS  most blocks one eth_getLogs may span (default 2000; lower it for strict RPCs)
  --json              print the checks as JSON

A file may also carry the node's signed acknowledgement (what the intake answered): it is
checked too (path to the acknowledged root, signed by a key the hub bound to the node at the
acknowledgement's time, so a key rotated since still counts). A file with an acknowledgement and
no batch is a pending receipt: once its window is over on the chain's clock and no batch of the
node covers the receipt's time, that is evidence the node omitted it; if batches do cover it,
only the node's proof settles it (ask with --service).

Exit codes: 0 verified, 1 not verified (a check failed, the file is not a receipt proof,
the chain is unreachable, or still pending within its window), 2 usage (bad option, no such
file), 3 evidence of omission (acknowledged, window over, no batch of the node covers its time),
4 unresolved (window over, no proof in the file, but batches of the node cover its time).`,
};

export class CliError extends Error {
  /** The API's error details, when the error is an API answer (field errors, conflicts). */
  details?: unknown;
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

interface Parsed {
  command: string | undefined;
  positionals: string[];
  options: Record<string, string | true>;
}

const VALUE_OPTIONS = new Set(["--lang", "--api", "--key", "--status", "--limit", "--kind", "--days", "--after", "--rpc", "--deployment", "--chunk", "--out", "--window", "--service", "--max-range"]);
const FLAG_OPTIONS = new Set(["--json", "--help", "-h"]);

function parseArgs(argv: string[]): Parsed {
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("-")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (FLAG_OPTIONS.has(name)) options[name === "-h" ? "--help" : name] = true;
      else if (VALUE_OPTIONS.has(name)) {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || value === "") throw new CliError(`option ${name} needs a value`, 2);
        options[name] = value;
      } else throw new CliError(`unknown option "${arg}"`, 2);
    } else positionals.push(arg);
  }
  return { command: positionals.shift(), positionals, options };
}

interface Io {
  out(line: string): void;
  env: Record<string, string | undefined>;
}

async function request(base: string, route: string, init: RequestInit = {}): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${route}`, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new CliError(`cannot reach the ledger-service API at ${base} (${cause}); is it running? (npm start, or --api URL)`, 1);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`${base}/api/v1${route} answered ${res.status} with a body that is not JSON; is --api a Provenant service?`, 1);
  }
  if (!res.ok) {
    const e = (body as { error?: { message?: string; details?: unknown } }).error;
    const err = new CliError(`${route}: ${res.status} ${e?.message ?? res.statusText}`, 1);
    err.details = e?.details;
    throw err;
  }
  return body;
}

function baseUrl(p: Parsed, io: Io): string {
  const raw = (typeof p.options["--api"] === "string" ? p.options["--api"] : undefined) ?? io.env.PROVENANT_API ?? DEFAULT_API;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--api "${raw}" is not a URL such as ${DEFAULT_API}`, 2);
  }
  if (!["http:", "https:"].includes(url.protocol)) throw new CliError(`--api "${raw}" must be http(s)`, 2);
  return url.origin + url.pathname.replace(/\/(api\/v1\/?)?$/, "").replace(/\/$/, "");
}

type Page = { items: Record<string, unknown>[]; next: string | null };

async function count(base: string, route: string): Promise<number> {
  let n = 0;
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = (await request(base, `${route}?limit=100${after ? `&after=${encodeURIComponent(after)}` : ""}`)) as Page;
    n += page.items.length;
    if (!page.next) break;
    after = page.next;
  }
  return n;
}

async function status(p: Parsed, io: Io): Promise<number> {
  if (p.positionals.length > 0) throw new CliError("status takes no arguments", 2);
  const base = baseUrl(p, io);
  const health = (await request(base, "/health")) as Record<string, unknown>;
  const counts = {
    participants: await count(base, "/participants"),
    authorizations: await count(base, "/authorizations"),
    products: await count(base, "/products"),
  };
  const lang = langOf(p, io);
  if (p.options["--json"]) {
    io.out(JSON.stringify({ api: base, health, counts }, null, 2));
  } else if (lang === "zh") {
    io.out(`服务地址       ${base}`);
    io.out(`运行状态       ${String(health.status)}${health.demo ? "  （演示数据【演示】）" : ""}`);
    io.out(`区块链         ${String(health.chainId)}  最新区块 ${String(health.headBlock)}  已索引 ${String(health.indexedBlock)}  落后 ${String(health.lag)}`);
    if (health.profile) io.out(`政策配置       ${String(health.profile)}`);
    const lastError = health.lastError as { message?: string } | null;
    if (lastError) io.out(`最近错误       ${lastError.message ?? ""}`);
    io.out(`记录           参与主体 ${counts.participants} 个，授权 ${counts.authorizations} 项，数据产品 ${counts.products} 个`);
  } else {
    io.out(`api            ${base}`);
    io.out(`status         ${String(health.status)}${health.demo ? "  (demo data 【演示】)" : ""}`);
    io.out(`chain          ${String(health.chainId)}  head ${String(health.headBlock)}  indexed ${String(health.indexedBlock)}  lag ${String(health.lag)}`);
    if (health.profile) io.out(`profile        ${String(health.profile)}`);
    const lastError = health.lastError as { message?: string } | null;
    if (lastError) io.out(`last error     ${lastError.message ?? ""}`);
    io.out(`records        ${counts.participants} participants, ${counts.authorizations} authorizations, ${counts.products} products`);
  }
  return health.status === "failed" ? 1 : 0;
}

interface ProvNode {
  id: string;
  kind: string;
  label?: string;
  status?: string | null;
}
interface ProvGraph {
  root: string;
  nodes: ProvNode[];
  edges: { from: string; to: string; relation: string }[];
  truncated?: boolean;
}

async function clause(p: Parsed, io: Io): Promise<number> {
  const [id, ...rest] = p.positionals;
  if (id === undefined) throw new CliError("clause needs an id: provenant clause C04", 2);
  if (rest.length > 0) throw new CliError("clause takes one id", 2);
  const want = id.toUpperCase();
  if (!CLAUSE_ID.test(want)) throw new CliError(`"${id}" is not a clause id (C01 … C38)`, 2);
  const c = clauses().get(want);
  if (!c) throw new CliError(`no clause ${want} in docs/CLAUSES.md`, 1);
  if (p.options["--json"]) {
    io.out(JSON.stringify(c, null, 2));
    return 0;
  }
  io.out(`${c.id}  ${c.rule}  (${c.kind})  ${c.doc}`);
  io.out("");
  for (const line of c.text.split("\n")) io.out(line);
  return 0;
}

async function trace(p: Parsed, io: Io): Promise<number> {
  const [id, ...rest] = p.positionals;
  if (id === undefined) throw new CliError("trace needs a product id: provenant trace <productId>", 2);
  if (rest.length > 0) throw new CliError("trace takes one product id", 2);
  if (!/^[1-9][0-9]{0,18}$/.test(id)) throw new CliError(`"${id}" is not a product id (a positive whole number)`, 2);
  const base = baseUrl(p, io);
  const graph = (await request(base, `/products/${id}/provenance`)) as ProvGraph;
  if (p.options["--json"]) {
    io.out(JSON.stringify(graph, null, 2));
    return 0;
  }
  for (const line of renderTree(graph, langOf(p, io))) io.out(line);
  return 0;
}

/**
 * The graph as an indented tree from its root; a node seen before is marked and not expanded.
 * Kinds, relations and statuses as labels in `lang`.
 */
export function renderTree(graph: ProvGraph, lang: Lang = "en"): string[] {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { to: string; relation: string }[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), { to: e.to, relation: e.relation }]);
  const lines: string[] = [];
  const seen = new Set<string>();
  const describe = (id: string) => {
    const n = nodes.get(id);
    if (!n) return id;
    const status = n.status ? label(STATUS_GROUP[n.kind] ?? `${n.kind}Status`, n.status, lang) : "";
    return `${label("subjectKind", n.kind, lang)} ${id.split(":").slice(1).join(":")}${n.label ? `  ${n.label}` : ""}${status ? `  [${status}]` : ""}`;
  };
  const walk = (id: string, indent: string, branch: string, relation: string | undefined, depth: number) => {
    const again = seen.has(id);
    const seeAbove = lang === "zh" ? "  （见上）" : "  (see above)";
    lines.push(`${indent}${branch}${relation ? `${label("relation", relation, lang)} → ` : ""}${describe(id)}${again ? seeAbove : ""}`);
    if (again || depth > 30) return;
    seen.add(id);
    const children = out.get(id) ?? [];
    const childIndent = indent + (branch === "" ? "" : branch === "└─ " ? "   " : "│  ");
    children.forEach((e, i) => walk(e.to, childIndent, i === children.length - 1 ? "└─ " : "├─ ", e.relation, depth + 1));
  };
  walk(graph.root, "", "", undefined, 0);
  if (graph.truncated) lines.push(lang === "zh" ? "…（服务已截断此图）" : "… (graph truncated by the service)");
  return lines;
}

/** Signs in with the REGULATOR key of --key or PROVENANT_REGULATOR_KEY: the bearer header. */
async function regulatorHeaders(p: Parsed, io: Io, base: string, command: string): Promise<{ authorization: string }> {
  const key = (typeof p.options["--key"] === "string" ? p.options["--key"] : undefined) ?? io.env.PROVENANT_REGULATOR_KEY;
  if (!key) throw new CliError(`${command} needs a REGULATOR key: --key 0x… or PROVENANT_REGULATOR_KEY (demo: dev account #3)`, 2);
  let wallet: Wallet;
  try {
    wallet = new Wallet(key);
  } catch {
    throw new CliError("--key is not a private key (0x followed by 64 hex digits)", 2);
  }
  return { authorization: `Bearer ${await signIn(RECEIPTS_DEPS, base, wallet)}` };
}

function positiveOption(p: Parsed, name: string, fallback: number, max: number): number {
  const raw = p.options[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== "string" || !/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new CliError(`${name} must be a whole number from 1 to ${max}`, 2);
  return Number(raw);
}

/** A moment in China time (北京时间), as the regulations count: 2026-03-31 10:00, or 2026年3月31日 10:00. */
export function chinaTime(seconds: number, lang: Lang = "en"): string {
  const iso = new Date((seconds + 8 * 3600) * 1000).toISOString();
  return lang === "zh" ? `${chinaDate(iso.slice(0, 10), "zh")} ${iso.slice(11, 16)}` : iso.slice(0, 16).replace("T", " ");
}

/** A China date (YYYY-MM-DD) as 2026年3月31日 in Chinese, unchanged in English. */
export function chinaDate(date: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return lang === "zh" && m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : date;
}

/** Terminal columns of a string: CJK and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}
const padCol = (s: string, width: number): string => s + " ".repeat(Math.max(0, width - displayWidth(s)));
const padColStart = (s: string, width: number): string => " ".repeat(Math.max(0, width - displayWidth(s))) + s;

/** The language of the labels: --lang, else the environment's (defaultLang). */
function langOf(p: Parsed, io: Io): Lang {
  const raw = p.options["--lang"];
  if (raw === undefined) return defaultLang(io.env);
  if (typeof raw !== "string" || !isLang(raw.toLowerCase())) throw new CliError(`--lang must be zh or en, not "${String(raw)}"`, 2);
  return raw.toLowerCase() as Lang;
}

/** A record reference as `<kind label> <id>`. */
const subjectOf = (kind: unknown, id: unknown, lang: Lang): string =>
  `${kind === undefined || kind === null || kind === "" ? "" : label("subjectKind", String(kind), lang)} ${String(id ?? "")}`.trim();

/** Most deadlines read to sort them by due date (pages of 500). */
const DEADLINES_READ_CAP = 10_000;

async function deadlines(p: Parsed, io: Io): Promise<number> {
  if (p.positionals.length > 0) throw new CliError("deadlines takes no arguments", 2);
  const base = baseUrl(p, io);
  const limit = positiveOption(p, "--limit", 100, 100_000);
  const lang = langOf(p, io);
  const headers = await regulatorHeaders(p, io, base, "deadlines");
  const query = new URLSearchParams();
  if (typeof p.options["--status"] === "string") query.set("status", p.options["--status"]);
  query.set("limit", "500");
  // The API lists deadlines by subject; the regulator reads them by due date: read them all.
  const all: Record<string, unknown>[] = [];
  let after: string | null = null;
  do {
    const page = (await request(base, `/regulator/deadlines?${query}${after ? `&after=${encodeURIComponent(after)}` : ""}`, { headers })) as Page;
    all.push(...page.items);
    after = page.next;
  } while (after !== null && all.length < DEADLINES_READ_CAP);
  const due = (d: Record<string, unknown>) => (typeof d.dueAt === "number" ? d.dueAt : 0);
  all.sort((x, y) => due(x) - due(y) || String(x.key ?? "").localeCompare(String(y.key ?? "")));
  const shown = all.slice(0, limit);
  if (p.options["--json"]) {
    io.out(JSON.stringify({ items: shown, total: all.length, complete: after === null }, null, 2));
    return 0;
  }
  if (shown.length === 0) {
    io.out(lang === "zh" ? "没有截止期限" : "no deadlines");
    return 0;
  }
  // Columns are two spaces apart; widths count CJK characters as two columns.
  const row = (c: string[]) =>
    `${padCol(c[0], lang === "zh" ? 14 : 10)}  ${padCol(c[1], 8)}  ${padColStart(c[2], 7)}  ${padCol(c[3], 6)}  ${padCol(c[4], 36)}  ${padCol(c[5], 24)}  ${c[6]}`.trimEnd();
  io.out(row(lang === "zh" ? ["截止日期", "状态", "逾期", "条款", "事项", "对象", "说明"] : ["DUE", "STATUS", "OVERDUE", "CLAUSE", "NAME", "SUBJECT", "WHAT"]));
  for (const d of shown) {
    const overdue = typeof d.daysOverdue === "number" ? (lang === "zh" ? `${d.daysOverdue}天` : `${d.daysOverdue}d`) : "";
    const name = typeof d.name === "string" ? deadlineLabel(d.name, lang) : "";
    io.out(row([chinaDate(String(d.dueDate ?? "?"), lang), label("deadlineStatus", String(d.status ?? ""), lang), overdue, String(d.clause ?? ""), name, subjectOf(d.subjectKind, d.subjectId, lang), String(d.note ?? "")]));
  }
  const stopped = after !== null ? (lang === "zh" ? `（读取到 ${DEADLINES_READ_CAP} 项为止）` : ` (stopped reading at ${DEADLINES_READ_CAP})`) : "";
  const more = shown.length < all.length ? (lang === "zh" ? "；--limit N 显示更多" : "; --limit N for more") : "";
  io.out(lang === "zh" ? `共 ${all.length} 项截止期限，显示 ${shown.length} 项${stopped}${more}` : `${shown.length} of ${all.length} deadlines${stopped}${more}`);
  return 0;
}

async function alerts(p: Parsed, io: Io): Promise<number> {
  if (p.positionals.length > 0) throw new CliError("alerts takes no arguments", 2);
  const base = baseUrl(p, io);
  const query = new URLSearchParams({ limit: String(positiveOption(p, "--limit", 100, 500)) });
  if (p.options["--days"] !== undefined) query.set("days", String(positiveOption(p, "--days", 30, 3660)));
  for (const name of ["kind", "after"]) {
    const v = p.options[`--${name}`];
    if (typeof v === "string") query.set(name, v);
  }
  const lang = langOf(p, io);
  const headers = await regulatorHeaders(p, io, base, "alerts");
  const page = (await request(base, `/regulator/alerts?${query}`, { headers })) as Page & { total: number };
  if (p.options["--json"]) {
    io.out(JSON.stringify(page, null, 2));
    return 0;
  }
  if (page.items.length === 0) {
    if (lang === "zh") io.out(page.total === 0 ? "没有预警" : `没有更多预警（共 ${page.total} 条）`);
    else io.out(page.total === 0 ? "no alerts" : `no more alerts (${page.total} in all)`);
    return 0;
  }
  const row = (c: string[]) => `${padCol(c[0], lang === "zh" ? 20 : 16)}  ${padCol(c[1], 34)}  ${padCol(c[2], 6)}  ${padCol(c[3], 24)}  ${c[4]}`.trimEnd();
  io.out(row(lang === "zh" ? ["时间（北京时间）", "预警类型", "条款", "对象", "说明"] : ["AT (CHINA TIME)", "KIND", "CLAUSE", "SUBJECT", "MESSAGE"]));
  for (const a of page.items) {
    const subject = subjectOf(a.subjectKind, a.subjectId, lang);
    const shortSubject = subject.length > 24 ? `${subject.slice(0, 21)}…` : subject;
    io.out(row([typeof a.at === "number" ? chinaTime(a.at, lang) : "?", label("alertKind", String(a.kind ?? ""), lang), String(a.clause ?? ""), shortSubject, String(a.message ?? "")]));
  }
  if (lang === "zh") io.out(`共 ${page.total} 条预警，本页 ${page.items.length} 条${page.next ? `；下一页：provenant alerts --after ${page.next}` : ""}`);
  else io.out(`${page.items.length} of ${page.total} alerts${page.next ? `; next page: provenant alerts --after ${page.next}` : ""}`);
  return 0;
}

// ===== verify-receipt =====

function rpcUrl(p: Parsed, io: Io): string {
  const raw = (typeof p.options["--rpc"] === "string" ? p.options["--rpc"] : undefined) ?? io.env.PROVENANT_RPC ?? DEFAULT_RPC;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`--rpc "${raw}" is not a URL such as ${DEFAULT_RPC}`, 2);
  }
  if (!["http:", "https:"].includes(url.protocol)) throw new CliError(`--rpc "${raw}" must be http(s)`, 2);
  return raw;
}

/** `eth_chainId`, once, with a timeout: tells an unreachable endpoint from a failed check. */
async function ethChainId(url: string): Promise<bigint> {
  const unreachable = (why: string) =>
    new CliError(`cannot reach the chain at ${url} (${why}); is the node running? (--rpc URL or PROVENANT_RPC)`, 1);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw unreachable((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
  }
  let body: { result?: unknown };
  try {
    body = (await res.json()) as { result?: unknown };
  } catch {
    throw unreachable(`HTTP ${res.status}, not a JSON-RPC answer`);
  }
  if (typeof body.result !== "string" || !/^0x[0-9a-f]+$/i.test(body.result)) throw unreachable(`eth_chainId answered ${JSON.stringify(body).slice(0, 120)}`);
  return BigInt(body.result);
}

const MARK: Record<Check["status"], string> = { pass: "✓", fail: "✗", skip: "-" };

async function verifyReceipt(p: Parsed, io: Io): Promise<number> {
  const [file, ...rest] = p.positionals;
  if (file === undefined) throw new CliError("verify-receipt needs a file: provenant verify-receipt <file>", 2);
  if (rest.length > 0) throw new CliError("verify-receipt takes one file", 2);
  const url = rpcUrl(p, io);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : (code ?? (err as Error).message);
    throw new CliError(`cannot read ${file}: ${why}`, 2);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file} is not JSON (${(err as Error).message}); expected a receipt proof file`, 1);
  }
  let parsedFile: ReturnType<typeof parseReceiptProofFile>;
  try {
    parsedFile = parseReceiptProofFile(json);
  } catch (err) {
    if (err instanceof ReceiptFileError) throw new CliError(`${file}: ${err.message}`, 1);
    throw err;
  }
  const windowRaw = typeof p.options["--window"] === "string" ? p.options["--window"] : "3600";
  if (!/^[0-9]{1,9}$/.test(windowRaw)) throw new CliError("--window must be a number of seconds", 2);
  const rangeRaw = typeof p.options["--max-range"] === "string" ? p.options["--max-range"] : "2000";
  if (!/^[1-9][0-9]{0,6}$/.test(rangeRaw)) throw new CliError("--max-range must be a number of blocks from 1 to 9999999", 2);
  // A pending receipt's file: ask the node for the proof first, if told where it is.
  if (parsedFile.batch === undefined && typeof p.options["--service"] === "string") {
    const service = p.options["--service"].replace(/\/(api\/v1\/?)?$/, "");
    try {
      const res = await fetch(`${service}/api/v1/receipts/${parsedFile.receipt.id}/proof`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 200) {
        const full = (await res.json()) as { acknowledgement?: unknown };
        json = { ...full, acknowledgement: full.acknowledgement ?? parsedFile.acknowledgement };
        io.out(`the node at ${service} has the proof: verifying it`);
      } else io.out(`the node at ${service} answered ${res.status} for the proof: verifying the acknowledgement alone`);
    } catch (err) {
      io.out(`cannot reach the node at ${service} (${(err as Error).message}): verifying the acknowledgement alone`);
    }
  }
  const deploymentFile = (typeof p.options["--deployment"] === "string" ? p.options["--deployment"] : undefined) ?? io.env.PROVENANT_DEPLOYMENT;
  let deployment: ReturnType<typeof loadDeployment> | undefined;
  if (deploymentFile !== undefined) {
    try {
      deployment = loadDeployment(deploymentFile);
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    if (!deployment.contracts.ReceiptAnchor) throw new CliError(`deployment file ${deploymentFile} names no ReceiptAnchor`, 2);
  }

  const chainId = await ethChainId(url);
  const request = new FetchRequest(url);
  request.timeout = 15_000;
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(request, network, { staticNetwork: network });
  let v: Awaited<ReturnType<typeof verifyReceiptFile>>;
  try {
    v = await verifyReceiptFile(json, provider, deployment, { windowSeconds: Number(windowRaw), maxBlockRange: Number(rangeRaw) });
  } catch (err) {
    throw new CliError(`the chain at ${url} failed while verifying: ${(err as { shortMessage?: string }).shortMessage ?? (err as Error).message}`, 1);
  } finally {
    provider.destroy();
  }
  const failed = v.checks.filter((c) => c.status === "fail").map((c) => c.name);
  if (p.options["--json"]) {
    io.out(JSON.stringify({ file, rpc: url, ...v }, null, 2));
  } else {
    io.out(`receipt    ${v.leaf}  (leaf)`);
    io.out(`batch      ${v.sequence === "" ? "none in the file (acknowledged, pending)" : `${v.sequence} of node ${v.nodeId}`}`);
    io.out(`anchor     ${v.anchorAddress} on chain ${v.chainId} via ${url}`);
    for (const c of v.checks) io.out(`  ${MARK[c.status]} ${c.name.padEnd(15)} ${c.detail}`);
    io.out(
      v.state === "verified"
        ? "verified: the node anchored exactly this receipt"
        : v.state === "omitted"
          ? "OMITTED: the node acknowledged this receipt and its batch window is over without a proof of anchoring"
          : v.state === "pending"
            ? "pending: acknowledged by the node, not anchored yet (within its batch window)"
            : v.state === "unresolved"
              ? "UNRESOLVED: window over and no proof in the file, but batches of the node cover its time: ask the node for the proof (--service)"
              : `NOT VERIFIED: ${failed.join(", ")} failed`,
    );
  }
  if (v.state === "failed") process.stderr.write(`provenant verify-receipt: ${file} not verified: ${failed.join(", ")} failed\n`);
  if (v.state === "omitted") process.stderr.write(`provenant verify-receipt: ${file}: evidence of omission\n`);
  if (v.state === "unresolved") process.stderr.write(`provenant verify-receipt: ${file}: unresolved: ask the node for the proof\n`);
  return v.state === "verified" ? 0 : v.state === "omitted" ? 3 : v.state === "unresolved" ? 4 : 1;
}

const RECEIPTS_DEPS = {
  request,
  usage: (message: string) => new CliError(message, 2),
  failure: (message: string) => new CliError(message, 1),
};

function receipts(p: Parsed, io: Io): Promise<number> {
  return receiptsCli(RECEIPTS_DEPS, { out: io.out, err: (l) => process.stderr.write(`${l}\n`), env: io.env, isTty: process.stderr.isTTY === true }, baseUrl(p, io), p.positionals, p.options);
}

const COMMANDS: Record<string, (p: Parsed, io: Io) => Promise<number>> = {
  status,
  receipts,
  trace,
  alerts,
  deadlines,
  "verify-receipt": verifyReceipt,
  clause,
};

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: Io = { out: (l) => process.stdout.write(`${l}\n`), env: process.env }): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`provenant: ${(err as Error).message}\n${HELP.main}\n`);
    return 2;
  }
  const { command } = parsed;
  if (command === undefined) {
    if (parsed.options["--help"]) {
      io.out(HELP.main);
      return 0;
    }
    process.stderr.write(`${HELP.main}\n`);
    return 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`provenant: unknown command "${command}"\n${HELP.main}\n`);
    return 2;
  }
  if (parsed.options["--help"]) {
    io.out(HELP[command]);
    return 0;
  }
  try {
    return await run(parsed, io);
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`provenant ${command}: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`provenant ${command}: ${(err as Error).message}\n`);
    return 1;
  }
}
