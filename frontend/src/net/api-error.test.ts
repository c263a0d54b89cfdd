import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test-support/seeded-random";
import { errorCodes, errorSpec } from "../core/contracts";
import { apiErrorFromResponse, isRetryable } from "./api-error";
import { backoffDelay, retryDelay } from "./backoff";

describe("isRetryable", () => {
  it("follows contracts/errors.json when the body agrees, and refuses when either side says no", () => {
    for (const code of errorCodes()) {
      const spec = errorSpec(code);
      if (!spec) throw new Error(code);
      expect(isRetryable(spec.status, code, spec.retryable), code).toBe(spec.retryable);
      expect(isRetryable(spec.status, code, false), code).toBe(false);
      expect(isRetryable(spec.status, code, true), code).toBe(spec.retryable);
    }
  });

  it("falls back on the body, then on the HTTP status, for unknown codes", () => {
    expect(isRetryable(500, "SOMETHING_NEW", true)).toBe(true);
    expect(isRetryable(503, null, undefined)).toBe(true);
    expect(isRetryable(500, null, undefined)).toBe(false);
  });

  it("reads a non-JSON error body as HTTP_<status>", () => {
    const error = apiErrorFromResponse(502, new Headers({ "X-Request-ID": "rid" }), "<html>bad gateway</html>", 0);
    expect(error).toMatchObject({ code: "HTTP_502", retryable: true, requestId: "rid", detail: null });
    expect(error.message).toBe("HTTP_502: HTTP 502");
  });

  it("keeps the parameter an INVALID_PARAMETER problem names", () => {
    const body = JSON.stringify({ code: "INVALID_PARAMETER", detail: "end is before start", parameter: "end" });
    const error = apiErrorFromResponse(400, new Headers(), body, 0);
    expect(error).toMatchObject({ code: "INVALID_PARAMETER", retryable: false, parameter: "end" });
    expect(apiErrorFromResponse(503, new Headers({ "Retry-After": "3" }), "{}", 0).parameter).toBeNull();
  });
});

describe("backoff", () => {
  it("draws full jitter under min(cap, base * 2^attempt)", () => {
    const policy = { baseMs: 100, capMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, policy, () => 0.9999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it("never waits less than Retry-After, and adds its own jittered backoff on top", () => {
    expect(retryDelay(0, { baseMs: 100, capMs: 1000 }, () => 0.5, 2.5)).toBe(2500 + 50);
    expect(retryDelay(5, { baseMs: 1000, capMs: 10_000 }, () => 0.5, 1)).toBe(1000 + 5000);
    expect(retryDelay(3, { baseMs: 1000, capMs: 10_000 }, () => 0, 2)).toBe(2000);
  });

  it("spreads clients told the same Retry-After over the backoff window above it", () => {
    const rng = seededRandom(20251201);
    const policy = { baseMs: 500, capMs: 30_000 };
    const delays = Array.from({ length: 200 }, () => retryDelay(1, policy, rng.next, 2));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...delays)).toBeLessThan(3000);
    const buckets = new Set(delays.map((d) => Math.floor(d / 100)));
    expect(buckets.size).toBe(10);
  });
});
