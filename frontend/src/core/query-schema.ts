/**
 * Structural check of a query against contracts/query.schema.json (what a JSON Schema validator
 * would reject: types, enums, patterns, required and additional properties, item limits).
 */
import schema from "../../../contracts/query.schema.json";
import { QueryError } from "./core-error";
import type { BucketKey, Filter, GroupKey, PeriodKey, Query, SortKey } from "./query";

type Json = Record<string, unknown>;

interface PropertySchema {
  enum?: string[];
  const?: string;
  maxItems?: number;
  minItems?: number;
}

interface ObjectSchema {
  required: string[];
  properties: Record<string, PropertySchema>;
}

const defs = schema.$defs;
const FIELD = new RegExp(defs.field.pattern);
const METRIC = new RegExp(schema.properties.metrics.items.pattern);
const DATASETS: readonly unknown[] = schema.properties.dataset.enum;
const FILTER_BRANCHES = defs.filter.oneOf as unknown as ObjectSchema[];
const BUCKET = defs.groupKey.oneOf[1] as unknown as ObjectSchema;
const PERIOD = defs.groupKey.oneOf[2] as unknown as ObjectSchema;
const DATE = new RegExp(defs.date.pattern);
const SORT_KEYS = Object.keys(defs.sortKey.properties);

/** Each filter op's schema branch: allowed and required properties, array limits. */
const FILTER_OPS = new Map(
  FILTER_BRANCHES.flatMap((branch) => {
    const op = branch.properties.op;
    const ops = op?.enum ?? (op?.const ? [op.const] : []);
    return ops.map((name) => [name, branch] as const);
  }),
);

function maxItems(property: PropertySchema | undefined): number {
  return property?.maxItems ?? Number.POSITIVE_INFINITY;
}

function fail(path: string, message: string): never {
  throw new QueryError(`${path}: ${message}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function checkObject(value: unknown, path: string, allowed: readonly string[], required: readonly string[]): Json {
  if (!isObject(value)) fail(path, "must be an object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, "is not an allowed property");
  }
  for (const key of required) {
    if (!Object.hasOwn(value, key)) fail(`${path}.${key}`, "is required");
  }
  return value;
}

function checkArray(value: unknown, path: string, maxItems: number, minItems = 0): unknown[] {
  if (!Array.isArray(value)) fail(path, "must be an array");
  if (value.length > maxItems) fail(path, `has more than ${maxItems} items`);
  if (value.length < minItems) fail(path, `needs at least ${minItems} item(s)`);
  return value;
}

function checkField(value: unknown, path: string): string {
  if (typeof value !== "string" || !FIELD.test(value)) fail(path, `must be a field name matching ${FIELD.source}`);
  return value;
}

function checkScalar(value: unknown, path: string, nullable: boolean): string | number | boolean | null {
  if (value === null && nullable) return null;
  if (typeof value === "string" || typeof value === "boolean" || isNumber(value)) return value;
  fail(path, nullable ? "must be a string, number, boolean or null" : "must be a string, number or boolean");
}

/** Check one filter object's shape (the schema's `filter` oneOf). */
export function checkFilterShape(value: unknown, path: string): Filter {
  if (!isObject(value)) fail(path, "must be an object");
  const op = value.op;
  const branch = typeof op === "string" ? FILTER_OPS.get(op) : undefined;
  if (!branch) fail(`${path}.op`, `must be one of ${[...FILTER_OPS.keys()].join(", ")}`);
  const filter = checkObject(value, path, Object.keys(branch.properties), branch.required);
  checkField(filter.field, `${path}.field`);
  if (op === "in" || op === "not_in") {
    checkArray(filter.values, `${path}.values`, maxItems(branch.properties.values)).forEach((v, i) => {
      checkScalar(v, `${path}.values[${i}]`, true);
    });
  } else if (op === "contains" || op === "prefix") {
    if (typeof filter.value !== "string") fail(`${path}.value`, "must be a string");
  } else if (op === "eq" || op === "ne") {
    checkScalar(filter.value, `${path}.value`, false);
  } else if (op === "between") {
    if (!Object.hasOwn(filter, "min") && !Object.hasOwn(filter, "max")) fail(path, "between needs min or max");
    for (const bound of ["min", "max"]) {
      if (Object.hasOwn(filter, bound) && !isBound(filter[bound]))
        fail(`${path}.${bound}`, "must be a number or a date YYYY-MM-DD");
    }
  }
  return filter as unknown as Filter;
}

function isBound(value: unknown): boolean {
  return isNumber(value) || (typeof value === "string" && DATE.test(value));
}

function checkGroupKey(value: unknown, path: string): GroupKey {
  if (typeof value === "string") return checkField(value, path);
  if (isObject(value) && Object.hasOwn(value, "period")) return checkPeriodKey(value, path);
  const key = checkObject(value, path, Object.keys(BUCKET.properties), BUCKET.required);
  checkField(key.bucket, `${path}.bucket`);
  const edges = BUCKET.properties.edges;
  checkArray(key.edges, `${path}.edges`, maxItems(edges), edges?.minItems ?? 0).forEach((e, i) => {
    if (!isNumber(e)) fail(`${path}.edges[${i}]`, "must be a number");
  });
  if (Object.hasOwn(key, "as")) checkField(key.as, `${path}.as`);
  return key as unknown as BucketKey;
}

function checkPeriodKey(value: Json, path: string): PeriodKey {
  const key = checkObject(value, path, Object.keys(PERIOD.properties), PERIOD.required);
  checkField(key.period, `${path}.period`);
  const units = PERIOD.properties.unit?.enum ?? [];
  if (typeof key.unit !== "string" || !units.includes(key.unit))
    fail(`${path}.unit`, `must be one of ${units.join(", ")}`);
  if (Object.hasOwn(key, "as")) checkField(key.as, `${path}.as`);
  return key as unknown as PeriodKey;
}

function checkSortKey(value: unknown, path: string): SortKey {
  const key = checkObject(value, path, SORT_KEYS, defs.sortKey.required);
  if (typeof key.by !== "string" || key.by.length === 0) fail(`${path}.by`, "must be a non-empty string");
  if (Object.hasOwn(key, "desc") && typeof key.desc !== "boolean") fail(`${path}.desc`, "must be a boolean");
  return key as unknown as SortKey;
}

function checkMetrics(value: unknown): string[] {
  const metrics = checkArray(value, "metrics", schema.properties.metrics.maxItems);
  metrics.forEach((m, i) => {
    if (typeof m !== "string" || !METRIC.test(m))
      fail(`metrics[${i}]`, `must be a metric id matching ${METRIC.source}`);
    if (metrics.indexOf(m) !== i) fail(`metrics[${i}]`, `repeats "${m}" (items must be unique)`);
  });
  return metrics as string[];
}

/** Check a whole query's shape; returns it typed (not yet checked against the dataset). */
export function checkQueryShape(value: unknown): Query {
  const query = checkObject(value, "query", Object.keys(schema.properties), schema.required);
  if (!DATASETS.includes(query.dataset)) fail("dataset", `must be one of ${DATASETS.join(", ")}`);
  if (Object.hasOwn(query, "filters")) {
    checkArray(query.filters, "filters", schema.properties.filters.maxItems).forEach((f, i) => {
      checkFilterShape(f, `filters[${i}]`);
    });
  }
  if (Object.hasOwn(query, "groupBy")) {
    checkArray(query.groupBy, "groupBy", schema.properties.groupBy.maxItems).forEach((g, i) => {
      checkGroupKey(g, `groupBy[${i}]`);
    });
  }
  if (Object.hasOwn(query, "metrics")) checkMetrics(query.metrics);
  if (Object.hasOwn(query, "sort")) {
    checkArray(query.sort, "sort", schema.properties.sort.maxItems).forEach((s, i) => {
      checkSortKey(s, `sort[${i}]`);
    });
  }
  if (Object.hasOwn(query, "limit")) {
    const limit = query.limit;
    const minimum = schema.properties.limit.minimum;
    if (!Number.isInteger(limit) || (limit as number) < minimum) fail("limit", `must be an integer >= ${minimum}`);
  }
  return query as unknown as Query;
}
