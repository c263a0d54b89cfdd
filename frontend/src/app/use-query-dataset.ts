/**
 * Use a query-backed dataset in a page: what the page frame reads (state, freshness, progress), the
 * seconds until the automatic retry of a 503/504, and the parameter a 400 names.
 */
import { computed } from "vue";
import { currentAgeS } from "../i18n/format-age";
import { ApiError } from "../net/api-error";
import type { QueryParams } from "./query-dataset-store";
import { type QueryDataset, useServices } from "./services";

export function useQueryDataset(name: QueryDataset) {
  const services = useServices();
  const store = services.queryStores[name];
  const state = store.state;
  const ageS = computed(() => currentAgeS(state.value.dataAgeS, state.value.lastSuccessAt, services.now.value));
  const snapshotTime = computed(() => state.value.data?.info.snapshotTime ?? null);
  const error = computed(() => (state.value.error instanceof ApiError ? state.value.error : null));
  const errorCode = computed(() => (state.value.error ? (error.value?.code ?? "ERROR") : null));
  const retryInS = computed(() => {
    const at = state.value.retryAt;
    return at === null ? null : Math.max(0, Math.ceil((at - services.now.value) / 1000));
  });
  const invalidParameter = computed(() =>
    error.value?.code === "INVALID_PARAMETER" ? { parameter: error.value.parameter, detail: error.value.detail } : null,
  );
  return {
    store,
    state,
    ageS,
    snapshotTime,
    errorCode,
    retryInS,
    invalidParameter,
    load: (params: QueryParams) => void store.load(params),
    refresh: () => void store.refresh(),
  };
}
