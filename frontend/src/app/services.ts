/** The app's long-lived services: one fetch client, one core worker, the dataset stores, a clock. */
import { type InjectionKey, inject, type Ref, ref, shallowRef } from "vue";
import { documentVisibility } from "../browser/document-visibility";
import { whenIdle } from "../browser/idle";
import { indexedDbSnapshots } from "../browser/snapshot-db";
import { startCoreWorker } from "../browser/start-core-worker";
import { DATASETS, isSnapshotDataset } from "../core/contracts";
import { type NavDrawer, navDrawers, type PageRegistry, parseRegistry } from "../core/page-registry";
import type { Dataset, SnapshotDataset } from "../core/query";
import type { CoreClient } from "../core/worker/worker-client";
import { createFetchClient, type FetchClient } from "../net/fetch-client";
import { createDatasetStores, type DatasetStores } from "./dataset-stores";
import { createLocalCopy, type LocalCopy, localCopyLimits } from "./local-copy";
import { createQueryDatasetStore, type QueryDatasetStore } from "./query-dataset-store";
import { savedRegistry } from "./saved-registry";
import { createSessionStore, type SessionStore } from "./session-store";
import { FALLBACK_DEADLINE_MS, loadUiConfig, type UiConfig } from "./ui-config";

export type QueryDataset = Exclude<Dataset, SnapshotDataset>;

export interface AppServices {
  fetchClient: FetchClient;
  core: CoreClient;
  uiConfig: Promise<UiConfig>;
  /** One store per snapshot dataset of the contract. */
  stores: DatasetStores;
  /** One store per query-backed dataset of the contract. */
  queryStores: Readonly<Record<QueryDataset, QueryDatasetStore>>;
  registry: Ref<PageRegistry | null>;
  drawers: Ref<NavDrawer[]>;
  registryError: Ref<Error | null>;
  /** Fetch the page registry again (it depends on who is signed in). */
  reloadRegistry(): Promise<void>;
  session: SessionStore;
  /** The snapshots kept on this device (IndexedDB). */
  localCopy: LocalCopy;
  /** Remove every snapshot kept on this device; the datasets in use are then fetched again in full. */
  clearLocalData(): Promise<void>;
  /** Wall clock in ms, ticking every second (ages and badges). */
  now: Ref<number>;
}

export const SERVICES: InjectionKey<AppServices> = Symbol("mes-services");

export function createAppServices(): AppServices {
  const session = createSessionStore(() => fetchClient);
  const fetchClient = createFetchClient({ csrfToken: () => session.csrfToken() });
  const core = startCoreWorker();
  const visibility = documentVisibility();
  const uiConfig = loadUiConfig(fetchClient);
  const localCopy = createLocalCopy({
    storage: indexedDbSnapshots(),
    ...localCopyLimits({
      maxMb: import.meta.env.VITE_LOCAL_COPY_MAX_MB,
      maxAgeDays: import.meta.env.VITE_LOCAL_COPY_MAX_AGE_DAYS,
    }),
  });
  const stores = createDatasetStores({ fetchClient, core, uiConfig, visibility, localCopy, idle: whenIdle });
  const savedPages = savedRegistry();
  const clearLocalData = async () => {
    savedPages.clear();
    await localCopy.clear();
    for (const store of Object.values(stores)) void store.reload();
  };
  const queryStores = Object.fromEntries(
    DATASETS.filter((d) => !isSnapshotDataset(d)).map((dataset) => [
      dataset,
      createQueryDatasetStore({
        dataset,
        fetchClient,
        core,
        deadlineMs: uiConfig.then((c) => c.deadlineMs[dataset] ?? FALLBACK_DEADLINE_MS),
      }),
    ]),
  ) as Record<QueryDataset, QueryDatasetStore>;
  // The registry last seen here paints the shell at once (reload, server down); the answer replaces it.
  const registry = shallowRef<PageRegistry | null>(savedPages.read());
  const drawers = shallowRef<NavDrawer[]>(registry.value ? navDrawers(registry.value) : []);
  const registryError = shallowRef<Error | null>(null);
  const reloadRegistry = () =>
    fetchClient
      .getJson<unknown>("/api/v1/pages", { deadlineMs: 15_000 })
      .then((r) => {
        registry.value = parseRegistry(r.data);
        drawers.value = navDrawers(registry.value);
        registryError.value = null;
        savedPages.save(registry.value);
      })
      .catch((e: unknown) => {
        registryError.value = e instanceof Error ? e : new Error(String(e));
      });
  session.load().catch(() => undefined);
  void reloadRegistry();
  const now = ref(Date.now());
  setInterval(() => {
    now.value = Date.now();
  }, 1000);
  return {
    fetchClient,
    core,
    uiConfig,
    stores,
    queryStores,
    registry,
    drawers,
    registryError,
    reloadRegistry,
    session,
    localCopy,
    clearLocalData,
    now,
  };
}

export function useServices(): AppServices {
  const services = inject(SERVICES);
  if (!services) throw new Error("app services are not provided");
  return services;
}
