/** Start the core Web Worker (bundled by Vite as its own module chunk) and a client for it. */
import { type CoreClient, createCoreClient } from "../core/worker/worker-client";

export function startCoreWorker(): CoreClient {
  const worker = new Worker(new URL("../core/worker/core-worker.ts", import.meta.url), {
    type: "module",
    name: "mes-core",
  });
  return createCoreClient(worker);
}
