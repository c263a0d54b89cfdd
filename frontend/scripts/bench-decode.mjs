// Decoder comparison behind the choice in frontend/README.md (flechette vs apache-arrow).
// Usage: .venv/bin/python frontend/test-data/make-fixtures.py --wip-rows 100000 --out /tmp/wip-100k.arrows
//        node frontend/scripts/bench-decode.mjs /tmp/wip-100k.arrows
import { readFileSync } from "node:fs";
import * as flechette from "@uwdata/flechette";
import * as arrow from "apache-arrow";

const bytes = new Uint8Array(readFileSync(process.argv[2] ?? "/tmp/wip-100k.arrows"));

function time(label, fn, runs = 9) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${ms[runs >> 1].toFixed(1)} ms, min ${ms[0].toFixed(1)} ms`);
}

console.log(`${bytes.length} bytes`);
time("flechette tableFromIPC", () => flechette.tableFromIPC(bytes));
time("apache-arrow tableFromIPC", () => arrow.tableFromIPC(bytes));
time("flechette decode + every column toArray", () => {
  for (const column of flechette.tableFromIPC(bytes).children) column.toArray();
});
time("apache-arrow decode + every column toArray", () => {
  const table = arrow.tableFromIPC(bytes);
  for (const field of table.schema.fields) table.getChild(field.name)?.toArray();
});
