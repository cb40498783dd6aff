/**
 * Log queries that respect an RPC's block-range limit (many refuse eth_getLogs over more than a
 * few thousand blocks): windows of at most `maxRange` blocks, oldest first or newest first.
 */
import type { Provider } from "ethers";

/** Default window, the same as the ledger-service's MAX_BLOCK_RANGE default. */
export const DEFAULT_MAX_RANGE = 2000;

export type FetchRange<T> = (fromBlock: number, toBlock: number) => Promise<T[]>;

/** Every log of [from, to], in windows of at most `maxRange` blocks, oldest first. */
export async function logsInRanges<T>(from: number, to: number, maxRange: number, fetch: FetchRange<T>): Promise<T[]> {
  if (!(maxRange >= 1)) throw new RangeError(`maxRange must be at least 1, not ${maxRange}`);
  const out: T[] = [];
  for (let lo = Math.max(0, from); lo <= to; lo += maxRange) {
    for (const l of await fetch(lo, Math.min(to, lo + maxRange - 1))) out.push(l);
  }
  return out;
}

/** The newest log of [from, to]: windows walked from `to` down, stopping at the first non-empty one. */
export async function newestLogIn<T>(from: number, to: number, maxRange: number, fetch: FetchRange<T>): Promise<T | undefined> {
  if (!(maxRange >= 1)) throw new RangeError(`maxRange must be at least 1, not ${maxRange}`);
  for (let hi = to; hi >= Math.max(0, from); hi -= maxRange) {
    const logs = await fetch(Math.max(from, hi - maxRange + 1, 0), hi);
    if (logs.length > 0) return logs[logs.length - 1];
  }
  return undefined;
}

/** The first block in [lo, hi] whose timestamp is at or after `t` (hi + 1 when none is): a binary search. */
export async function firstBlockAtOrAfter(provider: Provider, t: number, lo: number, hi: number): Promise<number> {
  let a = Math.max(0, lo);
  let b = hi + 1;
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    const block = await provider.getBlock(mid);
    if (block === null) throw new Error(`block ${mid} is not available from the RPC`);
    if (block.timestamp >= t) b = mid;
    else a = mid + 1;
  }
  return a;
}
