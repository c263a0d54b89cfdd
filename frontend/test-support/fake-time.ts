/** A fake clock and timers: time moves only when a test says so; nothing really sleeps. */
import type { TimeSource } from "../src/net/timers";

interface Scheduled {
  id: number;
  at: number;
  callback: () => void;
}

export interface FakeTime extends TimeSource {
  /** Move time forward, firing due timers in order. */
  advance(ms: number): Promise<void>;
  /** Fire timers one by one (moving time to each) until the promise settles. */
  settle<T>(promise: Promise<T>): Promise<T>;
  pending(): number;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export function fakeTime(start = 0, random: () => number = () => 0.5): FakeTime {
  let now = start;
  let nextId = 1;
  let queue: Scheduled[] = [];
  const fireNext = (limit: number): boolean => {
    const due = queue.filter((t) => t.at <= limit).sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (!due) return false;
    queue = queue.filter((t) => t !== due);
    now = Math.max(now, due.at);
    due.callback();
    return true;
  };
  return {
    now: () => now,
    random,
    timers: {
      setTimeout: (callback, ms) => {
        const id = nextId++;
        queue.push({ id, at: now + Math.max(0, ms), callback });
        return id;
      },
      clearTimeout: (handle) => {
        queue = queue.filter((t) => t.id !== handle);
      },
    },
    async advance(ms) {
      const target = now + ms;
      await flush();
      while (fireNext(target)) await flush();
      now = target;
      await flush();
    },
    async settle(promise) {
      let settled = false;
      const watched = promise.finally(() => {
        settled = true;
      });
      watched.catch(() => {});
      for (let i = 0; i < 10_000; i++) {
        await flush();
        if (settled) return promise;
        if (!fireNext(Number.POSITIVE_INFINITY))
          throw new Error("fakeTime.settle: no timer left and the promise is pending");
      }
      throw new Error("fakeTime.settle: too many timers");
    },
    pending: () => queue.length,
  };
}
