/** The query contract's semantic checks, after the schema: fields, metrics, types, edges, sort keys. */
import { type PeriodUnit, parseIsoDate } from "./calendar";
import { type FieldSpec, type FieldType, fieldSpec, type MetricSpec, metricSpec } from "./contracts";
import { QueryError } from "./core-error";
import type { Dataset, Filter, SortKey } from "./query";
import { checkFilterShape, checkQueryShape } from "./query-schema";

/** A group key resolved to its source field, result column name, and bucket edges or period unit. */
export interface GroupSpec {
  name: string;
  field: string;
  edges: readonly number[] | null;
  period?: PeriodUnit;
}

export interface ValidQuery {
  dataset: Dataset;
  filters: Filter[];
  groupBy: GroupSpec[];
  metrics: MetricSpec[];
  sort: Required<SortKey>[];
  limit: number | null;
}

type ValueType = "string" | "number" | "boolean" | "date";

const VALUE_TYPE: Record<FieldType, ValueType> = {
  utf8: "string",
  dictionary: "string",
  int32: "number",
  float64: "number",
  timestamp: "number",
  date: "date",
  bool: "boolean",
};

/** Validate a query (schema, then semantics); throws QueryError naming the offending part. */
export function validateQuery(input: unknown): ValidQuery {
  const query = checkQueryShape(input);
  const dataset = query.dataset;
  const filters = (query.filters ?? []).map((f, i) => checkFilterSemantics(dataset, f, `filters[${i}]`));
  const groupBy = (query.groupBy ?? []).map((g, i): GroupSpec => {
    if (typeof g === "string") {
      requireField(dataset, g, `groupBy[${i}]`);
      return { name: g, field: g, edges: null };
    }
    if ("period" in g) {
      const spec = requireField(dataset, g.period, `groupBy[${i}].period`);
      if (spec.type !== "date" && spec.type !== "timestamp")
        fail(`groupBy[${i}].period`, `${g.period} is ${spec.type}, not a date or timestamp`);
      return { name: g.as ?? g.period, field: g.period, edges: null, period: g.unit };
    }
    const spec = requireField(dataset, g.bucket, `groupBy[${i}].bucket`);
    if (VALUE_TYPE[spec.type] !== "number") fail(`groupBy[${i}].bucket`, `${g.bucket} is ${spec.type}, not numeric`);
    g.edges.forEach((e, k) => {
      const previous = g.edges[k - 1];
      if (previous !== undefined && !(e > previous))
        fail(`groupBy[${i}].edges[${k}]`, "edges must be strictly increasing");
    });
    return { name: g.as ?? g.bucket, field: g.bucket, edges: g.edges };
  });
  groupBy.forEach((g, i) => {
    if (groupBy.findIndex((other) => other.name === g.name) !== i)
      fail(`groupBy[${i}]`, `repeats result column ${g.name}`);
  });
  const metrics = (query.metrics ?? []).map((id, i) => {
    const metric = metricSpec(id);
    if (!metric) fail(`metrics[${i}]`, `unknown metric "${id}"`);
    if (!metric.datasets.includes(dataset))
      fail(`metrics[${i}]`, `metric "${id}" is not defined for dataset ${dataset}`);
    return metric;
  });
  const columns = new Set([...groupBy.map((g) => g.name), ...metrics.map((m) => m.id)]);
  const sort = (query.sort ?? []).map((s, i) => {
    if (!columns.has(s.by)) fail(`sort[${i}].by`, `"${s.by}" is neither a metric nor a group key of this query`);
    return { by: s.by, desc: s.desc ?? false };
  });
  return { dataset, filters, groupBy, metrics, sort, limit: query.limit ?? null };
}

/** Validate a list of filters for one dataset (crossfilter widgets, URL state). */
export function validateFilters(dataset: Dataset, input: unknown, path = "filters"): Filter[] {
  if (!Array.isArray(input)) fail(path, "must be an array");
  return input.map((f, i) => checkFilterSemantics(dataset, checkFilterShape(f, `${path}[${i}]`), `${path}[${i}]`));
}

function checkFilterSemantics(dataset: Dataset, filter: Filter, path: string): Filter {
  const spec = requireField(dataset, filter.field, `${path}.field`);
  const expected = VALUE_TYPE[spec.type];
  switch (filter.op) {
    case "contains":
    case "prefix":
      if (expected !== "string") fail(`${path}.op`, `${filter.op} needs a string column; ${spec.name} is ${spec.type}`);
      break;
    case "between":
      if (expected !== "number" && expected !== "date")
        fail(`${path}.op`, `between needs a numeric column or a date column; ${spec.name} is ${spec.type}`);
      if (filter.min !== undefined) checkValueType(filter.min, expected, spec, `${path}.min`);
      if (filter.max !== undefined) checkValueType(filter.max, expected, spec, `${path}.max`);
      break;
    case "eq":
    case "ne":
      checkValueType(filter.value, expected, spec, `${path}.value`);
      break;
    case "in":
    case "not_in":
      filter.values.forEach((v, k) => {
        if (v !== null) checkValueType(v, expected, spec, `${path}.values[${k}]`);
      });
      break;
    default:
      break;
  }
  return filter;
}

function checkValueType(value: unknown, expected: ValueType, spec: FieldSpec, path: string): void {
  if (expected === "date") {
    if (parseIsoDate(value) === null) fail(path, `${spec.name} is date, so the value must be a real date YYYY-MM-DD`);
    return;
  }
  if (typeof value !== expected) fail(path, `${spec.name} is ${spec.type}, so the value must be a ${expected}`);
}

function requireField(dataset: Dataset, name: string, path: string): FieldSpec {
  const spec = fieldSpec(dataset, name);
  if (!spec) fail(path, `unknown field "${name}" in dataset ${dataset}`);
  return spec;
}

function fail(path: string, message: string): never {
  throw new QueryError(`${path}: ${message}`);
}
