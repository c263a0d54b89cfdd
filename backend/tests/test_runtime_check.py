"""The runtime check: folders, the built frontend, the bind address, settings; the CLI; gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mes_dashboard.config import Settings, load_settings
from mes_dashboard.runtime_check import check_runtime
from testkit.app_server import GunicornServer
from testkit.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def settings_in(tmp_path: Path, **extra: str) -> Settings:
    env = {
        "MES_ENV": "test",
        "MES_PORT": str(free_port()),
        "MES_STATE_DIR": str(tmp_path / "state"),
        "MES_AUDIT_LOG": str(tmp_path / "log" / "audit.jsonl"),
        "MES_PAGE_REGISTRY": str(tmp_path / "pages.json"),
        "MES_DEMO_DB": str(tmp_path / "db" / "demo.sqlite"),
    }
    return load_settings(env | extra, env_file=None)


def built_dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    return dist


def test_a_good_setup_passes_and_creates_its_folders(tmp_path: Path) -> None:
    report = check_runtime(settings_in(tmp_path), built_dist(tmp_path))
    assert (report.problems, report.warnings) == ([], [])
    assert report.text() == "runtime check passed\n"
    assert (tmp_path / "state").is_dir() and (tmp_path / "db").is_dir()


def test_a_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    s = settings_in(tmp_path, MES_STATE_DIR=str(blocker / "state"))
    [problem] = check_runtime(s, built_dist(tmp_path)).problems
    assert problem.startswith(f"MES_STATE_DIR: {blocker / 'state'} cannot be created")


def test_the_bind_address_in_use_is_a_problem(tmp_path: Path) -> None:
    s = settings_in(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", s.port))
        taken.listen()
        dist = built_dist(tmp_path)
        [problem] = check_runtime(s, dist).problems
        assert problem == f"MES_HOST:MES_PORT 127.0.0.1:{s.port} is already in use " + (
            "(another instance or service listens there)"
        )
        assert check_runtime(s, dist, check_bind=False).problems == []


def test_a_missing_frontend_stops_production_only(tmp_path: Path) -> None:
    dev = check_runtime(settings_in(tmp_path), tmp_path / "no-dist")
    assert dev.problems == [] and "the frontend is not built" in dev.warnings[0]
    prod = settings_in(tmp_path, MES_ENV="production", MES_SECRET_KEY="a-real-secret-value")
    report = check_runtime(prod, tmp_path / "no-dist")
    assert "the frontend is not built" in report.problems[0]
    assert "MES_SOURCE=demo" in report.warnings[0]


def run_cli(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("mes-dashboard")
    base = {
        "MES_STATE_DIR": str(tmp_path / "s"),
        "MES_AUDIT_LOG": str(tmp_path / "a.jsonl"),
        "MES_PAGE_REGISTRY": str(tmp_path / "p.json"),
        "MES_PORT": str(free_port()),
    }
    return subprocess.run([str(cli), "check-runtime"], cwd=tmp_path, env=os.environ | base | env,
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


def test_cli_exit_status_and_messages(tmp_path: Path) -> None:
    ok = run_cli(tmp_path, {"MES_ENV": "test"})
    assert ok.returncode == 0, ok.stderr
    secret = run_cli(tmp_path, {"MES_ENV": "production", "MES_SECRET_KEY": "change-me"})
    assert secret.returncode == 1
    assert "problem: configuration: MES_SECRET_KEY is missing or a placeholder" in secret.stderr


@pytest.mark.slow
def test_gunicorn_refuses_to_start_with_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    server = GunicornServer({"MES_ENV": "test", "MES_STATE_DIR": str(blocker / "x")})
    with pytest.raises(RuntimeError) as failed:
        server.start(timeout=60)
    assert "refusing to start" in str(failed.value)
    assert f"problem: MES_STATE_DIR: {blocker / 'x'} cannot be created" in str(failed.value)
