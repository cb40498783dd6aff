/**
 * The clause map (docs/CLAUSES.md) as data: every clause id the API, the CLI and the explorer
 * show resolves to its rule, kind, articles and where the chain enforces it, the service monitors
 * it and the tests name it (`GET /api/v1/clauses/:clause`, `provenant clause <id>`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export const CLAUSES_FILE = path.resolve(__dirname, "../../../docs/CLAUSES.md");
export const CLAUSE_ID = /^C(0[1-9]|[1-3][0-9])$/;

export type Clause = {
  id: string;
  /** Short name of the rule (the summary table's "rule"). */
  rule: string;
  /** E (enforced), V (evidenced), M (monitored), combined. */
  kind: string;
  /** Contracts that enforce or record it. */
  chain: string;
  /** Alert kinds that can carry it. */
  alerts: string;
  /** The clause's whole section of docs/CLAUSES.md (Markdown). */
  text: string;
  /** Where it is in the repository's docs. */
  doc: string;
};

const plain = (cell: string) => cell.trim().replace(/`/g, "");

/** Parses docs/CLAUSES.md: the summary table and one `### Cnn` section per clause. */
export function parseClauses(markdown: string): Map<string, Clause> {
  const sections = new Map<string, string>();
  const parts = markdown.split(/^### (C\d\d)\s*$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) sections.set(parts[i], parts[i + 1].split(/^## /m)[0].trim());
  const out = new Map<string, Clause>();
  for (const m of markdown.matchAll(/^\| (C\d\d) \| \[([^\]]*)\]\(#c\d\d\) \|([^|]*)\|([^|]*)\|([^|]*)\|$/gm)) {
    const id = m[1];
    out.set(id, { id, rule: plain(m[2]), kind: plain(m[3]), chain: plain(m[4]), alerts: plain(m[5]), text: sections.get(id) ?? "", doc: `docs/CLAUSES.md#${id.toLowerCase()}` });
  }
  return out;
}

// Read once on first use: the document ships with the code it describes.
let loaded: Map<string, Clause> | undefined;
export function clauses(): Map<string, Clause> {
  loaded ??= parseClauses(readFileSync(CLAUSES_FILE, "utf8"));
  return loaded;
}
