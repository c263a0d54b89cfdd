import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The sync benchmark page (bench/sync.py builds and serves it): relative asset paths. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  cacheDir: fileURLToPath(new URL("../../node_modules/.vite-bench-sync", import.meta.url)),
  base: "./",
  logLevel: "warn",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 4096 },
});
