/**
 * Parity harness: window.mesCore.evaluate(ipc, query) runs the pages' core modules (in the core
 * worker) on the given Arrow bytes; `pareto(values)` and `topN(rows, options)` are the core's
 * functions over result rows (as the pages call them); `pageViews(pageId, state)` is the page's
 * view in that UI state (widgets and scoped queries, built by the page's own query module), and
 * `pageIds` lists the pages. The last bytes stay decoded, so repeated queries on the same bytes
 * skip the decode. Rejections are CoreErrors with `code` (INVALID_QUERY for bad queries)
 * and a message starting with the code.
 *
 * Deltas (issue 14): `table(ipc)` is a decoded table's content (every column's cells, the
 * suggestions of every string column, the metadata), `applyDelta(base, delta)` the same for the
 * base bytes with the delta applied, both computed by the core on the page's own thread (the
 * worker's `applyDelta` and `encode` requests are driven through parity/crossfilter.py).
 */
import { startCoreWorker } from "../src/browser/start-core-worker";
import { applyDelta } from "../src/core/apply-delta";
import { CoreError } from "../src/core/core-error";
import { decodeTable } from "../src/core/decode-table";
import { pareto } from "../src/core/pareto";
import type { QueryResult, ResultRow } from "../src/core/query";
import { suggest } from "../src/core/suggest";
import { cellValue, type Scalar, type Table } from "../src/core/table";
import { type TopNOptions, type TopNResult, topN } from "../src/core/top-n";
import { CORE_VERSION } from "../src/core/version";
import {
  isPageId,
  PAGE_IDS,
  type PageId,
  type PageState,
  pageViews,
  type ResolvedPageView,
} from "../src/pages/page-views";

/** A table's content as the parity suite compares it (JSON; -0 and non-finite numbers tagged by the caller). */
export interface TableContent {
  numRows: number;
  version: string | null;
  snapshotTime: number | null;
  metadata: Record<string, string>;
  columns: Record<string, { kind: string; values: Scalar[] }>;
  /** Every non-null value of each string column with its row count (suggest with no text, no limit). */
  suggestions: Record<string, { value: string; count: number }[]>;
}

export interface MesCore {
  evaluate(ipc: Uint8Array | ArrayBuffer | number[], query: object): Promise<QueryResult>;
  table(ipc: Uint8Array | ArrayBuffer | number[]): TableContent;
  applyDelta(base: Uint8Array | ArrayBuffer | number[], delta: Uint8Array | ArrayBuffer | number[]): TableContent;
  pareto(values: (number | null)[]): (number | null)[];
  pageViews<P extends PageId>(pageId: P, state: PageState<P>): ResolvedPageView;
  pageIds: readonly PageId[];
  topN(rows: ResultRow[], options: TopNOptions): TopNResult;
  version: string;
}

declare global {
  interface Window {
    mesCore: MesCore;
  }
}

const client = startCoreWorker();
let current: { bytes: Uint8Array; name: string } | null = null;
let loads = 0;

function toBytes(ipc: unknown): Uint8Array {
  if (ipc instanceof Uint8Array) return ipc;
  if (ipc instanceof ArrayBuffer) return new Uint8Array(ipc);
  if (Array.isArray(ipc)) return Uint8Array.from(ipc as number[]);
  throw new CoreError("BAD_REQUEST", "ipc must be a Uint8Array, ArrayBuffer or array of bytes");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function evaluate(ipc: Uint8Array | ArrayBuffer | number[], query: object): Promise<QueryResult> {
  const bytes = toBytes(ipc);
  if (current && sameBytes(current.bytes, bytes)) return client.evaluate(current.name, query);
  // Load and evaluate are posted back to back; the worker answers in order, so concurrent calls
  // with other bytes cannot slip in between.
  const previous = current;
  const name = `harness-${++loads}`;
  current = { bytes: bytes.slice(), name };
  const [loaded, result] = await Promise.allSettled([client.load(name, bytes), client.evaluate(name, query)]);
  if (previous) void client.drop(previous.name);
  if (loaded.status === "rejected") {
    if (current.name === name) current = null;
    throw loaded.reason;
  }
  if (result.status === "rejected") throw result.reason;
  return result.value;
}

function contentOf(table: Table): TableContent {
  const columns: TableContent["columns"] = {};
  const suggestions: TableContent["suggestions"] = {};
  for (const name of table.columnNames) {
    const column = table.columns.get(name);
    if (!column) continue;
    columns[name] = {
      kind: column.kind,
      values: Array.from({ length: table.numRows }, (_, i) => cellValue(column, i)),
    };
    if (column.kind === "dictionary" || column.kind === "utf8") {
      suggestions[name] = suggest(table, { field: name, text: "", limit: table.numRows });
    }
  }
  const { numRows, version, snapshotTime, metadata } = table;
  return { numRows, version, snapshotTime, metadata: { ...metadata }, columns, suggestions };
}

function pageViewsOf<P extends PageId>(pageId: P, state: PageState<P>): ResolvedPageView {
  if (!isPageId(pageId)) throw new CoreError("BAD_REQUEST", `unknown page id ${JSON.stringify(pageId)}`);
  return pageViews(pageId, state);
}

window.mesCore = {
  evaluate,
  table: (ipc) => contentOf(decodeTable(toBytes(ipc))),
  applyDelta: (base, delta) => contentOf(applyDelta(decodeTable(toBytes(base)), toBytes(delta))),
  pareto,
  topN,
  pageViews: pageViewsOf,
  pageIds: PAGE_IDS,
  version: CORE_VERSION,
};
const status = document.getElementById("status");
if (status) status.textContent = `ready (core ${CORE_VERSION})`;
