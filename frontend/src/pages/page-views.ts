/**
 * The pages' views as data: each page id with its dataset and the function its component calls to
 * turn its UI state into crossfilter widgets and scoped queries. The parity harness replays these.
 */
import type { Dataset, Filter, Query } from "../core/query";
import type { CrossfilterScope } from "../core/worker/protocol";
import { equipmentHistoryViews } from "./equipment-history/history-queries";
import { equipmentStatusViews } from "./equipment-status/equipment-queries";
import { holdDetailViews } from "./hold-detail/hold-queries";
import type { PageView } from "./page-view";
import { wipDetailViews } from "./wip-detail/detail-queries";
import { wipOverviewViews } from "./wip-shared/wip-queries";

export const PAGE_VIEWS = {
  "wip-overview": { dataset: "wip", views: wipOverviewViews },
  "wip-detail": { dataset: "wip", views: wipDetailViews },
  "hold-detail": { dataset: "wip", views: holdDetailViews },
  "equipment-status": { dataset: "resource", views: equipmentStatusViews },
  "equipment-history": { dataset: "resource_history", views: equipmentHistoryViews },
} as const satisfies Record<string, { dataset: Dataset; views: (state: never) => PageView }>;

export type PageId = keyof typeof PAGE_VIEWS;
export type PageState<P extends PageId> = Parameters<(typeof PAGE_VIEWS)[P]["views"]>[0];

export const PAGE_IDS = Object.keys(PAGE_VIEWS) as PageId[];

/** A page view with every scope spelled out, as plain JSON. */
export interface ResolvedPageView {
  pageId: PageId;
  dataset: Dataset;
  widgets: Record<string, Filter[]>;
  queries: Record<string, { query: Query; scope: CrossfilterScope }>;
}

export function isPageId(value: unknown): value is PageId {
  return typeof value === "string" && Object.hasOwn(PAGE_VIEWS, value);
}

/** The view the page `pageId` runs in `state`. */
export function pageViews<P extends PageId>(pageId: P, state: PageState<P>): ResolvedPageView {
  const entry = PAGE_VIEWS[pageId];
  const view = (entry.views as (state: PageState<P>) => PageView)(state);
  const queries = Object.fromEntries(
    Object.entries(view.queries).map(([name, q]) => [name, { query: q.query, scope: q.scope ?? "all" }]),
  );
  return structuredClone({ pageId, dataset: entry.dataset, widgets: view.widgets, queries });
}
