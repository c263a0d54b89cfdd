"""Tables of the demo SQLite database: one per Oracle object, its real column names and types.

Columns are declared with their Oracle types as `oracle-schema.json` lists them (NUMBER,
NUMBER(10), CHAR(16), VARCHAR2(n), DATE); the demo source maps each declaration through
`sources/oracle_types.py`, so the declaration, not the stored value, decides a column's Arrow
type, exactly as python-oracledb does. DATE values are text 'YYYY-MM-DD HH:MM:SS' in plant local
time (no zone), as Oracle DATE carries none; CHAR(16) values are stored space-padded.
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
        ("LOTID", "VARCHAR2(40)"),
        ("WORKORDER", "VARCHAR2(40)"),
        ("QTY", "NUMBER"),
        ("QTY2", "NUMBER"),
        ("STATUS", "VARCHAR2(10)"),
        ("CURRENTHOLDCOUNT", "NUMBER(10)"),
        ("HOLDREASONNAME", "VARCHAR2(40)"),
        ("CURRENTHOLDTIME", "DATE"),
        ("HOLDEMP", "VARCHAR2(255)"),
        ("DEPTNAME", "VARCHAR2(255)"),
        ("COMMENT_HOLD", "VARCHAR2(255)"),
        ("EVENTNAME", "VARCHAR2(4000)"),
        ("RELEASETIME", "VARCHAR2(4000)"),
        ("EQUIPMENTCOUNT", "NUMBER(10)"),
        ("EQUIPMENTS", "VARCHAR2(4000)"),
        ("EQUIPMENTNAME", "VARCHAR2(4000)"),
        ("WORKCENTERNAME", "VARCHAR2(40)"),
        ("WORKCENTER_GROUP", "VARCHAR2(40)"),
        ("WORKCENTERSEQUENCE_GROUP", "VARCHAR2(255)"),
        ("WORKCENTER_SHORT", "VARCHAR2(40)"),
        ("SPECNAME", "VARCHAR2(40)"),
        ("SPECSEQUENCE", "VARCHAR2(10)"),
        ("LOCATIONNAME", "VARCHAR2(40)"),
        ("PACKAGE_LEF", "VARCHAR2(4000)"),
        ("PRODUCTLINENAME", "VARCHAR2(40)"),
        ("PJ_TYPE", "VARCHAR2(40)"),
        ("PJ_FUNCTION", "VARCHAR2(40)"),
        ("BOP", "VARCHAR2(40)"),
        ("PRODUCT", "VARCHAR2(40)"),
        ("WORKFLOWNAME", "VARCHAR2(40)"),
        ("DATECODE", "VARCHAR2(40)"),
        ("WAFERLOT", "VARCHAR2(160)"),
        ("LEADFRAMENAME", "VARCHAR2(4000)"),
        ("STARTDATE", "DATE"),
        ("MOVEINTIMESTAMP", "DATE"),
        ("AGEBYDAYS", "NUMBER"),
        ("UTS", "VARCHAR2(10)"),
        ("SYS_DATE", "DATE"),
        ("OWNER", "VARCHAR2(40)"),
        ("PRIORITYCODENAME", "VARCHAR2(40)"),
        ("CONTAINERCOMMENTS", "VARCHAR2(2000)"),
        ("CONTAINERID", "CHAR(16)"),
        ("NO", "NUMBER"),
    ),
    RESOURCE: (
        ("RESOURCEID", "CHAR(16)"),
        ("RESOURCENAME", "VARCHAR2(40)"),
        ("WORKCENTERNAME", "VARCHAR2(40)"),
        ("RESOURCEFAMILYNAME", "VARCHAR2(30)"),
        ("LOCATIONNAME", "VARCHAR2(40)"),
        ("PJ_DEPARTMENT", "VARCHAR2(100)"),
        ("VENDORNAME", "VARCHAR2(40)"),
        ("VENDORMODEL", "VARCHAR2(30)"),
        ("PJ_ASSETSSTATUS", "VARCHAR2(40)"),
        ("PJ_ISPRODUCTION", "NUMBER"),
        ("PJ_ISKEY", "NUMBER"),
        ("PJ_ISMONITOR", "NUMBER"),
        ("OBJECTCATEGORY", "VARCHAR2(40)"),
        ("OBJECTTYPE", "VARCHAR2(40)"),
        ("LASTCHANGEDATE", "DATE"),
    ),
    EQUIPMENT_STATUS: (
        ("RESOURCEID", "CHAR(16)"),
        ("EQUIPMENTASSETSSTATUS", "VARCHAR2(40)"),
        ("EQUIPMENTASSETSSTATUSREASON", "VARCHAR2(40)"),
        ("JOBORDER", "VARCHAR2(40)"),
        ("JOBMODEL", "VARCHAR2(40)"),
        ("JOBSTAGE", "VARCHAR2(40)"),
        ("JOBID", "CHAR(16)"),
        ("JOBSTATUS", "VARCHAR2(40)"),
        ("CREATEDATE", "DATE"),
        ("CREATEUSERNAME", "VARCHAR2(40)"),
        ("TECHNICIANUSERNAME", "VARCHAR2(40)"),
        ("SYMPTOMCODE", "VARCHAR2(40)"),
        ("CAUSECODE", "VARCHAR2(40)"),
        ("REPAIRCODE", "VARCHAR2(40)"),
        ("RUNCARDLOTID", "VARCHAR2(40)"),
        ("LOTTRACKINQTY_PCS", "NUMBER"),
        ("LOTTRACKINTIME", "DATE"),
        ("LOTTRACKINEMPLOYEE", "VARCHAR2(255)"),
    ),
    SPEC_WORKCENTER: (
        ("SPEC", "VARCHAR2(40)"),
        ("SPECSEQUENCE", "VARCHAR2(10)"),
        ("SPEC_ORDER", "VARCHAR2(51)"),
        ("WORK_CENTER", "VARCHAR2(40)"),
        ("WORK_CENTER_SEQUENCE", "VARCHAR2(255)"),
        ("WORK_CENTER_GROUP", "VARCHAR2(40)"),
        ("WORKCENTERSEQUENCE_GROUP", "VARCHAR2(255)"),
        ("WORKCENTERGROUP_ORDER", "VARCHAR2(296)"),
        ("WORK_CENTER_SHORT", "VARCHAR2(40)"),
    ),
    RESOURCE_HISTORY: (
        ("HISTORYID", "CHAR(16)"),
        ("TXNDATE", "DATE"),
        ("DATADATE", "DATE"),
        ("OLDSTATUSNAME", "VARCHAR2(40)"),
        ("HOURS", "NUMBER(12,6)"),
    ),
}
# columns the demo declares beyond `oracle-schema.json`: CURRENTHOLDTIME is a DATE in the plants
# whose view has it (the dumped one lacks it, so the WIP build refuses that view)
NOT_IN_DUMP: dict[str, dict[str, str]] = {LOT: {"CURRENTHOLDTIME": "DATE"}}

# created after the bulk insert; the simulator and the history query use them
INDEXES = (
    f"CREATE INDEX IX_LOT_LOTID ON {LOT} (LOTID)",
    f"CREATE INDEX IX_LOT_HELD ON {LOT} (CURRENTHOLDCOUNT) WHERE CURRENTHOLDCOUNT > 0",
    f"CREATE INDEX IX_STATUS_RESOURCEID ON {EQUIPMENT_STATUS} (RESOURCEID)",
    f"CREATE INDEX IX_STATUS_LOT ON {EQUIPMENT_STATUS} (RUNCARDLOTID)",
    f"CREATE INDEX IX_RESOURCE_ID ON {RESOURCE} (RESOURCEID)",
    f"CREATE INDEX IX_RESOURCE_OBJECT ON {RESOURCE} (OBJECTCATEGORY, OBJECTTYPE)",
    # the indexes of the real table
    f"CREATE INDEX IX_HISTORY_TXNDATE ON {RESOURCE_HISTORY} (TXNDATE)",
    f"CREATE INDEX IX_HISTORY_DATADATE ON {RESOURCE_HISTORY} (DATADATE)",
    f"CREATE INDEX IX_HISTORY_HISTORYID ON {RESOURCE_HISTORY} (HISTORYID)",
)

CHAR16 = 16
# PRAGMA user_version of a generated file; bump it when tables or value shapes change, so an
# existing `.data/demo.sqlite` is regenerated (see `generator.ensure_demo_db`)
FORMAT_VERSION = 3


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


def release_text(moment: datetime) -> str:
    """RELEASETIME as the warehouse writes it: VARCHAR2 text 'YYYY/MM/DD HH24:MI:SS'."""
    return moment.strftime("%Y/%m/%d %H:%M:%S")


def plant_now(zone: str = "Asia/Taipei") -> datetime:
    """The current plant-local time, naive and to the second (as Oracle DATE holds it)."""
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def char16(value: str) -> str:
    """Pad like an Oracle CHAR(16) column does."""
    return value.ljust(CHAR16)
