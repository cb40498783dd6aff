import type { View } from "../store/types";

/** The views as the index identity names them (`name@version`): another list means a rebuild. */
export function viewIdentity(views: readonly View[]): string[] {
  return views.map((v) => (v.version === undefined ? v.name : `${v.name}@${v.version}`));
}
