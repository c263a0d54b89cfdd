"""A local TCP listener that accepts connections and never answers (a hung database listener)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from types import TracebackType

CLOSE_WAIT_S = 2.0


class BlackHole:
    """Listen on 127.0.0.1 (a free port); accept every connection, keep it open, send nothing."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port: int = self._server.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)

    @property
    def dsn(self) -> str:
        """An Easy Connect string pointing at the listener."""
        return f"127.0.0.1:{self.port}/MES"

    @property
    def accepted(self) -> int:
        """How many connections were accepted so far."""
        with self._lock:
            return len(self._clients)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._clients.append(client)

    def __enter__(self) -> BlackHole:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self._thread.join(timeout=2)
        with self._lock:
            clients, self._clients = self._clients, []
        deadline = time.monotonic() + CLOSE_WAIT_S
        for client in clients:
            _hang_up(client, deadline)


def _hang_up(client: socket.socket, deadline: float) -> None:
    """Send EOF, then wait (bounded) until the peer has closed its end too."""
    # the driver fails the pending connect on EOF; waiting for its side to close keeps that
    # failure (and the socket it leaves for the garbage collector) inside the test that caused it
    with contextlib.suppress(OSError), client:
        client.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            client.settimeout(left)
            if not client.recv(4096):
                return


def closed_port() -> int:
    """A local port with nothing listening on it (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
