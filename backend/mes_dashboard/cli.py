"""The `mes-dashboard` command.

mes-dashboard check-source                      the go-live source report
mes-dashboard check-runtime                     paths, bind address and settings before a start
mes-dashboard alert-rules [--output FILE|-]     write the Prometheus alerting rules
mes-dashboard admin set-password <user>         create or reset a local admin (asks twice)
mes-dashboard admin set-password <user> --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path

from mes_dashboard.app import DIST
from mes_dashboard.auth.accounts import AccountError, AccountStore
from mes_dashboard.config import ConfigError, load_settings
from mes_dashboard.observability.alert_rules import render_rules
from mes_dashboard.runtime_check import check_runtime, socket_is_inherited
from mes_dashboard.services import build_source
from mes_dashboard.source_check.report import SourceUnreachable, full_report, object_names
from mes_dashboard.sources.base import OBJECTS

UNREACHABLE = 2
ALERT_RULES = Path("deploy/prometheus/mes-alerts.yml")
USAGE_ERROR = 2


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


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("new password: ")
    if getpass.getpass("again: ") != first:
        print("the two passwords differ; nothing changed", file=sys.stderr)
        return None
    return first


def set_password(username: str, from_stdin: bool) -> int:
    """Create or reset a local admin account in `MES_ACCOUNTS_FILE`."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    password = _read_password(from_stdin)
    if password is None:
        return 1
    try:
        AccountStore(Path(settings.accounts_file)).set_password(username, password)
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"password of {username!r} set in {settings.accounts_file}")
    return 0


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
    rules = commands.add_parser("alert-rules", help="write the Prometheus alerting rules")
    rules.add_argument("--output", type=Path, default=ALERT_RULES, help="file, or - for stdout")
    admin = commands.add_parser("admin", help="local admin accounts")
    admin_commands = admin.add_subparsers(dest="admin_command", required=True)
    setpw = admin_commands.add_parser("set-password", help="create or reset a local admin")
    setpw.add_argument("username")
    setpw.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    commands.add_parser("check-runtime", help="check paths, bind address and settings")
    args = parser.parse_args(argv)
    if args.command == "check-runtime":
        return check_runtime_command()
    if args.command == "alert-rules":
        return write_alert_rules(args.output)
    if args.command == "admin":
        return set_password(args.username, args.password_stdin)
    return check_source()


if __name__ == "__main__":
    sys.exit(main())
