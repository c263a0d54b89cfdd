/** WIP detail: the group to choose first, then the group's summary, status cards and lot table. */
import type { ViewQuery } from "../../app/use-core-queries";
import type { PageView } from "../page-view";
import { STATUS_CARDS_QUERY, type WipViewState, wipWidgets } from "../wip-shared/wip-queries";
import { lotTableQueries } from "./lot-rows";

export const GROUP_CHOICES: ViewQuery = {
  query: { dataset: "wip", groupBy: ["WORKCENTER_GROUP_SEQ", "WORKCENTER_GROUP"], metrics: ["lots", "qty"] },
};

/** The summary ignores the status card, like the cards themselves. */
export const DETAIL_SUMMARY: ViewQuery = {
  query: { dataset: "wip", metrics: ["lots", "qty"] },
  scope: { except: "status" },
};

/** The WIP detail page's view: `group` undefined = no group chosen yet, null = lots with no group. */
export function wipDetailViews(state: WipViewState): PageView {
  const widgets = wipWidgets(state);
  if (state.group === undefined) return { widgets, queries: { groups: GROUP_CHOICES } };
  return { widgets, queries: { summary: DETAIL_SUMMARY, status: STATUS_CARDS_QUERY, ...lotTableQueries() } };
}
