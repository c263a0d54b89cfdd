/**
 * The page registry last seen on this device, so the shell and its navigation render at once on a
 * reload and while the server is down (issue 14: a page opened with the server down shows its local
 * copy). Only released pages are kept: what any user sees, never an admin's dev pages. The server's
 * answer replaces it as soon as it comes; a storage that refuses (private mode, quota) only means
 * nothing is remembered.
 */
import type { PageRegistry } from "../core/page-registry";
import { parseRegistry } from "../core/page-registry";

export const SAVED_REGISTRY_KEY = "mes-dashboard:pages";

/** The part of Web Storage used here (localStorage in the browser, a Map in unit tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SavedRegistry {
  /** The saved registry, or null when none (or unreadable). */
  read(): PageRegistry | null;
  /** Keep the released part of `registry`. */
  save(registry: PageRegistry): void;
  clear(): void;
}

/** The registry any user sees: released pages only, drawers without the others, empty drawers dropped. */
export function releasedOnly(registry: PageRegistry): PageRegistry {
  const pages = registry.pages.filter((p) => p.status === "released");
  const ids = new Set(pages.map((p) => p.id));
  const drawers = registry.drawers
    .map((d) => ({ ...d, pages: d.pages.filter((id) => ids.has(id)) }))
    .filter((d) => d.pages.length > 0);
  return { drawers, pages };
}

function pageStorage(): KeyValueStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function savedRegistry(storage: KeyValueStorage | null = pageStorage()): SavedRegistry {
  const quietly = (work: () => void) => {
    try {
      work();
    } catch {
      // Storage refused (private mode, quota, disabled): nothing is remembered, nothing breaks.
    }
  };
  return {
    read() {
      try {
        const text = storage?.getItem(SAVED_REGISTRY_KEY) ?? null;
        if (text === null) return null;
        const registry = releasedOnly(parseRegistry(JSON.parse(text)));
        return registry.pages.length > 0 ? registry : null;
      } catch {
        return null;
      }
    },
    save(registry) {
      quietly(() => storage?.setItem(SAVED_REGISTRY_KEY, JSON.stringify(releasedOnly(registry))));
    },
    clear() {
      quietly(() => storage?.removeItem(SAVED_REGISTRY_KEY));
    },
  };
}
