/**
 * The public read routes' answers per index version (api/respcache.ts): a strong ETag that
 * follows the body's bytes, 304 on If-None-Match, a new block that changes a record changes its
 * answer and ETag at once (no stale cached body), an untouched record keeps its ETag across
 * blocks, and large bodies compressed as the client accepts.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import express from "express";
import pino from "pino";
import { openStore, type BlockRef } from "../../ledger-service/src/store/db";
import type { ChainEvent, View } from "../../ledger-service/src/store/types";
import { startService, type Service } from "../../ledger-service/src/runtime/service";
import { SEEN_MAX, createResponseCache, etagOf, noneMatch } from "../../ledger-service/src/api/respcache";
import { deployTestWorld, startAnvil, testCommon, tmpDir, waitFor, type Anvil, type TestWorld } from "./follower.helpers";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are compared whole

describe("api response cache: ETag, 304, a new block invalidates", function () {
  this.timeout(300_000);
  let anvil: Anvil;
  let world: TestWorld;
  let service: Service;

  const get = async (p: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`http://127.0.0.1:${service.port}/api/v1${p}`, { headers });
    const text = await r.text();
    return { status: r.status, etag: r.headers.get("etag"), index: r.headers.get("x-provenant-index"), text, body: text === "" ? null : (JSON.parse(text) as Json) };
  };
  async function caughtUp() {
    const h = Number((await anvil.rpc<{ number: string }>("eth_getBlockByNumber", ["latest", false])).number);
    await waitFor("the index at the head", () => service.indexer.health().status === "ok" && service.indexer.health().indexedBlock === h);
  }

  before(async () => {
    anvil = await startAnvil();
    const dir = tmpDir("api-cache");
    world = await deployTestWorld(anvil.url, dir);
    await world.makeEvents(3);
    service = await startService(testCommon({ RPC_URL: anvil.url, DEPLOYMENT_FILE: world.deploymentFile, DATA_DIR: tmpDir("api-cache-index"), PORT: "0" }));
    await caughtUp();
  });
  after(async () => {
    await service?.stop();
    await anvil?.stop();
  });

  it("answers with a strong ETag of the body and 304 without a body when If-None-Match names it", async () => {
    const a = await get("/participants");
    expect(a.status).to.equal(200);
    expect(a.etag).to.match(/^"[A-Za-z0-9_-]{22}"$/);
    expect(a.etag).to.equal(etagOf(Buffer.from(a.text)));
    expect(a.index).to.equal("current");
    const again = await get("/participants");
    expect(again.text, "the cached answer is the same bytes").to.equal(a.text);
    expect(again.etag).to.equal(a.etag);
    const n = await get("/participants", { "if-none-match": a.etag! });
    expect(n.status).to.equal(304);
    expect(n.text).to.equal("");
    expect(n.etag).to.equal(a.etag);
    expect(n.index, "the index state is named on a 304 too").to.equal("current");
    expect((await get("/participants", { "if-none-match": `"other", W/${a.etag}` })).status, "weak comparison, a list").to.equal(304);
    expect((await get("/participants", { "if-none-match": '"other"' })).status).to.equal(200);
    // Errors keep their shape and carry no ETag.
    const missing = await get("/participants/999999");
    expect(missing.status).to.equal(404);
    expect(missing.etag).to.equal(null);
    expect(missing.body.error.code).to.equal("not_found");
  });

  it("a new block that adds a record changes the answer and its ETag; an untouched record keeps its ETag", async () => {
    const list = await get("/participants?limit=100");
    const first = await get("/participants/1");
    const count = list.body.items.length;
    await world.makeEvents(1);
    await caughtUp();
    const after = await get("/participants?limit=100", { "if-none-match": list.etag! });
    expect(after.status, "the old ETag no longer matches").to.equal(200);
    expect(after.body.items.length).to.equal(count + 1);
    expect(after.etag).to.not.equal(list.etag);
    expect(after.etag).to.equal(etagOf(Buffer.from(after.text)));
    // Participant 1 did not change: same bytes, same ETag, still 304.
    const same = await get("/participants/1", { "if-none-match": first.etag! });
    expect(same.status).to.equal(304);
    expect((await get("/participants/1")).text).to.equal(first.text);
  });
});

describe("api response cache: compression and conditional answers (unit)", () => {
  let server: http.Server;
  let base: string;
  let version = "v1";
  let second = 100;
  const big = { items: Array.from({ length: 400 }, (_, i) => ({ id: String(i), name: `record ${i}`, hash: "0x" + "ab".repeat(32) })) };
  const small = { id: "1" };
  const cache = createResponseCache({ version: () => version });
  let built = 0;

  before(async () => {
    const app = express();
    // A route that reads the time asked: its answer holds for that second only.
    app.get("/timed/:id", (req, res) => {
      const key = cache.key(req.originalUrl, second);
      const hit = key && cache.lookup(key);
      if (hit) return cache.send(req, res, hit);
      built++;
      cache.send(req, res, cache.prepare({ id: req.params.id, at: second }, key, true));
    });
    app.get("/:what", (req, res) => {
      const key = cache.key(req.originalUrl, 100);
      const hit = key && cache.lookup(key);
      if (hit) return cache.send(req, res, hit);
      built++;
      cache.send(req, res, cache.prepare(req.params.what === "big" ? big : small, key, false));
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const raw = (p: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(`${base}${p}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on("error", reject);
    });

  it("compresses large bodies as the client accepts (br before gzip, q=0 refuses) and keeps the compressed form", async () => {
    const plain = await raw("/big");
    expect(plain.headers["content-encoding"]).to.equal(undefined);
    expect(plain.headers.vary).to.equal("Accept-Encoding");
    expect(JSON.parse(plain.body.toString())).to.deep.equal(big);
    const br = await raw("/big", { "accept-encoding": "gzip, deflate, br" });
    expect(br.headers["content-encoding"]).to.equal("br");
    expect(br.body.length).to.be.lessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).to.equal(true);
    expect(br.headers.etag, "each encoding its own strong validator (RFC 9110 8.8.3)").to.equal(`${String(plain.headers.etag).slice(0, -1)}-br"`);
    const gz = await raw("/big", { "accept-encoding": "gzip, br;q=0" });
    expect(gz.headers["content-encoding"]).to.equal("gzip");
    expect(gz.headers.etag).to.equal(`${String(plain.headers.etag).slice(0, -1)}-gzip"`);
    expect((await raw("/big", { "accept-encoding": "br", "if-none-match": String(br.headers.etag) })).status, "304 for the br tag asked again in br").to.equal(304);
    expect(gunzipSync(gz.body).equals(plain.body)).to.equal(true);
    expect((await raw("/big", { "accept-encoding": "gzip;q=0, identity" })).headers["content-encoding"]).to.equal(undefined);
    // Small bodies are never compressed.
    const s = await raw("/small", { "accept-encoding": "br, gzip" });
    expect(s.headers["content-encoding"]).to.equal(undefined);
    expect(s.headers.vary).to.equal(undefined);
    // Built once per version; a new version builds again.
    const builtBefore = built;
    await raw("/big", { "accept-encoding": "br" });
    expect(built).to.equal(builtBefore);
    version = "v2";
    await raw("/big");
    expect(built).to.equal(builtBefore + 1);
  });

  it("keeps an answer that read the time for its second only", async () => {
    const b0 = built;
    // The doorkeeper holds an answer from its URL's second ask on (the next test).
    const a = JSON.parse((await raw("/timed/1")).body.toString());
    expect(JSON.parse((await raw("/timed/1")).body.toString())).to.deep.equal(a);
    expect(JSON.parse((await raw("/timed/1")).body.toString())).to.deep.equal(a);
    expect(built, "the third request of the same second is a hit").to.equal(b0 + 2);
    second = 101;
    const b = JSON.parse((await raw("/timed/1")).body.toString());
    expect(built, "a new second builds again").to.equal(b0 + 3);
    await raw("/timed/1");
    expect(built, "and holds it (the URL was asked before)").to.equal(b0 + 3);
    expect(a.at).to.equal(100);
    expect(b.at).to.equal(101);
  });

  it("holds an answer only from its URL's second ask on, and forgets the URLs asked once after SEEN_MAX others", async () => {
    const b0 = built;
    const e0 = cache.stats().entries;
    await raw("/once");
    expect(cache.stats().entries, "asked once: sent, not held").to.equal(e0);
    await raw("/once");
    expect(built).to.equal(b0 + 2);
    expect(cache.stats().entries, "asked again: held").to.equal(e0 + 1);
    await raw("/once");
    expect(built, "held from the second ask: the third is a hit").to.equal(b0 + 2);
    // A URL asked once, then SEEN_MAX other URLs: the doorkeeper forgot it, so its next ask is a first one again.
    const c = createResponseCache({ version: () => "v" });
    const ask = (url: string) => c.prepare({ url }, c.key(url, 1), false).held === true;
    expect(ask("/a")).to.equal(false);
    expect(ask("/a")).to.equal(true);
    expect(ask("/b")).to.equal(false);
    for (let i = 0; i < SEEN_MAX; i++) ask(`/x${i}`);
    expect(ask("/b"), "forgotten after SEEN_MAX distinct URLs").to.equal(false);
    expect(ask("/b")).to.equal(true);
  });

  it("counts each held answer's key against the budget: small bodies under long URLs stay within it", () => {
    const maxBytes = 64 * 1024;
    const c = createResponseCache({ version: () => "v", maxBytes });
    const urls = Array.from({ length: 2000 }, (_, i) => `/api/v1/search?q=${"x".repeat(280)}${i}`);
    for (const url of urls) for (let ask = 0; ask < 2; ask++) c.prepare({}, c.key(url, 1), false);
    const { entries, bytes } = c.stats();
    expect(bytes).to.be.at.most(maxBytes);
    expect(entries, "each entry costs at least its key").to.be.at.most(Math.floor(maxBytes / urls[0].length));
    expect(entries, "and the cache is used").to.be.greaterThan(50);
  });

  it("reads If-None-Match as RFC 9110 says: a list, weak tags, *", () => {
    expect(noneMatch(undefined, '"a"')).to.equal(false);
    expect(noneMatch('"a"', '"a"')).to.equal(true);
    expect(noneMatch('"b" , W/"a"', '"a"')).to.equal(true);
    expect(noneMatch("*", '"a"')).to.equal(true);
    expect(noneMatch('"ab"', '"a"')).to.equal(false);
  });
});

describe("record cache under the API's reader (store/cache.ts)", () => {
  const block = (n: number): BlockRef => ({ number: n, hash: `0x${n.toString(16).padStart(64, "0")}`, parentHash: `0x${(n - 1).toString(16).padStart(64, "0")}`, timestamp: 1_700_000_000 + n });
  const event = (n: number, value: string): ChainEvent => ({ contract: "C", event: "Set", args: { value }, blockNumber: n, blockHash: block(n).hash, timestamp: block(n).timestamp, txHash: `0x${"1".repeat(64)}`, logIndex: 0 });
  const setter: View = {
    name: "setter",
    async apply(tx, e) {
      tx.put("record", "r", { value: e.args.value as string, at: e.blockNumber });
    },
  };

  it("answers a record rewritten by a new range or restored by an unwind with its new value, never the cached one, and shares frozen values", async () => {
    const { store } = await openStore({ logger: pino({ level: "silent" }) }, { dataDir: tmpDir("record-cache"), identity: { chainId: 1, startBlock: 1, startBlockHash: "0x", contracts: [], views: ["setter"] } });
    try {
      await store.applyRange({ blocks: [block(1)], events: [event(1, "one")], finalized: 0, views: [setter] });
      const v0 = store.version();
      const first = await store.reader.get<{ value: string }>("record", "r");
      expect(first).to.deep.equal({ value: "one", at: 1 });
      expect(await store.reader.get("record", "r"), "the same decoded value, from the cache").to.equal(first);
      expect(Object.isFrozen(first), "a value every reader shares cannot be changed in place").to.equal(true);
      expect(await store.reader.get("record", "absent")).to.equal(undefined);
      await store.applyRange({ blocks: [block(2)], events: [event(2, "two")], finalized: 0, views: [setter] });
      expect(store.version()).to.not.equal(v0);
      expect(await store.reader.get("record", "r")).to.deep.equal({ value: "two", at: 2 });
      await store.unwindTo(block(1));
      expect(await store.reader.get("record", "r")).to.deep.equal({ value: "one", at: 1 });
      // An empty range (no event) is a new version too: answers keyed by it are rebuilt.
      const v1 = store.version();
      await store.applyRange({ blocks: [block(2)], events: [], finalized: 0, views: [setter] });
      expect(store.version()).to.not.equal(v1);
    } finally {
      await store.close();
    }
  });
});
