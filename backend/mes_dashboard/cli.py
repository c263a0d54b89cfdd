"""The `mes-dashboard` command: `check-source` prints the go-live source report; `alert-rules`
writes the Prometheus alerting rules."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from mes_dashboard.config import ConfigError, load_settings
from mes_dashboard.observability.alert_rules import render_rules
from mes_dashboard.services import build_source
from mes_dashboard.source_check.report import SourceUnreachable, full_report, object_names
from mes_dashboard.sources.base import OBJECTS

UNREACHABLE = 2
ALERT_RULES = Path("deploy/prometheus/mes-alerts.yml")


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


def write_alert_rules(output: Path) -> int:
    """Write the alerting rules to `output` ('-': standard output)."""
    text = render_rules()
    if str(output) == "-":
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the command."""
    parser = argparse.ArgumentParser(prog="mes-dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check-source", help="check the configured source before go-live")
    rules = commands.add_parser("alert-rules", help="write the Prometheus alerting rules")
    rules.add_argument("--output", type=Path, default=ALERT_RULES, help="file, or - for stdout")
    args = parser.parse_args(argv)
    if args.command == "alert-rules":
        return write_alert_rules(args.output)
    return check_source()


if __name__ == "__main__":
    sys.exit(main())
