/**
 * Which views an event goes to: a view's `events` (`Contract.Event`, or `Contract.*` for every
 * event of a contract), or every event when it declares none. Resolved once per event name and
 * list of views, so a range of a hundred thousand batches does not ask sixteen views each.
 */
import type { View } from "./types";

/** Whether `view` reads the event `Contract.Event`. */
export function wants(view: View, name: string): boolean {
  if (view.events === undefined) return true;
  if (view.events.includes(name)) return true;
  const dot = name.indexOf(".");
  return view.events.includes(`${name.slice(0, dot)}.*`);
}

/** The views of `views` that read each event name, kept per list of views. */
export function createRoutes(): (views: readonly View[], name: string) => readonly View[] {
  const byList = new WeakMap<readonly View[], Map<string, readonly View[]>>();
  return (views, name) => {
    let routes = byList.get(views);
    if (routes === undefined) byList.set(views, (routes = new Map()));
    let route = routes.get(name);
    if (route === undefined) {
      route = views.filter((v) => wants(v, name));
      if (routes.size < 10_000) routes.set(name, route);
    }
    return route;
  };
}
