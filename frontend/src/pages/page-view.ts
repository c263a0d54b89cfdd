/** A page's view as data: each crossfilter widget's filters and each named query with its scope. */
import type { ViewQuery } from "../app/use-core-queries";
import type { Filter } from "../core/query";

export interface PageView {
  widgets: Record<string, Filter[]>;
  queries: Record<string, ViewQuery>;
}
