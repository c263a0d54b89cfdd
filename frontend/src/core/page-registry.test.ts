import { describe, expect, it } from "vitest";
import { navDrawers, parseRegistry } from "./page-registry";

const label = (s: string) => ({ "zh-TW": s, en: s });

describe("page registry", () => {
  it("drops malformed entries and resolves drawer pages in order", () => {
    const registry = parseRegistry({
      drawers: [
        { id: "reports", label: label("R"), pages: ["b", "a", "missing"] },
        { id: "empty", label: label("E"), pages: ["missing"] },
        { id: "bad", pages: [] },
      ],
      pages: [
        { id: "a", path: "/a", label: label("A"), status: "released" },
        { id: "b", path: "/b", label: label("B"), status: "released" },
        { id: "c", path: "no-slash", label: label("C"), status: "released" },
        null,
      ],
    });
    expect(registry.pages.map((p) => p.id)).toEqual(["a", "b"]);
    expect(navDrawers(registry).map((d) => [d.id, d.pages.map((p) => p.id)])).toEqual([["reports", ["b", "a"]]]);
    expect(parseRegistry("nonsense")).toEqual({ drawers: [], pages: [] });
  });
});
