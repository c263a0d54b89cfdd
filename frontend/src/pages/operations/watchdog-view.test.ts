import { describe, expect, it } from "vitest";
import { readDecision, watchdogView } from "./watchdog-view";

describe("watchdog view", () => {
  it("reads the health section", () => {
    const view = watchdogView({
      running: true,
      policy: { failures: 3, cooldown_s: 300, budget: 3, window_s: 3600, interval_s: 10 },
      mode: "churn_guarded",
      consecutive_failures: 4,
      restarts_in_window: 3,
      restarts_total: 9,
      cooldown_left_s: 0,
      last_probe: "2026-01-01T00:00:00+00:00",
      pending: null,
      decisions: [
        {
          at: "2026-01-01T00:00:00+00:00",
          action: "refused",
          reason: "cooldown",
          actor: "watchdog",
          repeat: 2,
          retry_after_s: 12,
        },
      ],
    });
    expect(view).toEqual({
      running: true,
      mode: "churn_guarded",
      consecutiveFailures: 4,
      restartsInWindow: 3,
      restartsTotal: 9,
      budget: 3,
      windowS: 3600,
      cooldownLeftS: 0,
      lastProbe: "2026-01-01T00:00:00+00:00",
      pendingReason: null,
      decisions: [
        {
          at: "2026-01-01T00:00:00+00:00",
          action: "refused",
          reason: "cooldown",
          actor: "watchdog",
          repeat: 2,
          retryAfterS: 12,
        },
      ],
    });
  });

  it("tolerates a watchdog that never ran and odd values", () => {
    expect(watchdogView(undefined)).toBeNull();
    expect(watchdogView({ running: false, policy: { budget: 3 } })?.decisions).toEqual([]);
    expect(readDecision(null)).toEqual({
      at: null,
      action: "none",
      reason: "",
      actor: "",
      repeat: 1,
      retryAfterS: null,
    });
  });
});
