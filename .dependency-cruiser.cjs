/** Import rules of frontend/src (`npm run deps`); frontend/README.md explains the layers. */
const SRC = "^frontend/src/";

// Bottom to top: a folder may import its own layer and the layers before it, never one after it.
const LAYERS = [
  ["core", `${SRC}core/`],
  ["net", `${SRC}net/`],
  ["browser", `${SRC}browser/`],
  ["i18n", `${SRC}i18n/`],
  ["components", `${SRC}components/`],
  ["app", `${SRC}app/`],
  ["pages", `${SRC}pages/`],
  ["shell", `${SRC}[^/]+$`],
];

const layerRules = LAYERS.slice(0, -1).map(([name, path], i) => ({
  name: `${name}-imports-no-layer-above`,
  comment: `${name}/ imports only the layers below it: ${LAYERS.slice(0, i)
    .map(([below]) => below)
    .join(", ")}`,
  severity: "error",
  from: { path },
  to: { path: LAYERS.slice(i + 1).map(([, above]) => `(${above})`) },
}));

module.exports = {
  forbidden: [
    {
      name: "core-imports-only-core",
      comment: "core/ is DOM-free and stands alone: only core/, contracts/*.json and flechette",
      severity: "error",
      from: { path: `${SRC}core/`, pathNot: "\\.test\\.ts$" },
      to: { pathNot: [`${SRC}core/`, "^contracts/[^/]+\\.json$", "^node_modules/@uwdata/flechette/"] },
    },
    ...layerRules,
    {
      name: "route-table-only-in-shell",
      comment: "only App.vue and main.ts import the route table (it imports every page)",
      severity: "error",
      from: { pathNot: `${SRC}(App\\.vue|main\\.ts)$` },
      to: { path: `${SRC}routes\\.ts$` },
    },
    {
      name: "no-circular",
      comment: "modules do not import each other in a cycle",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".vue", ".js", ".json"] },
    exclude: { path: "\\.d\\.ts$" },
  },
};
