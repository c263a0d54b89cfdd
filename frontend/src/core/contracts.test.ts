import { describe, expect, it } from "vitest";
import {
  datasetKey,
  errorSpec,
  fieldSpec,
  fieldSpecs,
  isDataset,
  metricSpec,
  metricSpecs,
  PLANT_TIME_ZONE,
} from "./contracts";

describe("contracts", () => {
  it("gives typed access to fields, metrics and errors", () => {
    expect(PLANT_TIME_ZONE).toBe("Asia/Taipei");
    expect(isDataset("wip")).toBe(true);
    expect(isDataset("toString")).toBe(false);
    expect(datasetKey("resource")).toBe("RESOURCEID");
    expect(fieldSpec("wip", "QTY")).toMatchObject({ type: "int32", export: "Qty (pcs)", payload: "main" });
    expect(fieldSpecs("wip").length).toBeGreaterThan(10);
    expect(metricSpec("ou_pct")).toMatchObject({ agg: "ratio", scale: 100, unit: "%" });
    expect(metricSpecs("resource").every((m) => m.datasets.includes("resource"))).toBe(true);
    expect(errorSpec("DB_TIMEOUT")).toEqual({ status: 504, retryable: true, title: "Database call timed out" });
    expect(errorSpec("constructor")).toBeUndefined();
  });
});
