/** Types of the query contract (contracts/query.schema.json) and of its result. */
import type { Scalar } from "./table";

export type Dataset = "wip" | "resource" | "resource_history";

export type Filter =
  | { field: string; op: "eq" | "ne"; value: string | number | boolean }
  | { field: string; op: "in" | "not_in"; values: (string | number | boolean | null)[] }
  | { field: string; op: "contains" | "prefix"; value: string }
  | { field: string; op: "between"; min?: number; max?: number }
  | { field: string; op: "is_null" | "not_null" };

export type FilterOp = Filter["op"];

export interface BucketKey {
  bucket: string;
  edges: number[];
  as?: string;
}

export type GroupKey = string | BucketKey;

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
