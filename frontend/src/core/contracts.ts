/** Typed access to the JSON contracts (contracts/*.json), imported as-is at build time. */
import errorsJson from "../../../contracts/errors.json";
import fieldsJson from "../../../contracts/fields.json";
import metricsJson from "../../../contracts/metrics.json";
import type { Dataset, Filter, SnapshotDataset } from "./query";

export type Locale = "zh-TW" | "en";
export type FieldType = "utf8" | "dictionary" | "int32" | "float64" | "bool" | "timestamp" | "date";
export type AggKind = "count" | "sum" | "mean" | "min" | "max" | "count_distinct";

export interface FieldSpec {
  name: string;
  type: FieldType;
  nullable: boolean;
  semantic: string;
  label: Record<Locale, string>;
  export: string;
  payload: "main" | "detail";
  derived?: boolean;
  values?: string[];
  unit?: string;
  /** The source object the column comes from, when not the dataset's own source. */
  origin?: string;
  /** The drawer section that lists the column. */
  section?: string;
}

export interface AggregateSpec {
  agg: AggKind;
  field?: string;
  where?: Filter[];
}

export interface MetricSpec {
  id: string;
  label: Record<Locale, string>;
  datasets: Dataset[];
  agg: AggKind | "ratio";
  field?: string;
  where?: Filter[];
  numerator?: AggregateSpec;
  denominator?: AggregateSpec;
  scale?: number;
  unit: string;
  decimals: number;
  tolerance: { abs?: number; rel?: number };
}

export interface ErrorSpec {
  status: number;
  retryable: boolean;
  title: string;
}

interface DatasetSpec {
  kind: "snapshot" | "query";
  key: string | null;
  /** A query dataset's longest date range in days, both ends included. */
  max_range_days?: number;
  columns: FieldSpec[];
}

const datasets = (fieldsJson as unknown as { datasets: Record<Dataset, DatasetSpec> }).datasets;
const metrics = (metricsJson as unknown as { metrics: MetricSpec[] }).metrics;
const errors = (errorsJson as unknown as { codes: Record<string, ErrorSpec> }).codes;

/** The plant time zone every timestamp is shown in. */
export const PLANT_TIME_ZONE: string = fieldsJson.timezone;

export const DATASETS = Object.keys(datasets) as Dataset[];

/** The datasets served as cached full tables, in contract order (one browser store each). */
export const SNAPSHOT_DATASETS = DATASETS.filter((d) => datasets[d].kind === "snapshot") as SnapshotDataset[];

const fieldIndex = new Map(DATASETS.map((d) => [d, new Map(datasets[d].columns.map((f) => [f.name, f]))]));

// First definition wins when an id repeats (contracts/metrics.json should keep ids unique).
const metricIndex = new Map<string, MetricSpec>();
for (const m of metrics) if (!metricIndex.has(m.id)) metricIndex.set(m.id, m);

export function isDataset(name: unknown): name is Dataset {
  return typeof name === "string" && Object.hasOwn(datasets, name);
}

export function isSnapshotDataset(name: unknown): name is SnapshotDataset {
  return isDataset(name) && datasets[name].kind === "snapshot";
}

/** Every column of a dataset, in contract order. */
export function fieldSpecs(dataset: Dataset): readonly FieldSpec[] {
  return datasets[dataset].columns;
}

/** Names of the fields the contract places in a drawer section, in contract order. */
export function sectionFields(dataset: Dataset, section: string): readonly string[] {
  return fieldSpecs(dataset)
    .filter((f) => f.section === section)
    .map((f) => f.name);
}

export function fieldSpec(dataset: Dataset, name: string): FieldSpec | undefined {
  return fieldIndex.get(dataset)?.get(name);
}

/** The key column of a dataset (LOTID, RESOURCEID), null for query-backed datasets. */
export function datasetKey(dataset: Dataset): string | null {
  return datasets[dataset].key;
}

/** The longest date range (days, both ends included) a request of the dataset may ask; null without one. */
export function maxRangeDays(dataset: Dataset): number | null {
  return datasets[dataset].max_range_days ?? null;
}

export function metricSpec(id: string): MetricSpec | undefined {
  return metricIndex.get(id);
}

/** All metrics, or those usable on one dataset. */
export function metricSpecs(dataset?: Dataset): readonly MetricSpec[] {
  const all = [...metricIndex.values()];
  return dataset ? all.filter((m) => m.datasets.includes(dataset)) : all;
}

export function errorSpec(code: string): ErrorSpec | undefined {
  return Object.hasOwn(errors, code) ? errors[code] : undefined;
}

export function errorCodes(): readonly string[] {
  return Object.keys(errors);
}
