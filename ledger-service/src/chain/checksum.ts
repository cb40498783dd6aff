/**
 * EIP-55 address checksums without ethers: getAddress spends most of its 15-20 µs in generic
 * byte conversions around a generic Keccak, and a catch-up checksums every new address it
 * decodes. Here one Keccak-f[1600] over 32-bit lane halves absorbs the single block the 40 hex
 * characters fit in (about 4x faster). test/service/follower.decoder.test.ts pins the result
 * against ethers' getAddress.
 */

/** Rotation offset of lane x + 5y. */
const RHO = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];
/** Lane x + 5y moves to lane y + 5 * ((2x + 3y) mod 5) (the pi step). */
const PI = RHO.map((_, i) => {
  const x = i % 5;
  const y = (i - x) / 5;
  return y + 5 * ((2 * x + 3 * y) % 5);
});
/** Round constants as [low, high] 32-bit halves. */
const RC = [
  [0x00000001, 0x00000000], [0x00008082, 0x00000000], [0x0000808a, 0x80000000], [0x80008000, 0x80000000],
  [0x0000808b, 0x00000000], [0x80000001, 0x00000000], [0x80008081, 0x80000000], [0x00008009, 0x80000000],
  [0x0000008a, 0x00000000], [0x00000088, 0x00000000], [0x80008009, 0x00000000], [0x8000000a, 0x00000000],
  [0x8000808b, 0x00000000], [0x0000008b, 0x80000000], [0x00008089, 0x80000000], [0x00008003, 0x80000000],
  [0x00008002, 0x80000000], [0x00000080, 0x80000000], [0x0000800a, 0x00000000], [0x8000000a, 0x80000000],
  [0x80008081, 0x80000000], [0x00008080, 0x80000000], [0x80000001, 0x00000000], [0x80008008, 0x80000000],
];
const RC_LO = Int32Array.from(RC, (r) => r[0]);
const RC_HI = Int32Array.from(RC, (r) => r[1]);
/** Per lane for rho: 64-bit rotation as a 32-bit shift, the halves swapped when rho >= 32. */
const SHIFT = Int32Array.from(RHO, (r) => r & 31);
const SWAP = Uint8Array.from(RHO, (r) => (r >= 32 ? 1 : 0));
const DEST = Int32Array.from(PI);

// Scratch state, reused: lane i is (lo[i], hi[i]).
const lo = new Int32Array(25);
const hi = new Int32Array(25);
const bLo = new Int32Array(25);
const bHi = new Int32Array(25);

function keccakF(): void {
  for (let round = 0; round < 24; round++) {
    // theta
    const c0l = lo[0] ^ lo[5] ^ lo[10] ^ lo[15] ^ lo[20];
    const c0h = hi[0] ^ hi[5] ^ hi[10] ^ hi[15] ^ hi[20];
    const c1l = lo[1] ^ lo[6] ^ lo[11] ^ lo[16] ^ lo[21];
    const c1h = hi[1] ^ hi[6] ^ hi[11] ^ hi[16] ^ hi[21];
    const c2l = lo[2] ^ lo[7] ^ lo[12] ^ lo[17] ^ lo[22];
    const c2h = hi[2] ^ hi[7] ^ hi[12] ^ hi[17] ^ hi[22];
    const c3l = lo[3] ^ lo[8] ^ lo[13] ^ lo[18] ^ lo[23];
    const c3h = hi[3] ^ hi[8] ^ hi[13] ^ hi[18] ^ hi[23];
    const c4l = lo[4] ^ lo[9] ^ lo[14] ^ lo[19] ^ lo[24];
    const c4h = hi[4] ^ hi[9] ^ hi[14] ^ hi[19] ^ hi[24];
    theta(0, c4l ^ ((c1l << 1) | (c1h >>> 31)), c4h ^ ((c1h << 1) | (c1l >>> 31)));
    theta(1, c0l ^ ((c2l << 1) | (c2h >>> 31)), c0h ^ ((c2h << 1) | (c2l >>> 31)));
    theta(2, c1l ^ ((c3l << 1) | (c3h >>> 31)), c1h ^ ((c3h << 1) | (c3l >>> 31)));
    theta(3, c2l ^ ((c4l << 1) | (c4h >>> 31)), c2h ^ ((c4h << 1) | (c4l >>> 31)));
    theta(4, c3l ^ ((c0l << 1) | (c0h >>> 31)), c3h ^ ((c0h << 1) | (c0l >>> 31)));
    // rho and pi
    for (let i = 0; i < 25; i++) {
      const a = SWAP[i] ? hi[i] : lo[i];
      const b = SWAP[i] ? lo[i] : hi[i];
      const s = SHIFT[i];
      const j = DEST[i];
      if (s === 0) {
        bLo[j] = a;
        bHi[j] = b;
      } else {
        bLo[j] = (a << s) | (b >>> (32 - s));
        bHi[j] = (b << s) | (a >>> (32 - s));
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      const l0 = bLo[y], l1 = bLo[y + 1], l2 = bLo[y + 2], l3 = bLo[y + 3], l4 = bLo[y + 4];
      const h0 = bHi[y], h1 = bHi[y + 1], h2 = bHi[y + 2], h3 = bHi[y + 3], h4 = bHi[y + 4];
      lo[y] = l0 ^ (~l1 & l2);
      lo[y + 1] = l1 ^ (~l2 & l3);
      lo[y + 2] = l2 ^ (~l3 & l4);
      lo[y + 3] = l3 ^ (~l4 & l0);
      lo[y + 4] = l4 ^ (~l0 & l1);
      hi[y] = h0 ^ (~h1 & h2);
      hi[y + 1] = h1 ^ (~h2 & h3);
      hi[y + 2] = h2 ^ (~h3 & h4);
      hi[y + 3] = h3 ^ (~h4 & h0);
      hi[y + 4] = h4 ^ (~h0 & h1);
    }
    // iota
    lo[0] ^= RC_LO[round];
    hi[0] ^= RC_HI[round];
  }
}

function theta(x: number, dLo: number, dHi: number): void {
  lo[x] ^= dLo;
  hi[x] ^= dHi;
  lo[x + 5] ^= dLo;
  hi[x + 5] ^= dHi;
  lo[x + 10] ^= dLo;
  hi[x + 10] ^= dHi;
  lo[x + 15] ^= dLo;
  hi[x + 15] ^= dHi;
  lo[x + 20] ^= dLo;
  hi[x + 20] ^= dHi;
}

const HEX40 = /^[0-9a-f]{40}$/;

/**
 * The EIP-55 form of an address given as 40 lower-case hex characters (no 0x), with the 0x.
 * Throws a RangeError on anything else.
 */
export function checksumAddress(lower: string): string {
  if (!HEX40.test(lower)) throw new RangeError(`not 40 lower-case hex characters: ${lower}`);
  lo.fill(0);
  hi.fill(0);
  // Absorb the 40 ASCII bytes (little-endian lanes), Keccak padding 0x01 .. 0x80 at byte 135.
  for (let p = 0; p < 40; p++) {
    const lane = p >> 3;
    const shift = 8 * (p & 3);
    if ((p & 7) < 4) lo[lane] |= lower.charCodeAt(p) << shift;
    else hi[lane] |= lower.charCodeAt(p) << shift;
  }
  lo[5] ^= 0x01; // byte 40
  hi[16] ^= 0x80 << 24; // byte 135
  keccakF();
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = lower.charCodeAt(i);
    if (c < 97) {
      out += lower[i];
      continue;
    }
    // Nibble i of the hash: byte i >> 1, high nibble first.
    const byteIndex = i >> 1;
    const lane = byteIndex >> 3;
    const word = (byteIndex & 7) < 4 ? lo[lane] : hi[lane];
    const byte = (word >>> (8 * (byteIndex & 3))) & 0xff;
    const nibble = i & 1 ? byte & 0x0f : byte >>> 4;
    out += nibble >= 8 ? String.fromCharCode(c - 32) : lower[i];
  }
  return out;
}
