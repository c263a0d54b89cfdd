/** A page's filter and view state, read from and written to the route (so a URL reopens the view). */
import { computed } from "vue";
import type { Dataset, Filter } from "../core/query";
import { decodeUrlState, encodeUrlState } from "../core/url-state";
import { navigate, useRoute } from "./router";

export interface UrlStateChange {
  filters?: Filter[];
  /** View keys to set; null removes the key ("" is kept: it stands for a null group or reason). */
  view?: Record<string, string | null>;
}

export function useUrlState(dataset: Dataset) {
  const route = useRoute();
  const decoded = computed(() => decodeUrlState(route.value.params, dataset));
  const filters = computed(() => decoded.value.state.filters);
  const view = computed(() => decoded.value.state.view);

  /** Write a new state to the URL (a new history entry unless `replace`). */
  const update = (change: UrlStateChange, replace = false, path = route.value.path) => {
    const nextView: Record<string, string> = { ...view.value };
    for (const [key, value] of Object.entries(change.view ?? {})) {
      if (value === null) delete nextView[key];
      else nextView[key] = value;
    }
    navigate(path, encodeUrlState({ filters: change.filters ?? filters.value, view: nextView }), replace);
  };

  return { filters, view, update, errors: computed(() => decoded.value.errors) };
}

/** The URL parameters of another view carrying these filters and view keys. */
export function urlParams(
  filters: readonly Filter[],
  view: Record<string, string | null | undefined>,
): [string, string][] {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(view)) if (value !== null && value !== undefined) clean[key] = value;
  return encodeUrlState({ filters: [...filters], view: clean });
}
