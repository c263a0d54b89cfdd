import { describe, expect, it } from "vitest";
import { decodeUrlState, encodeUrlState, type UrlState } from "./url-state";

const state: UrlState = {
  filters: [
    { field: "PACKAGE_LEF", op: "in", values: ["SOD-123FL OP1", "SMA", null] },
    { field: "LOTID", op: "contains", value: "ga&2512=封裝 😀" },
    { field: "QTY", op: "between", min: 0, max: 5000 },
    { field: "HOLD_HOURS", op: "between", max: 24.5 },
    { field: "IS_DUMMY", op: "eq", value: false },
    { field: "HOLD_TYPE", op: "is_null" },
    { field: "WORKCENTER_GROUP", op: "ne", value: "a:b" },
  ],
  view: { tab: "hold", sort: "qty:desc", page: "2" },
};

describe("url state", () => {
  it("round-trips through URLSearchParams", () => {
    const params = new URLSearchParams(encodeUrlState(state));
    const decoded = decodeUrlState(new URLSearchParams(params.toString()), "wip");
    expect(decoded.errors).toEqual([]);
    expect(decoded.state).toEqual(state);
  });

  it("is stable: encoding the decoded state gives the same string", () => {
    const text = new URLSearchParams(encodeUrlState(state)).toString();
    const again = new URLSearchParams(encodeUrlState(decodeUrlState(new URLSearchParams(text)).state)).toString();
    expect(again).toBe(text);
    expect(text.startsWith("f=PACKAGE_LEF%3Ain%3A")).toBe(true);
    expect(text.endsWith("&page=2&sort=qty%3Adesc&tab=hold")).toBe(true);
  });

  it("drops malformed or invalid filters and reports them", () => {
    const params = new URLSearchParams([
      ["f", "QTY:gt:5"],
      ["f", "QTY"],
      ["f", "QTY:eq:{"],
      ["f", "NOPE:is_null"],
      ["f", "QTY:eq:5"],
    ]);
    const { state: decoded, errors } = decodeUrlState(params, "wip");
    expect(decoded.filters).toEqual([{ field: "QTY", op: "eq", value: 5 }]);
    expect(errors).toHaveLength(4);
  });
});
