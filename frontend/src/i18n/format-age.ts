/** A data age in seconds as a short phrase ("3 分鐘" / "3 min"). */
import type { MessageKey, MessageParams } from "./i18n";

type Translate = (key: MessageKey, params?: MessageParams) => string;

export function formatAge(seconds: number | null, t: Translate): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("age.seconds", { n: s });
  if (s < 3600) return t("age.minutes", { n: Math.floor(s / 60) });
  if (s < 86_400) return t("age.hours", { n: Math.floor(s / 3600) });
  return t("age.days", { n: Math.floor(s / 86_400) });
}

/** The age now: the server's X-Data-Age-Seconds when received, plus the time since (immune to clock skew). */
export function currentAgeS(dataAgeS: number | null, receivedAt: number | null, now: number): number | null {
  if (dataAgeS === null || receivedAt === null) return null;
  return dataAgeS + Math.max(0, now - receivedAt) / 1000;
}
