import { describe, expect, it } from "vitest";
import fieldsJson from "../../../contracts/fields.json";
import {
  datasetKey,
  errorSpec,
  fieldSpec,
  fieldSpecs,
  isDataset,
  isSnapshotDataset,
  metricSpec,
  metricSpecs,
  PLANT_TIME_ZONE,
  SNAPSHOT_DATASETS,
  sectionFields,
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

  it("lists the snapshot datasets by their contract kind, which the SnapshotDataset type reads from the watermark", () => {
    const entries = Object.entries(fieldsJson.datasets) as [string, { kind: string; watermark?: string }][];
    const snapshots = entries.filter(([, d]) => d.kind === "snapshot").map(([name]) => name);
    expect(snapshots.length).toBeGreaterThan(0);
    expect(SNAPSHOT_DATASETS).toEqual(snapshots);
    for (const [name, d] of entries) {
      expect(["snapshot", "query"], name).toContain(d.kind);
      expect(typeof d.watermark === "string", name).toBe(d.kind === "snapshot");
      expect(isSnapshotDataset(name), name).toBe(d.kind === "snapshot");
    }
    expect(isSnapshotDataset("toString")).toBe(false);
  });
});

describe("sectionFields", () => {
  it("lists a drawer section's fields in contract order, and nothing for an unknown section", () => {
    const job = sectionFields("resource", "job");
    expect(job[0]).toBe("JOBORDER");
    expect(job).toContain("REPAIRCODE");
    const order = fieldSpecs("resource").map((f) => f.name);
    expect([...job].sort((a, b) => order.indexOf(a) - order.indexOf(b))).toEqual(job);
    expect(sectionFields("resource", "no-such-section")).toEqual([]);
  });
});
