"""Edit the demo database's lot view the way a plant moves: lots change, leave and arrive."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from mes_dashboard.sources.demo.schema import LOT


def change_lots(db: str | Path, changed: int, removed: int = 0, added: int = 0) -> None:
    """Change the quantity of the first `changed` lots, delete the next `removed`, copy the last
    `added` as new lots, and move the lot watermark (the changed rows' SYS_DATE)."""
    with closing(sqlite3.connect(db)) as conn:
        ids = [r[0] for r in conn.execute(f"SELECT LOTID FROM {LOT} ORDER BY LOTID")]
        mark = conn.execute(f"SELECT datetime(MAX(SYS_DATE), '+1 minute') FROM {LOT}").fetchone()
        for lot in ids[:changed]:
            conn.execute(
                f"UPDATE {LOT} SET QTY = QTY + 1, SYS_DATE = ? WHERE LOTID = ?", (mark[0], lot)
            )
        for lot in ids[changed : changed + removed]:
            conn.execute(f"DELETE FROM {LOT} WHERE LOTID = ?", (lot,))
        for n, lot in enumerate(ids[-added:] if added else []):
            copy = f"new_lot_{n}"
            conn.execute(f"CREATE TEMP TABLE {copy} AS SELECT * FROM {LOT} WHERE LOTID = ?", (lot,))
            conn.execute(f"UPDATE {copy} SET LOTID = ?, SYS_DATE = ?", (f"ZZ-NEW-{n}", mark[0]))
            conn.execute(f"INSERT INTO {LOT} SELECT * FROM {copy}")
        conn.commit()
