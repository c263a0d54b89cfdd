"""Parity suite: the browser's query kernels must equal the Python reference on the same bytes."""
