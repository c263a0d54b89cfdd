import { describe, expect, it } from "vitest";
import {
  civilFromDays,
  daysFromCivil,
  formatIsoDate,
  isoWeek,
  type PeriodUnit,
  parseIsoDate,
  periodStart,
  weekday,
} from "./calendar";

const day = (text: string) => parseIsoDate(text) as number;
const start = (text: string, unit: PeriodUnit) => formatIsoDate(periodStart(day(text), unit));

describe("epoch days", () => {
  it("convert to and from civil dates like Date.UTC, across the whole 0001-9999 range", () => {
    for (let days = -719162; days <= 2932896; days += 997) {
      const date = new Date(days * 86_400_000);
      expect(civilFromDays(days)).toEqual({
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
      });
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(days);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });

  it("format as YYYY-MM-DD with four-digit years", () => {
    expect(formatIsoDate(0)).toBe("1970-01-01");
    expect(formatIsoDate(-1)).toBe("1969-12-31");
    expect(formatIsoDate(daysFromCivil(1, 1, 1))).toBe("0001-01-01");
    expect(formatIsoDate(daysFromCivil(9999, 12, 31))).toBe("9999-12-31");
  });
});

describe("parseIsoDate", () => {
  it("reads real dates only, as YYYY-MM-DD", () => {
    expect(parseIsoDate("2024-02-29")).toBe(daysFromCivil(2024, 2, 29));
    for (const bad of ["2025-02-29", "1900-02-29", "2025-13-01", "2025-00-01", "2025-04-31", "0000-01-01"]) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
    for (const bad of [
      "2025-1-01",
      "20250101",
      "2025-01-01T00:00",
      "2025-01-01\n",
      " 2025-01-01",
      "",
      20250101,
      null,
    ]) {
      expect(parseIsoDate(bad), String(bad)).toBeNull();
    }
    expect(parseIsoDate("2000-02-29")).not.toBeNull();
  });
});

describe("periodStart", () => {
  it("starts ISO weeks on Monday, across year edges", () => {
    expect(weekday(day("2026-12-28"))).toBe(0);
    expect(start("2026-12-31", "week")).toBe("2026-12-28");
    expect(start("2027-01-01", "week")).toBe("2026-12-28");
    expect(start("2027-01-03", "week")).toBe("2026-12-28");
    expect(start("2027-01-04", "week")).toBe("2027-01-04");
    expect(start("2020-12-31", "week")).toBe("2020-12-28");
    expect(start("2021-01-03", "week")).toBe("2020-12-28");
    expect(start("1970-01-01", "week")).toBe("1969-12-29");
    expect(start("2024-03-03", "week")).toBe("2024-02-26");
  });

  it("numbers ISO weeks by their Thursday's year (2020 has a week 53)", () => {
    expect(isoWeek(day("2020-12-31"))).toEqual({ year: 2020, week: 53 });
    expect(isoWeek(day("2021-01-03"))).toEqual({ year: 2020, week: 53 });
    expect(isoWeek(day("2021-01-04"))).toEqual({ year: 2021, week: 1 });
    expect(isoWeek(day("2026-12-31"))).toEqual({ year: 2026, week: 53 });
    expect(isoWeek(day("2027-01-01"))).toEqual({ year: 2026, week: 53 });
    expect(isoWeek(day("2019-12-30"))).toEqual({ year: 2020, week: 1 });
  });

  it("starts days, months and years on their first day", () => {
    expect(start("2024-02-29", "day")).toBe("2024-02-29");
    expect(start("2024-02-29", "month")).toBe("2024-02-01");
    expect(start("2024-12-31", "month")).toBe("2024-12-01");
    expect(start("2024-02-29", "year")).toBe("2024-01-01");
    expect(start("1969-12-31", "year")).toBe("1969-01-01");
    expect(start("0001-01-03", "week")).toBe("0001-01-01");
  });
});
