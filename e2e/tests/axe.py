"""axe-core in the page under test: WCAG 2 A and AA rules; serious or critical violations fail.

axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
(`script-src 'self'`) does not govern, so the check runs with the CSP enforced: no `bypass_csp`.
`page.add_script_tag` would insert an inline script, which that CSP blocks (and logs as an error).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa"]
FAILING = frozenset({"serious", "critical"})

RUN = """tags => axe
  .run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  })))"""


@cache
def axe_source() -> str:
    """The axe-core bundle installed from npm (`npm ci`)."""
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2 A/AA violations axe-core finds in the page once its animations have ended."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One block per violation: rule id, impact, help, then each node's target and reason."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
        for node in v["nodes"]:
            reason = " ".join(node["summary"].split("\n")[1:]).strip()
            lines.append(f"  {node['target']}: {reason}")
    return "\n".join(lines)


def assert_no_serious_violations(page: Page) -> None:
    """Fail with every serious or critical violation's rule, impact and node targets."""
    serious = [v for v in run_axe(page) if v["impact"] in FAILING]
    assert not serious, f"axe-core on {page.url}:\n{describe(serious)}"
