import { lang } from "./i18n.js";

// The public API (/api/v1): JSON or an ApiError the pages turn into words in the chosen language.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** GET /api/v1<path> → JSON; throws ApiError { status, code, message }. */
export async function get(path) {
  let res;
  try {
    res = await fetch(`/api/v1${path}`, { headers: { accept: "application/json" } });
  } catch (err) {
    throw new ApiError(0, "network", String(err && err.message));
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body && body.error;
    throw new ApiError(res.status, (e && e.code) || `http_${res.status}`, (e && e.message) || `HTTP ${res.status}`);
  }
  return body;
}

const withQuery = (path, q) => path + (path.includes("?") ? "&" : "?") + q;

/** Every item of a paged list (at most `cap`), 500 a request. */
export async function getAll(path, cap = 5000) {
  const items = [];
  let after = null;
  do {
    const page = await get(withQuery(path, `limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`));
    items.push(...page.items);
    after = page.next;
  } while (after && items.length < cap);
  return items;
}

const totals = new Map();

/** How many items a paged list has (its `total` when the API gives one, else counted). */
export async function total(path) {
  if (totals.has(path)) return totals.get(path);
  const p = (async () => {
    const first = await get(withQuery(path, "limit=500"));
    if (typeof first.total === "number") return first.total;
    let n = first.items.length;
    let after = first.next;
    while (after) {
      const page = await get(withQuery(path, `limit=500&after=${encodeURIComponent(after)}`));
      n += page.items.length;
      after = page.next;
    }
    return n;
  })();
  totals.set(path, p);
  setTimeout(() => totals.delete(path), 30_000);
  p.catch(() => totals.delete(path));
  return p;
}

/**
 * Page `page` (1-based) of a list of `size`: the cursor before it is found with one request of
 * (page-1)*size items (up to 500 a hop), then the page itself.
 */
export async function getPage(path, page, size) {
  let skip = (page - 1) * size;
  let after = null;
  while (skip > 0) {
    const n = Math.min(500, skip);
    const hop = await get(withQuery(path, `limit=${n}${after ? `&after=${encodeURIComponent(after)}` : ""}`));
    after = hop.next;
    skip -= n;
    if (!after) return { items: [], next: null };
  }
  return get(withQuery(path, `limit=${size}${after ? `&after=${encodeURIComponent(after)}` : ""}`));
}

let directory = null;

/**
 * Names of participants (and who signs for them), resources, scenarios and products, read once a
 * minute: pages show names beside ids even where an API answer has only the id.
 */
export function names() {
  if (directory) return directory;
  directory = (async () => {
    const [participants, resources, products] = await Promise.all([getAll("/participants"), getAll("/resources"), getAll("/products")]);
    const bySigner = new Map();
    for (const p of participants) for (const s of p.signers || []) bySigner.set(String(s).toLowerCase(), p);
    // The name in the chosen language: publicText's English on an English page where given.
    const nameOf = (r) => {
      if (!r) return null;
      const p = r.publicText || null;
      if (lang() === "en" && p && (p.nameEn || p.titleEn)) return p.nameEn || p.titleEn;
      return r.name || (p && (p.name || p.title)) || null;
    };
    return {
      participants: new Map(participants.map((p) => [p.id, p])),
      resources: new Map(resources.map((r) => [r.id, r])),
      products: new Map(products.map((p) => [p.id, p])),
      participant: (id) => nameOf(participants.find((p) => p.id === String(id))),
      resource: (id) => nameOf(resources.find((r) => r.id === String(id))),
      product: (id) => nameOf(products.find((p) => p.id === String(id))),
      signer: (address) => (address ? bySigner.get(String(address).toLowerCase()) || null : null),
    };
  })();
  directory.catch(() => (directory = null));
  setTimeout(() => (directory = null), 60_000);
  return directory;
}
