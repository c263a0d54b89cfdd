import { describe, expect, it } from "vitest";
import { createFetchClient } from "../../net/fetch-client";
import { RESTART_URL, requestRestart } from "./restart-request";

const INPUT = { reason: "stuck", override: false, acknowledge: false };

function client(status: number, body: unknown, seen: [string, RequestInit][]) {
  const fetch = (async (url: string, init: RequestInit = {}) => {
    seen.push([url, init]);
    const type = status < 400 ? "application/json" : "application/problem+json";
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
  }) as typeof globalThis.fetch;
  return createFetchClient({ fetch, csrfToken: () => "tok-7" });
}

describe("requestRestart", () => {
  it("posts the request once with the CSRF token and returns the scheduled decision", async () => {
    const seen: [string, RequestInit][] = [];
    const decision = { at: 1, action: "scheduled", reason: "within policy", actor: "ops-admin", repeat: 1 };
    const outcome = await requestRestart(client(202, { decision }, seen), INPUT);
    expect(outcome).toMatchObject({ accepted: true, code: null });
    expect(outcome.decision).toMatchObject({ action: "scheduled", reason: "within policy", actor: "ops-admin" });
    expect(seen).toHaveLength(1);
    const [url, init] = seen[0] ?? ["", {}];
    expect(url).toBe(RESTART_URL);
    expect(init).toMatchObject({ method: "POST", body: JSON.stringify(INPUT) });
    expect(init.headers).toMatchObject({ "X-CSRF-Token": "tok-7" });
  });

  it("returns the refusal's code and the policy's reason", async () => {
    const seen: [string, RequestInit][] = [];
    const refused = {
      code: "RESTART_REFUSED",
      retryable: false,
      detail: "cooldown",
      decision: { action: "refused", reason: "cooldown", retry_after_s: 40 },
    };
    const outcome = await requestRestart(client(409, refused, seen), INPUT);
    expect(outcome).toEqual({ accepted: false, decision: null, code: "RESTART_REFUSED", detail: "cooldown" });
    expect(seen).toHaveLength(1);
  });
});
