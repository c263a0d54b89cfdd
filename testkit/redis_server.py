"""A real `redis-server` on a free port for tests: start, stop, restart, pause, always killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import redis

from testkit.ports import free_port

REDIS_SERVER = "redis-server"


class RedisServer:
    """One redis-server process without persistence; `url` stays valid across restarts."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        binary = shutil.which(REDIS_SERVER)
        if binary is None:
            raise RuntimeError("redis-server not found: install the Debian package redis-server")
        self.binary = binary
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self._timers: list[threading.Timer] = []

    def start(self, timeout: float = 5.0) -> None:
        """Start on `port` (the same one after a stop) and wait until it answers PING."""
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.workdir)]  # fmt: skip
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                    raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {err}")
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.01)
            raise RuntimeError(f"redis-server did not answer PING within {timeout}s")
        finally:
            client.close()

    def stop(self) -> None:
        """Kill the server and wait for it to exit."""
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(timeout=5)
        if self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def freeze(self) -> None:
        """SIGSTOP: connections are accepted by the kernel but never answered."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT after `freeze` (nothing when the server is gone)."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)

    def pause(self, seconds: float) -> None:
        """Freeze now and thaw after `seconds` (in the background)."""
        self.freeze()
        timer = threading.Timer(seconds, self.thaw)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def client(self) -> redis.Redis:
        """A plain client for assertions (close it after use)."""
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)
