/** The `watchdog` section of /health/deep as display values (policy state and last decisions). */

export interface WatchdogDecision {
  at: string | null;
  action: string;
  reason: string;
  actor: string;
  repeat: number;
  retryAfterS: number | null;
}

export interface WatchdogView {
  running: boolean;
  mode: string | null;
  consecutiveFailures: number | null;
  restartsInWindow: number | null;
  restartsTotal: number | null;
  budget: number | null;
  windowS: number | null;
  cooldownLeftS: number | null;
  lastProbe: string | null;
  pendingReason: string | null;
  decisions: WatchdogDecision[];
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});

export function readDecision(raw: unknown): WatchdogDecision {
  const d = obj(raw);
  return {
    at: str(d.at),
    action: str(d.action) ?? "none",
    reason: str(d.reason) ?? "",
    actor: str(d.actor) ?? "",
    repeat: num(d.repeat) ?? 1,
    retryAfterS: num(d.retry_after_s),
  };
}

export function watchdogView(section: unknown): WatchdogView | null {
  if (typeof section !== "object" || section === null) return null;
  const w = section as Record<string, unknown>;
  const policy = obj(w.policy);
  return {
    running: w.running === true,
    mode: str(w.mode),
    consecutiveFailures: num(w.consecutive_failures),
    restartsInWindow: num(w.restarts_in_window),
    restartsTotal: num(w.restarts_total),
    budget: num(policy.budget),
    windowS: num(policy.window_s),
    cooldownLeftS: num(w.cooldown_left_s),
    lastProbe: str(w.last_probe),
    pendingReason: str(obj(w.pending).reason),
    decisions: Array.isArray(w.decisions) ? w.decisions.map(readDecision) : [],
  };
}
