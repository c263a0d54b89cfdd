import { fileURLToPath } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vitest/config";

// Tests run in a zone other than the plant's (Asia/Taipei) so time-zone leaks show up.
process.env.TZ = process.env.MES_TEST_TZ ?? "America/Los_Angeles";

export default defineConfig({
  root: fileURLToPath(new URL("./frontend", import.meta.url)),
  cacheDir: fileURLToPath(new URL("./node_modules/.vite", import.meta.url)),
  plugins: [vue()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  worker: { format: "es" },
  test: {
    include: ["src/**/*.test.ts", "test-data/**/*.test.ts"],
    environment: "node",
  },
});
