/** The worker's logic without the worker: holds decoded tables by name and answers requests. */
import type { Schema } from "@uwdata/flechette";
import { applyDelta } from "../apply-delta";
import { datasetKey, isDataset } from "../contracts";
import { CoreError } from "../core-error";
import { type Crossfilter, createCrossfilter } from "../crossfilter";
import { type DecodedTable, decodeTable } from "../decode-table";
import { encodeTable } from "../encode-table";
import { evaluate } from "../evaluate";
import type { Dataset, Filter } from "../query";
import { type Selection, selectionMask } from "../selection";
import { suggest } from "../suggest";
import type { Table } from "../table";
import type { CoreRequest, CrossfilterScope, RequestEnvelope, ResponseEnvelope, TableInfo } from "./protocol";

interface Entry {
  table: Table;
  /** The Arrow schema of the last load or delta (encode writes the table with it). */
  schema: Schema;
  info: TableInfo;
  dataset: Dataset | null;
  crossfilter: Crossfilter | null;
}

export interface CoreHandler {
  handle(request: CoreRequest): unknown;
  respond(envelope: RequestEnvelope): ResponseEnvelope;
}

export function createCoreHandler(): CoreHandler {
  const tables = new Map<string, Entry>();

  const entryOf = (name: string): Entry => {
    const entry = tables.get(name);
    if (!entry) throw new CoreError("NOT_FOUND", `no table loaded as "${name}"`);
    return entry;
  };

  const selectionOf = (entry: Entry, scope: CrossfilterScope | undefined): Selection | null => {
    if (!scope || !entry.crossfilter) return null;
    return scope === "all" ? entry.crossfilter.selectionAll() : entry.crossfilter.selectionExcept(scope.except);
  };

  /**
   * Put a new table under `name`. Every cache and index lives on the table or its column objects,
   * so they go with the old table; the widgets' filters are kept (re-evaluated on the new rows).
   */
  const replace = (name: string, decoded: DecodedTable, dataset: Dataset | null): TableInfo => {
    const info: TableInfo = {
      name,
      numRows: decoded.numRows,
      columns: decoded.columnNames.map((column) => ({
        name: column,
        kind: decoded.columns.get(column)?.kind ?? "utf8",
      })),
      skippedColumns: decoded.skippedColumns,
      metadata: { ...decoded.metadata },
      snapshotTime: decoded.snapshotTime,
      version: decoded.version,
    };
    const previous = tables.get(name);
    const entry: Entry = { table: decoded, schema: decoded.schema, info, dataset, crossfilter: null };
    tables.set(name, entry);
    if (previous?.crossfilter && dataset) reapplyFilters(entry, previous.crossfilter);
    return info;
  };

  const handle = (request: CoreRequest): unknown => {
    switch (request.type) {
      case "load": {
        const decoded = decodeTable(request.bytes);
        const dataset = request.dataset ?? (isDataset(request.name) ? request.name : null);
        return replace(request.name, decoded, dataset);
      }
      case "applyDelta": {
        const entry = entryOf(request.name);
        const key = entry.dataset ? (datasetKey(entry.dataset) ?? undefined) : undefined;
        const next = applyDelta(entry.table, request.bytes, key ? { key } : {});
        return replace(request.name, next, entry.dataset);
      }
      case "encode": {
        const entry = entryOf(request.name);
        return encodeTable(entry.table, entry.schema);
      }
      case "drop":
        tables.delete(request.name);
        return null;
      case "evaluate": {
        const entry = entryOf(request.name);
        const scope = request.crossfilter;
        // A widget's view: its previous result comes back when neither the view nor the query changed.
        if (scope && scope !== "all" && entry.crossfilter)
          return entry.crossfilter.evaluate(scope.except, request.query);
        return evaluate(entry.table, request.query, { selection: selectionOf(entry, scope) });
      }
      case "setFilters": {
        const entry = entryOf(request.name);
        if (!entry.dataset) throw new CoreError("BAD_REQUEST", `table "${request.name}" was loaded without a dataset`);
        entry.crossfilter ??= createCrossfilter(entry.table, entry.dataset);
        entry.crossfilter.setFilters(request.widget, request.filters as Filter[]);
        return null;
      }
      case "suggest": {
        const entry = entryOf(request.name);
        const selection = selectionOf(entry, request.crossfilter);
        return suggest(entry.table, request.request, selection ? selectionMask(selection, entry.table.numRows) : null);
      }
      default:
        throw new CoreError(
          "BAD_REQUEST",
          `unknown request type ${JSON.stringify((request as { type?: unknown }).type)}`,
        );
    }
  };

  const respond = ({ id, request }: RequestEnvelope): ResponseEnvelope => {
    try {
      return { id, ok: true, result: handle(request) };
    } catch (error) {
      return { id, ok: false, error: errorPayload(error) };
    }
  };

  return { handle, respond };
}

/** A refreshed snapshot keeps the widgets' filters (re-evaluated on the new rows). */
function reapplyFilters(entry: Entry, previous: Crossfilter): void {
  if (!entry.dataset) return;
  const crossfilter = createCrossfilter(entry.table, entry.dataset);
  for (const widget of previous.widgets()) {
    try {
      crossfilter.setFilters(widget, previous.filters(widget));
    } catch {
      // A filter on a column the new snapshot lacks is dropped rather than failing the load.
    }
  }
  entry.crossfilter = crossfilter;
}

export function errorPayload(error: unknown): { code: string; name: string; message: string } {
  if (error instanceof CoreError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error)
    return { code: "INTERNAL_ERROR", name: error.name, message: `INTERNAL_ERROR: ${error.message}` };
  return { code: "INTERNAL_ERROR", name: "Error", message: `INTERNAL_ERROR: ${String(error)}` };
}
