/**
 * Pages compute their numbers only through the core modules, so parity of the core (proven by
 * the parity suite) is parity of the pages: outside core/, nothing decodes Arrow or runs the
 * row-level kernels itself, and page files do not accumulate numbers by hand.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(__dirname, "..");
const KERNELS = ["decode-table", "filter-mask", "group-by", "aggregate", "evaluate", "crossfilter", "make-table"];
// value imports only: `import type` of core types is fine
const KERNEL_IMPORT = new RegExp(
  `^import\\s+(?!type\\b)[^;]*from\\s+"[./]*(?:core/(?:${KERNELS.join("|")})|@uwdata/flechette|apache-arrow)"`,
  "m",
);
const HAND_AGGREGATION = /\.reduce\(|\+=/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|vue)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("compute boundary", () => {
  it("only core/ and the worker decode or run kernels", () => {
    const shell = readdirSync(SRC).filter((name) => /\.(ts|vue)$/.test(name));
    const outside = [
      ...["pages", "components", "app", "i18n", "net", "browser"].flatMap((d) => files(join(SRC, d))),
      ...shell.map((name) => join(SRC, name)),
    ];
    const offenders = outside.filter((f) => KERNEL_IMPORT.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("pages do not aggregate by hand", () => {
    const offenders = files(join(SRC, "pages")).filter((f) => HAND_AGGREGATION.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("the rule catches a page that imports a kernel or sums rows", () => {
    expect(KERNEL_IMPORT.test('import { evaluate } from "../../core/evaluate";')).toBe(true);
    expect(KERNEL_IMPORT.test('import type { Table } from "../../core/make-table";')).toBe(false);
    expect(HAND_AGGREGATION.test("const total = rows.reduce((a, r) => a + r.qty, 0);")).toBe(true);
  });
});
