import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogues, interpolate, type MessageKey, pickLocale, translate } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|vue)$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("message catalogues", () => {
  const zh = catalogues["zh-TW"];
  const en = catalogues.en;

  it("have the same keys, none empty, with the same placeholders", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const key of Object.keys(zh) as MessageKey[]) {
      expect(zh[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it("hold every key the sources use with t(...)", () => {
    const src = join(__dirname, "..");
    const used = new Set<string>();
    for (const file of sourceFiles(src)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\(\s*"([a-zA-Z0-9_.-]+)"/g)) used.add(m[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((key) => !Object.hasOwn(zh, key));
    expect(missing).toEqual([]);
  });
});

describe("pickLocale", () => {
  it("prefers the stored choice, then the browser languages, then zh-TW", () => {
    expect(pickLocale("en", ["zh-TW"])).toBe("en");
    expect(pickLocale(null, ["zh-CN", "en"])).toBe("zh-TW");
    expect(pickLocale(null, ["en-US"])).toBe("en");
    expect(pickLocale("fr", ["de-DE"])).toBe("zh-TW");
  });
});

describe("interpolate / translate", () => {
  it("fills placeholders and leaves unknown ones", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(translate("en", "common.rows", { n: 3 })).toBe("3 rows");
    expect(translate("zh-TW", "common.rows", { n: 3 })).toBe("3 筆");
  });
});
