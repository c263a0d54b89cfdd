import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMetric, formatNumber, formatPercent, NULL_DISPLAY } from "./format";

describe("formatNumber", () => {
  it("rounds half-even on the exact value", () => {
    expect(formatNumber(0.125, 2)).toBe("0.12");
    expect(formatNumber(0.375, 2)).toBe("0.38");
    expect(formatNumber(2.5, 0)).toBe("2");
    expect(formatNumber(3.5, 0)).toBe("4");
    expect(formatNumber(-2.5, 0)).toBe("-2");
    expect(formatNumber(1.005, 2)).toBe("1.00");
    expect(formatNumber(0.135, 2)).toBe("0.14");
  });

  it("groups thousands in zh-TW and en, shows null as an em dash, never -0", () => {
    expect(formatNumber(1234567.891, 1, "zh-TW")).toBe("1,234,567.9");
    expect(formatNumber(1234567.891, 1, "en")).toBe("1,234,567.9");
    expect(formatNumber(1234567, 0, "en", false)).toBe("1234567");
    expect(formatNumber(null, 2)).toBe(NULL_DISPLAY);
    expect(formatNumber(undefined, 2)).toBe("—");
    expect(formatNumber(-0.001, 2)).toBe("0.00");
  });
});

describe("formatPercent and formatMetric", () => {
  it("formats percent points and metrics with their decimals", () => {
    expect(formatPercent(12.25, 1)).toBe("12.2%");
    expect(formatPercent(null, 1)).toBe("—");
    expect(formatMetric(87.55, "ou_pct")).toBe("87.6%");
    expect(formatMetric(12345, "qty", "en")).toBe("12,345");
    expect(formatMetric(12.25, "avg_hold_hours")).toBe("12.2");
  });
});

describe("formatDateTime", () => {
  it("shows epoch ms in Asia/Taipei whatever the machine's zone", () => {
    expect(process.env.TZ).not.toBe("Asia/Taipei");
    const ms = Date.UTC(2025, 1, 28, 16, 5, 9);
    expect(formatDateTime(ms)).toBe("2025-03-01 00:05");
    expect(formatDateTime(ms, "datetime-seconds")).toBe("2025-03-01 00:05:09");
    expect(formatDateTime(ms, "date")).toBe("2025-03-01");
    expect(formatDateTime(ms, "time")).toBe("00:05");
    expect(formatDateTime(null)).toBe("—");
  });
});

describe("formatDate", () => {
  it("shows a calendar date as YYYY-MM-DD, never moved by a time zone", () => {
    expect(formatDate(0)).toBe("1970-01-01");
    expect(formatDate(-1)).toBe("1969-12-31");
    expect(formatDate(20_088)).toBe("2024-12-31");
    expect(formatDate("2027-01-01")).toBe("2027-01-01");
    expect(formatDate(null)).toBe(NULL_DISPLAY);
  });
});
