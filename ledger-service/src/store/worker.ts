/**
 * The store's side of the view worker (store/view-worker.ts): starts the thread, sends it each
 * range's events (only those its views read) and waits for its writes. One range at a time, as
 * the store applies them.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { PolicyProfile } from "../../../policy/profile";
import type { RangeWrites } from "./rangetx";
import { createRoutes } from "./routes";
import type { ChainEvent, View } from "./types";
import type { ViewWorkerAnswer, ViewWorkerData, ViewWorkerRequest } from "./view-worker";

export interface ViewWorker {
  /** True once the thread has started and while it works: until then the store applies every view itself. */
  ready(): boolean;
  state(): "starting" | "ready" | "failed";
  /** Whether the worker applies the view named so (the store then skips it). */
  owns(view: string): boolean;
  /** Applies the worker's views to the range's events; rejects with the view's error. */
  apply(events: readonly ChainEvent[], finalized: number, views: readonly View[]): Promise<{ result: RangeWrites; spacesRead: string[] }>;
  close(): Promise<void>;
}

/** A view of the worker threw on an event (the store reports it as a ViewError). */
export class WorkerViewError extends Error {
  constructor(
    readonly view: string,
    readonly event: ChainEvent,
    message: string,
  ) {
    super(message);
    this.name = "WorkerViewError";
  }
}

/**
 * Starts the thread and returns at once; `ready()` turns true when it has loaded its views and
 * opened the index (under a second). `onFailure` hears why it stopped or could not start.
 * `views`: as the index identity names them (`name@version`).
 */
export function startViewWorker(args: { dataDir: string; profile: PolicyProfile; views: readonly string[]; onFailure?: (err: Error) => void }): ViewWorker {
  const names = new Set(args.views.map((id) => id.split("@")[0]));
  const data: ViewWorkerData = { dataDir: args.dataDir, profile: args.profile, views: [...new Set(args.views)] };
  const worker = new Worker(path.join(__dirname, "view-worker.js"), { workerData: data });
  let failure: Error | undefined;
  let started = false;
  let closing = false;
  let waiting: { id: number; events: readonly ChainEvent[]; resolve: (r: { result: RangeWrites; spacesRead: string[] }) => void; reject: (e: Error) => void } | undefined;
  const fail = (err: Error) => {
    if (failure === undefined && !closing) args.onFailure?.(err);
    failure ??= err;
    waiting?.reject(failure);
    waiting = undefined;
  };
  worker.on("error", (err) => fail(err));
  worker.on("exit", (code) => fail(new Error(`view worker exited (code ${code})`)));
  worker.on("message", (msg: ViewWorkerAnswer) => {
    if (msg.type === "ready") {
      started = true;
      return;
    }
    const w = waiting;
    if (w === undefined || w.id !== msg.id) return;
    waiting = undefined;
    if (msg.type === "done") w.resolve({ result: msg.result, spacesRead: msg.spacesRead });
    else if (msg.type === "error") w.reject(new WorkerViewError(msg.view, w.events[msg.event], msg.message));
    else {
      // The worker could not finish a range: out of service from now on (the store applies its views).
      const err = new Error(`view worker: ${msg.message}`);
      fail(err);
      w.reject(err);
      void worker.terminate();
    }
  });
  let next = 0;
  const route = createRoutes();
  /** The worker's views among a list the store applies (the same list object for the same views, so routes are resolved once). */
  const ownedLists = new WeakMap<readonly View[], readonly View[]>();
  return {
    ready: () => started && failure === undefined,
    state: () => (failure !== undefined ? "failed" : started ? "ready" : "starting"),
    owns: (view) => names.has(view),
    apply(events, finalized, views) {
      if (failure) return Promise.reject(failure);
      if (waiting) return Promise.reject(new Error("view worker: a range is already being applied"));
      let owned = ownedLists.get(views);
      if (owned === undefined) ownedLists.set(views, (owned = views.filter((v) => names.has(v.name))));
      const wanted = owned;
      const mine = events.filter((e) => route(wanted, `${e.contract}.${e.event}`).length > 0);
      const id = ++next;
      return new Promise((resolve, reject) => {
        waiting = { id, events: mine, resolve, reject };
        worker.postMessage({ type: "range", id, events: mine as ChainEvent[], finalized } satisfies ViewWorkerRequest);
      });
    },
    async close() {
      closing = true;
      if (failure !== undefined || !started) {
        // Not started yet (or broken): nothing of the index is open there that a close would flush.
        await worker.terminate();
        return;
      }
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      fail(new Error("view worker closed"));
      worker.postMessage({ type: "close" } satisfies ViewWorkerRequest);
      await exited;
    },
  };
}
