/** One row with its detail fields from GET /api/v1/datasets/<name>/rows/<key> (drawers use it). */
import { type Ref, ref, shallowRef, watch } from "vue";
import type { SnapshotDataset } from "../core/query";
import type { ApiError } from "../net/api-error";
import type { RowJson } from "./detail-sections";
import { useServices } from "./services";

export function rowUrl(dataset: string, key: string): string {
  return `/api/v1/datasets/${dataset}/rows/${encodeURIComponent(key)}`;
}

export function useRowDetail(dataset: SnapshotDataset, key: Ref<string | null>) {
  const { fetchClient } = useServices();
  const row = shallowRef<RowJson | null>(null);
  const loading = ref(false);
  const errorCode = ref<string | null>(null);
  let controller: AbortController | null = null;

  watch(
    key,
    async (value) => {
      controller?.abort();
      row.value = null;
      errorCode.value = null;
      if (!value) {
        loading.value = false;
        return;
      }
      const current = new AbortController();
      controller = current;
      loading.value = true;
      try {
        const result = await fetchClient.getJson<{ row: RowJson }>(rowUrl(dataset, value), {
          signal: current.signal,
          deadlineMs: 20_000,
        });
        if (!current.signal.aborted) row.value = result.data.row;
      } catch (error) {
        if (!current.signal.aborted) errorCode.value = (error as ApiError).code ?? "ERROR";
      } finally {
        if (controller === current) loading.value = false;
      }
    },
    { immediate: true },
  );
  return { row, loading, errorCode };
}
