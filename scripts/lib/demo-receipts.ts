/**
 * The demo's usage receipts, sent the way a platform would send them: operator A's platform
 * node (dev account #14, a signer key of operator A) signs in to the intake and reports uses in
 * three periods of the demo year; after each period the node seals and anchors what it holds,
 * so the chain shows three batches (the second a steady-state one: one product, one scenario,
 * in-scope direct uses of two resources). The third period carries the breaches the demo shows
 * on purpose, each of which the regulator sees as an alert (README "The demo"):
 *
 *   - C14: three direct uses of 惠州市公交实时到站 (bus arrivals) under the credit scenario,
 *     whose resources are the enterprise registry and the penalty records only;
 *   - C24: one use of operator B's clinic report after operator B's authorization was suspended.
 *
 * Writes `<dataDir>/demo-receipts.json` (ids, batches, proof files) when done; an interrupted run
 * resumes (the intake is idempotent: the same receipts get the same answers).
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { id as keccakText, type Wallet, type HDNodeWallet } from "ethers";
import type { DemoSummary } from "./demo";
import { pseudonymousConsumer, purposeDigest, receiptToJson, type Receipt } from "./receipts";

export const DEMO_RECEIPTS_DONE = "demo-receipts.json";
const DAY = 86_400;
const h = (label: string): string => keccakText(`provenant-demo:${label}`);

export interface DemoReceiptsSummary {
  receipts: number;
  breaches: { clause: string; rule: string; receiptId: string }[];
  batches: number;
  proofFiles: string[];
}

export interface SubmitDemoReceiptsArgs {
  /** The service's base URL (http://host:port). */
  baseUrl: string;
  summary: DemoSummary;
  dataDir: string;
  nodeKey: Wallet | HDNodeWallet;
  /** Seals and anchors everything the node holds; resolves when anchored. */
  drain(): Promise<boolean>;
  log?: (line: string) => void;
}

type Json = Record<string, unknown>;

async function call(base: string, route: string, init: RequestInit = {}): Promise<Json> {
  const res = await fetch(`${base}/api/v1${route}`, init);
  const body = (await res.json()) as Json;
  if (!res.ok) throw new Error(`demo receipts: ${route} answered ${res.status}: ${JSON.stringify(body.error ?? body).slice(0, 400)}`);
  return body;
}

export function readDemoReceipts(dataDir: string): DemoReceiptsSummary | undefined {
  const f = path.join(dataDir, DEMO_RECEIPTS_DONE);
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as DemoReceiptsSummary) : undefined;
}

/** The ids and time of the demo world the receipts name (a DemoSummary, or a test's own ids). */
export type DemoReceiptWorld = Pick<DemoSummary, "participants" | "authorizations" | "scenarios" | "products" | "resources" | "chainEnd">;

/**
 * The demo's usage receipts in their three periods (one batch each), the same every run: the
 * receipts submitDemoReceipts reports, and what tests of the usage disclosures compare with.
 */
export function demoReceiptPeriods(s: DemoReceiptWorld): { label: string; receipts: Receipt[] }[] {
  const nodeId = BigInt(s.participants.operatorA);
  const A1 = BigInt(s.authorizations.operatorA);
  const A2 = BigInt(s.authorizations.operatorB);
  const credit = BigInt(s.scenarios.enterpriseCredit);
  const clinic = BigInt(s.scenarios.clinicAccess);
  const creditIndex = BigInt(s.products.creditIndex);
  const clinicReport = BigInt(s.products.clinicReport);
  const registry = BigInt(s.resources.enterpriseRegistry);
  const penalties = BigInt(s.resources.penalties);
  const bus = BigInt(s.resources.busArrivals);
  const end = s.chainEnd;
  const bases = ["Commercial", "Commercial", "FreeTrialForSourceDept", "PublicInterestFree"] as const;

  let n = 0;
  const use = (at: number, over: Partial<Receipt> = {}): Receipt => {
    const k = n++;
    const basis = bases[k % bases.length];
    return {
      id: h(`receipt:${k}`),
      nodeId,
      authorizationId: A1,
      scenarioId: credit,
      productId: creditIndex,
      resourceIds: [],
      consumer: pseudonymousConsumer(h(`consumer-salt:${k % 211}`), `verified-enterprise-user-${k % 211}`),
      purpose: purposeDigest("企业信用评估"),
      recordCount: BigInt(1 + (k % 40)),
      requestDigest: h(`request:${k}`),
      resultDigest: h(`result:${k}`),
      chargingBasis: basis,
      fee: basis === "Commercial" ? BigInt(200 + (k % 5) * 100) : 0n,
      timestamp: at,
      ...over,
    };
  };
  // The credit product is listed from about day 100 of the demo year; three periods after it.
  const spread = (from: number, to: number, count: number, make: (at: number) => Receipt) =>
    Array.from({ length: count }, (_, i) => make(Math.floor(from + ((to - from) * i) / count)));
  return [
    { label: "months 5–8", receipts: spread(end - 240 * DAY, end - 120 * DAY, 1500, (at) => use(at)) },
    {
      label: "months 9–11",
      receipts: spread(end - 110 * DAY, end - 40 * DAY, 1200, (at) =>
        n % 6 === 5 ? use(at, { productId: 0n, resourceIds: n % 12 === 11 ? [registry, penalties] : [registry] }) : use(at),
      ),
    },
    {
      label: "the last month, with the demo's breaches",
      receipts: [
        ...spread(end - 30 * DAY, end - 2 * DAY, 800, (at) => use(at)),
        // C14 on purpose: a resource outside the scenario's resources.
        ...[end - 9 * DAY, end - 8 * DAY, end - 7 * DAY].map((at) => use(at, { productId: 0n, resourceIds: [bus], chargingBasis: "Commercial", fee: 300n })),
        // C24 on purpose: operator B's product used after its authorization was suspended (day -20).
        use(end - 5 * DAY, { authorizationId: A2, scenarioId: clinic, productId: clinicReport, purpose: purposeDigest("就医出行便利度分析"), chargingBasis: "Commercial", fee: 800n }),
      ],
    },
  ];
}

export async function submitDemoReceipts(args: SubmitDemoReceiptsArgs): Promise<DemoReceiptsSummary> {
  const { summary: s, baseUrl } = args;
  const log = args.log ?? (() => undefined);
  const json = { "content-type": "application/json" };
  const challenge = await call(baseUrl, "/auth/challenge", { method: "POST", headers: json, body: JSON.stringify({ address: args.nodeKey.address }) });
  const signature = await args.nodeKey.signMessage(challenge.message as string);
  const { token } = (await call(baseUrl, "/auth/token", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ address: args.nodeKey.address, signature, nonce: challenge.nonce }),
  })) as { token: string };

  const periods = demoReceiptPeriods(s);

  const breaches: DemoReceiptsSummary["breaches"] = [];
  const firstOfBatch: string[] = [];
  let total = 0;
  for (const p of periods) {
    log(`demo: ${p.receipts.length} usage receipts of ${p.label} through the node's intake`);
    firstOfBatch.push(p.receipts[0].id);
    for (let i = 0; i < p.receipts.length; i += 500) {
      const chunk = p.receipts.slice(i, i + 500);
      const a = (await call(baseUrl, "/receipts", { method: "POST", headers: { ...json, authorization: `Bearer ${token}` }, body: JSON.stringify({ receipts: chunk.map(receiptToJson) }) })) as {
        receipts: { id: string; flags: { rule: string; clause: string }[] }[];
      };
      for (const r of a.receipts) for (const f of r.flags) breaches.push({ clause: f.clause, rule: f.rule, receiptId: r.id });
      total += chunk.length;
    }
    if (!(await args.drain())) throw new Error("demo receipts: the node did not anchor its batch in time");
  }

  const proofDir = path.join(args.dataDir, "receipts");
  mkdirSync(proofDir, { recursive: true });
  const proofFiles: string[] = [];
  for (const [i, id] of [...firstOfBatch, ...breaches.map((b) => b.receiptId).slice(0, 1)].entries()) {
    const proof = await call(baseUrl, `/receipts/${id}/proof`);
    const file = path.join(proofDir, i < firstOfBatch.length ? `batch-${i + 1}-receipt.json` : "breach-receipt.json");
    writeFileSync(file, JSON.stringify(proof, null, 2) + "\n");
    proofFiles.push(file);
  }
  const out: DemoReceiptsSummary = { receipts: total, breaches, batches: periods.length, proofFiles };
  writeFileSync(path.join(args.dataDir, DEMO_RECEIPTS_DONE), JSON.stringify(out, null, 2) + "\n");
  log(`demo: ${total} receipts anchored in ${periods.length} batches; ${breaches.length} rule flags (the breaches the demo shows on purpose)`);
  return out;
}
