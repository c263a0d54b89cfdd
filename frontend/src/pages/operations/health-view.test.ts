import { describe, expect, it } from "vitest";
import { translate } from "../../i18n/i18n";
import { datasetHealth, datasetSummary, flatten, otherSections, sectionTitleKey } from "./health-view";

const body = {
  status: "degraded",
  datasets: {
    wip: {
      version: "v1",
      rows: 10,
      snapshot_time: "2026-01-01T08:00:00+08:00",
      age_s: 3.5,
      last_result: "built",
      last_error: "",
      degraded_since: null,
      refresh_interval_s: 60,
    },
  },
  degraded: { wip: "2026-01-01T00:00:00+00:00" },
  redis: { configured: true, state: { up: false, since: null } },
  settings: { workers: 2, excluded_locations: ["A", "B"] },
  alerts: [{ name: "stale", since: "x" }],
};

describe("health view", () => {
  it("reads datasets", () => {
    expect(datasetHealth(body)).toEqual([
      {
        name: "wip",
        version: "v1",
        rows: 10,
        snapshotTime: "2026-01-01T08:00:00+08:00",
        ageS: 3.5,
        lastResult: "built",
        lastSuccess: null,
        lastError: null,
        degradedSince: null,
        intervalS: 60,
      },
    ]);
    expect(datasetHealth({})).toEqual([]);
  });

  it("flattens other sections to text rows", () => {
    expect(flatten(body.settings)).toEqual([
      { key: "excluded_locations", value: "A, B" },
      { key: "workers", value: "2" },
    ]);
    expect(otherSections(body).map((s) => [s.name, s.rows])).toEqual([
      [
        "alerts",
        [
          { key: "[0].name", value: "stale" },
          { key: "[0].since", value: "x" },
        ],
      ],
      [
        "redis",
        [
          { key: "configured", value: "true" },
          { key: "state.since", value: "—" },
          { key: "state.up", value: "false" },
        ],
      ],
    ]);
  });

  it("reads the summary anyone sees, from either body", () => {
    const summary = {
      status: "ok",
      datasets: { wip: { version: "v2", snapshot_time: null, age_s: 4, degraded: true } },
    };
    expect(datasetSummary(summary)).toEqual([
      { name: "wip", version: "v2", snapshotTime: null, ageS: 4, degraded: true },
    ]);
    expect(datasetSummary(body)[0]).toMatchObject({ name: "wip", version: "v1", degraded: false });
    expect(otherSections(summary)).toEqual([]);
  });
});

describe("sectionTitleKey", () => {
  it("names every section /health/deep reports today, in both languages", () => {
    for (const name of ["redis", "database", "source", "breakers", "dead_threads", "alerts", "problems"]) {
      const key = sectionTitleKey(name);
      expect(key).not.toBeNull();
      if (!key) continue;
      expect(translate("en", key)).not.toBe(name);
      if (name !== "redis") expect(translate("zh-TW", key)).not.toBe(translate("en", key));
    }
  });

  it("leaves a section it does not know to its own name", () => {
    expect(sectionTitleKey("future_section")).toBeNull();
  });
});
