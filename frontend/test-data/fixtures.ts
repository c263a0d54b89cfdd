/** Load the Arrow fixtures of this folder: every NAME.arrows, with NAME.json expectations when present. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ExpectedTable {
  numRows: number;
  metadata: Record<string, string>;
  columns: Record<string, { type: string; values: (string | number | boolean | null)[] }>;
}

export interface Fixture {
  name: string;
  bytes: Uint8Array;
  expected: ExpectedTable | null;
}

const folder = fileURLToPath(new URL(".", import.meta.url));

export function listFixtures(): Fixture[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith(".arrows"))
    .sort()
    .map((file) => {
      const name = file.slice(0, -".arrows".length);
      const json = `${folder}${name}.json`;
      return {
        name,
        bytes: new Uint8Array(readFileSync(`${folder}${file}`)),
        expected: existsSync(json) ? (JSON.parse(readFileSync(json, "utf8")) as ExpectedTable) : null,
      };
    });
}

export function loadFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${folder}${name}.arrows`));
}
