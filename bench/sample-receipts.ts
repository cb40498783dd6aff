/**
 * The receipts the gas and tree benches anchor and hash: two uses in three of product 1 (paid,
 * 350 fen), one in three of resources 1–4 directly (public-interest, free), all under
 * authorization 1 and scenario 1. Every digest derives from `label`, so distinct labels give
 * distinct receipts.
 */
import { ethers } from "ethers";
import { pseudonymousConsumer, purposeDigest, type Receipt } from "../scripts/lib/receipts";

export function sampleReceipt(label: string, i: number, nodeId: bigint, timestamp: number): Receipt {
  const direct = i % 3 === 2;
  return {
    id: ethers.id(`receipt-${label}`),
    nodeId,
    authorizationId: 1n,
    scenarioId: 1n,
    productId: direct ? 0n : 1n,
    resourceIds: direct ? [1n, 2n, 3n, 4n] : [],
    consumer: pseudonymousConsumer(ethers.id(`salt-${label}`), `user-${label}`),
    purpose: purposeDigest("企业信用评估"),
    recordCount: 25n,
    requestDigest: ethers.id(`request-${label}`),
    resultDigest: ethers.id(`result-${label}`),
    chargingBasis: direct ? "PublicInterestFree" : "Commercial",
    fee: direct ? 0n : 350n,
    timestamp,
  };
}
