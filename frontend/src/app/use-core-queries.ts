/**
 * A page's view over one dataset: its crossfilter widgets and named queries, evaluated in the core
 * worker whenever they change or a new snapshot is loaded. The last results stay until the next
 * ones arrive, so refreshes never blank the screen; out-of-order answers are dropped. A query whose
 * text, widgets and data are those of its last answer is not sent again (a page changing one
 * widget's query, e.g. a period unit, recomputes only that one).
 *
 * Progressive first paint (option `progressive`): while a page shows nothing yet, each answer is
 * published as it arrives (the worker answers in the order asked, so a page asks its headline
 * figures first), `ready` turns true with the first one and `waiting` names the queries still
 * computing, for their panels to say so. Later runs publish all their answers at once, so a page
 * never mixes the answers of two views.
 */
import { computed, onScopeDispose, type Ref, ref, type ShallowRef, shallowRef, watch } from "vue";
import type { Filter, Query, QueryResult } from "../core/query";
import type { CrossfilterScope } from "../core/worker/protocol";

/** What the queries run on: a store whose table is loaded in the core worker (snapshot or query-backed). */
export interface QueryTarget {
  /** `revision` is bumped each time new bytes are loaded; 0 = nothing loaded yet. */
  readonly state: { readonly value: { revision: number } };
  syncWidgets(widgets: Readonly<Record<string, readonly Filter[]>>): Promise<void>;
  evaluate(query: unknown, scope?: CrossfilterScope): Promise<QueryResult>;
}

export interface ViewQuery {
  query: Query;
  /** Which widgets' filters apply: "all" (default) or every widget's but one. */
  scope?: CrossfilterScope | null;
}

export interface ViewSpec<K extends string> {
  widgets: Record<string, readonly Filter[]>;
  queries: Partial<Record<K, ViewQuery | null>>;
}

export interface CoreView<K extends string> {
  results: ShallowRef<Partial<Record<K, QueryResult>>>;
  /**
   * The view the results answer (set with them): what a page draws them with, e.g. a period unit,
   * is read from it rather than from the UI state, which runs ahead while the next ones compute.
   */
  answered: ShallowRef<ViewSpec<K> | null>;
  /** True while a run is in flight. */
  pending: Ref<boolean>;
  error: Ref<Error | null>;
  /** True once a run has finished (results or error), or a progressive first run published an answer. */
  ready: Ref<boolean>;
  /** The queries of a progressive first run not answered yet (empty otherwise). */
  waiting: ShallowRef<ReadonlySet<K>>;
}

export interface CoreQueriesOptions {
  /** Publish the first run's answers one by one (see above). */
  progressive?: boolean;
}

const NONE: ReadonlySet<never> = new Set();

export function useCoreQueries<K extends string>(
  store: QueryTarget,
  spec: () => ViewSpec<K>,
  options: CoreQueriesOptions = {},
): CoreView<K> {
  const results = shallowRef<Partial<Record<K, QueryResult>>>({});
  const answered = shallowRef<ViewSpec<K> | null>(null);
  const pending = ref(false);
  const error = ref<Error | null>(null);
  const doneKey = ref("");
  const waiting = shallowRef<ReadonlySet<K>>(NONE);
  const shownFirst = ref(false);
  let sequence = 0;
  let known = new Map<K, { key: string; result: QueryResult }>();
  const specText = computed(() => JSON.stringify(spec()));
  const runKey = computed(() => `${store.state.value.revision}|${specText.value}`);

  const run = async (key: string) => {
    if (store.state.value.revision === 0) return;
    const current = ++sequence;
    pending.value = true;
    const asked = JSON.parse(specText.value) as ViewSpec<K>;
    const { widgets, queries } = asked;
    const base = `${store.state.value.revision}|${JSON.stringify(widgets)}|`;
    try {
      await store.syncWidgets(widgets);
      const names = Object.keys(queries) as K[];
      const keys = names.map((name) => base + JSON.stringify(queries[name] ?? null));
      // Nothing shown yet: publish each answer as it comes.
      const progressive = options.progressive === true && Object.keys(results.value).length === 0;
      const partial: Partial<Record<K, QueryResult>> = {};
      if (progressive) waiting.value = new Set(names.filter((name) => queries[name]));
      const publish = (name: K, answer: QueryResult) => {
        if (!progressive || current !== sequence) return;
        partial[name] = answer;
        const left = new Set(waiting.value);
        left.delete(name);
        waiting.value = left;
        results.value = { ...partial };
        answered.value = asked;
        shownFirst.value = true;
      };
      const answers = await Promise.all(
        names.map((name, i) => {
          const q = queries[name];
          const last = known.get(name);
          if (last && last.key === keys[i]) return Promise.resolve(last.result);
          if (!q) return Promise.resolve(null);
          return store.evaluate(q.query, q.scope ?? "all").then((answer) => {
            publish(name, answer);
            return answer;
          });
        }),
      );
      if (current !== sequence) return;
      waiting.value = NONE;
      const next: Partial<Record<K, QueryResult>> = {};
      const nextAnswered = new Map<K, { key: string; result: QueryResult }>();
      names.forEach((name, i) => {
        const answer = answers[i];
        if (!answer) return;
        next[name] = answer;
        nextAnswered.set(name, { key: keys[i] ?? "", result: answer });
      });
      known = nextAnswered;
      results.value = next;
      answered.value = asked;
      error.value = null;
      doneKey.value = key;
    } catch (thrown) {
      if (current !== sequence) return;
      waiting.value = NONE;
      error.value = thrown instanceof Error ? thrown : new Error(String(thrown));
      doneKey.value = key;
    } finally {
      if (current === sequence) pending.value = false;
    }
  };

  const stop = watch(runKey, (key) => void run(key), { immediate: true });
  onScopeDispose(() => {
    stop();
    sequence += 1;
  });
  const ready = computed(() => doneKey.value !== "" || shownFirst.value);
  return { results, answered, pending, error, ready, waiting };
}
