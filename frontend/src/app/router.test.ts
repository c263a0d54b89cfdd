import { describe, expect, it } from "vitest";
import { formatHash, HOME_PATH, parseHash } from "./router";

describe("hash routes", () => {
  it("parse path and parameters, defaulting to the home path", () => {
    expect(parseHash("")).toEqual({ path: HOME_PATH, params: [] });
    expect(parseHash("#/")).toEqual({ path: HOME_PATH, params: [] });
    expect(parseHash("#/wip/detail/?group=DB&f=A%3Aeq%3A1")).toEqual({
      path: "/wip/detail",
      params: [
        ["group", "DB"],
        ["f", "A:eq:1"],
      ],
    });
  });

  it("round-trip through formatHash, keeping repeated keys and unicode", () => {
    const params: [string, string][] = [
      ["f", 'PACKAGE_LEF:in:["SOD-123FL OP1","SMA"]'],
      ["f", 'LOTID:contains:"ga&25"'],
      ["reason", "工程驗證(PE)"],
    ];
    const hash = formatHash("/hold", params);
    expect(hash.startsWith("#/hold?")).toBe(true);
    expect(parseHash(hash)).toEqual({ path: "/hold", params });
    expect(formatHash("/ops")).toBe("#/ops");
  });
});
