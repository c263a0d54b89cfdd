import { describe, expect, it } from "vitest";
import { DATASETS, metricSpecs } from "./contracts";
import { QueryError } from "./core-error";
import { validateFilters, validateQuery } from "./validate-query";

const base = { dataset: "wip" };
const history = { dataset: "resource_history" };

/** [why, query, part of the message that must name the offending part] */
const rejected: [string, unknown, RegExp][] = [
  ["not an object", [], /query: must be an object/],
  ["missing dataset", {}, /query\.dataset: is required/],
  ["unknown dataset", { dataset: "lots" }, /dataset: must be one of/],
  ["additional property", { ...base, where: [] }, /query\.where: is not an allowed property/],
  ["filters not an array", { ...base, filters: {} }, /filters: must be an array/],
  ["unknown op", { ...base, filters: [{ field: "QTY", op: "gt", value: 1 }] }, /filters\[0\]\.op: must be one of/],
  [
    "extra filter property",
    { ...base, filters: [{ field: "QTY", op: "eq", value: 1, values: [] }] },
    /filters\[0\]\.values: is not an allowed/,
  ],
  ["missing value", { ...base, filters: [{ field: "QTY", op: "eq" }] }, /filters\[0\]\.value: is required/],
  [
    "null eq value",
    { ...base, filters: [{ field: "QTY", op: "eq", value: null }] },
    /filters\[0\]\.value: must be a string, number or boolean/,
  ],
  ["object in values", { ...base, filters: [{ field: "QTY", op: "in", values: [{}] }] }, /filters\[0\]\.values\[0\]/],
  [
    "bad field pattern",
    { ...base, filters: [{ field: "qty", op: "is_null" }] },
    /filters\[0\]\.field: must be a field name/,
  ],
  ["between without bounds", { ...base, filters: [{ field: "QTY", op: "between" }] }, /between needs min or max/],
  [
    "between string bound",
    { ...base, filters: [{ field: "QTY", op: "between", min: "1" }] },
    /filters\[0\]\.min: must be a number/,
  ],
  [
    "contains number",
    { ...base, filters: [{ field: "LOTID", op: "contains", value: 1 }] },
    /filters\[0\]\.value: must be a string/,
  ],
  [
    "unknown field",
    { ...base, filters: [{ field: "NOPE", op: "is_null" }] },
    /filters\[0\]\.field: unknown field "NOPE"/,
  ],
  [
    "string op on number",
    { ...base, filters: [{ field: "QTY", op: "prefix", value: "1" }] },
    /filters\[0\]\.op: prefix needs a string column/,
  ],
  [
    "between on string",
    { ...base, filters: [{ field: "LOTID", op: "between", min: 1 }] },
    /filters\[0\]\.op: between needs a numeric column/,
  ],
  [
    "between on bool",
    { ...base, filters: [{ field: "IS_DUMMY", op: "between", min: 0 }] },
    /between needs a numeric column/,
  ],
  [
    "wrong value type",
    { ...base, filters: [{ field: "QTY", op: "eq", value: "5" }] },
    /filters\[0\]\.value: QTY is int32/,
  ],
  ["number for bool", { ...base, filters: [{ field: "IS_DUMMY", op: "eq", value: 1 }] }, /must be a boolean/],
  [
    "wrong type in values",
    { ...base, filters: [{ field: "LOTID", op: "in", values: ["a", 2] }] },
    /filters\[0\]\.values\[1\]/,
  ],
  [
    "too many group keys",
    { ...base, groupBy: ["QTY", "LOTID", "STATUS", "PRODUCT"] },
    /groupBy: has more than 3 items/,
  ],
  ["unknown group field", { ...base, groupBy: ["NOPE"] }, /groupBy\[0\]: unknown field/],
  [
    "bucket on string",
    { ...base, groupBy: [{ bucket: "LOTID", edges: [1] }] },
    /groupBy\[0\]\.bucket: LOTID is utf8, not numeric/,
  ],
  ["empty edges", { ...base, groupBy: [{ bucket: "QTY", edges: [] }] }, /groupBy\[0\]\.edges: needs at least 1/],
  [
    "non-increasing edges",
    { ...base, groupBy: [{ bucket: "QTY", edges: [1, 1] }] },
    /groupBy\[0\]\.edges\[1\]: edges must be strictly increasing/,
  ],
  ["bucket extra key", { ...base, groupBy: [{ bucket: "QTY", edges: [1], label: "x" }] }, /groupBy\[0\]\.label/],
  [
    "duplicate result column",
    { ...base, groupBy: ["QTY", { bucket: "HOLD_HOURS", edges: [1], as: "QTY" }] },
    /groupBy\[1\]: repeats result column QTY/,
  ],
  ["unknown metric", { ...base, metrics: ["nope"] }, /metrics\[0\]: unknown metric "nope"/],
  [
    "metric of another dataset",
    { ...base, metrics: ["machines"] },
    /metrics\[0\]: metric "machines" is not defined for dataset wip/,
  ],
  ["bad metric id", { ...base, metrics: ["Lots"] }, /metrics\[0\]: must be a metric id/],
  ["repeated metric", { ...base, metrics: ["lots", "lots"] }, /metrics\[1\]: repeats "lots"/],
  [
    "bad sort key",
    { ...base, metrics: ["lots"], sort: [{ by: "qty" }] },
    /sort\[0\]\.by: "qty" is neither a metric nor a group key/,
  ],
  ["empty sort by", { ...base, sort: [{ by: "" }] }, /sort\[0\]\.by: must be a non-empty string/],
  ["sort desc not boolean", { ...base, metrics: ["lots"], sort: [{ by: "lots", desc: 1 }] }, /sort\[0\]\.desc/],
  ["negative limit", { ...base, limit: -1 }, /limit: must be an integer >= 0/],
  ["fractional limit", { ...base, limit: 1.5 }, /limit: must be an integer/],
  [
    "date bound that is no date",
    { ...history, filters: [{ field: "TXNDATE", op: "between", min: "2025/01/01" }] },
    /filters\[0\]\.min: must be a number or a date YYYY-MM-DD/,
  ],
  [
    "date value that is no real date",
    { ...history, filters: [{ field: "TXNDATE", op: "eq", value: "2025-02-29" }] },
    /filters\[0\]\.value: TXNDATE is date, so the value must be a real date YYYY-MM-DD/,
  ],
  [
    "number as a date",
    { ...history, filters: [{ field: "TXNDATE", op: "in", values: [null, 20250101] }] },
    /filters\[0\]\.values\[1\]: TXNDATE is date/,
  ],
  [
    "number bound on a date",
    { ...history, filters: [{ field: "TXNDATE", op: "between", max: 0 }] },
    /filters\[0\]\.max: TXNDATE is date/,
  ],
  [
    "date bound on a number",
    { ...history, filters: [{ field: "HOURS", op: "between", min: "2025-01-01" }] },
    /filters\[0\]\.min: HOURS is float64, so the value must be a number/,
  ],
  [
    "period on a number",
    { ...history, groupBy: [{ period: "HOURS", unit: "day" }] },
    /groupBy\[0\]\.period: HOURS is float64, not a date or timestamp/,
  ],
  [
    "unknown period unit",
    { ...history, groupBy: [{ period: "TXNDATE", unit: "hour" }] },
    /groupBy\[0\]\.unit: must be one of day, week, month, year/,
  ],
  ["period without unit", { ...history, groupBy: [{ period: "TXNDATE" }] }, /groupBy\[0\]\.unit: is required/],
  [
    "period extra key",
    { ...history, groupBy: [{ period: "TXNDATE", unit: "day", edges: [1] }] },
    /groupBy\[0\]\.edges: is not an allowed property/,
  ],
  ["bucket on a date", { ...history, groupBy: [{ bucket: "TXNDATE", edges: [1] }] }, /TXNDATE is date, not numeric/],
];

describe("validateQuery", () => {
  it.each(rejected)("rejects %s with INVALID_QUERY", (_why, query, message) => {
    let error: unknown;
    try {
      validateQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).code).toBe("INVALID_QUERY");
    expect((error as QueryError).message).toMatch(message);
  });

  it("accepts period keys and YYYY-MM-DD date filters", () => {
    const valid = validateQuery({
      ...history,
      filters: [
        { field: "TXNDATE", op: "between", min: "2026-12-28", max: "2027-01-04" },
        { field: "TXNDATE", op: "in", values: ["2024-02-29", null] },
      ],
      groupBy: [
        { period: "TXNDATE", unit: "week" },
        { period: "TXNDATE", unit: "month", as: "MONTH" },
      ],
      metrics: ["hours", "ou_pct_hours", "availability_pct_hours", "history_machines"],
    });
    expect(valid.groupBy).toEqual([
      { name: "TXNDATE", field: "TXNDATE", edges: null, period: "week" },
      { name: "MONTH", field: "TXNDATE", edges: null, period: "month" },
    ]);
  });

  it("accepts the design's example query and normalizes it", () => {
    const valid = validateQuery({
      dataset: "wip",
      filters: [
        { field: "PACKAGE_LEF", op: "in", values: ["SOD-123FL OP1", "SMA", null] },
        { field: "LOTID", op: "contains", value: "ga2512" },
        { field: "QTY", op: "between", min: 0, max: 5000 },
      ],
      groupBy: ["WORKCENTER_GROUP", { bucket: "HOLD_HOURS", edges: [24, 72, 168] }],
      metrics: ["lots", "qty", "quality_hold_lots", "avg_hold_hours"],
      sort: [{ by: "qty", desc: true }, { by: "HOLD_HOURS" }],
      limit: 15,
    });
    expect(valid.groupBy).toEqual([
      { name: "WORKCENTER_GROUP", field: "WORKCENTER_GROUP", edges: null },
      { name: "HOLD_HOURS", field: "HOLD_HOURS", edges: [24, 72, 168] },
    ]);
    expect(valid.sort).toEqual([
      { by: "qty", desc: true },
      { by: "HOLD_HOURS", desc: false },
    ]);
    expect(valid.limit).toBe(15);
  });

  it("accepts timestamps as numbers and booleans as booleans", () => {
    expect(() =>
      validateQuery({
        dataset: "wip",
        filters: [
          { field: "MOVEINTIMESTAMP", op: "between", min: 0 },
          { field: "IS_DUMMY", op: "eq", value: false },
          { field: "CURRENTHOLDTIME", op: "in", values: [1, null] },
        ],
        groupBy: [{ bucket: "MOVEINTIMESTAMP", edges: [0, 1], as: "MOVED" }],
      }),
    ).not.toThrow();
  });
});

describe("contracts/metrics.json", () => {
  it("every metric's fields and where filters are valid for each of its datasets", () => {
    for (const metric of metricSpecs()) {
      for (const dataset of metric.datasets) {
        expect(DATASETS).toContain(dataset);
        for (const part of [metric, metric.numerator, metric.denominator]) {
          if (part?.where) expect(() => validateFilters(dataset, part.where)).not.toThrow();
          if (part?.field) expect(() => validateQuery({ dataset, groupBy: [part.field] })).not.toThrow();
        }
        expect(() => validateQuery({ dataset, metrics: [metric.id] })).not.toThrow();
      }
    }
  });
});
