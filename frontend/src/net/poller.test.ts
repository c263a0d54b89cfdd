import { describe, expect, it } from "vitest";
import { fakeTime } from "../../test-support/fake-time";
import { ApiError } from "./api-error";
import { createPoller, type VisibilitySource } from "./poller";

function fakeVisibility(hidden = false) {
  let listeners: (() => void)[] = [];
  const source: VisibilitySource & { set(hidden: boolean): void } = {
    isHidden: () => hidden,
    subscribe: (listener) => {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    set: (value) => {
      hidden = value;
      for (const l of listeners) l();
    },
  };
  return source;
}

type Outcome = { data: number; degraded?: string; age?: number } | Error;

function scriptedLoad(time: { now(): number }, outcomes: Outcome[]) {
  const calls: number[] = [];
  const load = async () => {
    const outcome = outcomes[Math.min(calls.length, outcomes.length - 1)] as Outcome;
    calls.push(time.now());
    if (outcome instanceof Error) throw outcome;
    return { data: outcome.data, meta: { degraded: outcome.degraded ?? null, dataAgeS: outcome.age ?? null } };
  };
  return { load, calls };
}

describe("poller", () => {
  it("polls at the interval with jitter", async () => {
    const time = fakeTime(0, () => 1);
    const { load, calls } = scriptedLoad(time, [{ data: 1 }]);
    const poller = createPoller({ load, intervalMs: 10_000, jitter: 0.1, ...time });
    poller.start();
    await time.advance(35_000);
    expect(calls).toEqual([0, 11_000, 22_000, 33_000]);
    expect(poller.state()).toMatchObject({ status: "ok", data: 1 });
    poller.stop();
    await time.advance(50_000);
    expect(calls).toHaveLength(4);
  });

  it("keeps the last good data through failures: degraded, then stale", async () => {
    const time = fakeTime(0, () => 0.5);
    const failure = new ApiError({ status: 503, code: "DB_UNAVAILABLE", retryable: true });
    const { load } = scriptedLoad(time, [{ data: 1 }, failure]);
    const states: string[] = [];
    const poller = createPoller({ load, intervalMs: 10_000, ...time, onChange: (s) => states.push(s.status) });
    poller.start();
    await time.advance(10_000);
    expect(poller.state()).toMatchObject({ status: "degraded", data: 1, error: failure, lastSuccessAt: 0 });
    await time.advance(21_000);
    expect(poller.state()).toMatchObject({ status: "stale", data: 1 });
    expect(states).toContain("ok");
  });

  it("reports X-Degraded and stale X-Data-Age-Seconds from the server", async () => {
    const time = fakeTime();
    const { load } = scriptedLoad(time, [
      { data: 1, degraded: "source_down" },
      { data: 2, age: 3600 },
    ]);
    const poller = createPoller({ load, intervalMs: 60_000, jitter: 0, ...time });
    poller.start();
    await time.advance(0);
    expect(poller.state()).toMatchObject({ status: "degraded", degraded: "source_down" });
    await time.advance(60_000);
    expect(poller.state()).toMatchObject({ status: "stale", data: 2, dataAgeS: 3600 });
  });

  it("is an error without any good data", async () => {
    const time = fakeTime();
    const { load } = scriptedLoad(time, [new Error("down")]);
    const poller = createPoller({ load, intervalMs: 1000, ...time });
    expect(poller.state().status).toBe("idle");
    poller.start();
    await time.advance(0);
    expect(poller.state()).toMatchObject({ status: "error", data: null });
  });

  it("pauses while the page is hidden and polls on return when due", async () => {
    const time = fakeTime();
    const visibility = fakeVisibility(true);
    const { load, calls } = scriptedLoad(time, [{ data: 1 }]);
    const poller = createPoller({ load, intervalMs: 10_000, jitter: 0, visibility, ...time });
    poller.start();
    await time.advance(30_000);
    expect(calls).toEqual([]);
    expect(poller.state().paused).toBe(true);
    visibility.set(false);
    await time.advance(0);
    expect(calls).toEqual([30_000]);
    await time.advance(5_000);
    visibility.set(true);
    await time.advance(60_000);
    expect(calls).toEqual([30_000]);
    visibility.set(false);
    await time.advance(0);
    expect(calls).toEqual([30_000, 95_000]);
  });

  it("resumes the remaining interval when the page comes back early", async () => {
    const time = fakeTime();
    const visibility = fakeVisibility(false);
    const { load, calls } = scriptedLoad(time, [{ data: 1 }]);
    const poller = createPoller({ load, intervalMs: 10_000, jitter: 0, visibility, ...time });
    poller.start();
    await time.advance(2_000);
    visibility.set(true);
    await time.advance(3_000);
    visibility.set(false);
    await time.advance(4_999);
    expect(calls).toEqual([0]);
    await time.advance(1);
    expect(calls).toEqual([0, 10_000]);
  });
});
