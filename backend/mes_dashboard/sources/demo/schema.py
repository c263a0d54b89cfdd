"""Tables of the demo SQLite database: one per Oracle object, same column names and shapes.

Declared types are TEXT, INTEGER, REAL and DATE; DATE values are text 'YYYY-MM-DD HH:MM:SS' in
plant local time (no zone), as Oracle DATE carries none. The demo source maps declared types to
Arrow types, so the declaration, not the stored value, decides a column's type.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

LOT = "DW_MES_LOT_V"
RESOURCE = "DW_MES_RESOURCE"
EQUIPMENT_STATUS = "DW_MES_EQUIPMENTSTATUS_WIP_V"
SPEC_WORKCENTER = "DW_MES_SPEC_WORKCENTER_V"
RESOURCE_HISTORY = "DW_MES_RESOURCESTATUS_SHIFT"

# logical object (sources.base.OBJECTS) -> table name the generator writes
TABLE_OF = {
    "lot": LOT,
    "resource": RESOURCE,
    "equipment_status": EQUIPMENT_STATUS,
    "spec_workcenter": SPEC_WORKCENTER,
    "resource_history": RESOURCE_HISTORY,
}

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    LOT: (
        ("LOTID", "TEXT"),
        ("WORKORDER", "TEXT"),
        ("QTY", "INTEGER"),
        ("QTY2", "INTEGER"),
        ("STATUS", "TEXT"),
        ("CURRENTHOLDCOUNT", "INTEGER"),
        ("HOLDREASONNAME", "TEXT"),
        ("CURRENTHOLDTIME", "DATE"),
        ("HOLDEMP", "TEXT"),
        ("DEPTNAME", "TEXT"),
        ("COMMENT_HOLD", "TEXT"),
        ("EVENTNAME", "TEXT"),
        ("RELEASETIME", "DATE"),
        ("EQUIPMENTCOUNT", "INTEGER"),
        ("EQUIPMENTS", "TEXT"),
        ("EQUIPMENTNAME", "TEXT"),
        ("WORKCENTERNAME", "TEXT"),
        ("WORKCENTER_GROUP", "TEXT"),
        ("WORKCENTERSEQUENCE_GROUP", "TEXT"),
        ("WORKCENTER_SHORT", "TEXT"),
        ("SPECNAME", "TEXT"),
        ("SPECSEQUENCE", "TEXT"),
        ("LOCATIONNAME", "TEXT"),
        ("PACKAGE_LEF", "TEXT"),
        ("PRODUCTLINENAME", "TEXT"),
        ("PJ_TYPE", "TEXT"),
        ("PJ_FUNCTION", "TEXT"),
        ("BOP", "TEXT"),
        ("PRODUCT", "TEXT"),
        ("WORKFLOWNAME", "TEXT"),
        ("DATECODE", "TEXT"),
        ("WAFERLOT", "TEXT"),
        ("LEADFRAMENAME", "TEXT"),
        ("STARTDATE", "DATE"),
        ("MOVEINTIMESTAMP", "DATE"),
        ("AGEBYDAYS", "REAL"),
        ("UTS", "TEXT"),
        ("SYS_DATE", "DATE"),
        ("OWNER", "TEXT"),
        ("PRIORITYCODENAME", "TEXT"),
        ("CONTAINERCOMMENTS", "TEXT"),
    ),
    RESOURCE: (
        ("RESOURCEID", "TEXT"),
        ("RESOURCENAME", "TEXT"),
        ("WORKCENTERNAME", "TEXT"),
        ("RESOURCEFAMILYNAME", "TEXT"),
        ("LOCATIONNAME", "TEXT"),
        ("PJ_DEPARTMENT", "TEXT"),
        ("VENDORNAME", "TEXT"),
        ("VENDORMODEL", "TEXT"),
        ("PJ_ASSETSSTATUS", "TEXT"),
        ("PJ_ISPRODUCTION", "INTEGER"),
        ("PJ_ISKEY", "INTEGER"),
        ("PJ_ISMONITOR", "INTEGER"),
        ("OBJECTCATEGORY", "TEXT"),
        ("OBJECTTYPE", "TEXT"),
        ("LASTCHANGEDATE", "DATE"),
    ),
    EQUIPMENT_STATUS: (
        ("RESOURCEID", "TEXT"),
        ("EQUIPMENTASSETSSTATUS", "TEXT"),
        ("EQUIPMENTASSETSSTATUSREASON", "TEXT"),
        ("JOBORDER", "TEXT"),
        ("JOBMODEL", "TEXT"),
        ("JOBSTAGE", "TEXT"),
        ("JOBID", "TEXT"),
        ("JOBSTATUS", "TEXT"),
        ("CREATEDATE", "DATE"),
        ("CREATEUSERNAME", "TEXT"),
        ("TECHNICIANUSERNAME", "TEXT"),
        ("SYMPTOMCODE", "TEXT"),
        ("CAUSECODE", "TEXT"),
        ("REPAIRCODE", "TEXT"),
        ("RUNCARDLOTID", "TEXT"),
        ("LOTTRACKINQTY_PCS", "INTEGER"),
        ("LOTTRACKINTIME", "DATE"),
        ("LOTTRACKINEMPLOYEE", "TEXT"),
    ),
    SPEC_WORKCENTER: (
        ("WORK_CENTER", "TEXT"),
        ("WORK_CENTER_GROUP", "TEXT"),
        ("WORKCENTERSEQUENCE_GROUP", "TEXT"),
        ("WORK_CENTER_SHORT", "TEXT"),
    ),
    RESOURCE_HISTORY: (
        ("HISTORYID", "TEXT"),
        ("TXNDATE", "DATE"),
        ("DATADATE", "DATE"),
        ("OLDSTATUSNAME", "TEXT"),
        ("HOURS", "REAL"),
    ),
}

# created after the bulk insert; the simulator and the history query use them
INDEXES = (
    f"CREATE INDEX IX_LOT_LOTID ON {LOT} (LOTID)",
    f"CREATE INDEX IX_LOT_HELD ON {LOT} (CURRENTHOLDCOUNT) WHERE CURRENTHOLDCOUNT > 0",
    f"CREATE INDEX IX_STATUS_RESOURCEID ON {EQUIPMENT_STATUS} (RESOURCEID)",
    f"CREATE INDEX IX_STATUS_LOT ON {EQUIPMENT_STATUS} (RUNCARDLOTID)",
    f"CREATE INDEX IX_RESOURCE_ID ON {RESOURCE} (RESOURCEID)",
    # the indexes of the real table
    f"CREATE INDEX IX_HISTORY_TXNDATE ON {RESOURCE_HISTORY} (TXNDATE)",
    f"CREATE INDEX IX_HISTORY_DATADATE ON {RESOURCE_HISTORY} (DATADATE)",
    f"CREATE INDEX IX_HISTORY_HISTORYID ON {RESOURCE_HISTORY} (HISTORYID)",
)

CHAR16 = 16


def create_tables(conn: sqlite3.Connection) -> None:
    """Create every demo table (without indexes)."""
    for table, columns in TABLES.items():
        body = ", ".join(f"{name} {decl}" for name, decl in columns)
        conn.execute(f"CREATE TABLE {table} ({body})")


def create_indexes(conn: sqlite3.Connection) -> None:
    """Create the indexes (after the bulk insert, which is faster without them)."""
    for statement in INDEXES:
        conn.execute(statement)


def insert_sql(table: str) -> str:
    """The INSERT statement for one full row of `table`."""
    marks = ", ".join("?" for _ in TABLES[table])
    return f"INSERT INTO {table} VALUES ({marks})"


def stamp(moment: datetime) -> str:
    """Format a plant-local moment as Oracle DATE text."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def plant_now(zone: str = "Asia/Taipei") -> datetime:
    """The current plant-local time, naive and to the second (as Oracle DATE holds it)."""
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def char16(value: str) -> str:
    """Pad like an Oracle CHAR(16) column does."""
    return value.ljust(CHAR16)
