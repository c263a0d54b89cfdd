import { describe, expect, it } from "vitest";
import { validateFilters, validateQuery } from "../core/validate-query";
import { isPageId, PAGE_IDS, PAGE_VIEWS, type PageId, type PageState, pageViews } from "./page-views";
import { STATUS_CARDS_QUERY } from "./wip-shared/wip-queries";

const bar = [{ field: "PACKAGE_LEF", op: "in" as const, values: ["SMA", null] }];

const STATES: { [P in PageId]: PageState<P>[] } = {
  "wip-overview": [
    { filters: [], status: null, includeDummy: false },
    { filters: bar, status: "quality", includeDummy: true },
  ],
  "wip-detail": [
    { filters: [], status: null, includeDummy: false },
    { filters: bar, status: "RUN", includeDummy: false, group: null },
    { filters: [], status: null, includeDummy: false, group: "DB" },
  ],
  "hold-detail": [
    { filters: [], includeDummy: false },
    { filters: bar, includeDummy: false, reason: null, group: "DB", pkg: null, bucket: 3 },
  ],
  "equipment-status": [
    { filters: [], flags: [], categories: [], cell: null },
    { filters: [], flags: ["prod"], categories: ["down"], cell: { group: "DB", family: null, status: "UDT" } },
  ],
  "equipment-history": [
    { granularity: "day" },
    { granularity: "week" },
    { granularity: "month" },
    { granularity: "year" },
  ],
};

function eachView(check: (pageId: PageId, state: object) => void): void {
  for (const pageId of PAGE_IDS) for (const state of STATES[pageId]) check(pageId, state);
}

describe("page views", () => {
  it("list every page once, each with its dataset", () => {
    expect(PAGE_IDS).toEqual(["wip-overview", "wip-detail", "hold-detail", "equipment-status", "equipment-history"]);
    expect(PAGE_IDS.map((p) => PAGE_VIEWS[p].dataset)).toEqual(["wip", "wip", "wip", "resource", "resource_history"]);
    expect(isPageId("wip-overview")).toBe(true);
    expect(isPageId("toString")).toBe(false);
  });

  it("hold valid queries on the page's dataset and valid widget filters", () => {
    eachView((pageId, state) => {
      const view = pageViews(pageId, state as never);
      expect(Object.keys(view.queries).length).toBeGreaterThan(0);
      for (const [name, { query, scope }] of Object.entries(view.queries)) {
        expect(() => validateQuery(query), `${pageId} ${name}`).not.toThrow();
        expect(query.dataset).toBe(view.dataset);
        expect(scope === "all" || typeof scope.except === "string").toBe(true);
      }
      for (const [name, filters] of Object.entries(view.widgets))
        expect(() => validateFilters(view.dataset, filters, name)).not.toThrow();
    });
  });

  it("are deterministic plain JSON", () => {
    eachView((pageId, state) => {
      const view = pageViews(pageId, state as never);
      expect(pageViews(pageId, state as never)).toEqual(view);
      expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    });
  });

  it("are what the pages run: the detail's choices before a group or reason, then the details", () => {
    const choose = pageViews("wip-detail", { filters: [], status: null, includeDummy: false });
    expect(Object.keys(choose.queries)).toEqual(["groups"]);
    expect(choose.widgets.group).toBeUndefined();
    const detail = pageViews("wip-detail", { filters: [], status: "RUN", includeDummy: false, group: null });
    expect(detail.queries.status).toEqual({ ...STATUS_CARDS_QUERY, scope: { except: "status" } });
    expect(detail.widgets.group).toEqual([{ field: "WORKCENTER_GROUP", op: "in", values: [null] }]);
    const reasons = pageViews("hold-detail", { filters: [], includeDummy: false, group: "DB" });
    expect(Object.keys(reasons.queries)).toEqual(["reasons"]);
    expect(reasons.widgets["d.group"]).toEqual([]);
    const overview = pageViews("wip-overview", { filters: [], status: null, includeDummy: false, group: "DB" });
    expect(overview.widgets.group).toBeUndefined();
    expect(overview.queries.kpi).toEqual({ query: { dataset: "wip", metrics: ["lots", "qty"] }, scope: "all" });
  });
});
