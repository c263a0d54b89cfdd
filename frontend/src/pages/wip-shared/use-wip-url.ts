/** The WIP pages' URL state: filters, the status card filter, "include DUMMY lots", the open lot; their setters. */
import { computed } from "vue";
import { useUrlState } from "../../app/use-url-state";
import type { Filter, ResultRow } from "../../core/query";
import { isStatusKey, type StatusKey } from "./wip-queries";

export function useWipUrl() {
  const url = useUrlState("wip");
  const status = computed<StatusKey | null>(() => (isStatusKey(url.view.value.status) ? url.view.value.status : null));
  const includeDummy = computed(() => url.view.value.dummy === "1");
  const lotId = computed(() => url.view.value.lot ?? null);
  return {
    url,
    status,
    includeDummy,
    lotId,
    setFilters: (filters: Filter[]) => url.update({ filters }),
    setDummy: (include: boolean) => url.update({ view: { dummy: include ? "1" : null } }),
    toggleStatus: (key: StatusKey) => url.update({ view: { status: status.value === key ? null : key } }),
    openLot: (row: ResultRow) => url.update({ view: { lot: String(row.LOTID) } }),
    closeLot: () => url.update({ view: { lot: null } }),
  };
}

export type WipUrl = ReturnType<typeof useWipUrl>;
