import { describe, expect, it } from "vitest";
import fieldsJson from "../../../../contracts/fields.json";
import { translate } from "../../i18n/i18n";
import { defaultRange, historyRequest, MAX_DAYS, rangeProblem, requestParams } from "./history-request";

// 2026-01-08 00:30 in Taipei is still 2026-01-07 in UTC and in Los Angeles
const NOW = Date.UTC(2026, 0, 7, 16, 30);

describe("history request", () => {
  it("defaults to the last 7 full plant-local days, whatever the machine's zone", () => {
    expect(defaultRange(NOW)).toEqual({ start: "2026-01-01", end: "2026-01-07" });
    expect(defaultRange(NOW, 90).start).toBe("2025-10-10");
    const request = historyRequest({}, [], NOW);
    expect(request).toMatchObject({ start: "2026-01-01", end: "2026-01-07", granularity: "day", problem: null });
  });

  it("reads the URL's range, granularity, flags and picked values as server parameters", () => {
    const request = historyRequest(
      { from: "2025-12-01", to: "2025-12-31", unit: "month", prod: "1", mon: "0" },
      [
        { field: "WORKCENTER_GROUP", op: "in", values: ["WB", "DB", null] },
        { field: "RESOURCEFAMILYNAME", op: "contains", value: "x" },
      ],
      NOW,
    );
    expect(request).toMatchObject({ granularity: "month", groups: ["DB", "WB"], families: [], flags: ["prod"] });
    expect(requestParams(request)).toEqual({
      start: "2025-12-01",
      end: "2025-12-31",
      workcenter_groups: ["DB", "WB"],
      families: [],
      is_production: true,
    });
    expect(historyRequest({ unit: "hour" }, [], NOW).granularity).toBe("day");
  });

  it("names the wrong parameter of a bad range", () => {
    expect(rangeProblem("2025-02-29", "2025-03-01")).toEqual({ parameter: "start", message: "hist.range.invalid" });
    expect(rangeProblem("2025-03-02", "2025-03-01")).toEqual({ parameter: "end", message: "hist.range.order" });
    expect(rangeProblem("2024-01-01", "2025-12-31")).toEqual({ parameter: "end", message: "hist.range.tooLong" });
    expect(rangeProblem("2024-01-01", "2025-12-30")).toBeNull();
  });

  it("takes the longest range from the field contract, as the server does, and says it in both languages", () => {
    expect(MAX_DAYS).toBe(fieldsJson.datasets.resource_history.max_range_days);
    expect(MAX_DAYS).toBe(730);
    expect(translate("en", "hist.range.tooLong", { n: MAX_DAYS })).toBe("A range holds at most 730 days.");
    expect(translate("zh-TW", "hist.range.tooLong", { n: MAX_DAYS })).toBe("區間最多 730 天。");
  });
});
