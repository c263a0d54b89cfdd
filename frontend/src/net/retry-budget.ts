/**
 * A retry budget shared by every request of one client: each retry spends a token, each success
 * earns a fraction back. When the server is down for everyone, retries stop after a few instead
 * of multiplying the load by the per-request attempt limit.
 */
export interface RetryBudget {
  /** Spend a token for one retry; false when the budget is exhausted. */
  tryWithdraw(): boolean;
  /** Record a success (earns `refill` tokens, up to the maximum). */
  deposit(): void;
  tokens(): number;
}

export interface RetryBudgetOptions {
  maxTokens?: number;
  refill?: number;
}

export function createRetryBudget({ maxTokens = 10, refill = 0.2 }: RetryBudgetOptions = {}): RetryBudget {
  let tokens = maxTokens;
  return {
    tryWithdraw: () => {
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    deposit: () => {
      tokens = Math.min(maxTokens, tokens + refill);
    },
    tokens: () => tokens,
  };
}
