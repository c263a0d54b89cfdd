/**
 * The sync benchmark page. bench/sync.py opens it in headless Chromium: window.coldRun(data, engine)
 * once per fresh page (before: the previous decoder on the previous encoder's bytes; after: this
 * core on the bytes served now; arquero: fromArrow on the same bytes), and window.applyRun(data,
 * runs): decode A, apply the delta A -> B `runs` times, and check the result equals B decoded.
 */
import { applyDelta } from "../../frontend/src/core/apply-delta";
import { decodeTable } from "../../frontend/src/core/decode-table";
import { cellValue, type Table } from "../../frontend/src/core/table";
// The previous decoder, extracted by bench/sync.py from git (frontend/src/core at --before-ref).
import { decodeTable as decodeBefore } from "../.work/before/frontend/src/core/decode-table";
import { createArqueroEngine } from "../browser/engine-arquero";
import { createCoreEngine } from "../browser/engine-core";
import { collectGarbage, stats, timed } from "../browser/measure";
import { OVERVIEW_QUERIES } from "../browser/workload";

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const SUGGEST_FIELDS = ["LOTID", "WORKORDER"] as const;

async function coldRun(data: string, engine: "before" | "after" | "arquero") {
  const bytes = await fetchBytes(`${data}/${engine === "before" ? "before" : "a"}.arrows`);
  collectGarbage();
  if (engine === "arquero") {
    const aq = createArqueroEngine();
    await aq.init();
    const decode = await timed(() => aq.load(bytes));
    const queries = await timed(() => aq.run(OVERVIEW_QUERIES));
    const first: Record<string, number> = {};
    for (const field of SUGGEST_FIELDS) first[field] = (await timed(() => aq.suggest({ field, text: "0042" }))).ms;
    return { decode_ms: decode.ms, decode_and_queries_ms: decode.ms + queries.ms, first_suggest_ms: first };
  }
  const core = createCoreEngine();
  const decode = await timed(() => core.load(bytes, engine === "before" ? decodeBefore : decodeTable));
  const queries = await timed(() => core.run(OVERVIEW_QUERIES));
  const first: Record<string, number> = {};
  for (const field of SUGGEST_FIELDS) first[field] = (await timed(() => core.suggest({ field, text: "0042" }))).ms;
  return { decode_ms: decode.ms, decode_and_queries_ms: decode.ms + queries.ms, first_suggest_ms: first };
}

/** The first cell where two tables differ, or null when they are equal on every cell. */
function difference(got: Table, want: Table): string | null {
  if (got.numRows !== want.numRows) return `rows ${got.numRows} != ${want.numRows}`;
  for (const name of want.columnNames) {
    const a = got.columns.get(name);
    const b = want.columns.get(name);
    if (!a || !b) return `column ${name} missing`;
    for (let row = 0; row < want.numRows; row++) {
      const x = cellValue(a, row);
      const y = cellValue(b, row);
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return `${name}[${row}]: ${String(x)} != ${String(y)}`;
    }
  }
  return null;
}

async function applyRun(data: string, runs: number) {
  const [a, delta, b] = await Promise.all(["a", "delta", "b"].map((n) => fetchBytes(`${data}/${n}.arrows`)));
  if (!a || !delta || !b) throw new Error("missing payload");
  const base = decodeTable(a);
  const samples: number[] = [];
  let last: Table | null = null;
  collectGarbage();
  for (let i = 0; i < runs; i++) {
    const run = await timed(() => applyDelta(base, delta));
    samples.push(run.ms);
    last = run.value;
  }
  const want = decodeTable(b);
  const diff = last ? difference(last, want) : "no result";
  return { apply: stats(samples), equal: diff === null, difference: diff, rows: last?.numRows ?? null };
}

Object.assign(window, { coldRun, applyRun, benchReady: true });
const status = document.getElementById("status");
if (status) status.textContent = "ready";
