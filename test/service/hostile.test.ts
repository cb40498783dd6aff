/**
 * Hostile input gets a JSON error, never a 5xx and never an empty body (issue 11): bad
 * percent-encoding, bodies that do not decompress, wrong EIP-55 checksums, requests node's HTTP
 * parser refuses, a lower-case bearer scheme, a chain that cannot answer during sign-in, and the
 * explorer's pages under the public rate limit.
 */
import { expect } from "chai";
import net from "node:net";
import zlib from "node:zlib";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { Wallet, id as keccak } from "ethers";
import { loadProfile } from "../../policy/profile";
import { EXPLORER_RATE_FACTOR, createApi, type ApiArgs } from "../../ledger-service/src/api/server";
import { REGULATOR_ROLE } from "../../ledger-service/src/api/auth";
import { createViews } from "../../ledger-service/src/views";
import { createChainBuilder, cst, openTestStore, seedWorld, silentLogger, type TestStore } from "./helpers/ledger";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

const regulator = new Wallet(keccak("regulator key"));

/** One raw HTTP exchange: what the server wrote back before closing (status line and body). */
function raw(port: number, request: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    socket.write(request);
  });
}

describe("hostile input: a JSON error for everything, never a 5xx", () => {
  let ts: TestStore;
  let server: Server;
  let port: number;
  let chainUp = true;
  const nowMs = cst("2026-04-10") * 1000;

  async function start(args: Partial<ApiArgs> = {}): Promise<{ server: Server; port: number }> {
    const app = createApi(
      { logger: silentLogger },
      {
        reader: ts.store.reader,
        health: () => ({ index: "test" }),
        now: () => nowMs,
        hasRole: async (role, address) => {
          if (!chainUp) throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
          return role === REGULATOR_ROLE && address === regulator.address;
        },
        rateLimit: false,
        ...args,
      },
    );
    const s = await new Promise<Server>((resolve) => {
      const x = app.listen(0, "127.0.0.1", () => resolve(x));
    });
    return { server: s, port: (s.address() as AddressInfo).port };
  }

  const url = (path: string) => `http://127.0.0.1:${port}/api/v1${path}`;
  const expectJsonError = (r: { status: number; body: Json }, status: number, code?: string) => {
    expect(r.status, JSON.stringify(r.body)).to.equal(status);
    expect(r.body.error.message).to.be.a("string").and.not.equal("");
    if (code) expect(r.body.error.code).to.equal(code);
  };
  const post = async (path: string, body: string | Buffer, headers: Record<string, string>) => {
    const r = await fetch(url(path), { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: r.status, body: (await r.json()) as Json, headers: r.headers };
  };

  before(async () => {
    ts = await openTestStore(createViews(loadProfile("huizhou")));
    const b = createChainBuilder();
    seedWorld(b);
    await ts.apply(b);
    ({ server, port } = await start());
  });
  after(async () => {
    server.close();
    await ts.close();
  });

  it("answers a path with bad percent-encoding 400 with a JSON error, not 500", async () => {
    for (const bad of ["/participants/%ZZ", "/participants/%", "/participants/%E0%A4%A", "/timeline/participant/%c0"]) {
      const r = await fetch(url(bad));
      expectJsonError({ status: r.status, body: await r.json() }, 400);
    }
  });

  it("answers a compressed body that does not decompress 400, for gzip, deflate and br", async () => {
    for (const encoding of ["gzip", "deflate", "br"]) {
      const r = await post("/auth/challenge", Buffer.from("this is not compressed at all"), { "content-encoding": encoding });
      expectJsonError(r, 400, "invalid_request");
    }
    // A body that does decompress is read as usual.
    const ok = await post("/auth/challenge", zlib.gzipSync(JSON.stringify({ address: regulator.address })), { "content-encoding": "gzip" });
    expect(ok.status).to.equal(200);
    expect(ok.body.address).to.equal(regulator.address);
  });

  it("refuses an address with a wrong EIP-55 checksum as input (400) and keeps the challenge", async () => {
    const c = await post("/auth/challenge", JSON.stringify({ address: regulator.address }), {});
    const lower = regulator.address.toLowerCase();
    // Mixed case with one letter's case flipped: a checksum, and a wrong one.
    const at = [...regulator.address].findIndex((ch, i) => i > 1 && /[a-fA-F]/.test(ch));
    const flip = (ch: string) => (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase());
    const wrong = regulator.address.slice(0, at) + flip(regulator.address[at]) + regulator.address.slice(at + 1);
    expectJsonError(await post("/auth/challenge", JSON.stringify({ address: wrong }), {}), 400, "invalid_request");
    const signature = await regulator.signMessage(c.body.message);
    expectJsonError(await post("/auth/token", JSON.stringify({ address: wrong, signature, nonce: c.body.nonce }), {}), 400, "invalid_request");
    // The challenge was not spent by the refused request: the right address still signs in.
    const t = await post("/auth/token", JSON.stringify({ address: regulator.address, signature, nonce: c.body.nonce }), {});
    expect(t.status, JSON.stringify(t.body)).to.equal(200);
    // All lower case carries no checksum and is accepted.
    expect((await post("/auth/challenge", JSON.stringify({ address: lower }), {})).status).to.equal(200);
  });

  it("answers sign-in while the chain is unreachable 503 with Retry-After, and keeps the nonce", async () => {
    const c = await post("/auth/challenge", JSON.stringify({ address: regulator.address }), {});
    const body = JSON.stringify({ address: regulator.address, signature: await regulator.signMessage(c.body.message), nonce: c.body.nonce });
    chainUp = false;
    try {
      const down = await post("/auth/token", body, {});
      expectJsonError(down, 503, "chain_unavailable");
      expect(Number(down.headers.get("retry-after"))).to.be.greaterThan(0);
    } finally {
      chainUp = true;
    }
    const up = await post("/auth/token", body, {});
    expect(up.status, JSON.stringify(up.body)).to.equal(200);
    expect(up.body.role).to.equal("REGULATOR");
  });

  it("accepts the bearer scheme in any case (RFC 9110)", async () => {
    const c = await post("/auth/challenge", JSON.stringify({ address: regulator.address }), {});
    const t = await post("/auth/token", JSON.stringify({ address: regulator.address, signature: await regulator.signMessage(c.body.message), nonce: c.body.nonce }), {});
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const r = await fetch(url("/regulator/alerts"), { headers: { authorization: `${scheme} ${t.body.token}` } });
      expect(r.status, scheme).to.equal(200);
    }
    const r = await fetch(url("/regulator/alerts"), { headers: { authorization: `Basic ${t.body.token}` } });
    expectJsonError({ status: r.status, body: await r.json() }, 401);
  });

  it("answers requests node's HTTP parser refuses with the same JSON error body", async () => {
    const cases: [string, string | Buffer, number][] = [
      ["headers over 16 KB", `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      ["a space in the path", "GET /api/v1/par ticipants HTTP/1.1\r\nHost: x\r\n\r\n", 400],
      ["a NUL in the path", "GET /api/v1/\u0000 HTTP/1.1\r\nHost: x\r\n\r\n", 400],
      ["raw non-ASCII in the path", Buffer.concat([Buffer.from("GET /api/v1/"), Buffer.from([0xe4, 0xb8, 0xad]), Buffer.from(" HTTP/1.1\r\nHost: x\r\n\r\n")]), 400],
      ["a bad header name", "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400],
    ];
    for (const [what, request, status] of cases) {
      const r = await raw(port, request);
      expect(r.status, what).to.equal(status);
      const body = JSON.parse(r.body) as Json;
      expect(body.error.code, what).to.be.a("string");
      expect(body.error.message, what).to.be.a("string");
    }
  });

  it("limits the explorer's pages with a bucket of their own, EXPLORER_RATE_FACTOR times the public routes'", async () => {
    const explorer = express.Router();
    explorer.get("/", (_req, res) => {
      res.type("html").send("<!doctype html><title>explorer</title>");
    });
    const limited = await start({ rateLimit: { capacity: 3, refillPerSecond: 0.001 }, explorer });
    try {
      const statuses: number[] = [];
      const burst = 3 * EXPLORER_RATE_FACTOR;
      for (let i = 0; i < burst + 2; i++) statuses.push((await fetch(`http://127.0.0.1:${limited.port}/`)).status);
      expect(statuses).to.deep.equal([...Array(burst).fill(200), 429, 429]);
      // The pages' bucket is not the API's: the API still has its 3.
      expect((await fetch(`http://127.0.0.1:${limited.port}/api/v1/health`)).status).to.equal(200);
      const r = await fetch(`http://127.0.0.1:${limited.port}/`);
      expect(((await r.json()) as Json).error.code).to.equal("rate_limited");
      expect(r.headers.get("retry-after")).to.not.equal(null);
    } finally {
      limited.server.close();
    }
  });
});
