"""What a raw source table must be before a build may use it: rows, and the required columns.

An empty lot view or master happens during a warehouse refresh, and a plant's view can lack a
column the contract needs; both fail the build (the last snapshot keeps serving) with a reason
that names the object and the columns, instead of publishing an empty or all-null snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

EMPTY_FETCH = "empty-fetch"
MISSING_COLUMNS = "missing-columns"


class SourceShapeError(ValueError):
    """A raw source table the build refuses: no rows, or required columns missing."""

    def __init__(self, message: str, reason: str = MISSING_COLUMNS) -> None:
        super().__init__(message)
        self.reason = reason


def require_rows(table: pa.Table, obj: str) -> None:
    """Refuse an empty fetch of `obj`."""
    if table.num_rows == 0:
        raise SourceShapeError(
            f"{obj}: the source returned no rows (a warehouse refresh?)", EMPTY_FETCH
        )


def require_columns(table: pa.Table, names: Iterable[str], obj: str) -> None:
    """Refuse a fetch of `obj` that lacks any of `names`."""
    missing = [name for name in names if name not in table.column_names]
    if missing:
        raise SourceShapeError(f"{obj}: required columns missing: {', '.join(missing)}")
