"""The `mes-dashboard` command: `check-source` (the go-live source report), `check-runtime`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from mes_dashboard.app import DIST
from mes_dashboard.config import ConfigError, load_settings
from mes_dashboard.runtime_check import check_runtime, socket_is_inherited
from mes_dashboard.services import build_source
from mes_dashboard.source_check.report import SourceUnreachable, full_report, object_names
from mes_dashboard.sources.base import OBJECTS

UNREACHABLE = 2


def check_source() -> int:
    """Print the report for the configured source; 1 on a blocking problem, 2 if unreachable."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return UNREACHABLE
    configured = {obj: getattr(settings, attr) for obj, attr in OBJECTS.items()}
    source = build_source(settings)
    print(f"source: {settings.source}")
    try:
        report = full_report(source, object_names(configured), datetime.now(settings.zone).date())
    except SourceUnreachable as exc:
        print(str(exc), file=sys.stderr)
        return UNREACHABLE
    finally:
        source.close()
    sys.stdout.write(report.text())
    return 1 if report.blocking else 0


def check_runtime_command() -> int:
    """Print the runtime check; 1 when something would stop the start."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"problem: configuration: {exc}", file=sys.stderr)
        return 1
    report = check_runtime(settings, DIST, check_bind=not socket_is_inherited())
    (sys.stderr if report.problems else sys.stdout).write(report.text())
    return 1 if report.problems else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="mes-dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-source", help="check the configured source before go-live")
    commands.add_parser("check-runtime", help="check paths, bind address and settings")
    args = parser.parse_args(argv)
    if args.command == "check-runtime":
        return check_runtime_command()
    return check_source()


if __name__ == "__main__":
    sys.exit(main())
