/**
 * Parity harness: window.mesCore.evaluate(ipc, query) runs the pages' core modules (in the core
 * worker) on the given Arrow bytes; `pareto(values)` and `topN(rows, options)` are the core's
 * functions over result rows (as the pages call them); `pageViews(pageId, state)` is the page's
 * view in that UI state (widgets and scoped queries, built by the page's own query module), and
 * `pageIds` lists the pages. The last bytes stay decoded, so repeated queries on the same bytes
 * skip the decode. Rejections are CoreErrors with `code` (INVALID_QUERY for bad queries)
 * and a message starting with the code.
 */
import { startCoreWorker } from "../src/browser/start-core-worker";
import { CoreError } from "../src/core/core-error";
import { pareto } from "../src/core/pareto";
import type { QueryResult, ResultRow } from "../src/core/query";
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

export interface MesCore {
  evaluate(ipc: Uint8Array | ArrayBuffer | number[], query: object): Promise<QueryResult>;
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

function pageViewsOf<P extends PageId>(pageId: P, state: PageState<P>): ResolvedPageView {
  if (!isPageId(pageId)) throw new CoreError("BAD_REQUEST", `unknown page id ${JSON.stringify(pageId)}`);
  return pageViews(pageId, state);
}

window.mesCore = { evaluate, pareto, topN, pageViews: pageViewsOf, pageIds: PAGE_IDS, version: CORE_VERSION };
const status = document.getElementById("status");
if (status) status.textContent = `ready (core ${CORE_VERSION})`;
