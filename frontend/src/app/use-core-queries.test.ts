import { describe, expect, it } from "vitest";
import { effectScope, nextTick, ref, shallowRef } from "vue";
import type { QueryResult } from "../core/query";
import { type QueryTarget, useCoreQueries } from "./use-core-queries";

const settle = async () => {
  for (let i = 0; i < 5; i++) {
    await nextTick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
};

function fakeStore() {
  const state = shallowRef({ revision: 1 });
  const evaluated: string[] = [];
  const store: QueryTarget = {
    state,
    syncWidgets: async () => {},
    evaluate: async (query) => {
      evaluated.push(JSON.stringify(query));
      return { rows: [], total: { n: evaluated.length } } as QueryResult;
    },
  };
  return { store, state, evaluated };
}

describe("useCoreQueries", () => {
  it("sends again only the queries whose text, widgets or data changed", async () => {
    const { store, state, evaluated } = fakeStore();
    const unit = ref<"day" | "week">("day");
    const scope = effectScope();
    const view = scope.run(() =>
      useCoreQueries(store, () => ({
        widgets: {},
        queries: {
          kpi: { query: { dataset: "resource_history", metrics: ["hours"] } },
          trend: { query: { dataset: "resource_history", groupBy: [{ period: "TXNDATE", unit: unit.value }] } },
        },
      })),
    );
    await settle();
    expect(evaluated).toHaveLength(2);
    const kpi = view?.results.value.kpi;
    unit.value = "week";
    await settle();
    expect(evaluated).toHaveLength(3);
    expect(evaluated[2]).toContain("week");
    expect(view?.results.value.kpi).toBe(kpi);
    state.value = { revision: 2 };
    await settle();
    expect(evaluated).toHaveLength(5);
    scope.stop();
  });

  it("tells which view the shown results answer, lagging the UI state until the next ones arrive", async () => {
    const { store } = fakeStore();
    const gates: (() => void)[] = [];
    const gated: QueryTarget = {
      ...store,
      evaluate: (query, scope) =>
        new Promise((resolve) => {
          gates.push(() => resolve(store.evaluate(query, scope)));
        }),
    };
    const unit = ref<"day" | "week">("day");
    const trendUnit = (v: ReturnType<typeof useCoreQueries<"trend">> | undefined) =>
      (v?.answered.value?.queries.trend?.query.groupBy?.[0] as { unit?: string } | undefined)?.unit;
    const scope = effectScope();
    const view = scope.run(() =>
      useCoreQueries<"trend">(gated, () => ({
        widgets: {},
        queries: {
          trend: { query: { dataset: "resource_history", groupBy: [{ period: "TXNDATE", unit: unit.value }] } },
        },
      })),
    );
    await settle();
    expect(view?.answered.value).toBeNull();
    for (const open of gates.splice(0)) open();
    await settle();
    expect(trendUnit(view)).toBe("day");
    const dayResult = view?.results.value.trend;
    unit.value = "week";
    await settle();
    expect(gates).toHaveLength(1);
    expect(trendUnit(view)).toBe("day");
    expect(view?.results.value.trend).toBe(dayResult);
    for (const open of gates.splice(0)) open();
    await settle();
    expect(trendUnit(view)).toBe("week");
    expect(view?.results.value.trend).not.toBe(dayResult);
    scope.stop();
  });

  it("publishes a progressive first run answer by answer, then later runs all at once", async () => {
    const { store } = fakeStore();
    const gates: (() => void)[] = [];
    const gated: QueryTarget = {
      ...store,
      evaluate: (query, scope) =>
        new Promise((resolve) => {
          gates.push(() => resolve(store.evaluate(query, scope)));
        }),
    };
    const unit = ref<"day" | "week">("day");
    const scope = effectScope();
    const view = scope.run(() =>
      useCoreQueries<"kpi" | "trend">(
        gated,
        () => ({
          widgets: {},
          queries: {
            kpi: { query: { dataset: "resource_history", metrics: ["hours"] } },
            trend: { query: { dataset: "resource_history", groupBy: [{ period: "TXNDATE", unit: unit.value }] } },
          },
        }),
        { progressive: true },
      ),
    );
    await settle();
    expect(view?.ready.value).toBe(false);
    expect([...(view?.waiting.value ?? [])]).toEqual(["kpi", "trend"]);
    gates.shift()?.();
    await settle();
    // the first answer is shown at once, the other one is still computing
    expect(view?.ready.value).toBe(true);
    expect(Object.keys(view?.results.value ?? {})).toEqual(["kpi"]);
    expect([...(view?.waiting.value ?? [])]).toEqual(["trend"]);
    expect(view?.pending.value).toBe(true);
    gates.shift()?.();
    await settle();
    expect(Object.keys(view?.results.value ?? {}).sort()).toEqual(["kpi", "trend"]);
    expect(view?.waiting.value.size).toBe(0);
    expect(view?.pending.value).toBe(false);
    // a later run (results shown) changes nothing until all its answers are in
    const shown = view?.results.value;
    unit.value = "week";
    await settle();
    expect(gates).toHaveLength(1);
    expect(view?.waiting.value.size).toBe(0);
    expect(view?.results.value).toBe(shown);
    gates.shift()?.();
    await settle();
    expect(view?.results.value).not.toBe(shown);
    expect(view?.results.value.kpi).toBe(shown?.kpi);
    scope.stop();
  });

  it("without the option publishes the first run only when every answer is in", async () => {
    const { store } = fakeStore();
    const gates: (() => void)[] = [];
    const gated: QueryTarget = {
      ...store,
      evaluate: (query, scope) =>
        new Promise((resolve) => {
          gates.push(() => resolve(store.evaluate(query, scope)));
        }),
    };
    const scope = effectScope();
    const view = scope.run(() =>
      useCoreQueries<"a" | "b">(gated, () => ({
        widgets: {},
        queries: {
          a: { query: { dataset: "wip", metrics: ["lots"] } },
          b: { query: { dataset: "wip", metrics: ["qty"] } },
        },
      })),
    );
    await settle();
    gates.shift()?.();
    await settle();
    expect(view?.ready.value).toBe(false);
    expect(view?.results.value).toEqual({});
    expect(view?.waiting.value.size).toBe(0);
    gates.shift()?.();
    await settle();
    expect(view?.ready.value).toBe(true);
    expect(Object.keys(view?.results.value ?? {}).sort()).toEqual(["a", "b"]);
    scope.stop();
  });
});
