/**
 * The view worker: applies the views the store hands it (by name; `VIEW_WORKER`, off by default;
 * e.g. the usage statistics, about half the indexing work on a chain of platform nodes' batches)
 * in a thread of its own, beside the views the store applies in the main thread. It reads the
 * committed index through its own handle on the same LevelDB (opened with `multithreading`) and
 * never writes: it answers each range with its writes as JSON text and its undo records, which the
 * store commits with everything else in the range's one batch (store/db.ts). The worker keeps
 * nothing of one range for the next (only the names of the spaces its views append to), so an
 * unwind or a restart needs nothing from it.
 *
 * A view run here must read only spaces that the views of the main thread do not write (their
 * writes of the same range are not visible here): the store checks that, range by range, from
 * the spaces the worker read.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Level } from "level";
import type { PolicyProfile } from "../../../policy/profile";
import { viewIdentity } from "../views/identity";
import { THREADABLE_VIEWS } from "../views/threadable";
import { applyEvents, ViewFailure, type RangeWrites } from "./rangetx";
import { createRoutes } from "./routes";
import type { ChainEvent, JsonValue, View } from "./types";

export interface ViewWorkerData {
  dataDir: string;
  profile: PolicyProfile;
  /** The views to apply, as the index identity names them (`name@version`). */
  views: string[];
}

export type ViewWorkerRequest = { type: "range"; id: number; events: ChainEvent[]; finalized: number } | { type: "close" };
export type ViewWorkerAnswer =
  | { type: "ready" }
  | { type: "done"; id: number; result: RangeWrites; spacesRead: string[]; viewsMs: number }
  | { type: "error"; id: number; view: string; event: number; message: string }
  | { type: "failed"; id: number; message: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error("view-worker runs as a worker thread");
  const data = workerData as ViewWorkerData;
  // Built here as the service builds them; the same name and version as the store's, or none.
  const views: View[] = [];
  for (const id of data.views) {
    const make = THREADABLE_VIEWS[id.split("@")[0]];
    const view = make === undefined ? undefined : await make(data.profile);
    if (view === undefined || viewIdentity([view])[0] !== id) throw new Error(`view worker: no view ${id} it can apply (views/threadable.ts)`);
    views.push(view);
  }
  const db = new Level<string, string>(data.dataDir, { multithreading: true } as object);
  await db.open();
  const prefixes = new Map<string, string>();
  const prefix = (space: string): string => {
    let p = prefixes.get(space);
    if (p === undefined) prefixes.set(space, (p = db.sublevel(`v:${space}`).prefix));
    return p;
  };

  const route = createRoutes();
  /** The spaces the worker's views append to (RangeTxOptions.appendOnly): no view of it may read them. */
  const appendOnly = new Set<string>();
  port.on("message", (msg: ViewWorkerRequest) => {
    if (msg.type === "close") {
      void db.close().finally(() => port.close());
      return;
    }
    const started = performance.now();
    const spacesRead = new Set<string>();
    const stored = (space: string, key: string): JsonValue | undefined => {
      spacesRead.add(space);
      const text = db.getSync<string, string>(prefix(space) + key, { valueEncoding: "utf8" });
      return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
    };
    const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
    applyEvents(stored, msg.events, msg.finalized, (name) => route(views, name), { appendOnly })
      .then((rt) => rt.finish())
      .then(
        (result) => port.postMessage({ type: "done", id: msg.id, result, spacesRead: [...spacesRead], viewsMs: performance.now() - started } satisfies ViewWorkerAnswer),
        (err: unknown) =>
          port.postMessage(
            err instanceof ViewFailure
              ? ({ type: "error", id: msg.id, view: err.view, event: err.index, message: message(err.cause) } satisfies ViewWorkerAnswer)
              : // Not a view's error (reading the index, encoding the answer): the store applies the range itself.
                ({ type: "failed", id: msg.id, message: message(err) } satisfies ViewWorkerAnswer),
          ),
      );
  });
  port.postMessage({ type: "ready" } satisfies ViewWorkerAnswer);
}

main().catch((err: unknown) => {
  // Surfaces as the Worker's "error" event in the store.
  throw err;
});
