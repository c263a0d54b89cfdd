/** Pareto: cumulative percentage (0..100) of each value over rows already in display order. */

/** Cumulative % of the running sum over the total; nulls add nothing; all null when the total is 0. */
export function pareto(values: readonly (number | null)[]): (number | null)[] {
  let total = 0;
  for (const v of values) if (v !== null) total += v;
  if (total === 0) return values.map(() => null);
  let running = 0;
  return values.map((v) => {
    if (v !== null) running += v;
    return (running / total) * 100;
  });
}
