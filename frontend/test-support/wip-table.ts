/** Random wip-shaped tables (contract field names) with nulls, case variants, CJK and astral strings. */
import { makeTable } from "../src/core/make-table";
import type { Scalar, Table } from "../src/core/table";
import type { Random } from "./seeded-random";

export const GROUPS = ["DB", "WB", "MOLD", "db", "封裝", "\uff01", "\u{1F600}", "Äa", "äA"];
export const PACKAGES = ["SOD-123FL OP1", "SMA", "sma", "SOT-23", "😀SOT", "Σίσυφος", "ΣΊΣΥΦΟΣ"];
export const STATUSES = ["RUN", "QUEUE", "HOLD"];
const HOLD_TYPES = ["quality", "non_quality"];

export function randomWipTable(random: Random, rows: number): Table {
  const maybe = <T>(value: T, p = 0.15): T | null => (random.chance(p) ? null : value);
  const column = (f: () => Scalar) => Array.from({ length: rows }, f);
  return makeTable(
    {
      LOTID: { kind: "utf8", values: column(() => maybe(`GA${random.int(40)}-${random.pick(["a", "B", "ß"])}`, 0.05)) },
      WORKCENTER_GROUP: { kind: "dictionary", values: column(() => maybe(random.pick(GROUPS))) },
      PACKAGE_LEF: { kind: "dictionary", values: column(() => maybe(random.pick(PACKAGES))) },
      WIP_STATUS: { kind: "dictionary", values: column(() => random.pick(STATUSES)) },
      HOLD_TYPE: { kind: "dictionary", values: column(() => maybe(random.pick(HOLD_TYPES), 0.4)) },
      QTY: { kind: "int", values: column(() => maybe(random.int(50) - 5)) },
      QTY2: { kind: "int", values: column(() => maybe(random.int(4), 0.5)) },
      HOLD_HOURS: { kind: "float", values: column(() => maybe(random.pick([0, 24, 72, 168, 0.1, 0.2, 23.999, 1e6]))) },
      AGEBYDAYS: { kind: "float", values: column(() => maybe(random.int(1000) / 7)) },
      IS_DUMMY: { kind: "bool", values: column(() => maybe(random.chance(0.3))) },
      MOVEINTIMESTAMP: { kind: "timestamp", values: column(() => maybe(1740787200000 + random.int(10) * 3600000)) },
    },
    { snapshot_time: "2025-03-01T08:30:00+08:00", version: "test" },
  );
}
