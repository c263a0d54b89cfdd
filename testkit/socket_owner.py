"""Which server process holds the other end of a local TCP connection (Linux /proc), so a drill
can attribute each answer to the gunicorn worker that gave it without asking the app."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def _inode(server_port: int, client_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                cols = row.split()
                local, remote = cols[1].rsplit(":", 1)[1], cols[2].rsplit(":", 1)[1]
                if int(local, 16) == server_port and int(remote, 16) == client_port:
                    return cols[9]
    return None


def owner_pid(server_port: int, client_port: int, pids: Iterable[int]) -> int:
    """The pid among `pids` holding the server side of the connection from `client_port` (0: none
    found, e.g. the connection was closed)."""
    inode = _inode(server_port, client_port)
    if inode is None:
        return 0
    target = f"socket:[{inode}]"
    for pid in pids:
        fds = Path(f"/proc/{pid}/fd")
        try:
            names = os.listdir(fds)
        except OSError:
            continue
        for name in names:
            try:
                if os.readlink(fds / name) == target:
                    return pid
            except OSError:
                continue
    return 0
