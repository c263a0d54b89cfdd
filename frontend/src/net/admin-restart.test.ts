import { describe, expect, it } from "vitest";
import { requestRestart } from "./admin-restart";

const respond = (status: number, body: unknown) => async (_url: string, init: RequestInit) => {
  expect(init.method).toBe("POST");
  expect(JSON.parse(String(init.body))).toEqual({ reason: "stuck", override: false, acknowledge: false });
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
};

describe("requestRestart", () => {
  it("returns the scheduled decision", async () => {
    const outcome = await requestRestart(
      { reason: "stuck", override: false, acknowledge: false },
      respond(202, { decision: { at: 1, action: "scheduled", reason: "within policy", actor: "admin", repeat: 1 } }),
    );
    expect(outcome.accepted).toBe(true);
    expect(outcome.decision?.action).toBe("scheduled");
  });

  it("returns the refusal with its code and detail", async () => {
    const outcome = await requestRestart(
      { reason: "stuck", override: false, acknowledge: false },
      respond(409, {
        code: "RESTART_REFUSED",
        detail: "cooldown",
        decision: { action: "refused", reason: "cooldown", retry_after_s: 40 },
      }),
    );
    expect(outcome).toMatchObject({ accepted: false, status: 409, code: "RESTART_REFUSED", detail: "cooldown" });
    expect(outcome.decision?.retryAfterS).toBe(40);
  });
});
