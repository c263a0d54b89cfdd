/** The pages the shell can show, by registry id; the registry decides which are visible. */
import { type Component, defineAsyncComponent } from "vue";

export interface RouteDef {
  id: string;
  path: string;
  component: Component;
  /** The snapshot dataset the page paints (its local copy is read ahead when the app starts on it). */
  dataset?: string;
}

export const ROUTES: readonly RouteDef[] = [
  {
    id: "wip-overview",
    dataset: "wip",
    path: "/wip",
    component: defineAsyncComponent(() => import("./pages/wip-overview/wip-overview-page.vue")),
  },
  {
    id: "wip-detail",
    dataset: "wip",
    path: "/wip/detail",
    component: defineAsyncComponent(() => import("./pages/wip-detail/wip-detail-page.vue")),
  },
  {
    id: "hold-detail",
    dataset: "wip",
    path: "/hold",
    component: defineAsyncComponent(() => import("./pages/hold-detail/hold-detail-page.vue")),
  },
  {
    id: "equipment-status",
    dataset: "resource",
    path: "/equipment",
    component: defineAsyncComponent(() => import("./pages/equipment-status/equipment-status-page.vue")),
  },
  {
    id: "equipment-history",
    path: "/equipment/history",
    component: defineAsyncComponent(() => import("./pages/equipment-history/equipment-history-page.vue")),
  },
  {
    id: "operations",
    path: "/ops",
    component: defineAsyncComponent(() => import("./pages/operations/operations-page.vue")),
  },
];

/** The route of a path, by the registry's path for each id when the registry is known. */
export function resolveRoute(path: string, registryPaths: ReadonlyMap<string, string> | null): RouteDef | null {
  for (const route of ROUTES) {
    const p = registryPaths ? registryPaths.get(route.id) : route.path;
    if (p === path) return route;
  }
  return null;
}
