/**
 * `npx provenant <command>`: a small client of the ledger-service API.
 *
 *   status                   service, index and chain health, record counts
 *   trace <productId>        a product's provenance as an indented tree (可溯源)
 *   deadlines                statutory deadlines (regulator sign-in with a REGULATOR key)
 *
 * Exit codes: 0 ok, 1 failure (API unreachable, not found, refused), 2 usage.
 * verify-receipt is not here yet: it needs the receipts contract, which does not exist.
 */
import { Wallet } from "ethers";

export const DEFAULT_API = "http://127.0.0.1:8080";

const HELP: Record<string, string> = {
  main: `Usage: provenant <command> [options]

Commands:
  status              health of the service, its index and chain; record counts
  trace <productId>   provenance of a product as an indented tree
  deadlines           statutory deadlines (needs a REGULATOR key)

Common options:
  --api URL           ledger-service base URL (env PROVENANT_API, default ${DEFAULT_API})
  --json              print the API's JSON instead of text
  -h, --help          help of a command (provenant <command> --help)

Exit codes: 0 ok, 1 failure, 2 usage.`,
  status: `Usage: provenant status [--api URL] [--json]

Prints the service health (index head, lag, last error) and how many participants,
authorizations and products the index holds.`,
  trace: `Usage: provenant trace <productId> [--api URL] [--json]

Prints the provenance of a product (数据产品) as an indented tree: the product, its parent
products, scenario, authorization chain, agreements, resources and source departments.`,
  deadlines: `Usage: provenant deadlines [--status open|overdue|met|late|closed|violated] [--limit N]
                           [--key 0xPRIVATE_KEY] [--api URL] [--json]

Signs in to the regulator API with a key holding REGULATOR (--key or env
PROVENANT_REGULATOR_KEY; on the demo chain dev account #3) and lists statutory deadlines.`,
};

export class CliError extends Error {
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

const VALUE_OPTIONS = new Set(["--api", "--key", "--status", "--limit"]);
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
    const e = (body as { error?: { message?: string } }).error;
    throw new CliError(`${route}: ${res.status} ${e?.message ?? res.statusText}`, 1);
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
  if (p.options["--json"]) {
    io.out(JSON.stringify({ api: base, health, counts }, null, 2));
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
  for (const line of renderTree(graph)) io.out(line);
  return 0;
}

/** The graph as an indented tree from its root; a node seen before is marked and not expanded. */
export function renderTree(graph: ProvGraph): string[] {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { to: string; relation: string }[]>();
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), { to: e.to, relation: e.relation }]);
  const lines: string[] = [];
  const seen = new Set<string>();
  const describe = (id: string) => {
    const n = nodes.get(id);
    if (!n) return id;
    return `${n.kind} ${id.split(":").slice(1).join(":")}${n.label ? `  ${n.label}` : ""}${n.status ? `  [${n.status}]` : ""}`;
  };
  const walk = (id: string, indent: string, branch: string, relation: string | undefined, depth: number) => {
    const again = seen.has(id);
    lines.push(`${indent}${branch}${relation ? `${relation} → ` : ""}${describe(id)}${again ? "  (see above)" : ""}`);
    if (again || depth > 30) return;
    seen.add(id);
    const children = out.get(id) ?? [];
    const childIndent = indent + (branch === "" ? "" : branch === "└─ " ? "   " : "│  ");
    children.forEach((e, i) => walk(e.to, childIndent, i === children.length - 1 ? "└─ " : "├─ ", e.relation, depth + 1));
  };
  walk(graph.root, "", "", undefined, 0);
  if (graph.truncated) lines.push("… (graph truncated by the service)");
  return lines;
}

async function deadlines(p: Parsed, io: Io): Promise<number> {
  if (p.positionals.length > 0) throw new CliError("deadlines takes no arguments", 2);
  const base = baseUrl(p, io);
  const key = (typeof p.options["--key"] === "string" ? p.options["--key"] : undefined) ?? io.env.PROVENANT_REGULATOR_KEY;
  if (!key) throw new CliError("deadlines needs a REGULATOR key: --key 0x… or PROVENANT_REGULATOR_KEY (demo: dev account #3)", 2);
  let wallet: Wallet;
  try {
    wallet = new Wallet(key);
  } catch {
    throw new CliError("--key is not a private key (0x followed by 64 hex digits)", 2);
  }
  const query = new URLSearchParams();
  if (typeof p.options["--status"] === "string") query.set("status", p.options["--status"]);
  query.set("limit", typeof p.options["--limit"] === "string" ? p.options["--limit"] : "100");
  const json = { "content-type": "application/json" };
  const challenge = (await request(base, "/auth/challenge", { method: "POST", headers: json, body: JSON.stringify({ address: wallet.address }) })) as {
    message: string;
    nonce: string;
  };
  const signature = await wallet.signMessage(challenge.message);
  const { token } = (await request(base, "/auth/token", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ address: wallet.address, signature, nonce: challenge.nonce }),
  })) as { token: string };
  const page = (await request(base, `/regulator/deadlines?${query}`, { headers: { authorization: `Bearer ${token}` } })) as Page;
  if (p.options["--json"]) {
    io.out(JSON.stringify(page, null, 2));
    return 0;
  }
  if (page.items.length === 0) io.out("no deadlines");
  for (const d of page.items) {
    const due = typeof d.dueAt === "number" ? new Date(d.dueAt * 1000).toISOString().slice(0, 10) : "?";
    const subject = `${String(d.subjectKind ?? "")} ${String(d.subjectId ?? "")}`.trim();
    io.out(`${due}  ${String(d.status ?? "").padEnd(8)} ${String(d.clause ?? "").padEnd(4)} ${String(d.kind ?? d.rule ?? "").padEnd(28)} ${subject}`);
  }
  if (page.next) io.out(`… more (--limit, or --json for the cursor)`);
  return 0;
}

const COMMANDS: Record<string, (p: Parsed, io: Io) => Promise<number>> = { status, trace, deadlines };

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
    const hint = command === "verify-receipt" ? " (verify-receipt waits for the receipts contract, not built yet)" : "";
    process.stderr.write(`provenant: unknown command "${command}"${hint}\n${HELP.main}\n`);
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
