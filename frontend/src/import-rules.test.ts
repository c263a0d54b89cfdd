/**
 * The dependency-cruiser rules (.dependency-cruiser.cjs, `npm run deps`) over a planted tree:
 * each rule fires on a `.ts` or `.vue` import that breaks it, and allowed imports pass.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const config = createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as {
  forbidden: IForbiddenRuleType[];
};

const vue = (imports: string) => `<script setup lang="ts">\n${imports}\n</script>\n<template><p /></template>\n`;

const PLANTED: Record<string, string> = {
  "frontend/src/core/planted.ts": 'import { client } from "../net/client";\nexport const planted = client;\n',
  "frontend/src/net/client.ts": 'import { planted } from "../core/planted";\nexport const client = 1;\nvoid planted;\n',
  "frontend/src/components/planted-card.vue": vue('import Page from "../pages/planted-page.vue";\nvoid Page;'),
  "frontend/src/pages/planted-page.vue": vue('import { routes } from "../routes";\nvoid routes;'),
  "frontend/src/routes.ts": "export const routes = [];\n",
  "frontend/src/App.vue": vue('import { routes } from "./routes";\nvoid routes;'),
};

let root = "";
let result: ICruiseResult;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "import-rules-"));
  for (const [path, text] of Object.entries(PLANTED)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const reporting = await cruise(
    ["frontend/src"],
    { baseDir: root, validate: true, ruleSet: { forbidden: config.forbidden }, tsPreCompilationDeps: true },
    { extensions: [".ts", ".vue", ".js", ".json"] },
  );
  result = reporting.output as ICruiseResult;
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("import rules", () => {
  it("reads the imports of .vue files", () => {
    const card = result.modules.find((m) => m.source === "frontend/src/components/planted-card.vue");
    expect(card?.dependencies.map((d) => d.resolved)).toEqual(["frontend/src/pages/planted-page.vue"]);
  });

  it("name the broken rule for each planted import", () => {
    const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        "components-imports-no-layer-above: frontend/src/components/planted-card.vue -> frontend/src/pages/planted-page.vue",
        "core-imports-no-layer-above: frontend/src/core/planted.ts -> frontend/src/net/client.ts",
        "core-imports-only-core: frontend/src/core/planted.ts -> frontend/src/net/client.ts",
        "no-circular: frontend/src/core/planted.ts -> frontend/src/net/client.ts",
        "pages-imports-no-layer-above: frontend/src/pages/planted-page.vue -> frontend/src/routes.ts",
        "route-table-only-in-shell: frontend/src/pages/planted-page.vue -> frontend/src/routes.ts",
      ].sort(),
    );
  });
});
