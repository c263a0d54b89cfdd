/**
 * The equipment hierarchy (workcenter group -> family -> machine) from three evaluate results,
 * one per level, so every level's ratios (OU%) come from that level's own counts, never from
 * averaging its children. Groups keep the order of their query (numeric sequence, missing last);
 * families and machines are ordered by label in code-point order, nulls last.
 */
import { compareNullsLast } from "./compare-values";
import type { ResultRow } from "./query";
import type { Scalar } from "./table";

export type HierarchyLevel = 0 | 1 | 2;

export interface HierarchyNode {
  /** Stable path key: JSON of [group], [group, family] or [group, family, machine id]. */
  key: string;
  level: HierarchyLevel;
  group: string | null;
  family: string | null;
  /** Machine id (level 2 only). */
  machine: string | null;
  label: string | null;
  values: Record<string, number | null>;
  children: HierarchyNode[];
}

export interface HierarchyInput {
  groups: readonly ResultRow[];
  families: readonly ResultRow[];
  machines: readonly ResultRow[];
  /** Metric ids copied into each node's values. */
  metrics: readonly string[];
  /** Display name of a machine id (falls back to the id). */
  machineName?: (id: string) => string | null | undefined;
  groupKey?: string;
  familyKey?: string;
  machineKey?: string;
}

export interface HierarchyRow {
  node: HierarchyNode;
  depth: HierarchyLevel;
  expandable: boolean;
  expanded: boolean;
}

/** The tree of groups, their families and their machines. */
export function buildHierarchy(input: HierarchyInput): HierarchyNode[] {
  const { groupKey = "WORKCENTER_GROUP", familyKey = "RESOURCEFAMILYNAME", machineKey = "RESOURCEID" } = input;
  const node = (level: HierarchyLevel, row: ResultRow, path: (string | null)[], label: string | null) => ({
    key: JSON.stringify(path),
    level,
    group: path[0] ?? null,
    family: path[1] ?? null,
    machine: path[2] ?? null,
    label,
    values: Object.fromEntries(input.metrics.map((m) => [m, asNumber(row[m])])),
    children: [] as HierarchyNode[],
  });
  const groups = new Map<string, HierarchyNode>();
  const roots = input.groups.map((row) => {
    const group = asKey(row[groupKey]);
    const n = node(0, row, [group], group);
    groups.set(n.key, n);
    return n;
  });
  const families = new Map<string, HierarchyNode>();
  for (const row of input.families) {
    const path = [asKey(row[groupKey]), asKey(row[familyKey])];
    const parent = groups.get(JSON.stringify(path.slice(0, 1)));
    if (!parent) continue;
    const n = node(1, row, path, path[1] ?? null);
    parent.children.push(n);
    families.set(n.key, n);
  }
  for (const row of input.machines) {
    const path = [asKey(row[groupKey]), asKey(row[familyKey]), asKey(row[machineKey])];
    const parent = families.get(JSON.stringify(path.slice(0, 2)));
    const id = path[2] ?? null;
    if (!parent || id === null) continue;
    parent.children.push(node(2, row, path, input.machineName?.(id) ?? id));
  }
  for (const n of families.values()) n.children.sort(byLabel);
  for (const n of roots) n.children.sort(byLabel);
  return roots;
}

/** The visible rows of the tree: children only under expanded nodes. */
export function flattenHierarchy(nodes: readonly HierarchyNode[], expanded: ReadonlySet<string>): HierarchyRow[] {
  const out: HierarchyRow[] = [];
  const walk = (list: readonly HierarchyNode[]) => {
    for (const node of list) {
      const open = expanded.has(node.key);
      out.push({ node, depth: node.level, expandable: node.children.length > 0, expanded: open });
      if (open) walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

export type OuLevel = "high" | "medium" | "low";

/** The OU% badge: >= 80 high, >= 50 medium, else low; null (no value) has no level. */
export function ouLevel(value: number | null | undefined): OuLevel | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value >= 80 ? "high" : value >= 50 ? "medium" : "low";
}

function byLabel(a: HierarchyNode, b: HierarchyNode): number {
  return compareNullsLast(a.label, b.label) || compareNullsLast(a.machine, b.machine);
}

function asKey(value: Scalar | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

function asNumber(value: Scalar | undefined): number | null {
  return typeof value === "number" ? value : null;
}
