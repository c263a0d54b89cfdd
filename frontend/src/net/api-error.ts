/**
 * ApiError: every failure the fetch client reports, parsed from RFC 9457 problem details.
 *
 * Codes come from contracts/errors.json (the server's), plus the client's own for requests that
 * got no HTTP answer (status 0):
 *   NETWORK_ERROR      the request failed in transit (retryable)
 *   DEADLINE_EXCEEDED  the per-request deadline passed (not retried: the deadline is spent)
 *   ABORTED            the caller aborted (not retried)
 *   HTTP_<status>      an error response without a usable problem body
 */
import { errorSpec } from "../core/contracts";

export interface ApiErrorInit {
  status: number;
  code: string;
  retryable: boolean;
  retryAfterS?: number | null;
  requestId?: string | null;
  detail?: string | null;
  title?: string | null;
  /** The request parameter an INVALID_PARAMETER error names. */
  parameter?: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterS: number | null;
  readonly requestId: string | null;
  readonly detail: string | null;
  readonly parameter: string | null;
  /** Attempts made before giving up (set by the fetch client). */
  attempts = 1;

  constructor(init: ApiErrorInit) {
    super(`${init.code}: ${init.detail ?? init.title ?? `HTTP ${init.status}`}`);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable;
    this.retryAfterS = init.retryAfterS ?? null;
    this.requestId = init.requestId ?? null;
    this.detail = init.detail ?? null;
    this.parameter = init.parameter ?? null;
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 502, 503, 504]);

interface ProblemBody {
  code?: unknown;
  retryable?: unknown;
  request_id?: unknown;
  detail?: unknown;
  title?: unknown;
  parameter?: unknown;
}

/**
 * Retryable only if both the body and contracts/errors.json allow it (a disagreement means one
 * side is stale: do not hammer). Without either, fall back on the HTTP status.
 */
export function isRetryable(status: number, code: string | null, bodyRetryable: unknown): boolean {
  const contract = code ? errorSpec(code) : undefined;
  const fromBody = typeof bodyRetryable === "boolean" ? bodyRetryable : null;
  if (contract) return contract.retryable && fromBody !== false;
  return fromBody ?? RETRYABLE_STATUS.has(status);
}

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), null when absent/invalid. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, (date - nowMs) / 1000);
}

/** Build the ApiError of a non-2xx response from its problem+json body and headers. */
export function apiErrorFromResponse(status: number, headers: Headers, bodyText: string, nowMs: number): ApiError {
  const body = parseProblem(bodyText);
  const code = typeof body.code === "string" && body.code ? body.code : null;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return new ApiError({
    status,
    code: code ?? `HTTP_${status}`,
    retryable: isRetryable(status, code, body.retryable),
    retryAfterS: parseRetryAfter(headers.get("Retry-After"), nowMs),
    requestId: str(body.request_id) ?? headers.get("X-Request-ID"),
    detail: str(body.detail),
    title: str(body.title) ?? (code ? (errorSpec(code)?.title ?? null) : null),
    parameter: str(body.parameter),
  });
}

function parseProblem(text: string): ProblemBody {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as ProblemBody) : {};
  } catch {
    return {};
  }
}
