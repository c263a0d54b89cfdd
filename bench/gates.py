"""`make gates`: run the resilience drills, print one table, record bench/results/gates.{json,md}.

Exits 1 when a gate fails. `--only NAME` runs some drills (results are then not recorded).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench_env import machine
from drills import DRILLS
from drills.gate import Gate

RESULTS = Path(__file__).resolve().parent / "results"


def table(gates: list[Gate]) -> str:
    """The markdown table of every gate."""
    rows = ["| drill | gate | figure | threshold | result |", "|---|---|---|---|---|"]
    for g in gates:
        verdict = "pass" if g.passed else "**FAIL**"
        rows.append(
            f"| {g.drill} | {g.name} | {g.figure:g} {g.unit} | {g.op} {g.threshold:g} | {verdict} |"
        )
    return "\n".join(rows) + "\n"


def record(gates: list[Gate], seconds: float) -> None:
    """Write the JSON and markdown results."""
    host = machine()
    data = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(seconds, 1),
        "machine": host,
        "gates": [asdict(g) | {"passed": g.passed} for g in gates],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "gates.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    notes = "\n".join(f"- {g.drill} / {g.name}: {g.note}" for g in gates if g.note)
    (RESULTS / "gates.md").write_text(
        f"# Gates\n\nRun {data['generated_at']} in {data['duration_s']} s on {host['cpu']} "
        f"({host['cores']} cores, load {host['load_average_before']}); `make gates`.\n\n"
        f"{table(gates)}\n## Notes\n\n{notes}\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the drills; 1 when any gate fails."""
    parser = argparse.ArgumentParser(prog="gates")
    parser.add_argument("--only", action="append", choices=sorted(DRILLS))
    args = parser.parse_args(argv)
    chosen = args.only or list(DRILLS)
    gates: list[Gate] = []
    started = time.monotonic()
    for name in chosen:
        print(f"drill {name} ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"gates-{name}-") as workdir:
            gates += DRILLS[name](Path(workdir))
    print(table(gates))
    if not args.only:
        record(gates, time.monotonic() - started)
    return 0 if all(g.passed for g in gates) else 1


if __name__ == "__main__":
    sys.exit(main())
