/**
 * Errors of the chain stage. Every error says whether retrying can help (`retryable`); the
 * follower retries those with backoff and stops on the others.
 */

export type RpcErrorKind =
  /** Connection refused, reset, DNS failure, HTTP 5xx. */
  | "unavailable"
  /** No answer within the timeout. */
  | "timeout"
  /** The answer is not what the method promises (bad JSON, missing fields, wrong types). */
  | "malformed"
  /** The node answered with a JSON-RPC error object. */
  | "remote"
  /** Answers disagree with each other (a log's blockHash is not the block's hash, a broken parent link). */
  | "inconsistent"
  /** The node is behind a block we already hold as finalized. */
  | "behind";

export class RpcError extends Error {
  readonly kind: RpcErrorKind;
  readonly retryable: boolean;
  readonly method: string;
  /** JSON-RPC error code when kind is "remote". */
  readonly code?: number;

  constructor(
    kind: RpcErrorKind,
    method: string,
    message: string,
    opts: { retryable?: boolean; code?: number; cause?: unknown } = {},
  ) {
    super(`${method}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "RpcError";
    this.kind = kind;
    this.method = method;
    this.code = opts.code;
    // Every RPC fault is transient from the follower's point of view: the endpoint may come back,
    // the node may catch up, a reorg may settle. Only callers that know better pass `false`.
    this.retryable = opts.retryable ?? true;
  }
}

/** The chain the index was built from is no longer the chain the endpoint serves beyond what can be undone. */
export class DeepReorgError extends Error {
  readonly retryable = true;
  constructor(
    readonly localFinalized: number,
    message: string,
  ) {
    super(message);
    this.name = "DeepReorgError";
  }
}

/** The deployment file or the artifacts do not describe the contracts (a configuration fault). */
export class DeploymentError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "DeploymentError";
  }
}

export function isRetryable(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { retryable?: unknown }).retryable === true;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
