import { describe, expect, it } from "vitest";
import fieldsJson from "../../../contracts/fields.json";
import type { CoreClient } from "../core/worker/worker-client";
import type { FetchClient } from "../net/fetch-client";
import { createDatasetStores } from "./dataset-stores";
import { DEFAULT_UI_CONFIG } from "./ui-config";

describe("dataset stores", () => {
  it("hold one store per snapshot dataset of the contract", () => {
    const stores = createDatasetStores({
      fetchClient: {} as FetchClient,
      core: {} as CoreClient,
      uiConfig: Promise.resolve(DEFAULT_UI_CONFIG),
    });
    const snapshots = Object.entries(fieldsJson.datasets)
      .filter(([, d]) => d.kind === "snapshot")
      .map(([name]) => name);
    expect(Object.keys(stores).sort()).toEqual(snapshots.sort());
    for (const [name, store] of Object.entries(stores)) expect(store.dataset).toBe(name);
  });
});
