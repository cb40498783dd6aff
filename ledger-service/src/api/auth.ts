/**
 * Regulator sign-in: a one-time EIP-4361 (Sign-In with Ethereum) challenge, signed by a chain key;
 * a short-lived HMAC-signed bearer token issued only if that key holds REGULATOR on the
 * ProvenantHub at the current block (checked through the injected `hasRole`).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getAddress, id as keccakId, verifyMessage } from "ethers";
import { ChainUnavailableError, ForbiddenError, UnauthorizedError, ValidationError } from "./errors";

export const REGULATOR_ROLE = keccakId("REGULATOR");

export type HasRole = (role: string, address: string) => Promise<boolean>;

export type AuthOptions = {
  /** Secret for token HMACs; random per process when absent (tokens then die with the process). */
  tokenSecret?: Uint8Array;
  tokenTtlSeconds?: number;
  challengeTtlSeconds?: number;
  /** EIP-4361 domain and URI the challenge names. */
  domain?: string;
  uri?: string;
  chainId?: number;
  maxPendingChallenges?: number;
};

/** REGULATOR: the regulator routes. INTAKE: a platform's own systems reporting receipts to this node. */
export type TokenRole = "REGULATOR" | "INTAKE";
export type TokenClaims = { sub: string; role: TokenRole; iat: number; exp: number; jti: string };

/** Whether `address` may report receipts to this node (a signer key of the node's participant). */
export type IsIntakeClient = (address: string) => Promise<boolean>;

const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function createAuth(opts: AuthOptions, hasRole: HasRole, now: () => number, isIntakeClient?: IsIntakeClient) {
  const secret = Buffer.from(opts.tokenSecret ?? randomBytes(32));
  const tokenTtl = opts.tokenTtlSeconds ?? 900;
  const challengeTtl = opts.challengeTtlSeconds ?? 300;
  const maxPending = opts.maxPendingChallenges ?? 10_000;
  const domain = opts.domain ?? "provenant.local";
  const uri = opts.uri ?? `https://${domain}/api/v1/auth/token`;
  const chainId = opts.chainId ?? 31337;
  const pending = new Map<string, { address: string; message: string; expiresAt: number }>();
  const sec = () => Math.floor(now() / 1000);

  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest();

  function sweep(t: number) {
    for (const [nonce, c] of pending) if (c.expiresAt <= t) pending.delete(nonce);
    while (pending.size >= maxPending) {
      const oldest = pending.keys().next().value;
      if (oldest === undefined) break;
      pending.delete(oldest);
    }
  }

  return {
    challenge(address: string) {
      const t = sec();
      sweep(t);
      const addr = getAddress(address);
      const nonce = randomBytes(16).toString("hex");
      const expiresAt = t + challengeTtl;
      const message =
        `${domain} wants you to sign in with your Ethereum account:\n${addr}\n\n` +
        `Sign in to the Provenant API.\n\n` +
        `URI: ${uri}\nVersion: 1\nChain ID: ${chainId}\nNonce: ${nonce}\n` +
        `Issued At: ${new Date(t * 1000).toISOString()}\nExpiration Time: ${new Date(expiresAt * 1000).toISOString()}`;
      pending.set(nonce, { address: addr, message, expiresAt });
      return { address: addr, nonce, message, expiresAt, standard: "EIP-4361" };
    },

    async token(address: string, signature: string, nonce: string) {
      const c = pending.get(nonce);
      // One time only: the challenge is spent by any attempt, good or bad, except one the chain
      // could not answer (the caller did nothing wrong and may retry with the same signature).
      pending.delete(nonce);
      if (!c) throw new UnauthorizedError("unknown or already used challenge");
      if (c.expiresAt <= sec()) throw new UnauthorizedError("challenge expired");
      const addr = getAddress(address);
      if (addr !== c.address) throw new UnauthorizedError("challenge was issued to another address");
      let signer: string;
      try {
        signer = verifyMessage(c.message, signature);
      } catch {
        throw new ValidationError("signature is malformed");
      }
      if (signer !== addr) throw new UnauthorizedError("signature does not match the address");
      let role: TokenRole | null;
      try {
        role = (await hasRole(REGULATOR_ROLE, addr)) ? "REGULATOR" : isIntakeClient && (await isIntakeClient(addr)) ? "INTAKE" : null;
      } catch {
        pending.set(nonce, c);
        throw new ChainUnavailableError("the chain cannot be asked for the key's role now; the challenge is kept, retry shortly");
      }
      if (role === null) {
        throw new ForbiddenError(
          isIntakeClient ? "the key holds no REGULATOR role and is no signer key of this node's participant" : "the key does not hold REGULATOR",
        );
      }
      const t = sec();
      const claims: TokenClaims = { sub: addr, role, iat: t, exp: t + tokenTtl, jti: randomBytes(8).toString("hex") };
      const payload = b64(JSON.stringify(claims));
      return { token: `${payload}.${b64(sign(payload))}`, tokenType: "Bearer", role, expiresAt: claims.exp };
    },

    /** Verifies a bearer token for `role`; throws UnauthorizedError, or ForbiddenError for a token of another role. */
    verify(header: string | undefined, role: TokenRole = "REGULATOR"): TokenClaims {
      if (!header) throw new UnauthorizedError("bearer token required");
      // The scheme is case-insensitive (RFC 9110 section 11.1).
      const m = /^bearer ([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/i.exec(header);
      if (!m) throw new UnauthorizedError("malformed bearer token");
      const expected = sign(m[1]);
      const given = Buffer.from(m[2], "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthorizedError("invalid token");
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(m[1], "base64url").toString("utf8")) as TokenClaims;
      } catch {
        throw new UnauthorizedError("invalid token");
      }
      if ((claims.role !== "REGULATOR" && claims.role !== "INTAKE") || typeof claims.exp !== "number") throw new UnauthorizedError("invalid token");
      if (claims.exp <= sec()) throw new UnauthorizedError("token expired");
      if (claims.role !== role) throw new ForbiddenError(`this route needs a ${role} token; this one is ${claims.role}`);
      return claims;
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
