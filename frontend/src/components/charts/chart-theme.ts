/** Colours shared by charts and cards (CSS holds the same values as custom properties). */
export const COLORS = {
  run: "#16a34a",
  queue: "#2563eb",
  quality: "#dc2626",
  nonQuality: "#ea580c",
  line: "#334155",
  grid: "#e2e8f0",
  text: "#475569",
  accent: "#0f766e",
} as const;

export const E10_COLORS: Record<string, string> = {
  PRD: "#16a34a",
  SBY: "#eab308",
  UDT: "#dc2626",
  SDT: "#f97316",
  EGT: "#7c3aed",
  NST: "#64748b",
  OTHER: "#94a3b8",
};

/** Tooltip drawn on the canvas (richText): no HTML is ever built from data. */
export const SAFE_TOOLTIP = { renderMode: "richText", confine: true } as const;

export const FONT_FAMILY = '"Noto Sans TC", "Microsoft JhengHei", "PingFang TC", system-ui, sans-serif';
