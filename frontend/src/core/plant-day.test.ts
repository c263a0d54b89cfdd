import { afterAll, describe, expect, it } from "vitest";
import { formatIsoDate } from "./calendar";
import { plantDay, plantOffset } from "./plant-day";

const TAIPEI_2025_11_28 = Date.UTC(2025, 10, 27, 16); // 2025-11-28T00:00+08:00
const ZONES = ["UTC", "Asia/Taipei", "America/Los_Angeles"];
const machineZone = process.env.TZ;

afterAll(() => {
  process.env.TZ = machineZone;
});

describe.each(ZONES)("plantDay with the machine in %s", (zone) => {
  it("takes the plant-local (Asia/Taipei) day of an instant", () => {
    process.env.TZ = zone;
    expect(formatIsoDate(plantDay(TAIPEI_2025_11_28))).toBe("2025-11-28");
    expect(formatIsoDate(plantDay(TAIPEI_2025_11_28 - 1))).toBe("2025-11-27");
    expect(formatIsoDate(plantDay(TAIPEI_2025_11_28 + 86_400_000 - 1))).toBe("2025-11-28");
    expect(formatIsoDate(plantDay(-1))).toBe("1970-01-01");
    expect(plantOffset(TAIPEI_2025_11_28)).toBe(8 * 3_600_000);
  });
});
