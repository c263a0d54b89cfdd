import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../test-data/fixtures";
import { CoreError } from "../core-error";
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
