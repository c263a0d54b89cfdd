import { describe, expect, it } from "vitest";
import { pareto } from "./pareto";

describe("pareto", () => {
  it("gives the cumulative percentage over the ordered values", () => {
    expect(pareto([50, 30, null, 20])).toEqual([50, 80, 80, 100]);
  });

  it("is null everywhere when the total is 0 or there are no values", () => {
    expect(pareto([0, null, 0])).toEqual([null, null, null]);
    expect(pareto([])).toEqual([]);
  });
});
