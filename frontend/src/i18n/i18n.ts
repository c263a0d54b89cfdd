/** The UI language: a reactive locale, the message catalogue lookup, and contract labels. */
import { computed, ref } from "vue";
import { fieldSpec, type Locale, metricSpec } from "../core/contracts";
import type { Dataset } from "../core/query";
import { en } from "./messages-en";
import { zhTW } from "./messages-zh-tw";

export type MessageKey = keyof typeof zhTW;
export type MessageParams = Record<string, string | number>;

export const LOCALES: readonly Locale[] = ["zh-TW", "en"];
export const catalogues: Record<Locale, Record<MessageKey, string>> = { "zh-TW": zhTW, en };
const STORAGE_KEY = "mes.locale";

/** The starting language: the remembered one, else zh-TW for any Chinese browser language... */
export function pickLocale(stored: string | null, browserLanguages: readonly string[]): Locale {
  if (stored === "zh-TW" || stored === "en") return stored;
  for (const language of browserLanguages) {
    const lower = language.toLowerCase();
    if (lower.startsWith("zh")) return "zh-TW";
    if (lower.startsWith("en")) return "en";
  }
  return "zh-TW";
}

/** `{name}` placeholders replaced by their parameter. */
export function interpolate(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return interpolate(catalogues[locale][key], params);
}

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

const browserLanguages = typeof navigator === "undefined" ? [] : (navigator.languages ?? [navigator.language]);
const locale = ref<Locale>(pickLocale(readStored(), browserLanguages));

function applyDocumentLanguage(value: Locale): void {
  if (typeof document !== "undefined") document.documentElement.lang = value;
}
applyDocumentLanguage(locale.value);

export function setLocale(value: Locale): void {
  locale.value = value;
  applyDocumentLanguage(value);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, value);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The i18n API components and pages use. */
export function useI18n() {
  return {
    locale: computed(() => locale.value),
    setLocale,
    t: (key: MessageKey, params?: MessageParams) => translate(locale.value, key, params),
    fieldLabel: (dataset: Dataset, name: string) => fieldSpec(dataset, name)?.label[locale.value] ?? name,
    metricLabel: (id: string) => metricSpec(id)?.label[locale.value] ?? id,
  };
}

export type I18n = ReturnType<typeof useI18n>;
