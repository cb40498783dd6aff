/**
 * The one-word health the API, the CLI and a load balancer read: `ok` only when the index is
 * live and within the confirmation depth of the chain head; catching up is `syncing` with the lag.
 */
import { expect } from "chai";
import { healthStatus } from "../../ledger-service/src/runtime/service";

const live = { phase: "live" as const, consecutiveErrors: 0 };
const base = { failed: false, stopped: false, follower: live, head: 120, indexed: 120, confirmations: 0 };

describe("health status", () => {
  it("is ok only within the confirmation depth of the head", () => {
    expect(healthStatus(base)).to.equal("ok");
    expect(healthStatus({ ...base, indexed: 119 })).to.equal("syncing"); // 1 behind, 0 confirmations
    expect(healthStatus({ ...base, indexed: 17 })).to.equal("syncing"); // the follower says live within a range
    expect(healthStatus({ ...base, indexed: 118, confirmations: 2 })).to.equal("ok");
    expect(healthStatus({ ...base, indexed: 117, confirmations: 2 })).to.equal("syncing");
    expect(healthStatus({ ...base, head: null })).to.equal("syncing");
  });

  it("names every other state before the lag", () => {
    expect(healthStatus({ ...base, failed: true })).to.equal("failed");
    expect(healthStatus({ ...base, follower: { phase: "failed", consecutiveErrors: 0 } })).to.equal("failed");
    expect(healthStatus({ ...base, stopped: true })).to.equal("stopped");
    expect(healthStatus({ ...base, follower: undefined })).to.equal("starting");
    expect(healthStatus({ ...base, follower: { phase: "retrying", consecutiveErrors: 2 } })).to.equal("degraded");
    expect(healthStatus({ ...base, follower: { phase: "syncing", consecutiveErrors: 0 } })).to.equal("syncing");
  });
});
