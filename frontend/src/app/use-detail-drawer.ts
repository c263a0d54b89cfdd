/** A drawer showing one row (GET .../rows/<key>) in labelled sections: the row and the drawer's props. */
import { computed, type Ref } from "vue";
import type { SnapshotDataset } from "../core/query";
import { useI18n } from "../i18n/i18n";
import { buildDetailSections, type SectionDef } from "./detail-sections";
import { useRowDetail } from "./use-row-detail";

export function useDetailDrawer(dataset: SnapshotDataset, key: Ref<string | null>, defs: readonly SectionDef[]) {
  const { t, locale } = useI18n();
  const detail = useRowDetail(dataset, key);
  const sections = computed(() =>
    detail.row.value
      ? buildDetailSections(dataset, detail.row.value, defs, locale.value, {
          yes: t("common.yes"),
          no: t("common.no"),
        }).map((s) => ({ ...s, title: t(s.title) }))
      : [],
  );
  /** The DetailDrawer props every row drawer passes the same way (bind with v-bind). */
  const frame = computed(() => ({
    sections: sections.value,
    loading: detail.loading.value,
    loadingText: t("drawer.loading"),
    error: detail.errorCode.value ? t("drawer.failed", { code: detail.errorCode.value }) : null,
    closeLabel: t("common.close"),
  }));
  return { row: detail.row, frame };
}
