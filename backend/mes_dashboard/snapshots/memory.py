"""Returning build-time memory to the operating system after a snapshot is published."""

from __future__ import annotations

import ctypes
import ctypes.util

import pyarrow as pa

_libc_name = ctypes.util.find_library("c")
_libc = ctypes.CDLL(_libc_name) if _libc_name else None


def release_unused_memory() -> None:
    """Free Arrow's pooled buffers and trim the C heap (glibc), so a build leaves no bloat."""
    pa.default_memory_pool().release_unused()
    trim = getattr(_libc, "malloc_trim", None)
    if trim is not None:
        trim(0)
