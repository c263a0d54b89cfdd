/** Data is never inserted as HTML, and nothing needs 'unsafe-inline' under the server's CSP. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const FRONTEND = join(__dirname, "..", "..");
const SINKS = /v-html|innerHTML|outerHTML|insertAdjacentHTML|document\.write|new Function|\beval\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|vue|html)$/.test(name) ? [path] : [];
  });
}

describe("no HTML sinks", () => {
  it("no source file uses v-html, innerHTML or other HTML/script sinks", () => {
    const offenders = files(join(FRONTEND, "src"))
      .filter((f) => !f.endsWith("no-html-sinks.test.ts"))
      .filter((f) => SINKS.test(readFileSync(f, "utf8")))
      .map((f) => relative(FRONTEND, f));
    expect(offenders).toEqual([]);
  });

  it("index.html has no inline script, style element or style attribute", () => {
    const html = readFileSync(join(FRONTEND, "index.html"), "utf8");
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    for (const m of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(m[1]).toMatch(/\ssrc=/);
      expect(m[2]?.trim()).toBe("");
    }
  });

  it("templates bind styles only through :style (CSSOM), never a static style attribute", () => {
    const offenders = files(join(FRONTEND, "src"))
      .filter((f) => f.endsWith(".vue"))
      .filter((f) => /<template>[\s\S]*\sstyle\s*=/.test(readFileSync(f, "utf8")))
      .map((f) => relative(FRONTEND, f));
    expect(offenders).toEqual([]);
  });
});
