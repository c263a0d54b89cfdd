import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The parity harness: static files with relative asset paths, servable by any static server. */
export default defineConfig({
  root: fileURLToPath(new URL("./frontend/harness", import.meta.url)),
  cacheDir: fileURLToPath(new URL("./node_modules/.vite-harness", import.meta.url)),
  base: "./",
  build: { outDir: "../dist-harness", emptyOutDir: true, target: "es2022" },
  worker: { format: "es" },
});
