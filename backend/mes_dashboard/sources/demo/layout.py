"""The demo factory's fixed layout: groups, workcenters, specs, machine families, products.

The layout does not depend on the seed (a plant does not rebuild itself), so the generator and the
simulator agree on it and tests can rely on its shapes: group and spec sequences are numeric
strings of mixed width ('090', '1200'; '950', '1000') whose text order differs from their numeric
order, and a few workcenters are missing from the mapping view.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache

# name, sequence, machine-name prefix, share of WIP, object category, workcenters, specs, families
# fmt: off
_GROUPS: tuple[tuple[str, str, str, int, str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("晶圓研磨", "050", "GR", 2, "WAFERSORT", 6,
     ("晶圓研磨", "研磨後檢"), ("DISCO DGP8761", "DISCO DFG8540")),
    ("切割", "090", "DS", 4, "WAFERSORT", 12,
     ("貼膜", "切割", "切割後清洗", "切割後檢"), ("DISCO DFD6361", "ACCRETECH AD3000T")),
    ("黏晶", "120", "DB", 8, "ASSEMBLY", 18,
     ("黏晶", "黏晶烘烤", "黏晶後檢"), ("ASM AD838", "Besi 2100sD", "ASM AD211")),
    ("焊線", "150", "WB", 14, "ASSEMBLY", 30,
     ("焊線", "焊線後檢", "電漿清洗"),
     ("K&S ICONN", "K&S RAPID", "ASM AB559", "Shinkawa UTC5000")),
    ("焊接", "200", "SD", 4, "ASSEMBLY", 8,
     ("錫膏印刷", "迴焊"), ("Heller 1809MKIII", "BTU Pyramax")),
    ("成型", "300", "MD", 8, "ASSEMBLY", 18,
     ("成型", "後烘烤"), ("TOWA YPS", "ASM IDEALmold", "Yamada GPM")),
    ("去膠", "350", "DF", 3, "ASSEMBLY", 6,
     ("去膠",), ("均華 DF-300",)),
    ("電鍍", "400", "PL", 6, "ASSEMBLY", 12,
     ("電鍍", "電鍍後檢"), ("上村 UPL-2", "Technic RP-80")),
    ("切筋成型", "500", "TF", 6, "ASSEMBLY", 12,
     ("切筋", "彎腳成型"), ("Yamada TF-800", "ASM TFS-1")),
    ("印字", "600", "MK", 4, "ASSEMBLY", 8,
     ("雷射印字",), ("Keyence MD-X1500", "大族 LM-20")),
    ("烘烤", "700", "BK", 3, "ASSEMBLY", 6,
     ("烘烤",), ("Despatch LCC1-16", "Yamato DKN812")),
    ("測試", "800", "TS", 12, "ASSEMBLY", 28,
     ("測試", "測試後檢", "分BIN"), ("Advantest T2000", "Chroma 3380P", "鴻勁 HT-9045")),
    ("TMTT", "850", "TM", 8, "ASSEMBLY", 16,
     ("TMTT",), ("鴻勁 HT-7045", "Ismeca NY32")),
    ("外觀檢驗", "900", "VI", 5, "ASSEMBLY", 12,
     ("外觀檢驗", "AOI"), ("Ismeca NX16", "ViTrox TR1000")),
    ("包裝", "950", "PK", 6, "ASSEMBLY", 14,
     ("包裝", "貼標"), ("鴻勁 TP-1000", "Muehlbauer TMTT-P")),
    ("品保", "1000", "QA", 3, "ASSEMBLY", 8,
     ("出貨檢驗(OQC)",), ()),
    ("入庫", "1100", "WH", 3, "ASSEMBLY", 10,
     ("入庫",), ()),
    ("出貨", "1200", "SH", 1, "ASSEMBLY", 6,
     ("出貨",), ()),
)
# fmt: on
# groups that also have a workcenter the mapping view does not know yet (its group is NULL)
_UNMAPPED_IN = ("焊線", "成型", "測試", "包裝")
TMTT_GROUP = "TMTT"
# a group whose later lines carry a higher WORKCENTERSEQUENCE_GROUP than its first (the group's
# sequence is the minimum), as in the real mapping view
SPLIT_SEQUENCE = ("焊線", "155")

_PACKAGES = (
    "SOD-123FL OP1",
    "SMA",
    "SOT-23",
    "SOD-123FL OP2",
    "SMB",
    "SOD-323",
    "SMAF",
    "SOT-23-3L",
    "DFN1006-2L",
    "SOD-523",
    "SMC",
    "SOT-223",
    "TO-252",
    "SOT-89",
    "SOD-123F",
    "SMBF",
    "MBS",
    "SOT-363",
    "DFN2020-6L",
    "TO-263",
    "SOP-8",
    "SOD-923",
    "TO-220",
    "ABS",
    "SC-70",
    "DO-41",
    "TSOT-23-5L",
    "QFN3x3-16L",
    "TO-220F",
    "PDFN5x6",
    "DFN3030-8L",
    "TSSOP-8",
    "MSOP-8",
    "DO-15",
    "TO-247",
    "MELF",
    "LL-34",
    "DO-201AD",
    "R-1",
    "SOT-23-6L",
)
# PJ_TYPE, PRODUCTLINENAME, PJ_FUNCTION
_TYPES = (
    ("SBR", "DIODE", "整流"),
    ("SKY", "SCHOTTKY", "整流"),
    ("ZD", "ZENER", "穩壓"),
    ("TVS", "TVS", "保護"),
    ("FRD", "DIODE", "快速恢復"),
    ("MOS", "MOSFET", "開關"),
    ("BJT", "TRANSISTOR", "放大"),
    ("BR", "BRIDGE", "整流"),
    ("ESD", "TVS", "保護"),
    ("LDO", "IC", "穩壓"),
)


@dataclass(frozen=True)
class Spec:
    """A process step of a group, with its numeric-string sequence."""

    name: str
    seq: str


@dataclass(frozen=True)
class Group:
    """A workcenter group as the mapping view names it."""

    name: str
    seq: str
    prefix: str
    wip_weight: int
    category: str
    specs: tuple[Spec, ...]
    families: tuple[str, ...]


@dataclass(frozen=True)
class Workcenter:
    """A workcenter; `mapped` is False when the mapping view lacks it; `seq` is the group
    sequence the mapping view and the lot view write on its rows."""

    name: str
    short: str
    group: Group
    mapped: bool
    seq: str


@dataclass(frozen=True)
class Product:
    """A product with its package and product attributes."""

    name: str
    package: str
    productline: str
    pj_type: str
    function: str
    bop: str
    workflow: str
    leadframe: str | None


@dataclass(frozen=True)
class Layout:
    """The whole fixed layout plus the lookups the generator and simulator need."""

    groups: tuple[Group, ...]
    workcenters: tuple[Workcenter, ...]
    packages: tuple[str, ...]
    package_weights: tuple[float, ...]
    products: dict[str, tuple[Product, ...]]

    def workcenters_of(self, group: Group) -> list[int]:
        """Indexes of the workcenters of one group."""
        return [i for i, wc in enumerate(self.workcenters) if wc.group is group]

    def next_step(self, wc: int, spec: int, rng: random.Random) -> tuple[int, int] | None:
        """The step after (workcenter, spec index): the next spec, or the next group's first."""
        group = self.workcenters[wc].group
        if spec + 1 < len(group.specs):
            return wc, spec + 1
        at = self.groups.index(group)
        if at + 1 == len(self.groups):
            return None
        return rng.choice(self.workcenters_of(self.groups[at + 1])), 0


def _groups() -> tuple[Group, ...]:
    groups = []
    for name, seq, prefix, weight, category, _, ops, families in _GROUPS:
        specs = tuple(Spec(op, str(int(seq) * 10 + 50 * j)) for j, op in enumerate(ops))
        groups.append(Group(name, seq, prefix, weight, category, specs, families))
    return tuple(groups)


def _workcenters(groups: tuple[Group, ...]) -> tuple[Workcenter, ...]:
    out = []
    for group, row in zip(groups, _GROUPS, strict=True):
        for i in range(row[5]):
            line = f"{chr(ord('A') + i // 8)}{i % 8 + 1}"
            split = group.name == SPLIT_SEQUENCE[0] and i >= 8
            seq = SPLIT_SEQUENCE[1] if split else group.seq
            name, short = f"{group.name}-{line}", f"{group.prefix}-{line}"
            out.append(Workcenter(name, short, group, True, seq))
        if group.name in _UNMAPPED_IN:
            name, short = f"{group.name}-新線", f"{group.prefix}-N1"
            out.append(Workcenter(name, short, group, False, group.seq))
    return tuple(out)


def _products(rng: random.Random) -> dict[str, tuple[Product, ...]]:
    out: dict[str, tuple[Product, ...]] = {}
    for package in _PACKAGES:
        code = re.sub(r"[^0-9A-Za-z]", "", package).upper()
        items = []
        for k in range(rng.randint(2, 7)):
            pj_type, line, function = rng.choice(_TYPES)
            name = f"{pj_type}{rng.randint(1, 99) * 5:03d}{rng.choice('ABCS')}_{code}"
            leadframe = None if rng.random() < 0.1 else f"LF-{code}-{rng.choice(('CU', 'FE'))}"
            bop = f"BOP-{code}-{k + 1:02d}"
            workflow = f"WF-{code}-{rng.choice(('STD', 'STD', 'CU', 'AEC'))}"
            items.append(Product(name, package, line, pj_type, function, bop, workflow, leadframe))
        out[package] = tuple(items)
    return out


@cache
def build_layout() -> Layout:
    """The layout (built once per process; it never changes)."""
    groups = _groups()
    weights = tuple(1.0 / (rank + 1) ** 1.15 for rank in range(len(_PACKAGES)))
    products = _products(random.Random("mes-demo-layout"))
    return Layout(groups, _workcenters(groups), _PACKAGES, weights, products)
