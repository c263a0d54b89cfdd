/** POST /api/v1/admin/restart through the fetch client (`send` adds the session's CSRF token). */
import { ApiError } from "../../net/api-error";
import type { FetchClient } from "../../net/fetch-client";
import { readDecision, type WatchdogDecision } from "./watchdog-view";

export const RESTART_URL = "/api/v1/admin/restart";

export interface RestartInput {
  reason: string;
  override: boolean;
  acknowledge: boolean;
}

/** The policy's decision when accepted (202), else the refusal's code and reason. */
export interface RestartOutcome {
  accepted: boolean;
  decision: WatchdogDecision | null;
  code: string | null;
  detail: string | null;
}

export async function requestRestart(client: Pick<FetchClient, "send">, input: RestartInput): Promise<RestartOutcome> {
  try {
    const body = await client.send<{ decision?: unknown } | null>("POST", RESTART_URL, input);
    return { accepted: true, decision: readDecision(body?.decision), code: null, detail: null };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { accepted: false, decision: null, code: e.code, detail: e.detail };
  }
}
