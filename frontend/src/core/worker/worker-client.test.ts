import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../test-data/fixtures";
import { deltaOf, ipcOf, type Row, snapshotMeta } from "../../../test-support/delta-ipc";
import { CoreError } from "../core-error";
import { decodeTable } from "../decode-table";
import { encodeTable } from "../encode-table";
import { cellValue } from "../table";
import { createCoreHandler } from "./core-handler";
import type { RequestEnvelope, ResponseEnvelope } from "./protocol";
import { createCoreClient, type WorkerLike } from "./worker-client";

/** An in-process stand-in for the worker: structured-clones both ways, answers asynchronously. */
function fakeWorker(): WorkerLike & { posted: RequestEnvelope[]; transfers: ArrayBuffer[][] } {
  const handler = createCoreHandler();
  const listeners: ((event: { data: ResponseEnvelope }) => void)[] = [];
  const posted: RequestEnvelope[] = [];
  const transfers: ArrayBuffer[][] = [];
  return {
    posted,
    transfers,
    postMessage(message, transfer) {
      posted.push(message);
      transfers.push(transfer);
      const request = structuredClone(message);
      queueMicrotask(() => {
        const response = structuredClone(handler.respond(request));
        for (const l of listeners) l({ data: response });
      });
    },
    addEventListener(type: "message" | "error", listener: (event: never) => void) {
      if (type === "message") listeners.push(listener as (event: { data: ResponseEnvelope }) => void);
    },
    terminate() {},
  };
}

describe("core worker client", () => {
  it("loads a table and evaluates queries by name", async () => {
    const client = createCoreClient(fakeWorker());
    const info = await client.load("wip", loadFixture("multi-batch"));
    expect(info).toMatchObject({ name: "wip", numRows: 9, version: "fixture-1" });
    expect(info.columns).toEqual([
      { name: "GROUP", kind: "dictionary" },
      { name: "QTY", kind: "int" },
    ]);
  });

  it("rejects bad queries with a CoreError carrying code INVALID_QUERY", async () => {
    const client = createCoreClient(fakeWorker());
    await client.load("wip", loadFixture("multi-batch"));
    const error = await client.evaluate("wip", { dataset: "wip", metrics: ["nope"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: "INVALID_QUERY", name: "QueryError" });
    expect((error as Error).message).toBe('INVALID_QUERY: metrics[0]: unknown metric "nope"');
    await expect(client.evaluate("missing", { dataset: "wip" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("applies crossfilter scopes to evaluate and suggest, and keeps filters across a reload", async () => {
    const client = createCoreClient(fakeWorker());
    const bytes = loadFixture("wip-sample");
    await client.load("wip", bytes);
    const query = { dataset: "wip", groupBy: ["WIP_STATUS"], metrics: ["lots"] };
    const plain = await client.evaluate("wip", query);
    await client.setFilters("wip", "status", [{ field: "WIP_STATUS", op: "eq", value: "RUN" }]);
    await client.setFilters("wip", "dummy", [{ field: "IS_DUMMY", op: "eq", value: false }]);
    expect(await client.evaluate("wip", query)).toEqual(plain);
    const own = await client.evaluate("wip", query, { except: "status" });
    const all = await client.evaluate("wip", query, "all");
    expect(all.rows.map((r) => r.WIP_STATUS)).toEqual(["RUN"]);
    expect(own.rows.length).toBeGreaterThan(1);
    const suggestions = await client.suggest("wip", { field: "WIP_STATUS", text: "" }, "all");
    expect(suggestions.map((s) => s.value)).toEqual(["RUN"]);
    await client.load("wip", bytes);
    expect(await client.evaluate("wip", query, "all")).toEqual(all);
    const error = await client.setFilters("wip", "w", [{ field: "QTY2", op: "is_null" }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_QUERY" });
  });

  it("moves the buffer when asked to transfer", async () => {
    const worker = fakeWorker();
    const client = createCoreClient(worker);
    const bytes = loadFixture("all-types");
    await client.load("a", bytes, { transfer: true });
    expect(worker.posted).toHaveLength(1);
    expect(worker.transfers[0]).toEqual([bytes.buffer]);
  });
});

/** Wip-shaped rows through the test-support writer: K plays LOTID, CAT plays WIP_STATUS (renamed below). */
function wipRow(K: string, CAT: string, QTY: number): Row {
  return { K, CAT, NAME: null, QTY, X: null, FLAG: false, T: null, D: null };
}

/** The test-support bytes with the columns renamed to wip contract fields and dataset "wip". */
function asWip(bytes: Uint8Array): Uint8Array {
  const names: Record<string, string> = {
    K: "LOTID",
    CAT: "WIP_STATUS",
    QTY: "QTY",
    NAME: "EQUIPMENTS",
    FLAG: "IS_DUMMY",
  };
  const table = decodeTable(bytes);
  const fields = table.schema.fields
    .filter((f) => f.name in names)
    .map((f) => ({ ...f, name: names[f.name] as string }));
  const metadata = { ...table.metadata, dataset: "wip" };
  const renamed = {
    ...table,
    columnNames: table.columnNames.filter((n) => n in names).map((n) => names[n] as string),
    columns: new Map([...table.columns].filter(([n]) => n in names).map(([n, c]) => [names[n] as string, c])),
    metadata,
  };
  return encodeTable(renamed, { ...table.schema, fields });
}

describe("core worker client: deltas and encode", () => {
  const a = [wipRow("L1", "RUN", 5), wipRow("L2", "QUEUE", 7), wipRow("L3", "RUN", 1)];
  const b = [wipRow("L0", "HOLD", 2), wipRow("L1", "RUN", 5), wipRow("L3", "QUEUE", 1)];

  it("applies a delta by name, keeps widget filters and answers on the new rows", async () => {
    const worker = fakeWorker();
    const client = createCoreClient(worker);
    await client.load("wip", asWip(ipcOf(a, snapshotMeta("A"))));
    await client.setFilters("wip", "status", [{ field: "WIP_STATUS", op: "eq", value: "RUN" }]);
    const query = { dataset: "wip", groupBy: ["WIP_STATUS"], metrics: ["lots"] };
    expect((await client.evaluate("wip", query, "all")).rows).toEqual([{ WIP_STATUS: "RUN", lots: 2 }]);
    const suggestBefore = await client.suggest("wip", { field: "LOTID", text: "l" });
    expect(suggestBefore.map((s) => s.value)).toEqual(["L1", "L2", "L3"]);
    const delta = asWip(deltaOf(a, b, "A", "B"));
    const info = await client.applyDelta("wip", delta, { transfer: true });
    expect(worker.transfers.at(-1)).toEqual([delta.buffer]);
    expect(info).toMatchObject({ name: "wip", numRows: 3, version: "B" });
    expect(info.metadata).toEqual({ ...snapshotMeta("B"), dataset: "wip" });
    expect((await client.evaluate("wip", query, "all")).rows).toEqual([{ WIP_STATUS: "RUN", lots: 1 }]);
    expect((await client.evaluate("wip", query, { except: "status" })).rows).toEqual([
      { WIP_STATUS: "HOLD", lots: 1 },
      { WIP_STATUS: "QUEUE", lots: 1 },
      { WIP_STATUS: "RUN", lots: 1 },
    ]);
    expect((await client.suggest("wip", { field: "LOTID", text: "l" })).map((s) => s.value)).toEqual([
      "L0",
      "L1",
      "L3",
    ]);
    expect((await client.suggest("wip", { field: "WIP_STATUS", text: "" })).map((s) => s.value).sort()).toEqual([
      "HOLD",
      "QUEUE",
      "RUN",
    ]);
  });

  it("rejects a delta of another base with DELTA_BASE_MISMATCH and keeps the table", async () => {
    const client = createCoreClient(fakeWorker());
    await client.load("wip", asWip(ipcOf(a, snapshotMeta("A"))));
    const error = await client.applyDelta("wip", asWip(deltaOf(a, b, "Z", "B"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({ code: "DELTA_BASE_MISMATCH" });
    const query = { dataset: "wip", groupBy: [], metrics: ["lots"] };
    expect((await client.evaluate("wip", query)).total).toEqual({ lots: 3 });
    await expect(client.applyDelta("nope", asWip(deltaOf(a, b, "A", "B")))).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("encodes the table after a delta as IPC bytes that decode to the table B", async () => {
    const client = createCoreClient(fakeWorker());
    await client.load("wip", asWip(ipcOf(a, snapshotMeta("A"))));
    await client.applyDelta("wip", asWip(deltaOf(a, b, "A", "B")));
    const bytes = await client.encode("wip");
    expect(bytes).toBeInstanceOf(Uint8Array);
    const encoded = decodeTable(bytes);
    const full = decodeTable(asWip(ipcOf(b, snapshotMeta("B"))));
    expect(encoded.metadata).toEqual(full.metadata);
    expect(encoded.columnNames).toEqual(full.columnNames);
    for (const name of full.columnNames) {
      const values = (t: typeof full) =>
        Array.from({ length: t.numRows }, (_, i) => cellValue(t.columns.get(name) as never, i));
      expect(values(encoded), name).toEqual(values(full));
    }
  });
});

describe("core handler", () => {
  it("answers suggest and drop, and rejects unknown requests", () => {
    const handler = createCoreHandler();
    const { handle } = handler;
    handle({ type: "load", name: "wip", bytes: loadFixture("all-types") });
    const all = handler.respond({
      id: 1,
      request: { type: "suggest", name: "wip", request: { field: "CAT", text: "" } },
    });
    expect(all).toEqual({
      id: 1,
      ok: true,
      result: [
        { value: "SMA", count: 2 },
        { value: "封裝", count: 1 },
        { value: "\uff01", count: 1 },
        { value: "😀 emoji", count: 1 },
      ],
    });
    expect(handler.respond({ id: 2, request: { type: "drop", name: "wip" } })).toEqual({
      id: 2,
      ok: true,
      result: null,
    });
    expect(handler.respond({ id: 3, request: { type: "bogus" } as never })).toMatchObject({
      ok: false,
      error: { code: "BAD_REQUEST" },
    });
  });
});
