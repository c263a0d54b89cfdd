/** The plant-local calendar day of an instant, whatever the machine's own time zone. */
import { PLANT_TIME_ZONE } from "./contracts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

let parts: Intl.DateTimeFormat | null = null;
/** Zone offset (ms) per hour since the epoch, for hours with no offset change inside. */
const offsets = new Map<number, number>();

/** Epoch day of the plant-local date at `ms` (epoch milliseconds). */
export function plantDay(ms: number): number {
  return Math.floor((ms + plantOffset(ms)) / DAY_MS);
}

/** The plant zone's offset from UTC at `ms`, in milliseconds. */
export function plantOffset(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const cached = offsets.get(hour);
  if (cached !== undefined) return cached;
  const start = offsetAt(hour * HOUR_MS);
  // An hour holding a zone transition is not cached: each of its instants asks Intl.
  if (start !== offsetAt(hour * HOUR_MS + HOUR_MS - 1)) return offsetAt(ms);
  offsets.set(hour, start);
  return start;
}

function offsetAt(ms: number): number {
  parts ??= new Intl.DateTimeFormat("en-US", {
    timeZone: PLANT_TIME_ZONE,
    hourCycle: "h23",
    era: "short",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const p: Record<string, string> = {};
  for (const part of parts.formatToParts(ms)) p[part.type] = part.value;
  const year = p.era === "BC" ? 1 - Number(p.year) : Number(p.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  wall.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  const seconds = Math.floor(ms / 1000) * 1000;
  return wall.getTime() - seconds;
}
