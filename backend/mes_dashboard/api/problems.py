"""The problems /health/deep lists, each with the action an operator should take."""

from __future__ import annotations

from typing import Any

ACTIONS = {
    "source-unavailable": "check the database: listener, network, credentials; the last "
    "snapshot keeps serving meanwhile",
    "source-timeout": "check slow queries and locks on the warehouse, or raise "
    "ORACLE_CALL_TIMEOUT_MS",
    "source-busy": "the request pool is saturated: look at query load or raise ORACLE_POOL_MAX",
    "circuit-open": "the database failed repeatedly; the breaker probes it again by itself, "
    "check the database",
    "empty-fetch": "the warehouse returned no rows (a refresh in progress?); check the source "
    "view if it lasts",
    "missing-columns": "a source view lacks a required column: run `mes-dashboard "
    "check-source` and fix the view",
    "build-failed": "read the service log for the refresh error",
    "probe-timeout": "the database did not answer the health probe in time: check it and the "
    "network",
    "probe-error": "the database health probe failed: check the database and credentials",
    "breaker-open": "wait for the half-open probe, and check the dependency",
    "redis-down": "check redis-server; workers serve their own copies meanwhile",
    "refresher-stopped": "restart the service (its refresher thread has ended)",
    "no-snapshot": "no snapshot yet: the first refresh has not succeeded; check the source",
    "watchdog-churn-guarded": "the service kept failing and the watchdog stopped restarting it: "
    "fix the cause, then `mes-dashboard-watchdog clear --reason ...` or an override restart",
}


def problem(kind: str, subject: str, detail: str = "") -> dict[str, str]:
    """One problem with its recommended action."""
    return {"problem": kind, "subject": subject, "detail": detail, "action": ACTIONS[kind]}


def find_problems(report: dict[str, Any]) -> list[dict[str, str]]:
    """Every problem in a /health/deep report (datasets, probe, breakers, Redis, watchdog)."""
    found = [problem(d["reason"], name, d["detail"]) for name, d in report["degraded"].items()]
    found += [
        problem("no-snapshot", name)
        for name, d in report["datasets"].items()
        if d["version"] is None and name not in report["degraded"]
    ]
    probe = report["database"]
    if probe.get("status") in ("timeout", "error"):
        found.append(problem(f"probe-{probe['status']}", "database", probe.get("detail", "")))
    for name, b in report["breakers"].items():
        if b["state"] != "closed":
            found.append(problem("breaker-open", name, b["last_error"]))
    redis = report["redis"]
    if redis.get("configured") and not redis.get("healthy", True):
        found.append(problem("redis-down", "redis", redis.get("last_error", "")))
    found += [problem("refresher-stopped", name) for name in report["dead_threads"]]
    if report["watchdog"].get("mode") == "churn_guarded":
        found.append(problem("watchdog-churn-guarded", "watchdog", "automatic restarts stopped"))
    return found
