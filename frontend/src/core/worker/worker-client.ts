/** Promise-based client of the core worker (or of anything speaking its protocol). */

import { CoreError } from "../core-error";
import type { Dataset, QueryResult } from "../query";
import type { Suggestion, SuggestRequest } from "../suggest";
import type { CoreRequest, CrossfilterScope, RequestEnvelope, ResponseEnvelope, TableInfo } from "./protocol";

/** The part of a Worker the client uses (a real Worker fits; tests pass a fake). */
export interface WorkerLike {
  postMessage(message: RequestEnvelope, transfer: ArrayBuffer[]): void;
  addEventListener(type: "message", listener: (event: { data: ResponseEnvelope }) => void): void;
  addEventListener(type: "error", listener: (event: { message?: string }) => void): void;
  terminate(): void;
}

export interface CoreClient {
  /** Decode IPC bytes in the worker under `name`; `transfer` moves the buffer instead of copying it. */
  load(name: string, bytes: Uint8Array, options?: { dataset?: Dataset; transfer?: boolean }): Promise<TableInfo>;
  /**
   * Apply delta bytes (A -> B) to the table under `name` (replaced by B; widget filters kept);
   * rejects with code DELTA_BASE_MISMATCH when the table is not version A.
   */
  applyDelta(name: string, bytes: Uint8Array, options?: { transfer?: boolean }): Promise<TableInfo>;
  /** The table under `name` as one Arrow IPC stream (decodes to an equal table). */
  encode(name: string): Promise<Uint8Array>;
  drop(name: string): Promise<null>;
  evaluate(name: string, query: unknown, crossfilter?: CrossfilterScope): Promise<QueryResult>;
  setFilters(name: string, widget: string, filters: unknown): Promise<null>;
  suggest(name: string, request: SuggestRequest, crossfilter?: CrossfilterScope): Promise<Suggestion[]>;
  terminate(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export function createCoreClient(worker: WorkerLike): CoreClient {
  const pending = new Map<number, Pending>();
  let nextId = 1;

  worker.addEventListener("message", ({ data }) => {
    const waiter = pending.get(data.id);
    if (!waiter) return;
    pending.delete(data.id);
    if (data.ok) waiter.resolve(data.result);
    else waiter.reject(remoteError(data.error));
  });
  worker.addEventListener("error", (event) => {
    const error = new CoreError("WORKER_ERROR", event.message ?? "the core worker failed");
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });

  const send = <T>(request: CoreRequest, transfer: ArrayBuffer[] = []): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, request }, transfer);
    });

  return {
    load: (name, bytes, options = {}) => {
      const { dataset, transfer = false } = options;
      const request: CoreRequest = dataset ? { type: "load", name, bytes, dataset } : { type: "load", name, bytes };
      return send(request, transferList(bytes, transfer));
    },
    applyDelta: (name, bytes, options = {}) =>
      send({ type: "applyDelta", name, bytes }, transferList(bytes, options.transfer ?? false)),
    encode: (name) => send({ type: "encode", name }),
    drop: (name) => send({ type: "drop", name }),
    evaluate: (name, query, crossfilter) =>
      send(crossfilter ? { type: "evaluate", name, query, crossfilter } : { type: "evaluate", name, query }),
    setFilters: (name, widget, filters) => send({ type: "setFilters", name, widget, filters }),
    suggest: (name, request, crossfilter) =>
      send(crossfilter ? { type: "suggest", name, request, crossfilter } : { type: "suggest", name, request }),
    terminate: () => {
      worker.terminate();
      const error = new CoreError("WORKER_ERROR", "the core worker was terminated");
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    },
  };
}

function transferList(bytes: Uint8Array, transfer: boolean): ArrayBuffer[] {
  return transfer && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
}

function remoteError(payload: { code: string; name: string; message: string }): CoreError {
  const prefix = `${payload.code}: `;
  const detail = payload.message.startsWith(prefix) ? payload.message.slice(prefix.length) : payload.message;
  const error = new CoreError(payload.code, detail);
  error.name = payload.name;
  return error;
}
