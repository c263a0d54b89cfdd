/** A filter bar's fields, labels and suggestions (core suggest under every other filter, not its own). */
import { computed } from "vue";
import { WIDGET_PREFIX } from "../core/filter-model";
import { useI18n } from "../i18n/i18n";
import type { DatasetStore } from "./dataset-store";

export function useFilterBar(store: DatasetStore, fieldNames: readonly string[]) {
  const { t, fieldLabel } = useI18n();
  return {
    fields: computed(() => fieldNames.map((field) => ({ field, label: fieldLabel(store.dataset, field) }))),
    labels: computed(() => ({
      placeholder: t("filter.placeholder"),
      noSuggestions: t("filter.noSuggestions"),
      clearAll: t("filter.clearAll"),
      title: t("filter.label"),
    })),
    suggest: (field: string, text: string) =>
      store.suggest({ field, text, mode: "contains", limit: 12 }, { except: `${WIDGET_PREFIX}${field}` }),
  };
}
