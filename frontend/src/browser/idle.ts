/** Run work when the page is idle (requestIdleCallback, with a deadline so it does happen). */

export function whenIdle(work: () => void, timeoutMs = 5_000): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => work(), { timeout: timeoutMs });
  else setTimeout(work, 200);
}
