import { describe, expect, it } from "vitest";
import { fakeTime } from "../../test-support/fake-time";
import { seededRandom } from "../../test-support/seeded-random";
import { ApiError, parseRetryAfter } from "./api-error";
import { createFetchClient } from "./fetch-client";
import { createRetryBudget } from "./retry-budget";

type Handler = (init: RequestInit, at: number) => Response | Promise<Response>;

/** A scripted fetch: one handler per call, recording each request's headers and time. */
function scriptedFetch(time: { now(): number }, handlers: Handler[]) {
  const calls: { headers: Record<string, string>; at: number }[] = [];
  const fetch = (async (_url: string, init: RequestInit = {}) => {
    const handler = handlers[calls.length] ?? handlers[handlers.length - 1];
    calls.push({ headers: { ...(init.headers as Record<string, string>) }, at: time.now() });
    if (!handler) throw new Error("no handler");
    return handler(init, time.now());
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const problem =
  (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/problem+json", ...headers } });

const arrow =
  (bytes: number[], headers: Record<string, string> = {}) =>
  () =>
    new Response(new Uint8Array(bytes), { status: 200, headers: { ETag: '"v1"', ...headers } });

/** A fetch that never answers, but rejects with the abort reason like the real one. */
const hang: Handler = (init) =>
  new Promise((_resolve, reject) => {
    init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
  });

describe("fetch client", () => {
  it("revalidates with If-None-Match and keeps the cached body on 304", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [
      arrow([1, 2, 3], { "X-Snapshot-Version": "7", "X-Data-Age-Seconds": "12.5" }),
      () => new Response(null, { status: 304, headers: { ETag: '"v1"', "X-Degraded": "source down" } }),
    ]);
    const client = createFetchClient({ fetch, ...time });
    const first = await client.getBytes("/api/v1/datasets/wip");
    expect(Array.from(first.data)).toEqual([1, 2, 3]);
    expect(first.meta).toMatchObject({ version: "7", dataAgeS: 12.5, degraded: null });
    const second = await client.getBytes("/api/v1/datasets/wip");
    expect(calls[1]?.headers["If-None-Match"]).toBe('"v1"');
    expect(calls[0]?.headers.Accept).toBe("application/vnd.apache.arrow.stream");
    expect(second.notModified).toBe(true);
    expect(second.data).toBe(first.data);
    expect(second.meta.degraded).toBe("source down");
  });

  it("leaves revalidation to a caller holding the data: its ETag, no cached body, an empty 304", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [
      arrow([1, 2], {
        ETag: '"B"',
        "X-Payload": "delta",
        "X-Delta-Base": "A",
        "X-Snapshot-Time": "2026-12-05T09:30:00+08:00",
      }),
      () =>
        new Response(null, { status: 304, headers: { ETag: '"B"', "X-Snapshot-Time": "2026-12-05T09:31:00+08:00" } }),
      arrow([3], { "X-Payload": "full" }),
    ]);
    const client = createFetchClient({ fetch, ...time });
    const delta = await client.getBytes("/d?since=A", { revalidate: { etag: '"A"' } });
    expect(calls[0]?.headers["If-None-Match"]).toBe('"A"');
    expect(Array.from(delta.data)).toEqual([1, 2]);
    expect(delta.meta).toMatchObject({
      payload: "delta",
      deltaBase: "A",
      snapshotTime: Date.UTC(2026, 11, 5, 1, 30),
    });
    const same = await client.getBytes("/d?since=A", { revalidate: { etag: '"B"' } });
    expect(calls[1]?.headers["If-None-Match"]).toBe('"B"');
    expect(same).toMatchObject({ notModified: true, etag: '"B"' });
    expect(same.data.byteLength).toBe(0);
    expect(same.meta.snapshotTime).toBe(Date.UTC(2026, 11, 5, 1, 31));
    const full = await client.getBytes("/d?since=A", { revalidate: { etag: null } });
    expect(calls[2]?.headers["If-None-Match"]).toBeUndefined();
    expect(full.meta).toMatchObject({ payload: "full", deltaBase: null, snapshotTime: null });
    // Nothing was cached: a plain request afterwards revalidates nothing.
    await client.getBytes("/d?since=A").catch(() => undefined);
    expect(calls[3]?.headers["If-None-Match"]).toBeUndefined();
  });

  it("waits at least Retry-After before retrying a retryable error", async () => {
    const time = fakeTime(0, () => 0.999);
    const { fetch, calls } = scriptedFetch(time, [
      problem(503, { code: "DB_POOL_EXHAUSTED", retryable: true, request_id: "r1" }, { "Retry-After": "5" }),
      arrow([9]),
    ]);
    const client = createFetchClient({ fetch, ...time, backoff: { baseMs: 500, capMs: 30_000 } });
    const result = await time.settle(client.getBytes("/x"));
    expect(calls.map((c) => c.at)).toEqual([0, 5000 + 499]);
    expect(result.attempts).toBe(2);
  });

  it("retries exactly at Retry-After when the jitter draws 0", async () => {
    const time = fakeTime(0, () => 0);
    const { fetch, calls } = scriptedFetch(time, [
      problem(503, { code: "DB_POOL_EXHAUSTED", retryable: true }, { "Retry-After": "5" }),
      arrow([9]),
    ]);
    await time.settle(createFetchClient({ fetch, ...time }).getBytes("/x"));
    expect(calls.map((c) => c.at)).toEqual([0, 5000]);
  });

  it("numbers every retry in X-Retry-Attempt, and never the first attempt", async () => {
    const time = fakeTime();
    const busy = problem(503, { code: "DB_UNAVAILABLE", retryable: true }, { "Retry-After": "1" });
    const { fetch, calls } = scriptedFetch(time, [busy, busy, arrow([1])]);
    await time.settle(createFetchClient({ fetch, ...time }).getBytes("/x"));
    expect(calls.map((c) => c.headers["X-Retry-Attempt"])).toEqual([undefined, "1", "2"]);
  });

  it("spreads 50 seeded clients told Retry-After: 2 over the window above it", async () => {
    const time = fakeTime();
    const rng = seededRandom(7);
    const clients = Array.from({ length: 50 }, () => {
      const { fetch, calls } = scriptedFetch(time, [
        problem(503, { code: "SNAPSHOT_UNAVAILABLE", retryable: true }, { "Retry-After": "2" }),
        arrow([1]),
      ]);
      return { client: createFetchClient({ fetch, ...time, random: rng.next }), calls };
    });
    await time.settle(Promise.all(clients.map(({ client }) => client.getBytes("/x"))));
    const retries = clients.map(({ calls }) => calls[1]?.at ?? -1);
    expect(Math.min(...retries)).toBeGreaterThanOrEqual(2000);
    expect(new Set(retries.map((at) => Math.floor(at / 100))).size).toBeGreaterThan(1);
  });

  it("uses full-jitter backoff when there is no Retry-After", async () => {
    const time = fakeTime(0, () => 0.5);
    const { fetch, calls } = scriptedFetch(time, [
      () => Promise.reject(new TypeError("failed to fetch")),
      problem(502, {}),
      arrow([1]),
    ]);
    const client = createFetchClient({ fetch, ...time, backoff: { baseMs: 1000, capMs: 1500 } });
    await time.settle(client.getBytes("/x"));
    expect(calls.map((c) => c.at)).toEqual([0, 500, 500 + 750]);
  });

  it("does not retry non-retryable codes, whichever side says so", async () => {
    for (const body of [
      { code: "INVALID_QUERY", retryable: false, detail: "bad field" },
      { code: "BAD_REQUEST", retryable: true },
      { code: "DB_UNAVAILABLE", retryable: false },
    ]) {
      const time = fakeTime();
      const { fetch, calls } = scriptedFetch(time, [
        problem(body.code === "DB_UNAVAILABLE" ? 503 : 400, body),
        arrow([1]),
      ]);
      const error = await time.settle(createFetchClient({ fetch, ...time }).getBytes("/x")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: body.code, retryable: false, attempts: 1 });
      expect(calls).toHaveLength(1);
    }
  });

  it("parses problem details into a typed ApiError", async () => {
    const time = fakeTime(Date.UTC(2025, 0, 1));
    const { fetch } = scriptedFetch(time, [
      problem(404, {
        type: "about:blank",
        title: "Unknown dataset",
        status: 404,
        code: "UNKNOWN_DATASET",
        retryable: false,
        request_id: "abc",
        detail: "no such dataset: lots",
      }),
    ]);
    const error = await createFetchClient({ fetch, ...time })
      .getJson("/api/v1/datasets/lots")
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 404,
      code: "UNKNOWN_DATASET",
      retryable: false,
      requestId: "abc",
      detail: "no such dataset: lots",
      retryAfterS: null,
    });
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", Date.UTC(2025, 0, 1))).toBe(30);
    expect(parseRetryAfter("soon", 0)).toBeNull();
  });

  it("stops retrying when the shared retry budget is exhausted", async () => {
    const time = fakeTime();
    const busy = problem(503, { code: "CIRCUIT_OPEN", retryable: true }, { "Retry-After": "1" });
    const { fetch, calls } = scriptedFetch(time, [busy]);
    const budget = createRetryBudget({ maxTokens: 2, refill: 0.5 });
    const client = createFetchClient({ fetch, ...time, budget, maxAttempts: 5 });
    const first = await time.settle(client.getBytes("/x")).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: "CIRCUIT_OPEN", attempts: 3 });
    const second = await time.settle(client.getBytes("/x")).catch((e: unknown) => e);
    expect(second).toMatchObject({ attempts: 1 });
    expect(calls).toHaveLength(4);
    expect(budget.tokens()).toBe(0);
  });

  it("gives up after maxAttempts", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [problem(503, { code: "DB_TIMEOUT", retryable: true })]);
    const error = await time
      .settle(createFetchClient({ fetch, ...time, maxAttempts: 3 }).getBytes("/x"))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DB_TIMEOUT", attempts: 3 });
    expect(calls).toHaveLength(3);
  });

  it("aborts a request at its deadline and does not retry", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [hang]);
    const error = await time
      .settle(createFetchClient({ fetch, ...time, deadlineMs: 20_000 }).getBytes("/x"))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DEADLINE_EXCEEDED", status: 0, retryable: false });
    expect(time.now()).toBe(20_000);
    expect(calls).toHaveLength(1);
  });

  it("does not start a retry that could not finish before the deadline", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [
      problem(503, { code: "DB_POOL_EXHAUSTED", retryable: true }, { "Retry-After": "30" }),
    ]);
    const error = await time
      .settle(createFetchClient({ fetch, ...time, deadlineMs: 10_000 }).getBytes("/x"))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DB_POOL_EXHAUSTED", retryAfterS: 30 });
    expect(calls).toHaveLength(1);
    expect(time.pending()).toBe(0);
  });

  it("reports ABORTED when the caller aborts", async () => {
    const time = fakeTime();
    const { fetch } = scriptedFetch(time, [hang]);
    const caller = new AbortController();
    const pending = createFetchClient({ fetch, ...time }).getBytes("/x", { signal: caller.signal });
    caller.abort();
    await expect(pending).rejects.toMatchObject({ code: "ABORTED" });
  });

  it("reports download progress against Content-Length", async () => {
    const time = fakeTime();
    const stream = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array([1, 2]));
            controller.enqueue(new Uint8Array([3, 4, 5]));
            controller.close();
          },
        }),
        { headers: { "Content-Length": "5" } },
      );
    const { fetch } = scriptedFetch(time, [stream]);
    const progress: [number, number | null][] = [];
    const result = await createFetchClient({ fetch, ...time }).getBytes("/x", {
      onProgress: (p) => progress.push([p.loaded, p.total]),
    });
    expect(Array.from(result.data)).toEqual([1, 2, 3, 4, 5]);
    expect(progress).toEqual([
      [0, 5],
      [2, 5],
      [5, 5],
    ]);
  });

  it("measures compressed downloads by X-Uncompressed-Length", async () => {
    const time = fakeTime();
    const body = () =>
      new Response(new Uint8Array([1, 2, 3, 4]), {
        headers: { "Content-Encoding": "zstd", "Content-Length": "2", "X-Uncompressed-Length": "4" },
      });
    const { fetch } = scriptedFetch(time, [body]);
    const totals: (number | null)[] = [];
    await createFetchClient({ fetch, ...time }).getBytes("/x", { onProgress: (p) => totals.push(p.total) });
    expect(new Set(totals)).toEqual(new Set([4]));
  });

  it("decodes JSON bodies", async () => {
    const time = fakeTime();
    const { fetch, calls } = scriptedFetch(time, [() => new Response('{"datasets":[]}')]);
    const result = await createFetchClient({ fetch, ...time }).getJson<{ datasets: unknown[] }>("/api/v1/datasets");
    expect(result.data).toEqual({ datasets: [] });
    expect(calls[0]?.headers.Accept).toBe("application/json");
  });

  it("sends mutations once, with the CSRF token and a JSON body", async () => {
    const time = fakeTime();
    const seen: RequestInit[] = [];
    const fetch = (async (_url: string, init: RequestInit = {}) => {
      seen.push(init);
      return seen.length === 1
        ? new Response(JSON.stringify({ ok: true }), { status: 200 })
        : problem(503, { code: "DB_UNAVAILABLE", retryable: true }, { "Retry-After": "1" })();
    }) as typeof globalThis.fetch;
    let token: string | null = "tok-1";
    const client = createFetchClient({ fetch, ...time, csrfToken: () => token });
    expect(await client.send("PUT", "/api/v1/pages/x", { status: "dev" })).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({ method: "PUT", body: '{"status":"dev"}' });
    expect(seen[0]?.headers).toMatchObject({ "X-CSRF-Token": "tok-1", "Content-Type": "application/json" });
    token = null;
    const error = await client.send("DELETE", "/api/v1/session").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DB_UNAVAILABLE", attempts: 1 });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.headers).not.toHaveProperty("X-CSRF-Token");
    expect(seen[1]?.body).toBeUndefined();
  });
});
