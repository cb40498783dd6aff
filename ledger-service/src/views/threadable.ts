/**
 * The views the store may apply in its worker thread (store/view-worker.ts, VIEW_WORKER): each
 * reads only the spaces it writes itself, so it needs nothing the views of the main thread write
 * in the same range. Loaded one by one, so the worker starts in a fraction of a second.
 */
import type { PolicyProfile } from "../../../policy/profile";
import type { View } from "../store/types";

export const THREADABLE_VIEWS: Readonly<Record<string, (profile: PolicyProfile) => Promise<View>>> = {
  usage: async () => (await import("./usage")).createUsageView(),
};
