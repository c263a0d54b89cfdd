"""Builds the seeded demo SQLite database that mirrors the Oracle objects (see domain.md).

The file is written to a temporary sibling with journaling off, then switched to WAL and moved
into place with `os.replace`, so readers never see a half-built database. The same seed and `now`
give the same table contents.
"""

from __future__ import annotations

import argparse
import fcntl
import itertools
import os
import random
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from mes_dashboard.config import Settings
from mes_dashboard.sources.demo import schema
from mes_dashboard.sources.demo.equipment import (
    Machine,
    assign_lots,
    build_machines,
    master_rows,
    open_jobs,
    status_rows,
)
from mes_dashboard.sources.demo.history import history_rows, shift_starts, span_start
from mes_dashboard.sources.demo.layout import TMTT_GROUP, Layout, build_layout
from mes_dashboard.sources.demo.lots import LotFactory, Plan, place_lots
from mes_dashboard.sources.demo.schema import plant_now

DEFAULT_SEED = Settings.demo_seed
DEFAULT_HISTORY_DAYS = Settings.demo_history_days
BATCH = 20_000
SIDE_FILES = ("-wal", "-shm", "-journal")


def _insert(
    conn: sqlite3.Connection, table: str, rows: Iterable[tuple[object, ...]], bar: tqdm | None
) -> None:
    sql = schema.insert_sql(table)
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH)):
        conn.executemany(sql, batch)
        if bar is not None:
            bar.update(len(batch))


def _mapping_rows(layout: Layout, rng: random.Random) -> list[tuple[object, ...]]:
    """One row per (spec, workcenter), as the real view has one per SPEC: workcenters repeat."""
    rows: list[tuple[object, ...]] = []
    for wc in layout.workcenters:
        if not wc.mapped:
            continue
        group = wc.group
        for spec in group.specs:
            rows.append(
                (
                    spec.name,
                    spec.seq,
                    f"{int(spec.seq):05d}_{spec.name}",
                    wc.name,
                    wc.seq,
                    group.name,
                    wc.seq,
                    f"{int(wc.seq):05d}_{group.name}",
                    wc.short,
                )
            )
    rng.shuffle(rows)
    return rows


def _plan(
    layout: Layout,
    fleet: list[Machine],
    lot_wc: list[int],
    lot_spec: list[int],
    running: dict[int, list[int]],
) -> Plan:
    tmtt: dict[int, list[str]] = {}
    for m in fleet:
        if layout.workcenters[m.wc].group.name == TMTT_GROUP:
            tmtt.setdefault(m.wc, []).append(m.name)
    names = {lot: [fleet[k].name for k in ks] for lot, ks in running.items()}
    return Plan(lot_wc, lot_spec, names, tmtt)


def _fill(
    conn: sqlite3.Connection,
    lots: int,
    machines: int,
    seed: int,
    days: int,
    now: datetime,
    progress: bool,
) -> None:
    layout = build_layout()
    rng_eq = random.Random(f"{seed}:equipment")
    rng_lots = random.Random(f"{seed}:lots")
    fleet = build_machines(layout, machines, rng_eq)
    open_jobs(fleet, rng_eq, now)
    lot_wc, lot_spec = place_lots(layout, lots, rng_lots)
    running = assign_lots(layout, fleet, lot_wc, rng_eq)
    factory = LotFactory(layout, _plan(layout, fleet, lot_wc, lot_spec, running), rng_lots, now)
    with tqdm(total=lots, unit="lot", desc="lots", disable=not progress, file=sys.stderr) as bar:
        _insert(conn, schema.LOT, factory.rows(lots), bar)
    master, near_status = master_rows(layout, fleet, rng_eq, now)
    _insert(conn, schema.RESOURCE, master, None)
    _insert(conn, schema.EQUIPMENT_STATUS, status_rows(fleet, factory.tracked, rng_eq), None)
    _insert(conn, schema.EQUIPMENT_STATUS, near_status, None)
    _insert(conn, schema.SPEC_WORKCENTER, _mapping_rows(layout, random.Random(seed)), None)
    ids = [schema.char16(m.resource_id) for m in fleet]
    starts = shift_starts(span_start(now, days), now) if days > 0 else []
    rows = history_rows(ids, starts, random.Random(f"{seed}:history"))
    with tqdm(unit="row", desc="history", disable=not progress, file=sys.stderr) as bar:
        _insert(conn, schema.RESOURCE_HISTORY, rows, bar)
    schema.create_indexes(conn)


def _chmod_like_a_new_file(path: Path) -> None:
    """mkstemp makes 0600 files; give the database the mode `open` would (0666 less umask)."""
    mask = os.umask(0)
    os.umask(mask)
    path.chmod(0o666 & ~mask)


def _remove_side_files(path: Path) -> None:
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(
    db_path: str | os.PathLike[str],
    *,
    lots: int = 12_000,
    machines: int = 3_000,
    seed: int = DEFAULT_SEED,
    history_days: int = DEFAULT_HISTORY_DAYS,
    now: datetime | None = None,
    progress: bool = False,
    plant_tz: str = "Asia/Taipei",
) -> None:
    """Build the demo database at `db_path` (atomically replacing any file there)."""
    if lots < 0 or machines < 0 or history_days < 0:
        raise ValueError("lots, machines and history_days must not be negative")
    target = Path(db_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    moment = (now or plant_now(plant_tz)).replace(microsecond=0)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            for pragma in (
                "journal_mode=OFF",
                "synchronous=OFF",
                "cache_size=-200000",
                "temp_store=MEMORY",
                "locking_mode=EXCLUSIVE",
            ):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("BEGIN")
            schema.create_tables(conn)
            _fill(conn, lots, machines, seed, history_days, moment, progress)
            conn.execute(f"PRAGMA user_version = {schema.FORMAT_VERSION}")
            conn.execute("COMMIT")
            conn.execute("PRAGMA locking_mode=NORMAL")
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            conn.close()
        _chmod_like_a_new_file(tmp)
        # a stale WAL of an older file at this path must not be replayed onto the new one
        _remove_side_files(target)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        _remove_side_files(tmp)
        raise


def format_version(path: Path) -> int | None:
    """The demo format a database file was generated with (None when it is not readable)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return int(version)


def ensure_demo_db(settings: Settings) -> Path:
    """Return the configured demo database, generating it first when the file is missing or was
    written by another format version of the generator."""
    path = Path(settings.demo_db)
    if format_version(path) == schema.FORMAT_VERSION:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    # workers starting together must not each build (and swap in) their own copy
    with open(f"{path}.gen.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if format_version(path) != schema.FORMAT_VERSION:
            generate(
                path,
                lots=settings.demo_lots,
                machines=settings.demo_machines,
                seed=settings.demo_seed,
                history_days=settings.demo_history_days,
                plant_tz=settings.plant_tz,
            )
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the demo database with a progress bar."""
    parser = argparse.ArgumentParser(prog="mes-demo-db", description=__doc__)
    parser.add_argument("--db", required=True, help="path of the SQLite file to write")
    parser.add_argument("--lots", type=int, default=12_000)
    parser.add_argument("--machines", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--history-days", type=int, default=DEFAULT_HISTORY_DAYS)
    args = parser.parse_args(argv)
    generate(
        args.db,
        lots=args.lots,
        machines=args.machines,
        seed=args.seed,
        history_days=args.history_days,
        progress=True,
    )
    print(f"wrote {args.db}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
