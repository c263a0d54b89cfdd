/**
 * Calendar dates as epoch days (days since 1970-01-01, no time zone) in integer arithmetic:
 * civil date conversion (H. Hinnant's days_from_civil), "YYYY-MM-DD" text and period starts.
 */

export type PeriodUnit = "day" | "week" | "month" | "year";

export const PERIOD_UNITS: readonly PeriodUnit[] = ["day", "week", "month", "year"];

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Epoch day of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Year, month (1..12) and day of an epoch day. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The epoch day of a "YYYY-MM-DD" text of a real date (years 0001-9999), else null. */
export function parseIsoDate(text: unknown): number | null {
  if (typeof text !== "string" || !ISO_DATE.test(text)) return null;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const days = daysFromCivil(year, month, day);
  return civilFromDays(days).day === day ? days : null;
}

/** An epoch day as "YYYY-MM-DD". */
export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Monday 0 .. Sunday 6 (1970-01-01 was a Thursday). */
export function weekday(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/** The first epoch day of the period holding `days`: itself, its ISO week's Monday, the 1st. */
export function periodStart(days: number, unit: PeriodUnit): number {
  switch (unit) {
    case "day":
      return days;
    case "week":
      return days - weekday(days);
    case "month": {
      const { year, month } = civilFromDays(days);
      return daysFromCivil(year, month, 1);
    }
    case "year":
      return daysFromCivil(civilFromDays(days).year, 1, 1);
  }
}

/** The ISO week-numbering year and week (1..53) of an epoch day: the year of its week's Thursday. */
export function isoWeek(days: number): { year: number; week: number } {
  const thursday = days - weekday(days) + 3;
  const year = civilFromDays(thursday).year;
  return { year, week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1 };
}
