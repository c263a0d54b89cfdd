/** What each engine under test does with the same bytes and the same contract queries. */
import type { Filter, Query } from "../../frontend/src/core/query";
import type { Rows, SuggestCase, Suggestion } from "./workload";

export type Maybe<T> = T | Promise<T>;

export interface Engine {
  readonly name: string;
  /** One-time setup that is not part of any measurement (e.g. instantiating a wasm module). */
  init(): Promise<void>;
  /** Arrow IPC stream bytes -> the engine's queryable table. */
  load(bytes: Uint8Array): Maybe<void>;
  /** Run contract queries; result rows per query name. */
  run(queries: Record<string, Query>): Maybe<Record<string, Rows>>;
  /** Replace one widget's filters, then recompute every widget query under "all but own". */
  update(widget: string, filters: Filter[]): Maybe<Record<string, Rows>>;
  /** Autocomplete on a string field under every other widget's filters. */
  suggest(request: SuggestCase): Maybe<Suggestion[]>;
  dispose(): Promise<void>;
}
