/** Keep a worker table's crossfilter widgets equal to a page's, sending only the widgets that changed. */
import type { Filter } from "../core/query";
import type { CoreClient } from "../core/worker/worker-client";

export type WidgetSync = (widgets: Readonly<Record<string, readonly Filter[]>>) => Promise<void>;

export function createWidgetSync(core: CoreClient, name: string): WidgetSync {
  const applied = new Map<string, string>();

  /** A failed setFilters leaves the widget unknown, so the next sync sends it again. */
  const forget = (widget: string, call: Promise<unknown>) =>
    call.catch((error: unknown) => {
      applied.set(widget, "?");
      throw error;
    });

  return async (widgets) => {
    const calls: Promise<unknown>[] = [];
    for (const [widget, filters] of Object.entries(widgets)) {
      const text = JSON.stringify(filters);
      if ((applied.get(widget) ?? "[]") === text) continue;
      applied.set(widget, text);
      calls.push(forget(widget, core.setFilters(name, widget, filters)));
    }
    for (const widget of [...applied.keys()]) {
      if (Object.hasOwn(widgets, widget)) continue;
      applied.delete(widget);
      calls.push(forget(widget, core.setFilters(name, widget, [])));
    }
    await Promise.all(calls);
  };
}
