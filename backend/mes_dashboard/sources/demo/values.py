"""Vocabularies of the demo data: hold reasons, status codes, people, places and odd texts."""

from __future__ import annotations

from mes_dashboard.config import EXCLUDED_LOCATIONS, NON_QUALITY_HOLD_REASONS

QUALITY_HOLD_REASONS = (
    "外觀不良(QC)",
    "電性異常",
    "尺寸異常(QC)",
    "焊線不良",
    "異物污染",
    "封裝氣泡",
    "標印不良",
    "腳位變形",
    "可靠度驗證失敗(QA)",
    "客訴追查",
)
# None is a held lot without a reason (counts as quality)
HOLD_REASONS: tuple[str | None, ...] = (
    *NON_QUALITY_HOLD_REASONS,
    *QUALITY_HOLD_REASONS,
    None,
)
HOLD_REASON_WEIGHTS = (*(3.0,) * len(NON_QUALITY_HOLD_REASONS), *(4.0,) * 10, 0.4)

# E10 codes, their aliases and a few codes the mapping does not know
STATUS_CODES: tuple[str | None, ...] = (
    "PRD",
    "SBY",
    "UDT",
    "SDT",
    "EGT",
    "NST",
    "PM",
    "BKD",
    "ENG",
    "OFF",
    "WAIT",
    "XYZ",
    None,
)
STATUS_WEIGHTS = (46.0, 20.0, 6.0, 4.0, 4.0, 5.0, 3.0, 3.0, 2.0, 3.0, 1.5, 0.7, 0.5)
DOWN_CODES = frozenset({"UDT", "SDT", "PM", "BKD"})
STATUS_REASONS: dict[str | None, tuple[str | None, ...]] = {
    "PRD": ("正常生產", "量產", None),
    "SBY": ("待料", "待人員", "待排程", None),
    "UDT": ("機台異常", "卡料", "真空異常", "溫度異常"),
    "SDT": ("定期保養", "換線", "耗材更換"),
    "EGT": ("工程實驗", "新品試做"),
    "NST": ("無排程", "假日停機"),
    "PM": ("月保養", "季保養"),
    "BKD": ("馬達故障", "感測器故障"),
    "ENG": ("參數調整",),
    "OFF": ("關機",),
    "WAIT": ("等待確認",),
    "XYZ": (None,),
    None: (None,),
}

JOB_MODELS = ("故障維修", "預防保養", "校驗", "改機")
JOB_STAGES = ("待派工", "維修中", "待料", "待驗收")
JOB_STATUSES = ("OPEN", "IN_PROGRESS", "WAIT_PARTS", "WAIT_CHECK")
SYMPTOM_CODES = ("S01-卡料", "S02-異音", "S03-參數漂移", "S04-真空不足", "S05-斷線")
CAUSE_CODES = ("C01-零件磨耗", "C02-操作不當", "C03-治具損壞", "C04-電氣異常", None)
REPAIR_CODES = ("R01-更換零件", "R02-重新校正", "R03-清潔", None, None)

PEOPLE = (
    "陳怡君",
    "林志豪",
    "黃淑芬",
    "張家豪",
    "李雅婷",
    "王建宏",
    "吳佩珊",
    "劉俊傑",
    "蔡宗翰",
    "楊雅雯",
    "許文彬",
    "鄭美玲",
    "謝承恩",
    "郭芳瑜",
    "洪國峰",
    "Nguyen Van An",
)
DEPARTMENTS = ("品保部", "製造一部", "製造二部", "工程部", "研發部", "生管部")
HOLD_COMMENTS: tuple[str | None, ...] = (
    None,
    None,
    "待工程判定",
    "客戶要求暫停",
    "QC抽驗異常, 待MRB",
    "等待 FA 結果",
    "<b>急</b> 請PE確認",
    "數量差異 -3 pcs",
    "重工後再驗",
)
OWNERS = ("PROD", "ENG", "RD", "QA", "SAMPLE")
PRIORITIES = ("1.超特急", "2.特急", "3.急件", "4.一般")
PRIORITY_WEIGHTS = (2.0, 5.0, 13.0, 80.0)
LOT_LOCATIONS: tuple[str | None, ...] = (
    "A棟1F",
    "A棟2F",
    "B棟1F",
    "B棟2F",
    "C棟3F",
    "半成品倉",
    "成品倉",
    "WIP暫存區",
    None,
)
LOT_LOCATION_WEIGHTS = (12.0, 12.0, 10.0, 10.0, 6.0, 5.0, 3.0, 4.0, 8.0)
MACHINE_LOCATIONS: tuple[str | None, ...] = ("A棟1F", "A棟2F", "B棟1F", "B棟2F", "C棟3F", None)
EXCLUDED = EXCLUDED_LOCATIONS
ASSET_STATUSES: tuple[str | None, ...] = ("Approved", "Approved", "In Use", None)
DEPARTMENT_OF_CATEGORY = {"WAFERSORT": "晶圓加工部", "ASSEMBLY": "封裝製造部"}
TEST_DEPARTMENT = "測試部"

# (OBJECTCATEGORY, OBJECTTYPE, name prefix, family) of master rows that are not machines
NON_MACHINES = (
    ("CARRIER", "MAGAZINE", "MGZ", "MAGAZINE-STD"),
    ("CARRIER", "CASSETTE", "CST", "CASSETTE-8IN"),
    ("CARRIER", "TRAY", "TRY", "JEDEC-TRAY"),
    ("TOOL", "CAPILLARY", "CAP", "CAPILLARY-1.0MIL"),
    ("TOOL", "BLADE", "BLD", "BLADE-Z09"),
    ("TOOL", "MOLD", "MLD", "MOLD-CHASE"),
    ("TOOL", "PROBECARD", "PRB", "PROBE-4S"),
)

CONTAINER_COMMENTS = (
    "客戶急件",
    "Rush - ship by Friday",
    "<img src=x onerror=alert(1)>",
    "<script>alert('xss')</script>",
    "<b>粗體</b> & \"quotes\" 'single'",
    "🚀 急件 🔥 請優先",
    "日本語テキスト／한국어",
    "line 1\nline 2",
    "tab\tseparated",
    "'; DROP TABLE lots; --",
    "zero\u200bwidth",
    "長" * 300,
)
