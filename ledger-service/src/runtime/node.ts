/**
 * Wires a platform node (DESIGN section 6): node key -> identity on chain -> node store ->
 * batcher -> intake, and the API's node routes. Only started when the configuration names a
 * node key; other instances stay read-only replicas.
 */
import { mkdirSync } from "node:fs";
import { JsonRpcProvider } from "ethers";
import type { Deployment } from "../../../scripts/lib/deploy";
import { ParticipantRegistry__factory } from "../../../typechain-types";
import type { NodeApi } from "../api/server";
import type { ViewReader } from "../store/types";
import { createBatcher, type Batcher, type BatcherStatus } from "../node/batcher";
import { createIntake } from "../node/intake";
import { NodeKeyError, loadNodeKey, resolveNodeIdentity, type NodeIdentity } from "../node/key";
import { createReceiptReads } from "../node/receipts";
import { openNodeStore, type NodeStore } from "../node/store";
import { nodeDataDir } from "./config";
import type { Common } from "./common";

export interface PlatformNode {
  identity: NodeIdentity;
  api: NodeApi;
  batcher: Batcher;
  store: NodeStore;
  /** For /health. */
  status(): {
    nodeId: string;
    key: string;
    name: string;
    /** Why the intake refuses receipts now (key no longer allowed, store failed, index behind), or null. */
    intakeBlocked: string | null;
    intake: { accepted: number; requests: number; strict: boolean };
    batcher: BatcherStatus;
  };
  stop(): Promise<void>;
}

export interface StartNodeArgs {
  deployment: Deployment;
  reader: ViewReader;
  /** Why the index cannot check receipts now, or null (see IntakeArgs.notReady). */
  notReady?(): string | null;
  /** Unix ms (default Date.now). */
  now?: () => number;
  /** Operators' metrics: each intake request's time to its acknowledgement, each anchored batch's gas. */
  onAcknowledged?(seconds: number): void;
  onAnchored?(gasUsed: string): void;
}

/** Starts the node; throws NodeKeyError (exit 2) when the key may not act for a node. */
export async function startNode(common: Common, args: StartNodeArgs): Promise<PlatformNode> {
  const { config } = common;
  const log = common.logger.child({ module: "node" });
  const now = args.now ?? Date.now;
  const { deployment } = args;
  const key = await loadNodeKey(config);
  const provider = new JsonRpcProvider(config.RPC_URL, deployment.chainId, { staticNetwork: true, cacheTimeout: -1 });
  let identity: NodeIdentity;
  try {
    identity = await resolveNodeIdentity(provider, deployment, key.address);
  } catch (err) {
    provider.destroy();
    throw err;
  }
  const dir = nodeDataDir(config);
  mkdirSync(dir, { recursive: true });
  const store = await openNodeStore(dir, identity.registeredAt);
  const anchorAddress = deployment.contracts.ReceiptAnchor.address;
  const batcher = createBatcher({
    store,
    provider,
    key,
    nodeId: identity.nodeId,
    anchorAddress,
    batchMax: config.BATCH_MAX,
    batchMaxAge: config.BATCH_MAX_AGE,
    replaceAfter: config.ANCHOR_REPLACE_AFTER,
    finalityDepth: config.FINALITY_DEPTH,
    finalizedTag: config.FINALIZED_TAG === "auto",
    startBlock: deployment.startBlock,
    maxBlockRange: config.MAX_BLOCK_RANGE,
    logger: common.logger,
    now,
    pollMs: Math.min(1000, config.POLL_INTERVAL_MS),
    onAnchored: args.onAnchored && ((b) => args.onAnchored?.(b.anchor?.gasUsed ?? "0")),
  });
  let accepted = 0;
  let requests = 0;
  // The key was allowed at start; the authority may revoke it, rebind it or suspend the node's
  // participant at any time. Re-checked on an interval: while it may not act, nothing is
  // acknowledged (the intake answers 503 naming why). An RPC fault keeps the last answer.
  let keyProblem: string | null = null;
  const checkKey = async () => {
    try {
      const now = await resolveNodeIdentity(provider, deployment, key.address);
      if (now.nodeId !== identity.nodeId) throw new NodeKeyError(`node key ${key.address} now signs for participant ${now.nodeId}, not node ${identity.nodeId}`);
      if (keyProblem !== null) log.info({ key: key.address }, "the node key may act again: intake resumed");
      keyProblem = null;
    } catch (err) {
      if (!(err instanceof NodeKeyError)) return;
      if (keyProblem !== err.message) log.error({ key: key.address, problem: err.message }, "the node key may no longer act: intake stopped");
      keyProblem = err.message;
    }
  };
  const keyWatch = setInterval(() => void checkKey(), config.NODE_KEY_CHECK_INTERVAL * 1000);
  keyWatch.unref();
  const blocked = (): string | null => {
    const failed = store.failure();
    if (failed) return `${failed.message}; restart the node`;
    return keyProblem ?? args.notReady?.() ?? null;
  };
  const intake = createIntake({
    store,
    reader: args.reader,
    nodeId: identity.nodeId,
    key,
    chainId: deployment.chainId,
    anchorAddress,
    strict: config.STRICT_INTAKE,
    now,
    enqueue: (refs) => batcher.enqueue(refs),
    notReady: blocked,
    onAccepted: (n) => {
      accepted += n;
      requests++;
    },
  });
  const reads = createReceiptReads({
    store,
    nodeId: identity.nodeId,
    chainId: deployment.chainId,
    anchorAddress,
    finalizedBlock: () => batcher.finalizedBlock(),
    batchMaxAge: config.BATCH_MAX_AGE,
  });
  const participants = ParticipantRegistry__factory.connect(deployment.contracts.ParticipantRegistry.address, provider);
  await batcher.start();
  log.info({ nodeId: identity.nodeId.toString(), key: key.address, name: identity.name, dir }, "platform node started");

  return {
    identity,
    store,
    batcher,
    api: {
      intake: args.onAcknowledged
        ? async (items) => {
            const started = performance.now();
            const answer = await intake(items);
            args.onAcknowledged?.((performance.now() - started) / 1000);
            return answer;
          }
        : intake,
      status: reads.status,
      proof: reads.proof,
      flags: reads.flags,
      useAlerts: reads.useAlerts,
      // A signer key of the node's participant, while it is Active (one eth_call per sign-in).
      isIntakeClient: async (address) => (await participants.isActiveSigner(identity.nodeId, address)) === true,
    },
    status: () => ({
      nodeId: identity.nodeId.toString(),
      key: key.address,
      name: identity.name,
      intakeBlocked: blocked(),
      intake: { accepted, requests, strict: config.STRICT_INTAKE },
      batcher: batcher.status(),
    }),
    async stop() {
      clearInterval(keyWatch);
      await batcher.stop();
      await store.close();
      provider.destroy();
    },
  };
}
