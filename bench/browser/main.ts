/**
 * The browser benchmark page. bench/browser_compute.py opens it in headless Chromium and calls
 * window.runBench(url, options) once per engine in a fresh page (so "cold" is a first run), and
 * window.checkParity(url, options) once on the smaller payload before any timing.
 */
import { createCrossfilter } from "../../frontend/src/core/crossfilter";
import type { Filter } from "../../frontend/src/core/query";
import { diffRows } from "./compare-results";
import type { Engine } from "./engine";
import { createArqueroEngine } from "./engine-arquero";
import { createCoreEngine } from "./engine-core";
import { createDuckdbEngine } from "./engine-duckdb";
import { collectGarbage, round, type Stats, sample, stats, timed } from "./measure";
import { profileDecode, profileQueries, profileUpdate, replayMatches } from "./profile-core";
import {
  BASE_WIDGETS,
  CHANGED_WIDGET,
  OVERVIEW_QUERIES,
  packageSelection,
  type SuggestCase,
  WIDGET_QUERIES,
} from "./workload";

const ENGINES: Record<string, () => Engine> = {
  core: createCoreEngine,
  arquero: createArqueroEngine,
  duckdb: createDuckdbEngine,
};

export interface BenchOptions {
  engine: string;
  /** "cold": decode + first queries only; "all": then warm, cross-filter and autocomplete. */
  phases: "cold" | "all";
  warmRuns: number;
  updateRuns: number;
  suggestRuns: number;
  /** PACKAGE_LEF selections the changed widget cycles through (each update is a real change). */
  selections: string[][];
  suggest: SuggestCase[];
  profileRuns?: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function runBench(url: string, options: BenchOptions) {
  const factory = ENGINES[options.engine];
  if (!factory) throw new Error(`unknown engine ${options.engine}`);
  const bytes = await fetchBytes(url);
  const engine = factory();
  const init = await timed(() => engine.init());
  collectGarbage();
  const decode = await timed(() => engine.load(bytes));
  const first = await timed(() => engine.run(OVERVIEW_QUERIES));
  collectGarbage();
  const report: Record<string, unknown> = {
    engine: engine.name,
    bytes: bytes.length,
    init_ms: round(init.ms),
    cold: { decode_ms: round(decode.ms), queries_ms: round(first.ms), total_ms: round(decode.ms + first.ms) },
  };
  if (options.phases === "all") Object.assign(report, await runWarm(engine, bytes, options));
  await engine.dispose();
  return report;
}

async function runWarm(engine: Engine, bytes: Uint8Array, options: BenchOptions) {
  const selections: Filter[][] = options.selections.map(packageSelection);
  const warm = await sample(options.warmRuns, () => engine.run(OVERVIEW_QUERIES));
  const update = await sample(options.updateRuns, (i) =>
    engine.update(CHANGED_WIDGET, selections[i % selections.length] ?? []),
  );
  // Autocomplete under the last selection (explicitly, whatever the number of updates).
  await engine.update(CHANGED_WIDGET, selections[selections.length - 1] ?? []);
  const suggest: Record<string, Stats & { text: string }> = {};
  // The first call on a field also pays what the engine does on first use (core: strings are lazy).
  const suggestFirst: Record<string, number> = {};
  for (const c of options.suggest) {
    const samples = await sample(options.suggestRuns, () => engine.suggest(c));
    suggestFirst[c.field] ??= round(samples[0] ?? Number.NaN);
    suggest[`${c.field} "${c.text}"`] = { text: c.text, ...stats(samples) };
  }
  const out: Record<string, unknown> = {
    warm: stats(warm),
    update: stats(update),
    suggest,
    suggest_first_ms: suggestFirst,
  };
  if (engine.name === "core") {
    const core = engine as ReturnType<typeof createCoreEngine>;
    // The same work without the core's reuse: selections computed afresh, all four widgets recomputed.
    const warmUncached = await sample(options.warmRuns, () => {
      core.forgetSelections();
      return core.run(OVERVIEW_QUERIES);
    });
    const updateAll = await sample(options.updateRuns, (i) =>
      core.updateRecomputingAll(CHANGED_WIDGET, selections[i % selections.length] ?? []),
    );
    out.warm_uncached = stats(warmUncached);
    out.update_recompute_all = stats(updateAll);
    out.profile = profileCore(core, bytes, options);
  }
  return out;
}

function profileCore(engine: ReturnType<typeof createCoreEngine>, bytes: Uint8Array, options: BenchOptions) {
  const runs = options.profileRuns ?? 5;
  const table = engine.table();
  const crossfilter = createCrossfilter(table, "wip");
  for (const [widget, filters] of Object.entries(BASE_WIDGETS)) crossfilter.setFilters(widget, filters);
  const selections = options.selections.map(packageSelection);
  return {
    replay_matches_evaluate: replayMatches(table, OVERVIEW_QUERIES),
    decode: profileDecode(bytes, Math.min(runs, 3)),
    overview: profileQueries(table, OVERVIEW_QUERIES, runs),
    update: profileUpdate(table, crossfilter, CHANGED_WIDGET, selections, WIDGET_QUERIES, runs),
  };
}

/** Same data, same workload: every engine's results against ours (groups, values, order). */
async function checkParity(url: string, options: BenchOptions) {
  const bytes = await fetchBytes(url);
  const engines = Object.values(ENGINES).map((f) => f());
  const results: Record<string, Record<string, unknown>> = {};
  for (const engine of engines) {
    await engine.init();
    await engine.load(bytes.slice());
    const out: Record<string, unknown> = { ...(await engine.run(OVERVIEW_QUERIES)) };
    for (const [i, packages] of options.selections.entries()) {
      const updated = await engine.update(CHANGED_WIDGET, packageSelection(packages));
      for (const [name, rows] of Object.entries(updated)) out[`update ${i} ${name}`] = rows;
    }
    for (const c of options.suggest) out[`suggest ${c.field} "${c.text}"`] = await engine.suggest(c);
    results[engine.name] = out;
    await engine.dispose();
  }
  const ours = results.core ?? {};
  const ordered = (name: string) => name.startsWith("suggest") || /quality|nonQuality/i.test(name);
  const report: Record<string, { compared: number; differences: string[] }> = {};
  for (const [name, theirs] of Object.entries(results)) {
    if (name === "core") continue;
    const differences = Object.keys(ours).flatMap((label) =>
      diffRows(label, ours[label] as never, (theirs[label] ?? []) as never, ordered(label)),
    );
    report[name] = { compared: Object.keys(ours).length, differences };
  }
  const summary = Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, (v as unknown[]).length]));
  return { against_core: report, result_rows: summary, kpi: (ours.kpi as unknown[])?.[0] ?? null };
}

declare global {
  interface Window {
    runBench: typeof runBench;
    checkParity: typeof checkParity;
    benchReady: boolean;
  }
}

window.runBench = runBench;
window.checkParity = checkParity;
window.benchReady = true;
const status = document.getElementById("status");
if (status) status.textContent = "ready";
