/** Which rows a fixed-row-height virtual list renders for a scroll position. */
export interface VisibleRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): VisibleRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(first - overscan, count - 1));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end) };
}

/** Whether two ranges render the same rows. */
export function sameRange(a: VisibleRange, b: VisibleRange): boolean {
  return a.start === b.start && a.end === b.end;
}
