"""Mutation check: break the browser kernels one way at a time and confirm the suite notices.

Each mutation is applied to a scratch copy of the frontend (never to frontend/ itself): the copy
(frontend/src, frontend/harness, contracts/, the harness Vite config, package.json and tsconfig
files, node_modules linked) is built with Vite into its own dist-harness/, and the parity suite
runs against it through PARITY_HARNESS_DIR, writing a JUnit report per mutation.

    .venv/bin/python -m parity.mutation_check               # every mutation, the whole suite
    .venv/bin/python -m parity.mutation_check -k sort -x    # matching names, stop at first failure

Shrinking is off by default (PARITY_SHRINK=0): the question is which properties catch a mutant and
how fast, and Hypothesis may spend up to 5 minutes minimizing each failure. `--shrink` keeps it.

Page mutations change a page's query module instead (`frontend/src/pages/**`). Parity compares the
browser with the reference on whatever query the page runs, so a valid changed query is not a
failure; what must change is what the served-bytes test compares. Each page mutation runs that
test on an unmutated and a mutated build with PARITY_VIEWS_LOG and reports the views that differ
(and whether the test failed, as it must for a query the contract rejects).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["frontend/src", "frontend/harness", "contracts", "vite.harness.config.ts", "package.json"]
CORE = "frontend/src/core"
PAGES = "frontend/src/pages"
SERVED = "parity/tests/test_parity_served.py"


@dataclass(frozen=True)
class Mutation:
    """Replace `old` (which must occur exactly once) by `new` in one file."""

    name: str
    path: str
    old: str
    new: str
    what: str


MUTATIONS = [
    Mutation(
        "bucket-edge",
        f"{CORE}/group-by.ts",
        "if ((edges[mid] ?? 0) <= value) lo = mid + 1;",
        "if ((edges[mid] ?? 0) < value) lo = mid + 1;",
        "off-by-one at a bucket edge (`<` instead of `<=`)",
    ),
    Mutation(
        "locale-sort",
        f"{CORE}/compare-values.ts",
        'if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);',
        'if (typeof a === "string" && typeof b === "string") return a.localeCompare(b);',
        "strings ordered by `localeCompare` instead of code point",
    ),
    Mutation(
        "sum-nulls",
        f"{CORE}/aggregate.ts",
        "if (g >= 0 && valid[i]) {\n      sums[g]",
        "if (g >= 0) {\n      sums[g]",
        "sum/mean take null rows in (as 0, counted)",
    ),
    Mutation(
        "sum-nan",
        f"{CORE}/aggregate.ts",
        "if (g >= 0 && valid[i]) {\n      sums[g] = (sums[g] ?? 0) + (values[i] ?? 0);",
        "if (g >= 0) {\n      sums[g] = (sums[g] ?? 0) + (valid[i] ? (values[i] ?? 0) : NaN);",
        "a null turns the sum/mean into NaN",
    ),
    Mutation(
        "null-group-dropped",
        f"{CORE}/group-by.ts",
        "    if (!mask[i]) continue;\n    let composite = c0[i] ?? 0;",
        "    if (!mask[i] || keyCodes.some((k) => k.values[k.codes[i] ?? 0] === null)) continue;\n"
        "    let composite = c0[i] ?? 0;",
        "rows whose group key is null are dropped (no null group)",
    ),
    Mutation(
        "ne-drops-nulls",
        f"{CORE}/filter-mask.ts",
        "{ test: (v) => !eq(v), nullMatch: true }",
        "{ test: (v) => !eq(v), nullMatch: false }",
        "`ne` does not keep nulls",
    ),
    Mutation(
        "utf16-sort",
        f"{CORE}/compare-values.ts",
        'if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);',
        'if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;',
        "strings ordered by UTF-16 code units (astral before U+E000..U+FFFF)",
    ),
    Mutation(
        "needle-case",
        f"{CORE}/filter-mask.ts",
        "const needle = filter.value.toLowerCase();",
        "const needle = filter.value;",
        "contains/prefix do not lower-case the operand",
    ),
    Mutation(
        "between-closed",
        f"{CORE}/filter-mask.ts",
        "(v as number) >= min && (v as number) < max",
        "(v as number) >= min && (v as number) <= max",
        "`between` closed at max",
    ),
    Mutation(
        "in-null",
        f"{CORE}/filter-mask.ts",
        "const hasNull = filter.values.includes(null);",
        "const hasNull = false;",
        "`in` ignores a listed null",
    ),
    Mutation(
        "nulls-first-desc",
        f"{CORE}/compare-values.ts",
        "if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;",
        "if (aNull || bNull) return (aNull === bNull ? 0 : aNull ? 1 : -1) * (desc ? -1 : 1);",
        "nulls sort first when descending",
    ),
    Mutation(
        "ratio-zero",
        f"{CORE}/aggregate.ts",
        "n === null || d === null || d === 0 ? null : (n / d) * scale",
        "n === null || d === null ? null : d === 0 ? 0 : (n / d) * scale",
        "a ratio over a zero denominator gives 0 instead of null",
    ),
    Mutation(
        "first-dictionary",
        f"{CORE}/decode-table.ts",
        "let remap = remaps.get(source);",
        "let remap = remaps.values().next().value;",
        "every batch decoded with the first batch's dictionary (replacement ignored)",
    ),
    Mutation(
        "timestamp-low-word",
        f"{CORE}/decode-table.ts",
        "((words[2 * i] ?? 0) >>> 0)",
        "(words[2 * i] ?? 0)",
        "timestamp low 32 bits read as signed",
    ),
    Mutation(
        "sparse-third-key",
        f"{CORE}/group-by.ts",
        "const composite = exact ? compositeCode(keyCodes, cards, i)",
        "const composite = exact ? compositeCode(keyCodes.slice(0, 2), cards, i)",
        "past 2^22 key combinations (Map-based grouping) the third key is ignored",
    ),
    Mutation(
        "crossfilter-own",
        f"{CORE}/crossfilter.ts",
        "out[i] = fails === 0 || (fails === 1 && own !== null && !own[i]) ? 1 : 0;",
        "out[i] = fails === 0 ? 1 : 0;",
        "a widget's view also applies its own filters",
    ),
]


PAGE_MUTATIONS = [
    Mutation(
        "page-kpi-metric",
        f"{PAGES}/wip-shared/wip-queries.ts",
        'kpi: { query: wip({ metrics: ["lots", "qty"] }) },',
        'kpi: { query: wip({ metrics: ["lots"] }) },',
        "the WIP overview's KPI query drops its `qty` metric",
    ),
    Mutation(
        "page-reason-filter",
        f"{PAGES}/hold-detail/hold-queries.ts",
        '    filters: [{ field: "WIP_STATUS", op: "eq", value: "HOLD" }],\n'
        '    groupBy: ["HOLD_TYPE"',
        '    groupBy: ["HOLD_TYPE"',
        "the hold detail's reason choices drop their `WIP_STATUS = HOLD` filter",
    ),
    Mutation(
        "page-cell-scope",
        f"{PAGES}/equipment-status/equipment-queries.ts",
        "scope: EXCEPT_CELL },\n  };\n  MACHINE_LISTING",
        "},\n  };\n  MACHINE_LISTING",
        "the equipment page's machine names follow the matrix cell (scope `all`)",
    ),
    Mutation(
        "page-unknown-metric",
        f"{PAGES}/wip-shared/wip-queries.ts",
        'kpi: { query: wip({ metrics: ["lots", "qty"] }) },',
        'kpi: { query: wip({ metrics: ["lots", "qty_total"] }) },',
        "the WIP overview's KPI query asks for a metric the contract does not have",
    ),
]


def scratch_copy(workdir: Path) -> Path:
    """Copy what the harness build needs into `workdir` and link node_modules."""
    for item in [*COPIED, *(p.name for p in ROOT.glob("tsconfig*.json"))]:
        source, target = ROOT / item, workdir / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    (workdir / "node_modules").symlink_to(ROOT / "node_modules")
    return workdir


def apply(mutation: Mutation, workdir: Path) -> None:
    """Edit the scratch copy; the original must match exactly once."""
    path = workdir / mutation.path
    text = path.read_text(encoding="utf-8")
    if text.count(mutation.old) != 1:
        raise SystemExit(f"{mutation.name}: the original text is not in {mutation.path} once")
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")


def build(workdir: Path) -> Path:
    """Build the scratch harness; returns its dist-harness directory."""
    vite = workdir / "node_modules" / ".bin" / "vite"
    subprocess.run(
        [str(vite), "build", "--config", "vite.harness.config.ts", "--logLevel", "error"],
        cwd=workdir,
        check=True,
    )
    return workdir / "frontend" / "dist-harness"


def run_suite(
    harness: Path,
    report: Path,
    stop_first: bool,
    shrink: bool,
    tests: str = "parity/tests",
    views_log: Path | None = None,
) -> float:
    """Run the parity suite against a harness build; returns the wall time in seconds."""
    env = os.environ | {"PARITY_HARNESS_DIR": str(harness), "PARITY_SHRINK": "1" if shrink else "0"}
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    if views_log is not None:
        env["PARITY_VIEWS_LOG"] = str(views_log)
    args = [sys.executable, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider"]
    args += [f"--junitxml={report}", "-o", "junit_family=xunit2"]
    if stop_first:
        args.append("-x")
    started = time.monotonic()
    subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    return time.monotonic() - started


def failures(report: Path) -> list[tuple[str, float]]:
    """(test name, seconds) of each failed test in a JUnit report."""
    cases = ET.parse(report).getroot().iter("testcase")
    return [
        (case.get("name", "?"), float(case.get("time", 0)))
        for case in cases
        if case.find("failure") is not None or case.find("error") is not None
    ]


def compared_views(harness: Path, workdir: Path) -> tuple[dict[str, Any], list[str], float]:
    """The served-bytes test's compared views per page, its failed tests and its wall time."""
    log = workdir / "views"
    log.mkdir()
    report = workdir / "served.xml"
    seconds = run_suite(harness, report, False, False, SERVED, log)
    views = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in log.glob("*.json")}
    return views, [name for name, _ in failures(report)], seconds


def view_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """`page: query name (n of m states)` for each query or widget set that changed."""
    changes = []
    for page in sorted(set(before) | set(after)):
        old, new = before.get(page, []), after.get(page, [])
        counts: Counter[str] = Counter()
        for a, b in zip(old, new, strict=False):
            names = set(a["queries"]) | set(b["queries"])
            counts.update(n for n in names if a["queries"].get(n) != b["queries"].get(n))
            counts.update(["widgets"] if a["widgets"] != b["widgets"] else [])
        if len(old) != len(new):
            counts["states"] += 1
        changes += [f"{page}: {name} ({n} of {len(old)} states)" for name, n in counts.items()]
    return changes


def check_pages(selected: list[Mutation]) -> int:
    """Run the page mutations; print what the served-bytes test then compared. Returns misses."""
    print("| page mutation | what | compared views that changed | served test | run |")
    print("|---|---|---|---|---|")
    missed = 0
    with tempfile.TemporaryDirectory(prefix="pages-baseline-") as tmp:
        base = scratch_copy(Path(tmp))
        baseline, broken, _ = compared_views(build(base), base)
        if broken or not baseline:
            raise SystemExit(f"the unmutated served-bytes test does not pass: {broken}")
        for mutation in selected:
            with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as mtmp:
                workdir = scratch_copy(Path(mtmp))
                apply(mutation, workdir)
                views, failed, seconds = compared_views(build(workdir), workdir)
            changes = view_changes(baseline, views) if views else []
            missed += not (changes or failed)
            changed = "; ".join(changes) or "**none**"
            result = f"failed: {', '.join(failed)}" if failed else "passed"
            print(
                f"| {mutation.name} | {mutation.what} | {changed} | {result} | {seconds:.0f} s |",
                flush=True,
            )
    return missed


def main(argv: list[str] | None = None) -> int:
    """Run the selected mutations and print a Markdown table of the outcomes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only mutations whose name contains this")
    parser.add_argument("-x", action="store_true", help="stop each run at its first failure")
    parser.add_argument("--shrink", action="store_true", help="let Hypothesis shrink failures")
    args = parser.parse_args(argv)
    selected = [m for m in MUTATIONS if args.k in m.name]
    pages = [m for m in PAGE_MUTATIONS if args.k in m.name]
    missed = check_pages(pages) if pages else 0
    if not selected:
        return 1 if missed else 0
    timing = "seconds to fail" + (", incl. shrinking" if args.shrink else "")
    print(f"| mutation | what | caught by ({timing}) | suite run |")
    print("|---|---|---|---|")
    for mutation in selected:
        with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as tmp:
            workdir = scratch_copy(Path(tmp))
            apply(mutation, workdir)
            harness = build(workdir)
            report = Path(tmp) / "report.xml"
            seconds = run_suite(harness, report, args.x, args.shrink)
            caught = failures(report)
        missed += not caught
        who = ", ".join(f"{name} ({t:.0f})" for name, t in caught) or "**not caught**"
        print(f"| {mutation.name} | {mutation.what} | {who} | {seconds:.0f} s |", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
