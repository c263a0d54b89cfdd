/**
 * Hash routing (`#/wip?f=...`): the backend serves only index.html, so every view lives in the
 * fragment. Filter state rides in the fragment's query string; back/forward replay it.
 */
import { type ShallowRef, shallowRef } from "vue";

export interface Route {
  path: string;
  params: [string, string][];
}

export const HOME_PATH = "/wip";

/** `#/a/b?x=1` -> {path: "/a/b", params: [["x", "1"]]}; an empty hash is the home path. */
export function parseHash(hash: string): Route {
  const raw = hash.startsWith("#") ? hash.slice(1) : hash;
  const q = raw.indexOf("?");
  const pathPart = q < 0 ? raw : raw.slice(0, q);
  const path = `/${pathPart.replace(/^\/+|\/+$/g, "")}`;
  const params = [...new URLSearchParams(q < 0 ? "" : raw.slice(q + 1))];
  return { path: path === "/" ? HOME_PATH : path, params };
}

export function formatHash(path: string, params: readonly [string, string][] = []): string {
  const query = new URLSearchParams(params as [string, string][]).toString();
  return `#${path}${query ? `?${query}` : ""}`;
}

let current: ShallowRef<Route> | null = null;

function sync(): void {
  if (current) current.value = parseHash(location.hash);
}

/** The current route (reactive); listens to back/forward and hand-edited fragments. */
export function useRoute(): ShallowRef<Route> {
  if (!current) {
    current = shallowRef(parseHash(location.hash));
    window.addEventListener("popstate", sync);
    window.addEventListener("hashchange", sync);
  }
  return current;
}

/** Go to a view; `replace` rewrites the current history entry instead of adding one. */
export function navigate(path: string, params: readonly [string, string][] = [], replace = false): void {
  const hash = formatHash(path, params);
  const route = useRoute();
  if (hash !== location.hash) {
    if (replace) history.replaceState(history.state, "", hash);
    else history.pushState(history.state, "", hash);
  }
  route.value = parseHash(hash);
}

/** The link target of a view (for <a href>). */
export function hrefOf(path: string, params: readonly [string, string][] = []): string {
  return formatHash(path, params);
}
