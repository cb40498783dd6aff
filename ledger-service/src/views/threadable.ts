/**
 * The views the store may apply in its worker thread (store/view-worker.ts, VIEW_WORKER): each
 * reads only the spaces it writes itself, and no other view reads or writes those spaces, so the
 * two threads need nothing of each other within a range (the store refuses a range in which the
 * worker read, or also wrote, a space the main thread wrote). Loaded one by one, so the worker
 * starts in a fraction of a second.
 */
import type { PolicyProfile } from "../../../policy/profile";
import type { View } from "../store/types";

export const THREADABLE_VIEWS: Readonly<Record<string, (profile: PolicyProfile) => Promise<View>>> = {
  usage: async () => (await import("./usage")).createUsageView(),
};
