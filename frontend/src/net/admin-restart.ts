/** POST /api/v1/admin/restart: the watchdog policy's decision, or the problem that refused it. */

export interface WatchdogDecision {
  at: string | null;
  action: string;
  reason: string;
  actor: string;
  repeat: number;
  retryAfterS: number | null;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function readDecision(raw: unknown): WatchdogDecision {
  const d = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    at: str(d.at),
    action: str(d.action) ?? "none",
    reason: str(d.reason) ?? "",
    actor: str(d.actor) ?? "",
    repeat: num(d.repeat) ?? 1,
    retryAfterS: num(d.retry_after_s),
  };
}

export interface RestartInput {
  reason: string;
  override: boolean;
  acknowledge: boolean;
}

export interface RestartOutcome {
  accepted: boolean;
  status: number;
  decision: WatchdogDecision | null;
  code: string | null;
  detail: string | null;
}

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export async function requestRestart(
  input: RestartInput,
  doFetch: Fetch = (u, i) => globalThis.fetch(u, i),
): Promise<RestartOutcome> {
  const response = await doFetch("/api/v1/admin/restart", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(input),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return {
    accepted: response.status === 202,
    status: response.status,
    decision: body.decision === undefined ? null : readDecision(body.decision),
    code: typeof body.code === "string" ? body.code : null,
    detail: typeof body.detail === "string" ? body.detail : null,
  };
}
