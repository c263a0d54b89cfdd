/** Use a dataset in a page: polling runs while mounted; freshness figures (and the local copy's age) for the header. */
import { computed, onBeforeUnmount } from "vue";
import type { SnapshotDataset } from "../core/query";
import { currentAgeS } from "../i18n/format-age";
import { useServices } from "./services";

export function useDataset(name: SnapshotDataset) {
  const services = useServices();
  const store = services.stores[name];
  const release = store.acquire();
  onBeforeUnmount(release);
  const state = store.state;
  const ageS = computed(() => currentAgeS(state.value.dataAgeS, state.value.lastSuccessAt, services.now.value));
  // The snapshot time the server last confirmed (X-Snapshot-Time), else the one in the bytes.
  const snapshotTime = computed(
    () => state.value.data?.meta.snapshotTime ?? state.value.data?.info.snapshotTime ?? null,
  );
  const localAgeS = computed(() => {
    const local = state.value.local;
    return local ? Math.max(0, (services.now.value - local.savedAt) / 1000) : null;
  });
  const hasData = computed(() => state.value.data !== null);
  const errorCode = computed(() => {
    const e = state.value.error as { code?: unknown } | null;
    return e ? (typeof e.code === "string" ? e.code : "ERROR") : null;
  });
  return { store, state, ageS, snapshotTime, localAgeS, hasData, errorCode, refresh: () => void store.refresh() };
}
