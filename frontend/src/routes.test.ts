/** The route table's `dataset` hints name the dataset each page really uses (read ahead at start). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname);
const table = readFileSync(join(SRC, "routes.ts"), "utf8");

/** Each route entry of routes.ts: id, dataset hint, page file. */
function entries(): { id: string; dataset: string | null; file: string }[] {
  const out: { id: string; dataset: string | null; file: string }[] = [];
  for (const block of table.split(/\n {2}\{\n/).slice(1)) {
    const id = /id: "([^"]+)"/.exec(block)?.[1];
    const file = /import\("\.\/([^"]+)"\)/.exec(block)?.[1];
    if (!id || !file) continue;
    out.push({ id, dataset: /dataset: "([^"]+)"/.exec(block)?.[1] ?? null, file });
  }
  return out;
}

describe("route dataset hints", () => {
  it("name the snapshot dataset the page's useDataset call loads, and only then", () => {
    const routes = entries();
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const route of routes) {
      const page = readFileSync(join(SRC, route.file), "utf8");
      const used = /useDataset\("([^"]+)"\)/.exec(page)?.[1] ?? null;
      expect({ id: route.id, dataset: route.dataset }).toEqual({ id: route.id, dataset: used });
    }
  });
});
