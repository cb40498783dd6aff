/**
 * `provenant receipts <submit|status|proof>`: a platform's side of the node intake.
 *
 *   submit <file.ndjson>  sends the receipts of an NDJSON file in requests of --chunk receipts,
 *                         with a progress line; the node's answers (each receipt's signed
 *                         acknowledgement and path) are appended to <file>.acks.ndjson, and the
 *                         lines already acknowledged to <file>.progress.json, so a rerun after an
 *                         interruption resumes where it stopped (the intake is idempotent anyway)
 *   status <id>           pending, anchored or final, with the batch and transaction
 *   proof <id>            the provenant-receipt-proof/1 file of an anchored receipt
 */
import { createHash, type Hash } from "node:crypto";
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from "node:fs";
import { Wallet } from "ethers";

export interface ReceiptsCliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  isTty: boolean;
}

/** What the main CLI lends: its HTTP helper and error type. */
export interface ReceiptsCliDeps {
  request(base: string, route: string, init?: RequestInit): Promise<unknown>;
  usage(message: string): Error;
  failure(message: string): Error;
}

export const RECEIPTS_HELP = `Usage: provenant receipts <submit|status|proof> …

  provenant receipts submit <file.ndjson> [--key 0xKEY] [--chunk N] [--api URL] [--json]
      Sends the receipts (one JSON receipt per line) to a platform node's intake, N per request
      (default 1000, at most 10000). Signs in with a signer key of the node's participant
      (--key or env PROVENANT_INTAKE_KEY; the demo's node: dev account #14). The node answers each
      request once its receipts are durable, with one signed acknowledgement; every receipt's
      acknowledgement and path are appended to <file>.acks.ndjson. Progress is kept in
      <file>.progress.json: run the same command again to resume. Refused requests (invalid
      receipts, an id reused with other contents, STRICT_INTAKE) stop the run with the node's reasons.
  provenant receipts status <receiptId> [--api URL] [--json]
  provenant receipts proof <receiptId> [--out FILE] [--api URL]
      Writes the proof file (check it with: provenant verify-receipt FILE). Fails while pending.

Exit codes: 0 ok, 1 refused / not found / pending / unreachable, 2 usage.`;

/** Signs in with EIP-4361 and returns a bearer token (REGULATOR or INTAKE, as the key holds). */
export async function signIn(deps: ReceiptsCliDeps, base: string, wallet: Wallet): Promise<string> {
  const json = { "content-type": "application/json" };
  const challenge = (await deps.request(base, "/auth/challenge", { method: "POST", headers: json, body: JSON.stringify({ address: wallet.address }) })) as {
    message: string;
    nonce: string;
  };
  const signature = await wallet.signMessage(challenge.message);
  const { token } = (await deps.request(base, "/auth/token", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ address: wallet.address, signature, nonce: challenge.nonce }),
  })) as { token: string };
  return token;
}

interface Progress {
  file: string;
  size: number;
  /** Bytes of the file acknowledged so far (whole lines). */
  offset: number;
  /** SHA-256 of those bytes: a resume continues only if the part already sent is unchanged. */
  prefixSha256: string;
  lines: number;
  accepted: number;
  duplicates: number;
  flagged: number;
}

function walletOf(deps: ReceiptsCliDeps, key: string | undefined): Wallet {
  if (!key) throw deps.usage("submit needs a signer key of the node's participant: --key 0x… or PROVENANT_INTAKE_KEY (demo: dev account #14)");
  try {
    return new Wallet(key);
  } catch {
    throw deps.usage("--key is not a private key (0x followed by 64 hex digits)");
  }
}

/** Reads whole lines from byte `offset`, up to `max` non-empty ones; returns them and the offset after them. */
function readLines(fd: number, offset: number, max: number, size: number): { lines: string[]; next: number } {
  const lines: string[] = [];
  const buf = Buffer.alloc(1 << 20);
  let pending: Buffer = Buffer.alloc(0);
  let pos = offset;
  let consumed = offset;
  for (;;) {
    let nl: number;
    while (lines.length < max && (nl = pending.indexOf(10)) >= 0) {
      const line = pending.subarray(0, nl).toString("utf8");
      pending = pending.subarray(nl + 1);
      consumed += nl + 1;
      if (line.trim() !== "") lines.push(line);
    }
    if (lines.length >= max) return { lines, next: consumed };
    const n = pos < size ? readSync(fd, buf, 0, buf.length, pos) : 0;
    if (n === 0) {
      // The last line may lack its newline.
      const tail = pending.toString("utf8");
      if (tail.trim() !== "") lines.push(tail);
      return { lines, next: consumed + pending.length };
    }
    pos += n;
    pending = Buffer.concat([pending, buf.subarray(0, n)]);
  }
}

/**
 * The node's reasons for refusing a request, one line each, numbered by line of the file: field
 * errors ({receipts: [{index, errors}]}), conflicts and rule breaches ([{index, ...}]).
 */
function refusalLines(details: unknown, firstLine: number): string {
  const items = Array.isArray(details) ? details : Array.isArray((details as { receipts?: unknown })?.receipts) ? (details as { receipts: unknown[] }).receipts : [];
  const out: string[] = [];
  for (const raw of items.slice(0, 20)) {
    const d = raw as { index?: number; errors?: { path: string; message: string }[]; flags?: { rule: string }[]; acknowledgedLeaf?: string };
    const at = typeof d.index === "number" ? `line ${firstLine + d.index}` : "a receipt";
    if (d.errors) for (const e of d.errors) out.push(`${at}: ${e.path || "(receipt)"}: ${e.message}`);
    else if (d.flags) out.push(`${at}: breaks ${d.flags.map((f) => f.rule).join(", ")}`);
    else if (d.acknowledgedLeaf) out.push(`${at}: its id was acknowledged with other contents`);
  }
  if (items.length > 20) out.push(`… and ${items.length - 20} more`);
  return out.length === 0 ? "" : `\n  ${out.join("\n  ")}\n`;
}

/** Feeds bytes [from, to) of the file into `h`. */
function hashInto(h: Hash, fd: number, from: number, to: number): Hash {
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = from; pos < to; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n === 0) break;
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h;
}
const hashRange = (fd: number, from: number, to: number): Hash => hashInto(createHash("sha256"), fd, from, to);

export async function receiptsCli(
  deps: ReceiptsCliDeps,
  io: ReceiptsCliIo,
  base: string,
  positionals: string[],
  options: Record<string, string | true>,
): Promise<number> {
  const [sub, ...args] = positionals;
  const json = options["--json"] === true;
  if (sub === "status" || sub === "proof") {
    const [id, ...rest] = args;
    if (id === undefined || rest.length > 0) throw deps.usage(`receipts ${sub} takes one receipt id`);
    if (!/^0x[0-9a-fA-F]{64}$/.test(id)) throw deps.usage(`"${id}" is not a receipt id (0x and 64 hex digits)`);
    const body = (await deps.request(base, `/receipts/${id}${sub === "proof" ? "/proof" : ""}`)) as Record<string, unknown>;
    if (sub === "proof") {
      const text = JSON.stringify(body, null, 2) + "\n";
      if (typeof options["--out"] === "string") {
        writeFileSync(options["--out"], text);
        io.out(`proof of receipt ${id} written to ${options["--out"]} (check it: provenant verify-receipt ${options["--out"]})`);
      } else io.out(text.trimEnd());
      return 0;
    }
    if (json) io.out(JSON.stringify(body, null, 2));
    else {
      const b = body.batch as { sequence: number; txHash: string | null; blockNumber: number | null } | null;
      const flags = (body.flags as { rule: string; clause: string; message: string }[]) ?? [];
      io.out(`receipt   ${String(body.id)}`);
      io.out(`status    ${String(body.status)}`);
      io.out(`node      ${String(body.nodeId)}   accepted ${String(body.acceptedAt)}`);
      io.out(`batch     ${b ? `${b.sequence}${b.txHash ? `  tx ${b.txHash}` : ""}${b.blockNumber !== null ? `  block ${b.blockNumber}` : ""}` : `none yet (due by ${String(body.batchDueBy)})`}`);
      for (const f of flags) io.out(`flag      ${f.clause} ${f.rule}: ${f.message}`);
    }
    return 0;
  }
  if (sub !== "submit") throw deps.usage(sub === undefined ? "receipts needs a subcommand: submit, status or proof" : `unknown receipts subcommand "${sub}"`);

  const [file, ...rest] = args;
  if (file === undefined || rest.length > 0) throw deps.usage("receipts submit takes one NDJSON file");
  const chunkRaw = typeof options["--chunk"] === "string" ? options["--chunk"] : "1000";
  if (!/^[1-9][0-9]*$/.test(chunkRaw) || Number(chunkRaw) > 10_000) throw deps.usage("--chunk must be a whole number from 1 to 10000");
  const chunk = Number(chunkRaw);
  const wallet = walletOf(deps, (typeof options["--key"] === "string" ? options["--key"] : undefined) ?? io.env.PROVENANT_INTAKE_KEY);
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw deps.usage(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? (err as Error).message)}`);
  }
  try {
    const size = fstatSync(fd).size;
    const progressFile = `${file}.progress.json`;
    const acksFile = `${file}.acks.ndjson`;
    const fresh = (): Progress => ({ file, size, offset: 0, prefixSha256: createHash("sha256").digest("hex"), lines: 0, accepted: 0, duplicates: 0, flagged: 0 });
    let progress = fresh();
    let prefix: Hash = createHash("sha256");
    if (existsSync(progressFile)) {
      let saved: Progress | undefined;
      try {
        saved = JSON.parse(readFileSync(progressFile, "utf8")) as Progress;
      } catch {
        saved = undefined;
      }
      const h = saved && typeof saved.offset === "number" && saved.offset <= size ? hashRange(fd, 0, saved.offset) : undefined;
      if (saved && h && h.copy().digest("hex") === saved.prefixSha256) {
        progress = { ...saved, size };
        prefix = h;
        if (progress.offset > 0) io.err(`resuming ${file} at line ${progress.lines + 1} (${progressFile})`);
      } else {
        io.err(`${progressFile} does not match the start of ${file} (changed before the resume point): sending it from the first line; receipts already acknowledged answer as duplicates`);
      }
    }
    const token = await signIn(deps, base, wallet);
    const started = Date.now();
    let lastDraw = 0;
    const draw = (final = false) => {
      const t = Date.now();
      if (!final && t - lastDraw < (io.isTty ? 100 : 2000)) return;
      lastDraw = t;
      const pct = size === 0 ? 100 : Math.floor((progress.offset / size) * 100);
      const rate = Math.round(progress.accepted / Math.max(0.001, (t - started) / 1000));
      const width = 30;
      const bar = "█".repeat(Math.floor((pct / 100) * width)).padEnd(width, "░");
      const line = `${bar} ${String(pct).padStart(3)}%  ${progress.lines} receipts (${progress.accepted} new, ${progress.duplicates} already acknowledged, ${progress.flagged} flagged)  ${rate}/s`;
      if (io.isTty) process.stderr.write(`\r${line}${final ? "\n" : ""}`);
      else io.err(line);
    };
    while (progress.offset < size) {
      const { lines, next } = readLines(fd, progress.offset, chunk, size);
      if (lines.length === 0) {
        progress.offset = next;
        break;
      }
      let answer: {
        accepted: number;
        duplicates: number;
        flagged: number;
        acknowledgements: unknown[];
        receipts: { id: string; leaf: string; status: string; acknowledgement: number; path: string[]; flags: unknown[] }[];
      };
      try {
        answer = (await deps.request(base, "/receipts", {
          method: "POST",
          headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${token}` },
          body: lines.join("\n") + "\n",
        })) as typeof answer;
      } catch (err) {
        if (io.isTty) process.stderr.write("\n");
        const reasons = refusalLines((err as { details?: unknown }).details, progress.lines + 1);
        throw deps.failure(`request of lines ${progress.lines + 1}–${progress.lines + lines.length} refused: ${(err as Error).message}${reasons} (fix the file and run again to resume)`);
      }
      appendFileSync(
        acksFile,
        answer.receipts.map((r) => JSON.stringify({ id: r.id, leaf: r.leaf, status: r.status, acknowledgement: answer.acknowledgements[r.acknowledgement], path: r.path, flags: r.flags })).join("\n") + "\n",
      );
      hashInto(prefix, fd, progress.offset, next);
      progress.prefixSha256 = prefix.copy().digest("hex");
      progress.offset = next;
      progress.lines += lines.length;
      progress.accepted += answer.accepted;
      progress.duplicates += answer.duplicates;
      progress.flagged += answer.flagged;
      writeFileSync(`${progressFile}.tmp`, JSON.stringify(progress, null, 2));
      renameSync(`${progressFile}.tmp`, progressFile);
      draw();
    }
    draw(true);
    const summary = { file, receipts: progress.lines, accepted: progress.accepted, duplicates: progress.duplicates, flagged: progress.flagged, acknowledgements: acksFile };
    if (json) io.out(JSON.stringify(summary, null, 2));
    else io.out(`${progress.lines} receipts acknowledged by the node (${progress.accepted} new, ${progress.duplicates} already, ${progress.flagged} flagged); acknowledgements in ${acksFile}`);
    return 0;
  } finally {
    closeSync(fd);
  }
}
