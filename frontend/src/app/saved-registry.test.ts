import { describe, expect, it } from "vitest";
import type { PageRegistry } from "../core/page-registry";
import { type KeyValueStorage, releasedOnly, SAVED_REGISTRY_KEY, savedRegistry } from "./saved-registry";

const label = (en: string) => ({ "zh-TW": en, en });

const REGISTRY: PageRegistry = {
  drawers: [
    { id: "wip", label: label("WIP"), pages: ["wip", "hold"] },
    { id: "lab", label: label("Lab"), pages: ["secret"] },
  ],
  pages: [
    { id: "wip", path: "/wip", label: label("WIP overview"), status: "released" },
    { id: "hold", path: "/hold", label: label("Hold"), status: "dev" },
    { id: "secret", path: "/secret", label: label("Secret"), status: "dev" },
  ],
};

function memory(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe("saved registry", () => {
  it("keeps only released pages and the drawers that still hold one", () => {
    const kept = releasedOnly(REGISTRY);
    expect(kept.pages.map((p) => p.id)).toEqual(["wip"]);
    expect(kept.drawers).toEqual([{ id: "wip", label: label("WIP"), pages: ["wip"] }]);
  });

  it("reads back what it saved, never an admin's dev pages", () => {
    const storage = memory();
    const saved = savedRegistry(storage);
    expect(saved.read()).toBeNull();
    saved.save(REGISTRY);
    expect(storage.map.get(SAVED_REGISTRY_KEY)).not.toContain("secret");
    expect(saved.read()).toEqual(releasedOnly(REGISTRY));
    saved.clear();
    expect(saved.read()).toBeNull();
  });

  it("treats garbage, an empty registry and a refusing storage as nothing saved", () => {
    const storage = memory();
    storage.map.set(SAVED_REGISTRY_KEY, "{not json");
    expect(savedRegistry(storage).read()).toBeNull();
    storage.map.set(SAVED_REGISTRY_KEY, JSON.stringify({ drawers: [], pages: [] }));
    expect(savedRegistry(storage).read()).toBeNull();
    const refusing: KeyValueStorage = {
      getItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => {
        throw new DOMException("denied", "SecurityError");
      },
    };
    const saved = savedRegistry(refusing);
    expect(() => saved.save(REGISTRY)).not.toThrow();
    expect(() => saved.clear()).not.toThrow();
    expect(saved.read()).toBeNull();
    expect(savedRegistry(null).read()).toBeNull();
  });
});
