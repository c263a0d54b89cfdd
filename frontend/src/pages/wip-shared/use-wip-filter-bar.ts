/** The WIP pages' filter bar: WORKORDER, LOTID, PACKAGE_LEF, PJ_TYPE. */
import type { DatasetStore } from "../../app/dataset-store";
import { useFilterBar } from "../../app/use-filter-bar";
import { WIP_FILTER_FIELDS } from "./wip-queries";

export function useWipFilterBar(store: DatasetStore) {
  return useFilterBar(store, WIP_FILTER_FIELDS);
}
