"""The alerts: the committed rules file, promtool's rule tests, and the same scenarios in process.

Each scenario is a set of series sampled once a minute and the minutes at which alerts must fire;
promtool runs it against deploy/prometheus/mes-alerts.yml, and `AlertEvaluator` (fake clock) must
fire exactly the same alerts at the same minutes.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from admin_session import sign_in_admin
from fake_clock import FakeClock
from mes_dashboard.app import create_app
from mes_dashboard.cli import main
from mes_dashboard.config import load_settings
from mes_dashboard.observability.alert_rules import render_rules
from mes_dashboard.observability.alert_state import AlertEvaluator
from mes_dashboard.observability.alerts import ALERTS
from mes_dashboard.observability.promql import Labels
from mes_dashboard.services import build_services, object_names
from mes_dashboard.sources.demo.source import DemoSource

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "mes-alerts.yml"
BY_NAME = {a.name: a for a in ALERTS}
Fired = set[tuple[str, Labels]]


@dataclass(frozen=True)
class Scenario:
    """Series (name, labels, one value per minute) and the alerts expected at each minute."""

    name: str
    series: tuple[tuple[str, Labels, tuple[float, ...]], ...]
    expect: dict[int, Fired]


def minutes(*runs: tuple[float, int]) -> tuple[float, ...]:
    """Values per minute from (value, how many minutes) runs."""
    return tuple(v for value, n in runs for v in [value] * n)


def ramp(start: float, step: float, n: int) -> tuple[float, ...]:
    """A counter growing by `step` each minute."""
    return tuple(start + step * i for i in range(n))


def fires(name: str, **labels: str) -> tuple[str, Labels]:
    """One expected alert."""
    return name, tuple(sorted(labels.items()))


WIP = (("dataset", "wip"),)
DEGRADED = fires("MesDatasetDegraded", dataset="wip")
SCENARIOS = (
    Scenario(
        "a 12-minute degradation fires once",
        (("mes_dataset_degraded", WIP, minutes((0, 1), (1, 12), (0, 11))),),
        {m: ({DEGRADED} if m in (11, 12) else set()) for m in range(24)},
    ),
    Scenario(
        "a 60-second blip fires nothing",
        (("mes_dataset_degraded", WIP, minutes((0, 1), (1, 1), (0, 22))),),
        {m: set() for m in range(24)},
    ),
    Scenario(
        "a snapshot older than 3 intervals for 2 minutes",
        (
            ("mes_snapshot_age_seconds", WIP, ramp(0, 60, 12)),
            ("mes_refresh_interval_seconds", WIP, minutes((60, 12))),
        ),
        {m: ({fires("MesSnapshotStale", dataset="wip")} if m >= 6 else set()) for m in range(12)},
    ),
    Scenario(
        "a pool 100% busy for 5 minutes",
        (
            ("mes_pool_busy", (("pool", "request"),), minutes((4, 8), (1, 4))),
            ("mes_pool_max", (("pool", "request"),), minutes((4, 12))),
        ),
        {
            m: ({fires("MesPoolSaturated", pool="request")} if 5 <= m <= 7 else set())
            for m in (0, 4, 5, 7, 8, 11)
        },
    ),
    Scenario(
        "a breaker opening 4 times in 15 minutes",
        (
            (
                "mes_breaker_transitions_total",
                (("dependency", "redis"), ("to", "open")),
                minutes((0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (4, 20)),
            ),
        ),
        {
            m: ({fires("MesBreakerFlapping", dependency="redis")} if 4 <= m <= 15 else set())
            for m in (0, 3, 4, 10, 15, 16, 20)
        },
    ),
    Scenario(
        "20% of requests are retries for 5 minutes, 5% never",
        (
            ("mes_http_requests_total", (("route", "/a"),), ramp(0, 100, 12)),
            ("mes_http_retries_total", (("route", "/a"),), ramp(0, 20, 12)),
            ("mes_http_requests_total", (("route", "/b"),), minutes((0, 12))),
        ),
        {m: ({fires("MesRetryPressure")} if m >= 6 else set()) for m in (0, 1, 5, 6, 11)},
    ),
    Scenario(
        "retries at 5% of requests fire nothing",
        (
            ("mes_http_requests_total", (("route", "/a"),), ramp(0, 100, 12)),
            ("mes_http_retries_total", (("route", "/a"),), ramp(0, 5, 12)),
        ),
        {m: set() for m in (0, 1, 5, 6, 11)},
    ),
    Scenario(
        "4 watchdog restarts in 30 minutes",
        (("mes_watchdog_restarts_total", (), minutes((0, 1), (1, 1), (2, 1), (3, 1), (4, 6))),),
        {m: ({fires("MesRestartChurn")} if m >= 4 else set()) for m in (0, 3, 4, 9)},
    ),
)


def series_text(name: str, labels: Labels) -> str:
    inner = ",".join(f'{k}="{v}"' for k, v in labels)
    return f"{name}{{{inner}}}"


def expected_alert(name: str, labels: Labels) -> dict[str, object]:
    alert = BY_NAME[name]
    return {
        "exp_labels": dict(labels) | {"severity": alert.severity},
        "exp_annotations": {"summary": alert.summary_for(dict(labels)), "action": alert.action},
    }


def promtool_test(scenario: Scenario) -> dict[str, object]:
    checks = [
        {
            "eval_time": f"{minute}m",
            "alertname": name,
            "exp_alerts": [expected_alert(n, labels) for n, labels in sorted(fired) if n == name],
        }
        for minute, fired in sorted(scenario.expect.items())
        for name in BY_NAME
    ]
    return {
        "interval": "1m",
        "input_series": [
            {"series": series_text(n, labels), "values": " ".join(f"{v:g}" for v in values)}
            for n, labels, values in scenario.series
        ],
        "alert_rule_test": checks,
    }


def test_the_committed_rules_file_is_the_rendering() -> None:
    assert RULES.read_text(encoding="utf-8") == render_rules()


def test_the_runbook_names_every_alert_and_no_other() -> None:
    runbook = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    section = runbook.split("## Alerts and what to do", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [a.name for a in ALERTS]


def test_the_cli_writes_the_rules(tmp_path: Path) -> None:
    assert main(["alert-rules", "--output", str(tmp_path / "rules.yml")]) == 0
    assert (tmp_path / "rules.yml").read_text(encoding="utf-8") == render_rules()


def test_promtool_accepts_the_rules() -> None:
    check = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_promtool_rule_tests_pass(tmp_path: Path) -> None:
    # JSON is YAML: the test file names the committed rules by absolute path
    tests = {
        "rule_files": [str(RULES)],
        "evaluation_interval": "1m",
        "tests": [promtool_test(s) for s in SCENARIOS],
    }
    path = tmp_path / "mes-alerts.test.yml"
    path.write_text(json.dumps(tests, indent=1), encoding="utf-8")
    run = subprocess.run(
        ["promtool", "test", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_the_in_process_evaluator_fires_the_same(scenario: Scenario) -> None:
    clock = FakeClock(start=1_700_000_000.0)
    start = clock.now
    minute = 0

    def sample() -> dict[tuple[str, Labels], float]:
        return {
            (name, labels): values[minute]
            for name, labels, values in scenario.series
            if minute < len(values)
        }

    evaluator = AlertEvaluator(sample, clock=clock)
    last = max(scenario.expect)
    for minute in range(last + 1):
        clock.now = start + 60 * minute
        firing = {(a["alert"], tuple(sorted(a["labels"].items()))) for a in evaluator.tick()}
        if minute in scenario.expect:
            assert firing == scenario.expect[minute], f"minute {minute}"


def test_health_deep_lists_the_firing_alerts_with_their_action(tmp_path: Path) -> None:
    env = {"MES_ENV": "test", "MES_ACCOUNTS_FILE": str(tmp_path / "accounts.json")}
    settings = load_settings(env | {"MES_AUDIT_LOG": str(tmp_path / "audit.jsonl")}, env_file=None)
    services = build_services(
        settings, source=DemoSource(tmp_path / "gone.sqlite", object_names(settings))
    )
    clock = FakeClock(start=1_700_000_000.0)
    services.alerts = AlertEvaluator(services.metrics.samples, clock=clock)
    client = create_app(settings, services, start_background=False).test_client()
    sign_in_admin(client, settings.accounts_file)
    try:
        services.refresh_all()
        assert client.get("/health/deep").get_json()["alerts"] == []
        for _ in range(10):
            clock.advance(60)
            services.refresh_all()
            alerts = client.get("/health/deep").get_json()["alerts"]
        degraded = [a for a in alerts if a["alert"] == "MesDatasetDegraded"]
        assert {a["labels"]["dataset"] for a in degraded} == {"wip", "resource"}
        assert all(a["action"] == BY_NAME["MesDatasetDegraded"].action for a in degraded)
    finally:
        services.close()
