/** One dataset store per snapshot dataset of the contract, polling at its ui-config interval. */
import { SNAPSHOT_DATASETS } from "../core/contracts";
import type { SnapshotDataset } from "../core/query";
import type { CoreClient } from "../core/worker/worker-client";
import type { FetchClient } from "../net/fetch-client";
import type { VisibilitySource } from "../net/poller";
import { createDatasetStore, type DatasetStore, type IdleScheduler } from "./dataset-store";
import type { LocalCopy } from "./local-copy";
import type { UiConfig } from "./ui-config";

export type DatasetStores = Readonly<Record<SnapshotDataset, DatasetStore>>;

export interface DatasetStoresOptions {
  fetchClient: FetchClient;
  core: CoreClient;
  uiConfig: Promise<UiConfig>;
  visibility?: VisibilitySource;
  localCopy?: LocalCopy;
  idle?: IdleScheduler;
}

export function createDatasetStores(options: DatasetStoresOptions): DatasetStores {
  const { uiConfig, ...shared } = options;
  const store = (dataset: SnapshotDataset) =>
    createDatasetStore({ ...shared, dataset, intervalMs: uiConfig.then((c) => c.refreshS[dataset] * 1000) });
  return Object.fromEntries(SNAPSHOT_DATASETS.map((d) => [d, store(d)])) as Record<SnapshotDataset, DatasetStore>;
}
