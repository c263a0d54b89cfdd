/** Types of the query contract (contracts/query.schema.json) and of its result. */
import type fields from "../../../contracts/fields.json";
import type { PeriodUnit } from "./calendar";
import type { Scalar } from "./table";

type ContractDatasets = (typeof fields)["datasets"];

/** A dataset named in contracts/fields.json. */
export type Dataset = keyof ContractDatasets;

/** A dataset served as a cached full table (`kind: "snapshot"`, the ones with a `watermark`). */
export type SnapshotDataset = {
  [D in Dataset]: ContractDatasets[D] extends { watermark: string } ? D : never;
}[Dataset];

export type Filter =
  | { field: string; op: "eq" | "ne"; value: string | number | boolean }
  | { field: string; op: "in" | "not_in"; values: (string | number | boolean | null)[] }
  | { field: string; op: "contains" | "prefix"; value: string }
  | { field: string; op: "between"; min?: number | string; max?: number | string }
  | { field: string; op: "is_null" | "not_null" };

export type FilterOp = Filter["op"];

export interface BucketKey {
  bucket: string;
  edges: number[];
  as?: string;
}

/** A date or timestamp field's period; the group value is the period's first day, "YYYY-MM-DD". */
export interface PeriodKey {
  period: string;
  unit: PeriodUnit;
  as?: string;
}

export type GroupKey = string | BucketKey | PeriodKey;

export interface SortKey {
  by: string;
  desc?: boolean;
}

export interface Query {
  dataset: Dataset;
  filters?: Filter[];
  groupBy?: GroupKey[];
  metrics?: string[];
  sort?: SortKey[];
  limit?: number;
}

export type ResultRow = Record<string, Scalar>;

export interface QueryResult {
  rows: ResultRow[];
  total: Record<string, number | null>;
}
