/**
 * Receipts for the node tests: a commercial use of product 1 under authorization 1 and scenario 1,
 * distinct for every label (the tests' own worlds decide whether those records exist).
 */
import { id as keccakText } from "ethers";
import { pseudonymousConsumer, purposeDigest, type Receipt } from "../../../scripts/lib/receipts";

export function sampleReceipt(label: string, nodeId: bigint, over: Partial<Receipt> = {}): Receipt {
  return {
    id: keccakText(`receipt-${label}`),
    nodeId,
    authorizationId: 1n,
    scenarioId: 1n,
    productId: 1n,
    resourceIds: [],
    consumer: pseudonymousConsumer(keccakText(`salt-${label}`), `user-${label}`),
    purpose: purposeDigest("企业信用评估"),
    recordCount: 1n,
    requestDigest: keccakText(`request-${label}`),
    resultDigest: keccakText(`result-${label}`),
    chargingBasis: "Commercial",
    fee: 100n,
    timestamp: Math.floor(Date.now() / 1000) - 60,
    ...over,
  };
}
