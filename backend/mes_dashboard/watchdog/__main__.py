"""`python -m mes_dashboard.watchdog` (`mes-dashboard-watchdog`): run, status, request, clear."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from types import FrameType

from mes_dashboard.config import ConfigError, load_settings
from mes_dashboard.watchdog.manual import ManualControl
from mes_dashboard.watchdog.policy import RestartRequest
from mes_dashboard.watchdog.report import health_section
from mes_dashboard.watchdog.runner import Runner


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mes-dashboard-watchdog")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="probe and restart under the policy (the default)")
    commands.add_parser("status", help="print the watchdog section of /health/deep")
    for name, text in (("request", "ask for a restart"), ("clear", "leave churn-guarded mode")):
        cmd = commands.add_parser(name, help=text)
        cmd.add_argument("--reason", required=True)
        cmd.add_argument(
            "--actor", default=os.environ.get("SUDO_USER") or os.environ.get("USER", "")
        )
        if name == "request":
            cmd.add_argument("--override", action="store_true")
            cmd.add_argument("--acknowledge", action="store_true")
    return parser


def _run(runner: Runner) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    logging.getLogger(__name__).info("watchdog probing %s", runner.app_url)
    runner.run(stop)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    if args.command in (None, "run"):
        return _run(Runner.from_settings(settings))
    if args.command == "status":
        print(json.dumps(health_section(settings, time.time()), indent=1, ensure_ascii=False))
        return 0
    control = ManualControl.from_settings(settings)
    if args.command == "clear":
        decision = control.clear(args.actor, args.reason)
    else:
        request = RestartRequest(args.actor, args.reason, args.override, args.acknowledge)
        decision = control.request_restart(request)
    print(json.dumps(asdict(decision), ensure_ascii=False))
    return 0 if decision.action in {"scheduled", "cleared"} else 1


if __name__ == "__main__":
    sys.exit(main())
