/** Messages between the page and the core worker (structured-clone friendly, plain data only). */
import type { Dataset, QueryResult } from "../query";
import type { Suggestion, SuggestRequest } from "../suggest";
import type { ColumnKind } from "../table";

/** Which crossfilter mask applies: every widget's filters, or all but one widget's own. */
export type CrossfilterScope = "all" | { except: string };

export type CoreRequest =
  | { type: "load"; name: string; bytes: Uint8Array | ArrayBuffer; dataset?: Dataset }
  | { type: "applyDelta"; name: string; bytes: Uint8Array | ArrayBuffer }
  | { type: "encode"; name: string }
  | { type: "drop"; name: string }
  | { type: "evaluate"; name: string; query: unknown; crossfilter?: CrossfilterScope }
  | { type: "setFilters"; name: string; widget: string; filters: unknown }
  | { type: "suggest"; name: string; request: SuggestRequest; crossfilter?: CrossfilterScope };

export interface TableInfo {
  name: string;
  numRows: number;
  columns: { name: string; kind: ColumnKind }[];
  skippedColumns: string[];
  metadata: Record<string, string>;
  snapshotTime: number | null;
  version: string | null;
}

/** The result type of each request type. */
export interface CoreResults {
  load: TableInfo;
  /** The table after the delta (version B); rejected with code DELTA_BASE_MISMATCH when it holds another base. */
  applyDelta: TableInfo;
  /** The table as one Arrow IPC stream (schema of its last load or delta, metadata of its version). */
  encode: Uint8Array;
  drop: null;
  evaluate: QueryResult;
  setFilters: null;
  suggest: Suggestion[];
}

export interface RequestEnvelope {
  id: number;
  request: CoreRequest;
}

export interface ErrorPayload {
  code: string;
  name: string;
  message: string;
}

export type ResponseEnvelope =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorPayload };
