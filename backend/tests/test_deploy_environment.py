"""deploy/environment.yml pins exactly the runtime packages, at requirements.lock versions."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        match = re.fullmatch(r"\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==(\S+)\s*", line)
        if match:
            out[canonical(match[1])] = match[2]
    return out


def runtime_closure() -> set[str]:
    """The project's dependencies and theirs (as installed), without extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo, seen = [Requirement(d) for d in project["dependencies"]], set()
    while todo:
        req = todo.pop()
        if canonical(req.name) in seen:
            continue
        seen.add(canonical(req.name))
        for raw in metadata.requires(req.name) or []:
            dep = Requirement(raw)
            if dep.marker is None or dep.marker.evaluate({"extra": ""}):
                todo.append(dep)
    return seen


def test_environment_pins_equal_the_lock() -> None:
    env_lines = (ROOT / "deploy" / "environment.yml").read_text().splitlines()
    env = pins(env_lines)
    lock = pins((ROOT / "requirements.lock").read_text().splitlines())
    assert env, "no pins found in environment.yml"
    assert {name: lock.get(name) for name in env} == env
    assert set(env) == runtime_closure()


def test_environment_python_satisfies_the_project() -> None:
    text = (ROOT / "deploy" / "environment.yml").read_text()
    [python] = re.findall(r"^\s+- python=(\S+)$", text, re.M)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11" and tuple(map(int, python.split("."))) >= (3, 11)
    assert re.search(r"^name: mes-dashboard$", text, re.M)
