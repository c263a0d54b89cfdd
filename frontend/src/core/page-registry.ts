/** The page registry (GET /api/v1/pages): navigation drawers and the pages this user may open. */
import type { Locale } from "./contracts";

export interface RegistryPage {
  id: string;
  path: string;
  label: Record<Locale, string>;
  status: string;
  drilldown?: boolean;
}

export interface RegistryDrawer {
  id: string;
  label: Record<Locale, string>;
  pages: string[];
}

export interface PageRegistry {
  drawers: RegistryDrawer[];
  pages: RegistryPage[];
}

export interface NavDrawer {
  id: string;
  label: Record<Locale, string>;
  pages: RegistryPage[];
}

function isLabel(value: unknown): value is Record<Locale, string> {
  const v = value as Record<string, unknown> | null;
  return typeof v === "object" && v !== null && typeof v["zh-TW"] === "string" && typeof v.en === "string";
}

/** Keep only well-formed drawers and pages (a hand-edited registry must not break the shell). */
export function parseRegistry(body: unknown): PageRegistry {
  const b = (typeof body === "object" && body !== null ? body : {}) as { drawers?: unknown; pages?: unknown };
  const pages = (Array.isArray(b.pages) ? b.pages : []).filter(
    (p): p is RegistryPage =>
      typeof p?.id === "string" && typeof p?.path === "string" && p.path.startsWith("/") && isLabel(p?.label),
  );
  const drawers = (Array.isArray(b.drawers) ? b.drawers : []).filter(
    (d): d is RegistryDrawer =>
      typeof d?.id === "string" &&
      isLabel(d?.label) &&
      Array.isArray(d?.pages) &&
      d.pages.every((x: unknown) => typeof x === "string"),
  );
  return { drawers, pages };
}

/** Drawers with their pages resolved, in registry order; empty drawers are left out. */
export function navDrawers(registry: PageRegistry): NavDrawer[] {
  const byId = new Map(registry.pages.map((p) => [p.id, p]));
  return registry.drawers
    .map((d) => ({ id: d.id, label: d.label, pages: d.pages.flatMap((id) => byId.get(id) ?? []) }))
    .filter((d) => d.pages.length > 0);
}
