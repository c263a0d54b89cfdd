"""One simulator tick's changes to the demo database, each step a function over a `Tick`.

Steps keep the invariant the product relies on: a lot with EQUIPMENTCOUNT > 0 lists in EQUIPMENTS
exactly the machines whose status-view rows carry it as RUNCARDLOTID, and a machine has either
rows for its tracked-in lots or one row with a NULL lot. The rows of one machine may disagree on
status and job (the generator plants such machines, as the real view has them); a status change
makes them agree again. Random choices come from the seeded
generator and every query has a fixed order, so a tick is reproducible.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from mes_dashboard.config import EXCLUDED_LOCATIONS
from mes_dashboard.sources.demo import values as v
from mes_dashboard.sources.demo.equipment import JOB_COLUMNS, make_job
from mes_dashboard.sources.demo.layout import TMTT_GROUP, Layout
from mes_dashboard.sources.demo.schema import EQUIPMENT_STATUS, LOT, RESOURCE, TABLES, stamp

STATUS_COLUMNS = [name for name, _ in TABLES[EQUIPMENT_STATUS]]
JOB_FIELDS = STATUS_COLUMNS[3 : 3 + JOB_COLUMNS]
HEAD = 3 + JOB_COLUMNS  # RESOURCEID, status, reason and the job: what all rows of a machine share
LOT_FIELDS = "rowid, LOTID, QTY, STATUS, EQUIPMENTCOUNT, EQUIPMENTNAME, WORKCENTERNAME, SPECNAME"
Row = tuple[object, ...]
MAX_LOTS_PER_MACHINE = 3


@dataclass
class Machine:
    """A live production machine: padded RESOURCEID, name, workcenter."""

    rid: str
    name: str
    wc: str


@dataclass
class Tick:
    """What every step needs: the open transaction, the generator, the time, the layout."""

    conn: sqlite3.Connection
    rng: random.Random
    now: datetime
    layout: Layout
    machines: list[Machine] = field(default_factory=list)
    wc_index: dict[str, int] = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        """`now` as DATE text."""
        return stamp(self.now)

    def amount(self, expected: float) -> int:
        """A whole number of events whose mean is `expected`."""
        whole = int(expected)
        return whole + (self.rng.random() < expected - whole)


def prepare(tick: Tick) -> None:
    """Load the live machines: in the status view and passing the production-machine filter."""
    tick.wc_index = {wc.name: i for i, wc in enumerate(tick.layout.workcenters)}
    marks = ", ".join("?" for _ in EXCLUDED_LOCATIONS)
    rows = tick.conn.execute(
        f"""SELECT DISTINCT r.RESOURCEID, r.RESOURCENAME, r.WORKCENTERNAME
        FROM {RESOURCE} r JOIN {EQUIPMENT_STATUS} s ON s.RESOURCEID = r.RESOURCEID
        WHERE r.OBJECTCATEGORY = r.OBJECTTYPE AND r.OBJECTCATEGORY IN ('ASSEMBLY', 'WAFERSORT')
          AND r.WORKCENTERNAME IS NOT NULL
          AND (r.LOCATIONNAME IS NULL OR r.LOCATIONNAME NOT IN ({marks}))
          AND (r.PJ_ASSETSSTATUS IS NULL OR r.PJ_ASSETSSTATUS <> 'Disapproved')
        ORDER BY r.RESOURCEID""",
        EXCLUDED_LOCATIONS,
    ).fetchall()
    tick.machines = [Machine(*row) for row in rows]


def _sample_lots(tick: Tick, wanted: int, where: str, params: tuple[object, ...] = ()) -> list[Row]:
    """Up to `wanted` random lots matching `where`, found by probing random rowids."""
    (top,) = tick.conn.execute(f"SELECT MAX(rowid) FROM {LOT}").fetchone()
    if not top or wanted <= 0:
        return []
    probe = tick.rng.sample(range(1, top + 1), min(top, max(32, wanted * 12)))
    found: dict[int, Row] = {}
    for start in range(0, len(probe), 500):
        part = probe[start : start + 500]
        marks = ", ".join("?" for _ in part)
        sql = f"SELECT {LOT_FIELDS} FROM {LOT} WHERE rowid IN ({marks}) AND ({where})"
        found.update((row[0], row) for row in tick.conn.execute(sql, (*part, *params)))
    return [found[r] for r in probe if r in found][:wanted]


def _advance(tick: Tick, lot: Row) -> None:
    """Move a lot to its next spec (or the next group's first), clearing a TMTT machine."""
    wc_index = tick.wc_index.get(str(lot[6]))
    if wc_index is None:
        return
    specs = [s.name for s in tick.layout.workcenters[wc_index].group.specs]
    spec = specs.index(str(lot[7])) if lot[7] in specs else 0
    step = tick.layout.next_step(wc_index, spec, tick.rng)
    if step is None:
        return
    wc = tick.layout.workcenters[step[0]]
    group = wc.group
    equipment = None
    tmtt = [m.name for m in tick.machines if m.wc == wc.name]
    if group.name == TMTT_GROUP and tmtt and tick.rng.random() < 0.6:
        equipment = tick.rng.choice(tmtt)
    tick.conn.execute(
        f"""UPDATE {LOT} SET WORKCENTERNAME = ?, WORKCENTER_GROUP = ?,
        WORKCENTERSEQUENCE_GROUP = ?, WORKCENTER_SHORT = ?, SPECNAME = ?, SPECSEQUENCE = ?,
        MOVEINTIMESTAMP = ?, EQUIPMENTCOUNT = 0, EQUIPMENTS = NULL, EQUIPMENTNAME = ?
        WHERE rowid = ?""",
        (
            wc.name,
            group.name if wc.mapped else None,
            wc.seq if wc.mapped else None,
            wc.short if wc.mapped else None,
            group.specs[step[1]].name,
            group.specs[step[1]].seq,
            tick.stamp,
            equipment,
            lot[0],
        ),
    )


def move_lots(tick: Tick, count: int) -> None:
    """Move queued lots (not running, not held) on to their next step."""
    for lot in _sample_lots(tick, count, "EQUIPMENTCOUNT = 0 AND STATUS = 'ACTIVE'"):
        _advance(tick, lot)


def _machine_rows(tick: Tick, rid: str) -> list[Row]:
    sql = f"SELECT {', '.join(STATUS_COLUMNS)} FROM {EQUIPMENT_STATUS} WHERE RESOURCEID = ?"
    return list(tick.conn.execute(sql + " ORDER BY rowid", (rid,)))


def _insert_status(tick: Tick, rows: Iterable[Row]) -> None:
    marks = ", ".join("?" for _ in STATUS_COLUMNS)
    sql = f"INSERT INTO {EQUIPMENT_STATUS} ({', '.join(STATUS_COLUMNS)}) VALUES ({marks})"
    tick.conn.executemany(sql, rows)


def track_out(tick: Tick, count: int) -> None:
    """Track running lots out of all their machines, then move them on."""
    sql = (
        f"SELECT DISTINCT RUNCARDLOTID FROM {EQUIPMENT_STATUS} "
        "WHERE RUNCARDLOTID IS NOT NULL ORDER BY RUNCARDLOTID"
    )
    running = [str(r[0]) for r in tick.conn.execute(sql)]
    for lot_id in tick.rng.sample(running, min(count, len(running))):
        sql = f"SELECT {', '.join(STATUS_COLUMNS)} FROM {EQUIPMENT_STATUS} WHERE RUNCARDLOTID = ?"
        rows = tick.conn.execute(sql + " ORDER BY RESOURCEID", (lot_id,)).fetchall()
        tick.conn.execute(f"DELETE FROM {EQUIPMENT_STATUS} WHERE RUNCARDLOTID = ?", (lot_id,))
        for row in rows:
            if not _machine_rows(tick, str(row[0])):
                _insert_status(tick, [(*row[:HEAD], None, None, None, None)])
        sql = f"UPDATE {LOT} SET EQUIPMENTCOUNT = 0, EQUIPMENTS = NULL, EQUIPMENTNAME = NULL"
        tick.conn.execute(sql + " WHERE LOTID = ?", (lot_id,))
        lot = tick.conn.execute(f"SELECT {LOT_FIELDS} FROM {LOT} WHERE LOTID = ?", (lot_id,))
        for found in lot.fetchall():
            if found[3] == "ACTIVE":  # a held lot stays at its step
                _advance(tick, found)


def track_in(tick: Tick, count: int) -> None:
    """Track queued lots into a producing or standby machine of their workcenter with room."""
    sql = (
        f"SELECT RESOURCEID FROM {EQUIPMENT_STATUS} WHERE EQUIPMENTASSETSSTATUS IN ('PRD', 'SBY') "
        f"GROUP BY RESOURCEID HAVING COUNT(RUNCARDLOTID) < {MAX_LOTS_PER_MACHINE}"
    )
    ready = {str(r[0]) for r in tick.conn.execute(sql)}
    by_wc: dict[str, list[Machine]] = {}
    for m in tick.machines:
        wc = tick.wc_index.get(m.wc)
        tmtt = wc is None or tick.layout.workcenters[wc].group.name == TMTT_GROUP
        if m.rid in ready and not tmtt:
            by_wc.setdefault(m.wc, []).append(m)
    if not by_wc:
        return
    names = sorted(by_wc)
    where = (
        "EQUIPMENTCOUNT = 0 AND EQUIPMENTNAME IS NULL AND STATUS = 'ACTIVE' "
        f"AND WORKCENTERNAME IN ({', '.join('?' for _ in names)})"
    )
    for lot in _sample_lots(tick, count, where, tuple(names)):
        machine = tick.rng.choice(by_wc[str(lot[6])])
        rows = _machine_rows(tick, machine.rid)
        reason = rows[0][2] if rows[0][1] == "PRD" else "正常生產"
        head = (machine.rid, "PRD", reason, *rows[0][3:HEAD])
        tick.conn.execute(
            f"DELETE FROM {EQUIPMENT_STATUS} WHERE RESOURCEID = ? AND RUNCARDLOTID IS NULL",
            (machine.rid,),
        )
        tick.conn.execute(
            f"UPDATE {EQUIPMENT_STATUS} SET EQUIPMENTASSETSSTATUS = 'PRD', "
            "EQUIPMENTASSETSSTATUSREASON = ? WHERE RESOURCEID = ?",
            (reason, machine.rid),
        )
        _insert_status(tick, [(*head, lot[1], lot[2], tick.stamp, tick.rng.choice(v.PEOPLE))])
        tick.conn.execute(
            f"UPDATE {LOT} SET EQUIPMENTCOUNT = 1, EQUIPMENTS = ?, EQUIPMENTNAME = ? "
            "WHERE rowid = ?",
            (machine.name, machine.name, lot[0]),
        )


def hold_lots(tick: Tick, count: int) -> None:
    """Put active lots on hold now."""
    for lot in _sample_lots(tick, count, "STATUS = 'ACTIVE'"):
        reason = tick.rng.choices(v.HOLD_REASONS, v.HOLD_REASON_WEIGHTS)[0]
        tick.conn.execute(
            f"""UPDATE {LOT} SET STATUS = 'HOLD', CURRENTHOLDCOUNT = 1, HOLDREASONNAME = ?,
            CURRENTHOLDTIME = ?, HOLDEMP = ?, DEPTNAME = ?, COMMENT_HOLD = ?, RELEASETIME = NULL
            WHERE rowid = ?""",
            (
                reason,
                tick.stamp,
                tick.rng.choice(v.PEOPLE),
                tick.rng.choice(v.DEPARTMENTS),
                tick.rng.choice(v.HOLD_COMMENTS),
                lot[0],
            ),
        )


def release_lots(tick: Tick, share: float) -> None:
    """Release about `share` of the held lots."""
    held = [r[0] for r in tick.conn.execute(f"SELECT rowid FROM {LOT} WHERE CURRENTHOLDCOUNT > 0")]
    held.sort()
    for rowid in tick.rng.sample(held, min(len(held), tick.amount(len(held) * share))):
        tick.conn.execute(
            f"""UPDATE {LOT} SET STATUS = 'ACTIVE', CURRENTHOLDCOUNT = 0, HOLDREASONNAME = NULL,
            CURRENTHOLDTIME = NULL, HOLDEMP = NULL, DEPTNAME = NULL, COMMENT_HOLD = NULL,
            EVENTNAME = NULL, RELEASETIME = NULL WHERE rowid = ?""",
            (rowid,),
        )


def change_machines(tick: Tick, count: int) -> None:
    """Give machines a new E10 status (aliases and unknown codes included); open or close jobs."""
    for m in tick.rng.sample(tick.machines, min(count, len(tick.machines))):
        sql = f"SELECT EQUIPMENTASSETSSTATUS FROM {EQUIPMENT_STATUS} WHERE RESOURCEID = ?"
        (current,) = tick.conn.execute(sql, (m.rid,)).fetchone()
        code = current
        while code == current:
            code = tick.rng.choices(v.STATUS_CODES, v.STATUS_WEIGHTS)[0]
        reason = tick.rng.choice(v.STATUS_REASONS[code])
        job: Row | None = None
        if code in ("PRD", "SBY"):
            job = (None,) * JOB_COLUMNS
        elif code in v.DOWN_CODES and tick.rng.random() < 0.25:
            job = make_job(tick.rng, tick.now, tick.rng.randint(50_000, 99_999))
        sets = "EQUIPMENTASSETSSTATUS = ?, EQUIPMENTASSETSSTATUSREASON = ?"
        params: list[object] = [code, reason]
        if job is not None:
            sets += ", " + ", ".join(f"{f} = ?" for f in JOB_FIELDS)
            params.extend(job)
        sql = f"UPDATE {EQUIPMENT_STATUS} SET {sets} WHERE RESOURCEID = ?"
        tick.conn.execute(sql, (*params, m.rid))


def touch_master(tick: Tick, count: int) -> None:
    """Bump LASTCHANGEDATE on a few master rows (the resource watermark moves)."""
    for m in tick.rng.sample(tick.machines, min(count, len(tick.machines))):
        sql = f"UPDATE {RESOURCE} SET LASTCHANGEDATE = ? WHERE RESOURCEID = ?"
        tick.conn.execute(sql, (tick.stamp, m.rid))


def stamp_snapshot(tick: Tick) -> None:
    """Set SYS_DATE on every lot to now and age the lots."""
    tick.conn.execute(
        f"UPDATE {LOT} SET SYS_DATE = ?1, "
        "AGEBYDAYS = ROUND(julianday(?1) - julianday(STARTDATE), 2)",
        (tick.stamp,),
    )


def inconsistencies(conn: sqlite3.Connection) -> list[str]:
    """Broken WIP/equipment invariants in the database (empty when consistent)."""
    problems: list[str] = []
    names = dict(conn.execute(f"SELECT RESOURCEID, RESOURCENAME FROM {RESOURCE}").fetchall())
    machines: dict[str, list[Row]] = {}
    sql = (
        "SELECT RESOURCEID, EQUIPMENTASSETSSTATUS, EQUIPMENTASSETSSTATUSREASON, JOBID, "
        f"RUNCARDLOTID FROM {EQUIPMENT_STATUS}"
    )
    for row in conn.execute(sql):
        machines.setdefault(str(row[0]), []).append(row)
    on_machines: set[tuple[str, str]] = set()
    for rid, rows in machines.items():
        lots = [row[4] for row in rows]
        if None in lots and len(lots) > 1:
            problems.append(f"{rid.strip()}: an idle row beside lot rows")
        on_machines |= {(names.get(rid, rid), str(lot)) for lot in lots if lot is not None}
    listed: set[tuple[str, str]] = set()
    sql = f"SELECT LOTID, EQUIPMENTCOUNT, EQUIPMENTS, EQUIPMENTNAME FROM {LOT} "
    sql += "WHERE EQUIPMENTCOUNT > 0"
    for lot_id, count, equipments, name in conn.execute(sql):
        machines_of_lot = str(equipments or "").split(",")
        if count != len(machines_of_lot) or name != machines_of_lot[0]:
            problems.append(f"{lot_id}: EQUIPMENTCOUNT/EQUIPMENTNAME disagree with EQUIPMENTS")
        listed |= {(m, lot_id) for m in machines_of_lot}
    for machine, lot_id in sorted(on_machines ^ listed)[:10]:
        problems.append(f"{lot_id} on {machine}: only one of WIP and the status view says so")
    return problems
