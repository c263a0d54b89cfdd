import { describe, expect, it } from "vitest";
import { currentAgeS, formatAge } from "./format-age";
import { translate } from "./i18n";

describe("formatAge", () => {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate("en", key, params);
  it("picks the largest whole unit", () => {
    expect([5, 90, 7300, 200_000, null].map((s) => formatAge(s, t))).toEqual(["5 s", "1 min", "2 h", "2 d", "—"]);
  });
  it("adds the time since the answer to the server's age", () => {
    expect(currentAgeS(15, 1_000, 31_000)).toBe(45);
    expect(currentAgeS(null, 1_000, 2_000)).toBeNull();
  });
});
