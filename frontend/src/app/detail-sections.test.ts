import { describe, expect, it } from "vitest";
import { fieldSpecs } from "../core/contracts";
import { buildDetailSections, EQUIPMENT_SECTIONS, formatFieldValue, hasJob, LOT_SECTIONS } from "./detail-sections";

const yesNo = { yes: "Yes", no: "No" };
const lot = {
  LOTID: "GA1-001",
  WIP_STATUS: "QUEUE",
  CURRENTHOLDCOUNT: 0,
  QTY: 12345,
  MOVEINTIMESTAMP: "2026-11-28T21:40:35+08:00",
  CONTAINERCOMMENTS: "<img src=x onerror=alert(1)>",
  EVENTNAME: null,
  SYS_DATE: "2026-11-28T21:41:06+08:00",
  IS_DUMMY: false,
};

describe("lot drawer sections", () => {
  it("skips hold and NCR for a lot that is not held and has no NCR", () => {
    const sections = buildDetailSections("wip", lot, LOT_SECTIONS, "en", yesNo);
    expect(sections.map((s) => s.id)).toEqual(["basic", "product", "process", "material", "comments", "other"]);
    const basic = sections[0]?.items ?? [];
    expect(basic.find((i) => i.field === "QTY")).toMatchObject({ label: "Qty (pcs)", value: "12,345" });
    expect(basic.find((i) => i.field === "IS_DUMMY")?.value).toBe("No");
    const comment = sections.find((s) => s.id === "comments")?.items[0];
    expect(comment).toMatchObject({ value: "<img src=x onerror=alert(1)>", multiline: true });
    const process = sections.find((s) => s.id === "process")?.items ?? [];
    expect(process.find((i) => i.field === "MOVEINTIMESTAMP")?.value).toBe("2026-11-28 21:40:35");
    expect(sections.at(-1)?.items.map((i) => i.field)).toEqual(["SYS_DATE"]);
  });

  it("shows hold and NCR when present, with zh-TW labels", () => {
    const held = {
      ...lot,
      WIP_STATUS: "HOLD",
      CURRENTHOLDCOUNT: 1,
      HOLDREASONNAME: "外觀不良(QC)",
      EVENTNAME: "NCR-1",
    };
    const sections = buildDetailSections("wip", held, LOT_SECTIONS, "zh-TW", yesNo);
    expect(sections.map((s) => s.id)).toContain("hold");
    expect(sections.find((s) => s.id === "ncr")?.items[0]).toMatchObject({ label: "NCR編號", value: "NCR-1" });
  });

  it("lists every contract field in exactly one section", () => {
    for (const [dataset, defs] of [
      ["wip", LOT_SECTIONS],
      ["resource", EQUIPMENT_SECTIONS],
    ] as const) {
      const named = defs.flatMap((d) => (d.fields === "rest" ? [] : d.fields));
      expect(new Set(named).size).toBe(named.length);
      const known = new Set(fieldSpecs(dataset).map((f) => f.name));
      expect(named.filter((n) => !known.has(n))).toEqual([]);
    }
  });
});

describe("equipment drawer sections", () => {
  it("shows the job section only with a job", () => {
    const row = { RESOURCEID: "EQ1", HAS_JOB: false, JOBORDER: null, PJ_ISKEY: true };
    expect(hasJob(row)).toBe(false);
    const ids = buildDetailSections("resource", row, EQUIPMENT_SECTIONS, "en", yesNo).map((s) => s.id);
    expect(ids).not.toContain("job");
    expect(hasJob({ ...row, JOBORDER: "JO-1" })).toBe(true);
  });
});

describe("formatFieldValue", () => {
  it("formats by type and shows an em dash for no value", () => {
    expect(formatFieldValue({ type: "float64", unit: "h" }, 12.34, "en", yesNo)).toBe("12.3");
    expect(formatFieldValue({ type: "float64" }, 2.555, "en", yesNo)).toBe("2.56");
    expect(formatFieldValue({ type: "utf8" }, null, "en", yesNo)).toBe("—");
    expect(formatFieldValue({ type: "timestamp" }, "not a date", "en", yesNo)).toBe("not a date");
  });
});
