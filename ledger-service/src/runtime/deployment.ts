/**
 * Reads and checks the deployment JSON (scripts/lib/deploy.ts writes it).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Deployment } from "../../../scripts/lib/deploy";
import { DeploymentError } from "../chain/errors";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");
const deploymentSchema = z.object({
  version: z.literal(1),
  chainId: z.number().int().positive(),
  startBlock: z.number().int().min(0),
  startBlockHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a block hash"),
  profile: z.object({ id: z.string(), hash: z.string(), body: z.record(z.string(), z.unknown()) }),
  contracts: z.record(z.string(), z.object({ address, blockNumber: z.number().int().min(0) }).loose()),
}).loose();

/** The deployment JSON, validated in the fields the service relies on. */
export function loadDeployment(file: string): Deployment {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new DeploymentError(`cannot read deployment file ${file}: ${String(err)}`);
  }
  const parsed = deploymentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DeploymentError(
      `deployment file ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  if (Object.keys(parsed.data.contracts).length === 0) throw new DeploymentError(`deployment file ${file} names no contracts`);
  // The schema checked the fields we use; the rest travels as written by deploy.ts.
  return raw as Deployment;
}
