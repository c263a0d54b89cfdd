/**
 * Full-jitter exponential backoff, never earlier than the server's Retry-After: after a
 * Retry-After the client waits it plus a full-jitter share of its own backoff, so clients told
 * the same Retry-After come back spread over the following backoff window, not in one instant.
 */

export interface BackoffPolicy {
  /** Upper bound of the first retry's delay. */
  baseMs: number;
  /** Largest upper bound, however many attempts. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/** Delay before retry number `attempt` (0-based): uniform in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/** The backoff delay, added on top of Retry-After when the server named one. */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterS: number | null,
): number {
  const jittered = backoffDelay(attempt, policy, random);
  return retryAfterS === null ? jittered : Math.ceil(retryAfterS * 1000) + jittered;
}
