"""A generator of realistic, illustrative regions, with the answer key of their gaps.

``generate(seed, scale, out_dir)`` writes an import bundle: one UTF-8 CSV per table
(``<table key>.csv``, bilingual headers such as ``编号 id``) and ``manifest.json``::

    {"seed": 7, "scale": "subdistrict", "as_of": "2026-06-30",
     "counts": {"areas": 45, "units": 310, ...},            # rows per table
     "gaps": {"ORG_BUILDING_UNCOVERED": [["B-0000012", null], ...], ...}}

``gaps`` holds, for every rule of :mod:`graph_service.domain.gaps`, the sorted
[subject id, related id] pairs that fail it as of ``as_of``. It is computed by
:class:`loaders.ground_truth.GapEvaluator`, fed each row as it is written, so it is the
evaluation of the rules over exactly the rows of the bundle; a test reads the CSVs back and
checks that. Gaps are planted at realistic rates (a fifth of commercial buildings uncovered,
some assignments expired, some committees overdue …), and every rule fails at least once at
every scale from ``subdistrict`` up, whatever the seed.

The region is Jinan (济南市) with its real districts; everything below a district is
composed from word lists, and every row is marked ``illustrative``. Output is a function of
``(seed, scale, as_of)`` alone: one :class:`random.Random` drives every choice, no set is
ever iterated, and rows are written as they are made, so a city of a million nodes needs
little memory.

Scales (per community about 50 buildings and parks, 100 units and 700 party members; counts
per parent vary by a fifth, so the figures below, for seed 1, move with the seed):

===========  =========  ============  ===========  ===========================================
scale        districts  subdistricts  communities  seed 1
===========  =========  ============  ===========  ===========================================
community    1          1             1            40 units, 290 persons; 1.5k rows
subdistrict  1          1             ~8           330 units, 2.3k persons; 12k rows
district     1          ~10           ~100         6k places, 12k units, 87k persons; 440k rows
city         10         ~100          ~1,000       56k places, 113k units, 820k persons;
                                                   1.1M nodes, 3.0M relationships; about a
                                                   minute of CPU and 340 MiB at peak
===========  =========  ============  ===========  ===========================================
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph_service.domain.gaps import (
    DECLARED,
    MEETING_PERIOD_DAYS,
    RuleSettings,
    load_rule_settings,
)
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES, TABLES
from loaders.ground_truth import GapEvaluator, GapSets

DEFAULT_AS_OF = dt.date(2026, 6, 30)


# ---- scales ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleSpec:
    """How big a region is: counts per parent, each varied by about a fifth."""

    districts: int
    subdistricts: int  # per district
    communities: int  # per subdistrict
    places: int  # buildings and parks per community
    units: int  # units per community
    organs: int  # district organs (区直机关) per district
    plant_everything: bool  # make every rule fail at least once

    def around(self, rng: random.Random, mean: int) -> int:
        """A count near ``mean``: regions are not uniform, but a single one stays single."""
        if mean <= 1:
            return mean
        return rng.randint(round(mean * 0.8), round(mean * 1.2))


SCALES: dict[str, ScaleSpec] = {
    "community": ScaleSpec(1, 1, 1, 8, 30, 4, plant_everything=False),
    "subdistrict": ScaleSpec(1, 1, 8, 20, 33, 6, plant_everything=True),
    "district": ScaleSpec(1, 10, 10, 50, 100, 24, plant_everything=True),
    "city": ScaleSpec(10, 10, 10, 50, 100, 24, plant_everything=True),
}


# ---- words -----------------------------------------------------------------------------------

# (administrative code, name, English name, latitude, longitude of the centre)
JINAN = ("370100", "济南市", "Jinan", 36.651, 117.120)
DISTRICTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("370102", "历下区", "Lixia District", 36.667, 117.076),
    ("370103", "市中区", "Shizhong District", 36.651, 116.997),
    ("370104", "槐荫区", "Huaiyin District", 36.652, 116.901),
    ("370105", "天桥区", "Tianqiao District", 36.694, 116.987),
    ("370112", "历城区", "Licheng District", 36.680, 117.065),
    ("370113", "长清区", "Changqing District", 36.553, 116.752),
    ("370114", "章丘区", "Zhangqiu District", 36.681, 117.526),
    ("370115", "济阳区", "Jiyang District", 36.978, 117.173),
    ("370116", "莱芜区", "Laiwu District", 36.203, 117.659),
    ("370117", "钢城区", "Gangcheng District", 36.059, 117.811),
)
_PLACE_FIRST = tuple(
    "舜泉历锦玉翠柳槐杏荷梨桃松竹兴福康和安文明青白望东西南北春秋金龙凤华新建胜利丰"
)
_PLACE_MIDDLE = tuple("家花石水云月阳光林佛山河湖桥德仁义")
_PLACE_LAST = tuple("园苑城山湖庄里泉坊桥林村河岭亭屯湾溪门营")
_BRAND = tuple(
    "华泉鲁齐舜金鑫恒瑞祥宏达信诚德和康盛嘉创新联合博通远安正中海天明光智泰丰源润佳锦汇"
    "东方宇永益启凯航腾卓越晟昊辰悦众力鸿耀亿万诺峰清浩弘睿璟铭泓"
)
_INDUSTRIES = (
    "科技", "信息技术", "网络科技", "软件", "电子商务", "商贸", "贸易", "餐饮管理", "酒店管理",
    "建筑工程", "装饰工程", "文化传媒", "广告", "物流", "医药", "健康管理", "教育咨询",
    "环保科技", "新能源", "机械设备", "食品", "服装", "旅行社", "企业管理咨询", "人力资源",
)  # fmt: skip
_STATE_INDUSTRIES = ("投资", "城市建设", "公共交通", "水务", "能源", "文化旅游", "产业发展")
_BUILDING_SUFFIX = {
    "commercial": ("大厦", "国际中心", "广场", "商务中心", "科技大厦", "金融中心", "写字楼"),
    "mixed": ("综合楼", "商住楼", "时代广场", "公馆"),
}
_COMPOUND_SUFFIX = ("小区", "花园", "家园", "苑", "新村", "公寓")
_PARK_SUFFIX = {
    "industrial": ("科技园", "产业园", "智慧产业园", "电子商务产业园"),
    "cultural": ("文化创意产业园", "文创园"),
    "commercial": ("商业街区", "商贸园"),
    "featured": ("特色小镇", "创业园", "众创空间"),
}
_ROAD_SUFFIX = ("路", "街", "大街", "巷")
_SOCIAL_THEMES = (
    "夕阳红志愿服务队", "邻里互助会", "文体协会", "养老服务中心", "公益服务社", "社工服务站",
    "读书会", "书画协会", "巾帼志愿服务队", "平安志愿者协会", "青少年服务中心", "助残服务社",
    "调解协会", "健身队", "合唱团", "家风文化促进会",
)  # fmt: skip
_PUBLIC_INSTITUTIONS = ("小学", "中学", "幼儿园", "社区卫生服务中心", "图书分馆", "文化站")
_ORGANS = (
    "中共济南市{d}委组织部", "中共济南市{d}委宣传部", "济南市{d}教育和体育局",
    "济南市{d}民政局", "济南市{d}财政局", "济南市{d}人力资源和社会保障局",
    "济南市{d}住房和城乡建设局", "济南市{d}卫生健康局", "济南市{d}市场监督管理局",
    "济南市{d}城市管理局", "济南市{d}司法局", "济南市{d}文化和旅游局", "济南市{d}应急管理局",
    "济南市{d}商务局", "济南市{d}发展和改革局", "济南市{d}统计局", "济南市{d}审计局",
    "济南市{d}退役军人事务局", "济南市{d}医疗保障局", "济南市{d}科学技术局", "济南市{d}水务局",
    "济南市{d}农业农村局", "济南市{d}行政审批服务局", "济南市{d}信访局",
)  # fmt: skip
_SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
)
_SURNAME_WEIGHTS = tuple([8] * 5 + [3] * 10 + [1] * (len(_SURNAMES) - 15))
_GIVEN = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国玉兰秀云峰鹏辉宇欣怡晨浩然子涵思雨"
    "博文俊嘉琪佳慧志红梅海燕振东立新"
)
_SERVICE_POSTS = (
    "政策宣传岗", "环境卫生监督岗", "邻里调解岗", "关爱帮扶岗", "文明引导岗", "平安巡逻岗",
    "助老服务岗", "法律咨询岗", "垃圾分类指导岗", "便民维修岗", "义诊服务岗", "四点半课堂岗",
)  # fmt: skip
_PROJECT_THEMES = (
    "关爱空巢老人", "四点半课堂", "老旧小区改造", "楼道文化建设", "社区环境整治", "义诊进社区",
    "法律咨询进社区", "科普进社区", "平安社区共建", "垃圾分类推广", "就业技能培训",
    "便民服务站", "冬季供暖保障", "背街小巷整治", "文明城市创建", "青少年课外辅导",
)  # fmt: skip
_TITLES = ("区人大代表", "区党代表", "区政协委员", "市人大代表", "市党代表")
_JOB_POSITIONS = ("职员", "经理", "工程师", "会计", "技术员", "销售", "主管", "教师", "医生")

# unit kinds in a community, with their weights
_UNIT_KINDS: tuple[tuple[str, int], ...] = (
    ("non_public_enterprise", 46), ("enterprise", 8), ("state_enterprise", 4),
    ("public_institution", 7), ("social_organization", 14), ("owners_committee", 9),
    ("property_management", 12),
)  # fmt: skip
_WORKPLACE_KINDS = frozenset(
    {"non_public_enterprise", "enterprise", "state_enterprise", "social_organization",
     "property_management"}
)  # fmt: skip
_COUNTED_KINDS = frozenset({"enterprise", "state_enterprise", "public_institution"})

# (key, probability) of every planted gap; keys marked in FORCED occur at least once
RATES: dict[str, float] = {
    "building_uncovered": 0.2,
    "park_uncovered": 0.2,
    "unit_uncovered": 0.35,
    "unit_no_own_org": 0.12,
    "member_unrepresented": 0.08,
    "branch_no_officer": 0.12,
    "building_no_officer": 0.12,
    "park_no_officer": 0.15,
    "assignment_expired": 0.06,
    "community_no_reported": 0.04,
    "member_unreported": 0.15,  # an in-service member not registered with the community
    "community_no_posts": 0.05,
    "community_no_volunteers": 0.04,
    "community_unpaired": 0.06,
    "pairing_expired": 0.08,
    "unit_untied": 0.12,
    "organ_untied": 0.05,
    "org_chain_broken": 0.02,
    "community_org_chain_broken": 0.01,
    "community_no_committee": 0.05,
    "subdistrict_no_committee": 0.03,
    "member_no_branch": 0.015,
    "meeting_overdue": 0.12,
    "unit_no_project": 0.1,
    "organ_no_project": 0.05,
}
#: How often a planted expiry (after the first) is followed by a second term of the same
#: pair: the same officer assigned again, the same organ paired again
RENEWAL = 0.35
FORCED: tuple[str, ...] = (
    "building_uncovered", "park_uncovered", "unit_uncovered", "unit_no_own_org",
    "member_unrepresented", "branch_no_officer", "building_no_officer", "park_no_officer",
    "assignment_expired", "community_no_reported", "community_no_posts",
    "community_no_volunteers", "community_unpaired", "unit_untied", "org_chain_broken",
    "community_no_committee", "member_no_branch", "meeting_overdue", "unit_no_project",
)  # fmt: skip
# community-wide gaps, forced each in a different community rather than all in the first
COMMUNITY_WIDE: tuple[str, ...] = (
    "community_no_committee", "community_no_posts", "community_no_reported",
    "community_no_volunteers", "community_unpaired",
)  # fmt: skip


# ---- writing ---------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A value as the models read it back from CSV."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class BundleWriter:
    """Streams rows into one CSV per table and, row by row, into the gap evaluator.

    Rows are typed as the models produce them (English enum values, dates), so the same row
    is written and evaluated; every row is marked illustrative.
    """

    def __init__(self, out_dir: Path, evaluator: GapEvaluator) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self._evaluator = evaluator
        self._out_dir = out_dir
        self._files: list[TextIO] = []
        self._writers: dict[str, Any] = {}
        self._fields: dict[str, tuple[str, ...]] = {}
        self._allowed: dict[str, frozenset[str]] = {}
        self.counts: dict[str, int] = {}
        for table in TABLES:
            handle = (out_dir / f"{table.key}.csv").open("w", encoding="utf-8", newline="")
            self._files.append(handle)
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow([column.header for column in table.columns])
            self._writers[table.key] = writer
            self._fields[table.key] = tuple(column.field for column in table.columns)
            self._allowed[table.key] = frozenset(self._fields[table.key])
            self.counts[table.key] = 0

    def node(self, node_kind: NodeKind, /, **values: Any) -> str:
        """Write a node row; return its id."""
        self._emit(NODE_TABLES[node_kind].key, values)
        return str(values["id"])

    def rel(self, rel_kind: RelKind, from_id: str, to_id: str, /, **values: Any) -> None:
        values["from_id"] = from_id
        values["to_id"] = to_id
        self._emit(REL_TABLES[rel_kind].key, values)

    def _emit(self, key: str, row: dict[str, Any]) -> None:
        row["illustrative"] = True
        if not row.keys() <= self._allowed[key]:
            raise ValueError(f"{key}: no column for {sorted(row.keys() - self._allowed[key])}")
        values = [row.get(name) for name in self._fields[key]]
        self._writers[key].writerow([v if type(v) is str else _cell(v) for v in values])
        self._evaluator.add(key, row)
        self.counts[key] += 1

    def close(self) -> None:
        """Close every file; drop the tables with no row (the readers refuse an empty table)."""
        for handle in self._files:
            handle.close()
        for table in TABLES:
            if self.counts[table.key] == 0:
                (self._out_dir / f"{table.key}.csv").unlink()


# ---- the region ------------------------------------------------------------------------------


class _Planter:
    """Decides planted gaps: each at its rate, and each forced key at least once.

    A forced key that has not occurred yet occurs at the first opportunity the caller allows
    (``force_here``), so small regions still hold every kind of gap. One draw per decision
    keeps the stream of random numbers, hence the output, a function of the seed.
    """

    def __init__(self, rng: random.Random, forced: Sequence[str]) -> None:
        self._rng = rng
        self._pending = set(forced)

    def hit(self, key: str, *, force_here: bool = True) -> bool:
        drawn = self._rng.random() < RATES[key]
        if drawn or (force_here and key in self._pending):
            self._pending.discard(key)
            return True
        return False


class _Names:
    """Composes Chinese names from word lists, unique where a real register would be."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def unique(self, make: Callable[[], str]) -> str:
        for _ in range(40):
            name = make()
            if name not in self._used:
                self._used.add(name)
                return name
        base = make()
        number = 2
        while f"{base}{number}" in self._used:
            number += 1
        self._used.add(f"{base}{number}")
        return f"{base}{number}"

    def place(self) -> str:
        """A two- or three-character place word: 舜园, 槐花湾."""
        rng = self._rng
        if rng.random() < 0.45:
            return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_LAST)
        return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_MIDDLE) + rng.choice(_PLACE_LAST)

    def brand(self) -> str:
        return "".join(self._rng.sample(_BRAND, 2))

    def person(self) -> str:
        rng = self._rng
        surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
        return surname + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))

    def address(self) -> str:
        rng = self._rng
        return f"{self.place()}{rng.choice(_ROAD_SUFFIX)}{rng.randint(1, 399)}号"

    def company(self, industry: str, suffix: str = "有限公司") -> str:
        prefix = self._rng.choice(("济南", "济南", "山东"))
        return self.unique(lambda: f"{prefix}{self.brand()}{industry}{suffix}")


@dataclass
class _Place:
    """A building or park, and the party organization whose branch holds its members."""

    id: str
    name: str
    covered_by: str | None
    compound: str = ""  # the residential compound (小区) of a residential building


@dataclass
class _Committee:
    id: str
    name: str
    kind: str
    founded: dt.date


@dataclass
class _Organ:
    """A district organ: it pairs with communities and sits on big working committees."""

    id: str
    name: str
    org: str
    leader: str
    tied: bool
    claims: bool


@dataclass
class _District:
    area: str
    code: str
    name: str
    lat: float
    lon: float
    organs: list[_Organ] = field(default_factory=list)
    next_organ: int = 0  # organs take their seats on big working committees in turn


@dataclass
class _Subdistrict:
    district: _District
    area: str
    code: str
    name: str
    lat: float
    lon: float
    working_committee: str
    officers: list[tuple[str, str]]  # (person id, assignment role)
    officer_weights: list[float]
    big: _Committee | None = None
    social_committee: str | None = None
    incubator: str | None = None


@dataclass
class _Community:
    sub: _Subdistrict
    area: str
    code: str
    name: str
    lat: float
    lon: float
    forced: frozenset[str]
    org: str = ""
    committee: _Committee | None = None
    grids: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    joint_branch: str | None = None
    workplaces: list[_Place] = field(default_factory=list)
    homes: list[_Place] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    no_reported: bool = False
    no_volunteers: bool = False


class _Region:
    """Walks city → districts → subdistricts → communities, writing as it goes."""

    def __init__(
        self, rng: random.Random, spec: ScaleSpec, out: BundleWriter, as_of: dt.date
    ) -> None:
        self.rng = rng
        self.spec = spec
        self.out = out
        self.as_of = as_of
        self.names = _Names(rng)
        self.plant = _Planter(rng, FORCED if spec.plant_everything else ())
        self._serial: dict[str, int] = {}
        self._community_wide_done = not spec.plant_everything
        self._expiries = 0  # expired assignments and pairings planted so far

    # -- small helpers --

    def new_id(self, prefix: str) -> str:
        number = self._serial.get(prefix, 0) + 1
        self._serial[prefix] = number
        return f"{prefix}-{number:07d}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days_ago(self, low: int, high: int) -> dt.date:
        """A date between ``high`` and ``low`` days before as-of."""
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))

    def after(self, start: dt.date, low: int, high: int) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(low, high))

    def ended(self, start: dt.date, at_least: int = 1) -> dt.date:
        """An end date for something begun on ``start`` (before as-of) that has run out."""
        span = (self.as_of - start).days - 1
        if span < 0:
            raise ValueError(f"{start} is not before {self.as_of}: nothing can have run out")
        return self.after(start, min(at_least, span), span)

    def near(self, lat: float, lon: float, spread: float) -> tuple[float, float]:
        rng = self.rng
        return (
            round(lat + rng.uniform(-spread, spread), 6),
            round(lon + rng.uniform(-spread, spread) * 1.25, 6),
        )

    def person(
        self, status: str = "formal", position: str | None = None, titles: str | None = None
    ) -> str:
        return self.out.node(
            NodeKind.PERSON, id=self.new_id("PS"), name=self.names.person(),
            party_status=status, position=position, titles=titles,
        )  # fmt: skip

    def party_org(
        self, name: str, kind: str, parent: str | None, founded: dt.date, *, breakable: bool
    ) -> str:
        """A party organization under ``parent``; a breakable one may lose its chain."""
        org = self.out.node(
            NodeKind.PARTY_ORG, id=self.new_id("PO"), name=name, kind=kind, founded=founded
        )
        if parent is None:
            return org
        broken = breakable and self.plant.hit("org_chain_broken")
        if not broken:
            self.out.rel(RelKind.UNDER, org, parent, since=founded)
        elif self.chance(0.5):  # the record of its parent ran out and was not renewed
            self.out.rel(RelKind.UNDER, org, parent, since=founded, until=self.ended(founded))
        return org

    def join(self, person: str, org: str, c: _Community | None, role: str | None = None) -> None:
        """Make a party member a member of ``org``, now and then with a history."""
        since = self.days_ago(30, 6000)
        if c is not None and self.plant.hit("member_no_branch", force_here=role is None):
            if self.chance(0.5):  # transferred out, not yet received anywhere
                self.out.rel(RelKind.MEMBER_OF, person, org, since=since, until=self.ended(since))
            return
        if c is not None and len(c.branches) > 1 and self.chance(0.08):
            earlier = self.rng.choice([b for b in c.branches if b != org])
            moved = self.after(since, 0, max(0, (self.as_of - since).days - 1))
            self.out.rel(RelKind.MEMBER_OF, person, earlier, since=since, until=moved)
            since = moved + dt.timedelta(days=1)
        self.out.rel(RelKind.MEMBER_OF, person, org, since=since, role=role)

    def officer(self, sub: _Subdistrict) -> tuple[str, str]:
        return self.rng.choices(sub.officers, weights=sub.officer_weights)[0]

    def assign(self, sub: _Subdistrict, target: str, missing_key: str) -> None:
        """Give a branch, building or park an officer, or plant its lack and expiries.

        After an expired assignment the successor is now and then the same officer again:
        a second term of the same relationship (a renewal, which closes SCHED_EXPIRED),
        never the first expiry planted, so the rule still fails somewhere."""
        missing = self.plant.hit(missing_key)
        start = self.days_ago(120, 2000)
        before: tuple[str, str] | None = None
        if self.plant.hit("assignment_expired"):
            start, before = self.expired_assignment(sub, target)
            if missing and self.chance(0.3):  # a successor is named but starts later
                self.assignment(sub, target, self.after(self.as_of, 1, 45), None,
                                exclude=before[0] if before else None)  # fmt: skip
        if not missing:
            renews = before is not None and self._expiries > 1 and self.chance(RENEWAL)
            self.assignment(sub, target, start, self.term_end(),
                            exclude=before[0] if before else None,
                            officer=before if renews else None)  # fmt: skip

    def expired_assignment(
        self, sub: _Subdistrict, target: str
    ) -> tuple[dt.date, tuple[str, str] | None]:
        """An assignment that ran out; returns when its successor could have started, and
        who held it (and in which role)."""
        self._expiries += 1
        since = self.days_ago(800, 2600)
        until = self.ended(since, 180)
        officer = self.assignment(sub, target, since, until)
        return min(self.after(until, 1, 60), self.as_of), officer

    def term_end(self) -> dt.date | None:
        """Mostly open-ended; some appointed for a term, now and then ending today."""
        if not self.chance(0.2):
            return None
        return self.as_of if self.chance(0.05) else self.after(self.as_of, 1, 900)

    def assignment(
        self, sub: _Subdistrict, target: str, since: dt.date, until: dt.date | None,
        exclude: str | None = None, officer: tuple[str, str] | None = None,
    ) -> tuple[str, str] | None:  # fmt: skip
        """Assign ``officer`` (person, role), or an officer other than ``exclude``; who was
        assigned, None when no other officer is there."""
        if officer is None:
            for _ in range(20):
                officer = self.officer(sub)
                if officer[0] != exclude:
                    break
            else:
                return None
        person, role = officer
        self.out.rel(RelKind.ASSIGNED_TO, person, target, since=since, until=until, role=role)
        return officer

    def claim(self, unit: str, area: str, area_name: str, signed: dt.date, current: bool) -> None:
        if not current and signed >= self.as_of:
            return  # signed today: it cannot have run out yet
        until = None if current else self.ended(signed, 180)
        project = self.out.node(
            NodeKind.PROJECT, id=self.new_id("PJ"),
            name=f"{area_name}{self.rng.choice(_PROJECT_THEMES)}项目",
            description="项目认领协议书约定的共建项目",
        )  # fmt: skip
        self.out.rel(RelKind.CLAIMED, unit, project, since=signed, until=until, signed=signed)
        self.out.rel(RelKind.SERVES, project, area)

    def membership(
        self, unit: str, committee: _Committee, delegate: str | None, area: str, area_name: str,
        claims: bool,
    ) -> None:  # fmt: skip
        """A member unit of a committee: its agreement, delegate and claimed projects."""
        if self.chance(0.5) or committee.founded >= self.as_of - dt.timedelta(days=30):
            since = committee.founded
        else:
            since = self.after(committee.founded, 1, (self.as_of - committee.founded).days - 1)
        agreement = "项目认领协议书" if claims else "共驻共建协议书"
        self.out.rel(RelKind.MEMBER_UNIT_OF, unit, committee.id, since=since, agreement=agreement)
        if delegate is not None and not self.plant.hit("member_unrepresented"):
            self.out.rel(
                RelKind.SERVES_ON, delegate, committee.id, since=since, role="兼职委员",
                for_unit=unit,
            )  # fmt: skip
        if claims:
            self.claim(unit, area, area_name, since, current=True)
        elif self.chance(0.5):
            self.claim(unit, area, area_name, since, current=False)

    def meetings(self, committee: _Committee) -> None:
        """Plenary meetings every period up to as-of, or planted overdue."""
        period = MEETING_PERIOD_DAYS[committee.kind]
        age = (self.as_of - committee.founded).days
        overdue = age >= period and self.plant.hit("meeting_overdue")
        if overdue:
            if self.chance(0.15):
                return  # never met
            last = self.days_ago(period + 1, period + 240)
        elif age >= period:
            last = self.days_ago(0, period)
        elif self.chance(0.5):
            last = self.days_ago(0, age)
        else:
            return
        earliest = max(committee.founded, self.as_of - dt.timedelta(days=730))
        held = last
        while held >= earliest:
            self.meeting(committee, held, "plenary")
            held -= dt.timedelta(days=period - self.rng.randint(5, 25))
        if self.chance(0.1):  # already scheduled, not yet held
            self.meeting(committee, self.after(self.as_of, 1, 30), "regular")

    def meeting(self, committee: _Committee, held: dt.date, kind: str) -> None:
        if committee.kind == "big_working_committee":
            when = f"{held.year}年{'上' if held.month <= 6 else '下'}半年"
        else:
            when = f"{held.year}年第{(held.month - 1) // 3 + 1}季度"
        what = "全体委员会议" if kind == "plenary" else "例会"
        meeting = self.out.node(
            NodeKind.MEETING, id=self.new_id("MT"), name=f"{committee.name}{when}{what}",
            date=held, kind=kind,
        )  # fmt: skip
        self.out.rel(RelKind.OF, meeting, committee.id)

    def station(self, area: str, name: str, lat: float, lon: float) -> None:
        lat, lon = self.near(lat, lon, 0.002)
        station = self.out.node(
            NodeKind.STATION, id=self.new_id("ST"), name=name, address=self.names.address(),
            latitude=lat, longitude=lon,
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, station, area)

    # -- city and districts --

    def run(self) -> None:
        code, name, name_en, _, _ = JINAN
        city = self.out.node(
            NodeKind.AREA, id=f"A-{code}", name=name, name_en=name_en, level="city", code=code
        )
        if self.spec.districts >= len(DISTRICTS):
            chosen = list(DISTRICTS)
        else:
            chosen = self.rng.sample(DISTRICTS, self.spec.districts)
        for district in chosen:
            self.district(city, district)

    def district(self, city: str, info: tuple[str, str, str, float, float]) -> None:
        code, name, name_en, lat, lon = info
        d = _District(f"A-{code}", code, name, lat, lon)
        self.out.node(NodeKind.AREA, id=d.area, name=name, name_en=name_en, level="district",
                      code=code)  # fmt: skip
        self.out.rel(RelKind.PART_OF, d.area, city)
        organs_committee = self.party_org(
            f"中共济南市{name}直属机关工作委员会", "working_committee", None,
            self.days_ago(5000, 9000), breakable=False,
        )  # fmt: skip
        for template in self.rng.sample(_ORGANS, min(self.spec.organs, len(_ORGANS))):
            d.organs.append(self.organ(d, template.format(d=name), organs_committee))
        for number in range(1, self.spec.around(self.rng, self.spec.subdistricts) + 1):
            self.subdistrict(d, number)

    def organ(self, d: _District, name: str, organs_committee: str) -> _Organ:
        unit = self.out.node(
            NodeKind.UNIT, id=self.new_id("U"), name=name, kind="government_organ",
            formal_party_members=self.rng.randint(25, 160), address=self.names.address(),
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, unit, d.area)
        party = name if name.startswith("中共") else f"中共{name}"
        org = self.party_org(f"{party}机关委员会", "committee", organs_committee,
                             self.days_ago(3000, 9000), breakable=False)  # fmt: skip
        self.out.rel(RelKind.ESTABLISHED_IN, org, unit, since=self.days_ago(3000, 9000))
        position = self.rng.choice(("副局长", "局长", "副部长", "机关党委书记"))
        leader = self.person(position=position)
        self.out.rel(RelKind.EMPLOYED_BY, leader, unit, since=self.days_ago(300, 5000),
                     position=position)  # fmt: skip
        self.join(leader, org, None, role="书记" if "书记" in position else None)
        tied = not self.plant.hit("organ_untied", force_here=False)
        claims = not self.plant.hit("organ_no_project", force_here=False)
        return _Organ(unit, name, org, leader, tied, claims)

    # -- subdistricts --

    def subdistrict(self, d: _District, number: int) -> None:
        rng = self.rng
        code = f"{d.code}{number:03d}"
        place = self.names.unique(self.names.place)
        lat, lon = self.near(d.lat, d.lon, 0.06)
        area = self.out.node(NodeKind.AREA, id=f"A-{code}", name=f"{place}街道",
                             level="subdistrict", code=code)  # fmt: skip
        self.out.rel(RelKind.PART_OF, area, d.area)
        working_committee = self.party_org(
            f"中共济南市{d.name}{place}街道工作委员会", "working_committee", None,
            self.days_ago(6000, 12000), breakable=False,
        )  # fmt: skip
        secretary = self.person(position="街道党工委书记")
        self.join(secretary, working_committee, None, role="书记")
        communities = self.spec.around(rng, self.spec.communities)
        officers = []
        for _ in range(max(3, communities + 2)):
            role = rng.choice(("instructor", "liaison"))
            person = self.person(position="党建指导员" if role == "instructor" else "党建联络员")
            self.join(person, working_committee, None)
            officers.append((person, role))
        sub = _Subdistrict(
            d, area, code, f"{place}街道", lat, lon, working_committee, officers,
            [rng.uniform(0.3, 3.0) for _ in officers],
        )  # fmt: skip
        self.station(area, f"{place}街道党群服务中心", lat, lon)
        self.social_bodies(sub)
        self.big_committee(sub)
        self.police_station(sub)
        wide = self.community_wide_plan(communities)
        for index in range(communities):
            self.community(sub, index, wide.get(index, frozenset()))

    def community_wide_plan(self, communities: int) -> dict[int, frozenset[str]]:
        """Where the community-wide gaps are forced: each in its own community, if it can."""
        if self._community_wide_done:
            return {}
        self._community_wide_done = True
        order = self.rng.sample(range(communities), communities)
        plan: dict[int, set[str]] = {}
        for n, key in enumerate(COMMUNITY_WIDE):
            plan.setdefault(order[n % communities], set()).add(key)
        return {index: frozenset(keys) for index, keys in plan.items()}

    def social_bodies(self, sub: _Subdistrict) -> None:
        """The incubation centre and, mostly, a social-organization party committee."""
        name = f"{sub.name[:-2]}{self.names.brand()}社会组织服务孵化中心"
        sub.incubator = self.out.node(
            NodeKind.UNIT, id=self.new_id("U"), name=self.names.unique(lambda: name),
            kind="social_organization", formal_party_members=self.rng.randint(0, 2),
            address=self.names.address(),
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, sub.incubator, sub.area)
        if self.chance(0.8):
            sub.social_committee = self.party_org(
                f"中共{sub.name}社会组织委员会", "social_org_committee", sub.working_committee,
                self.days_ago(100, 2500), breakable=False,
            )  # fmt: skip
            self.out.rel(RelKind.COVERS, sub.social_committee, sub.incubator,
                         since=self.days_ago(30, 90))  # fmt: skip

    def big_committee(self, sub: _Subdistrict) -> None:
        """The big working committee, its meetings and its member units."""
        if self.plant.hit("subdistrict_no_committee", force_here=False):
            return
        founded = self.days_ago(10, 150) if self.chance(0.03) else self.days_ago(400, 3700)
        big = _Committee(
            self.out.node(NodeKind.COMMITTEE, id=self.new_id("CM"), name=f"{sub.name}大工委",
                          kind="big_working_committee", founded=founded),
            f"{sub.name}大工委", "big_working_committee", founded,
        )  # fmt: skip
        sub.big = big
        self.out.rel(RelKind.LOCATED_IN, big.id, sub.area)
        self.out.rel(RelKind.LEADS, sub.working_committee, big.id, since=founded)
        self.meetings(big)
        d = sub.district
        tied = [organ for organ in d.organs if organ.tied]
        share = min(len(tied), max(4, math.ceil(len(tied) / max(1, self.spec.subdistricts))))
        for n in range(share):
            organ = tied[(d.next_organ + n) % len(tied)]
            self.membership(organ.id, big, organ.leader, sub.area, sub.name, organ.claims)
        d.next_organ += share

    def police_station(self, sub: _Subdistrict) -> None:
        big = sub.big
        district = sub.district.name
        station = self.out.node(
            NodeKind.UNIT, id=self.new_id("U"),
            name=f"济南市公安局{district}分局{sub.name[:-2]}派出所", kind="police_station",
            formal_party_members=self.rng.randint(12, 40), address=self.names.address(),
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, station, sub.area)
        founded = self.days_ago(2000, 9000)
        org = self.party_org(f"中共{sub.name[:-2]}派出所支部委员会", "branch",
                             sub.working_committee, founded, breakable=True)  # fmt: skip
        self.out.rel(RelKind.ESTABLISHED_IN, org, station, since=founded)
        self.assign(sub, org, "branch_no_officer")
        leader = self.person(position="派出所教导员")
        self.out.rel(RelKind.EMPLOYED_BY, leader, station, since=self.days_ago(200, 3000),
                     position="教导员")  # fmt: skip
        self.join(leader, org, None, role="书记")
        if big is not None:
            claims = not self.plant.hit("unit_no_project")
            self.membership(station, big, leader, sub.area, sub.name, claims)

    # -- communities --

    def community(self, sub: _Subdistrict, index: int, forced: frozenset[str]) -> None:
        rng = self.rng
        code = f"{sub.code}{index + 1:03d}"
        place = self.names.unique(self.names.place)
        lat, lon = self.near(sub.lat, sub.lon, 0.015)
        c = _Community(sub, f"A-{code}", code, f"{place}社区", lat, lon, forced)
        self.out.node(NodeKind.AREA, id=c.area, name=c.name, level="community", code=code)
        self.out.rel(RelKind.PART_OF, c.area, sub.area)
        for number in range(1, rng.randint(3, 6)):
            grid = self.out.node(NodeKind.AREA, id=f"{c.area}-{number:02d}",
                                 name=f"{c.name}第{number}网格", level="grid")  # fmt: skip
            self.out.rel(RelKind.PART_OF, grid, c.area)
            c.grids.append(grid)
        self.station(c.area, f"{c.name}党群服务中心", lat, lon)
        c.no_reported = self.community_gap(c, "community_no_reported")
        c.no_volunteers = self.community_gap(c, "community_no_volunteers")
        self.community_core(c)
        self.places(c, at_least_one_park=index == 0)
        for _ in range(self.spec.around(rng, self.spec.units) - 1):
            self.unit(c, rng.choices(_UNIT_KINDS_ONLY, weights=_UNIT_WEIGHTS)[0])
        self.residents(c)
        self.service_posts(c)
        self.pairing(c)

    def community_gap(self, c: _Community, key: str) -> bool:
        return self.plant.hit(key, force_here=key in c.forced)

    def community_core(self, c: _Community) -> None:
        """Residents' committee, community party committee, comprehensive committee, branches."""
        rng = self.rng
        founded = self.days_ago(2500, 9000)
        office = self.out.node(
            NodeKind.UNIT, id=self.new_id("U"), name=f"{c.name}居民委员会",
            kind="residents_committee", address=self.names.address(),
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, office, c.area)
        broken = self.plant.hit("community_org_chain_broken", force_here=False)
        c.org = self.party_org(f"中共{c.name}委员会", "committee",
                               None if broken else c.sub.working_committee, founded,
                               breakable=False)  # fmt: skip
        self.out.rel(RelKind.ESTABLISHED_IN, c.org, office, since=founded)
        for number in range(1, rng.randint(3, 5)):
            branch = self.party_org(f"中共{c.name}第{number}支部委员会", "branch", c.org,
                                    self.after(founded, 0, 400), breakable=True)  # fmt: skip
            self.assign(c.sub, branch, "branch_no_officer")
            c.branches.append(branch)
        workers = []
        for n in range(rng.randint(4, 9)):
            position = "社区党委书记、居委会主任" if n == 0 else "社区工作者"
            worker = self.person(position=position)
            self.out.rel(RelKind.EMPLOYED_BY, worker, office, since=self.days_ago(60, 5000),
                         position=position)  # fmt: skip
            self.join(worker, c.org, c, role="书记" if n == 0 else None)
            workers.append(worker)
            c.members.append(worker)
        self.community_committee(c)
        if c.committee is not None:
            self.membership(office, c.committee, workers[0], c.area, c.name,
                            not self.plant.hit("unit_no_project"))  # fmt: skip

    def community_committee(self, c: _Community) -> None:
        if self.community_gap(c, "community_no_committee"):
            return
        founded = self.days_ago(5, 80) if self.chance(0.04) else self.days_ago(200, 3700)
        name = f"{c.name}综合党委"
        c.committee = _Committee(
            self.out.node(NodeKind.COMMITTEE, id=self.new_id("CM"), name=name,
                          kind="community", founded=founded),
            name, "community", founded,
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, c.committee.id, c.area)
        self.out.rel(RelKind.LEADS, c.org, c.committee.id, since=founded)
        self.meetings(c.committee)

    def compound(self) -> str:
        """A residential compound (小区): 翠湖花园, 舜园小区."""
        return self.names.place() + self.rng.choice(_COMPOUND_SUFFIX)

    def joint_branch(self, c: _Community) -> str:
        """The community's joint branch of small non-public units, made when first needed."""
        if c.joint_branch is None:
            c.joint_branch = self.party_org(
                f"中共{c.name}非公企业联合支部委员会", "joint_branch", c.org,
                self.days_ago(100, 3000), breakable=True,
            )  # fmt: skip
            self.assign(c.sub, c.joint_branch, "branch_no_officer")
        return c.joint_branch

    def places(self, c: _Community, *, at_least_one_park: bool) -> None:
        count = self.spec.around(self.rng, self.spec.places)
        parks = sum(1 for _ in range(count) if self.chance(0.1))
        if at_least_one_park and self.spec.plant_everything:
            parks = max(parks, 1)
        for _ in range(parks):
            self.park(c)
        for _ in range(count - parks):
            self.building(c)

    def building(self, c: _Community) -> None:
        rng = self.rng
        kind = rng.choices(("commercial", "mixed", "residential"), weights=(45, 20, 35))[0]
        if kind == "residential":
            compound = self.compound()
            name = self.names.unique(lambda: f"{compound}{rng.randint(1, 30)}号楼")
            floors = rng.randint(5, 33)
        else:
            name = self.names.unique(
                lambda: self.names.brand() + rng.choice(_BUILDING_SUFFIX[kind])
            )
            floors = rng.randint(6, 45)
        lat, lon = self.near(c.lat, c.lon, 0.006)
        building = self.out.node(
            NodeKind.BUILDING, id=self.new_id("B"), name=name, kind=kind, floors=floors,
            address=self.names.address(), latitude=lat, longitude=lon,
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, building, rng.choice(c.grids))
        if kind == "residential":
            c.homes.append(_Place(building, name, None, compound=compound))
            return
        covered_by = None
        if not self.plant.hit("building_uncovered"):
            covered_by = self.coverage(c, building, name, "building_branch", "党支部")
        self.assign(c.sub, building, "building_no_officer")
        c.workplaces.append(_Place(building, name, covered_by))

    def park(self, c: _Community) -> None:
        rng = self.rng
        kind = rng.choices(("industrial", "cultural", "commercial", "featured"),
                           weights=(45, 20, 15, 20))[0]  # fmt: skip
        name = self.names.unique(lambda: self.names.brand() + rng.choice(_PARK_SUFFIX[kind]))
        lat, lon = self.near(c.lat, c.lon, 0.008)
        park = self.out.node(
            NodeKind.PARK, id=self.new_id("PK"), name=name, kind=kind,
            address=self.names.address(), latitude=lat, longitude=lon,
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, park, rng.choice(c.grids))
        covered_by = None
        if not self.plant.hit("park_uncovered"):
            covered_by = self.coverage(c, park, name, "park_branch", "党支部")
        self.assign(c.sub, park, "park_no_officer")
        c.workplaces.append(_Place(park, name, covered_by))

    def coverage(self, c: _Community, place: str, name: str, kind: str, suffix: str) -> str:
        """Cover a building or park by a branch of its own or by the joint branch."""
        since = self.days_ago(30, 3000)
        if self.chance(0.7):
            org = self.party_org(f"中共{name}{suffix}", kind, c.org, since, breakable=True)
            self.out.rel(RelKind.LOCATED_IN, org, place)
            self.assign(c.sub, org, "branch_no_officer")
        else:
            org = self.joint_branch(c)
        self.out.rel(RelKind.COVERS, org, place, since=since)
        return org

    # -- units and their people --

    def unit(self, c: _Community, kind: str) -> None:
        """A unit, its place, its party organization, its staff and its committee."""
        place = self.location(c, kind)
        name = self.unit_name(c, kind, place)
        employees = self.staff_size(kind)
        recorded = self.recorded_members(kind, employees)
        lat, lon = self.near(c.lat, c.lon, 0.006)
        unit = self.out.node(
            NodeKind.UNIT, id=self.new_id("U"), name=name, kind=kind,
            formal_party_members=recorded, address=self.names.address(),
            latitude=lat, longitude=lon,
        )  # fmt: skip
        self.out.rel(RelKind.LOCATED_IN, unit, place.id)
        if kind == "social_organization" and c.sub.incubator and self.chance(0.4):
            self.out.rel(RelKind.INCUBATES, c.sub.incubator, unit, since=self.days_ago(60, 2500))
        home_org = self.unit_org(c, unit, name, kind, place, max(recorded or 0, employees))
        staff = self.employees(c, unit, employees, home_org)
        self.tie(c, unit, kind, staff, recorded or employees)
        c.units.append(unit)

    def recorded_members(self, kind: str, employees: int) -> int | None:
        """The unit's declared formal party members: at least the ones on file, or unknown."""
        if kind == "state_enterprise" or employees >= 20:
            return employees + self.rng.randint(0, 120)  # on the payroll, living elsewhere
        if kind == "public_institution":
            return employees + self.rng.randint(0, 25)
        if self.chance(0.3):
            return None  # not declared; the persons on file still count
        return employees

    def unit_name(self, c: _Community, kind: str, place: _Place) -> str:
        rng, names = self.rng, self.names
        if kind == "non_public_enterprise":
            return names.company(rng.choice(_INDUSTRIES))
        if kind == "enterprise":
            return names.company(rng.choice(_INDUSTRIES), "股份有限公司")
        if kind == "state_enterprise":
            return names.company(rng.choice(_STATE_INDUSTRIES), "集团有限公司")
        if kind == "property_management":
            return names.company("物业", rng.choice(("管理有限公司", "服务有限公司")))
        if kind == "social_organization":
            return names.unique(lambda: f"{c.name}{rng.choice(_SOCIAL_THEMES)}")
        if kind == "owners_committee":
            # named after its compound; a second committee there gets a compound of its own
            compounds = [place.compound] if place.compound else []
            return names.unique(
                lambda: f"{compounds.pop() if compounds else self.compound()}业主委员会"
            )
        return names.unique(lambda: f"济南市{c.sub.district.name}{names.place()}"
                                    f"{rng.choice(_PUBLIC_INSTITUTIONS)}")  # fmt: skip

    def location(self, c: _Community, kind: str) -> _Place:
        rng = self.rng
        if kind in _WORKPLACE_KINDS and c.workplaces and rng.random() < 0.75:
            return rng.choice(c.workplaces)
        if kind == "owners_committee" and c.homes:
            return rng.choice(c.homes)
        grid = rng.choice(c.grids)
        return _Place(grid, "", None)

    def staff_size(self, kind: str) -> int:
        """Formal party members on the staff: most small units have none or a couple."""
        rng = self.rng
        if kind in ("owners_committee", "social_organization"):
            return rng.choices((0, 1, 2, 3, 5), weights=(50, 25, 12, 8, 5))[0]
        if kind in ("state_enterprise", "public_institution"):
            return rng.randint(4, 20)
        roll = rng.random()
        if roll < 0.6:
            return rng.choice((0, 1, 1, 2, 2))
        if roll < 0.92:
            return rng.randint(3, 8)
        return rng.randint(10, 30)

    def unit_org(
        self, c: _Community, unit: str, name: str, kind: str, place: _Place, formal: int
    ) -> str:
        """The organization the unit's members belong to: its own, its place's, or another."""
        if formal >= 3 and not self.plant.hit("unit_no_own_org"):
            org_kind, suffix = "branch", "支部委员会"
            if formal >= 100:
                org_kind, suffix = "committee", "委员会"
            elif formal >= 50:
                org_kind, suffix = "general_branch", "总支部委员会"
            parent = c.sub.working_committee if kind in _COUNTED_KINDS else c.org
            founded = self.days_ago(60, 6000)
            org = self.party_org(f"中共{name}{suffix}", org_kind, parent, founded, breakable=True)
            self.out.rel(RelKind.ESTABLISHED_IN, org, unit, since=founded)
            if org_kind != "committee":
                self.assign(c.sub, org, "branch_no_officer")
            return org
        if place.covered_by is not None:
            return place.covered_by
        if kind in ("non_public_enterprise", "social_organization"):
            return self.cover_unit(c, unit, kind)
        return self.rng.choice(c.branches) if c.branches else c.org

    def cover_unit(self, c: _Community, unit: str, kind: str) -> str:
        """Cover a small unit in an uncovered place, or plant it uncovered."""
        if self.plant.hit("unit_uncovered"):
            return self.rng.choice(c.branches) if c.branches else c.org
        since = self.days_ago(30, 2000)
        if kind == "social_organization" and c.sub.social_committee is not None:
            self.out.rel(RelKind.COVERS, c.sub.social_committee, unit, since=since)
            return c.sub.social_committee
        org = self.joint_branch(c)
        self.out.rel(RelKind.COVERS, org, unit, since=since)
        return org

    def employees(self, c: _Community, unit: str, count: int, org: str) -> list[str]:
        staff = []
        for n in range(count):
            position = self.rng.choice(_JOB_POSITIONS)
            person = self.person(position=position, titles=self.maybe_titles())
            self.employ(c, person, unit, position)
            self.join(person, org, c, role="书记" if n == 0 else None)
            self.in_service(c, person)
            staff.append(person)
        if self.chance(0.08):
            person = self.person("probationary")
            self.employ(c, person, unit, "职员")
            self.join(person, org, c)
            staff.append(person)
        return staff

    def employ(self, c: _Community, person: str, unit: str, position: str) -> None:
        """Employ a person, now and then after an earlier job in the community that ended."""
        since = self.days_ago(30, 6000)
        if c.units and self.chance(0.15):
            earlier = self.rng.choice(c.units)
            if earlier != unit:
                left = since - dt.timedelta(days=1)
                self.out.rel(
                    RelKind.EMPLOYED_BY, person, earlier, position=self.rng.choice(_JOB_POSITIONS),
                    since=left - dt.timedelta(days=self.rng.randint(300, 3000)), until=left,
                )  # fmt: skip
        self.out.rel(RelKind.EMPLOYED_BY, person, unit, since=since, position=position)

    def maybe_titles(self) -> str | None:
        return self.rng.choice(_TITLES) if self.chance(0.004) else None

    def in_service(self, c: _Community, person: str) -> None:
        """An in-service member registers with the community and may volunteer there."""
        c.members.append(person)
        if not c.no_reported and self.chance(1 - RATES["member_unreported"]):
            registered = self.days_ago(10, 2500)
            self.out.rel(RelKind.REPORTED_TO, person, c.area, since=registered, date=registered)
        if not c.no_volunteers and self.chance(0.3):
            self.out.rel(RelKind.VOLUNTEERS_IN, person, c.area, since=self.days_ago(10, 2500))

    def tie(self, c: _Community, unit: str, kind: str, staff: list[str], formal: int) -> None:
        """Make the unit a member of a committee, as counted kinds should be, or plant not."""
        rng = self.rng
        big, local = c.sub.big, c.committee
        committee: _Committee | None = None
        if kind in _COUNTED_KINDS:
            if self.plant.hit("unit_untied"):
                return
            if big is not None and (formal >= 30 or local is None) and rng.random() < 0.6:
                committee = big
            else:
                committee = local or big
        elif kind in ("owners_committee", "property_management"):
            committee = local if rng.random() < 0.7 else None
        elif kind == "social_organization":
            committee = local if rng.random() < 0.3 else None
        if committee is None:
            return
        delegate = staff[0] if staff else self.person("none", position="负责人")
        area, area_name = (c.sub.area, c.sub.name) if committee is big else (c.area, c.name)
        claims = not self.plant.hit("unit_no_project")
        self.membership(unit, committee, delegate, area, area_name, claims)

    def residents(self, c: _Community) -> None:
        """Members who live here: organ staff, retirees; and non-party volunteers."""
        rng = self.rng
        organs = c.sub.district.organs
        for _ in range(round(self.spec.units * rng.uniform(0.8, 1.2))):
            organ = rng.choice(organs)
            person = self.person("formal" if rng.random() < 0.95 else "probationary",
                                 position="科员", titles=self.maybe_titles())  # fmt: skip
            self.employ(c, person, organ.id, "科员")
            self.join(person, organ.org, c)
            self.in_service(c, person)
        for _ in range(round(self.spec.units * rng.uniform(1.3, 1.9))):
            person = self.person(position="退休", titles=self.maybe_titles())
            self.join(person, rng.choice(c.branches), c)
            c.members.append(person)
            if not c.no_volunteers and rng.random() < 0.7:
                self.out.rel(RelKind.VOLUNTEERS_IN, person, c.area, since=self.days_ago(10, 3000))
        if c.no_volunteers:
            return
        for _ in range(round(self.spec.units * rng.uniform(0.2, 0.4))):
            person = self.person("none", position="志愿者")
            self.out.rel(RelKind.VOLUNTEERS_IN, person, c.area, since=self.days_ago(10, 3000))

    def service_posts(self, c: _Community) -> None:
        if self.community_gap(c, "community_no_posts"):
            return
        rng = self.rng
        for title in rng.sample(_SERVICE_POSTS, rng.randint(4, 10)):
            post = self.out.node(NodeKind.SERVICE_POST, id=self.new_id("SP"),
                                 name=f"{c.name}{title}",
                                 description="结合党员优势特长设岗定责")  # fmt: skip
            self.out.rel(RelKind.LOCATED_IN, post, c.area)
            holders = rng.sample(c.members, min(len(c.members), rng.randint(3, 15)))
            for holder in holders:
                self.out.rel(RelKind.HOLDS, holder, post, since=self.days_ago(10, 1500))

    def pairing(self, c: _Community) -> None:
        """A district organ paired with the community (双联系双服务), or planted not."""
        organs = c.sub.district.organs
        unpaired = self.community_gap(c, "community_unpaired")
        expired = self.plant.hit("pairing_expired", force_here=False)
        before: str | None = None
        if expired or (unpaired and self.chance(0.5)):
            since = self.days_ago(800, 3000)
            until = self.ended(since, 365)
            before = self.rng.choice(organs).id
            self.out.rel(RelKind.PAIRED_WITH, before, c.area, since=since,
                         until=until, scheme="双联系双服务")  # fmt: skip
        # the next pairing: now and then the same organ again (a second term), after the
        # first expiry planted; else another organ
        others = [organ.id for organ in organs if organ.id != before]
        if not unpaired and before is not None and self._expiries > 1 and self.chance(RENEWAL):
            self.out.rel(RelKind.PAIRED_WITH, before, c.area,
                         since=min(self.after(until, 1, 90), self.as_of),
                         scheme="双联系双服务")  # fmt: skip
        elif not unpaired and others:
            self.out.rel(RelKind.PAIRED_WITH, self.rng.choice(others), c.area,
                         since=self.days_ago(30, 1500), scheme="双联系双服务")  # fmt: skip
        if before is not None:
            self._expiries += 1


_UNIT_KINDS_ONLY = tuple(kind for kind, _ in _UNIT_KINDS)
_UNIT_WEIGHTS = tuple(weight for _, weight in _UNIT_KINDS)


# ---- entry points ----------------------------------------------------------------------------


def generate(
    seed: int, scale: str, out_dir: Path, *, as_of: dt.date = DEFAULT_AS_OF,
    rules: RuleSettings | None = None,
) -> Path:  # fmt: skip
    """Write a region of ``scale`` into ``out_dir`` (CSV per table + manifest); return it.

    The same ``(seed, scale, as_of)`` gives byte-identical files. The manifest's gaps are
    those of the rules ``rules`` turns on, with its options (default: every rule, with the
    declared options); the region itself does not depend on them.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale '{scale}': one of {', '.join(SCALES)}")
    return generate_region(seed, SCALES[scale], out_dir, as_of=as_of, scale_name=scale,
                           rules=rules)  # fmt: skip


def generate_region(
    seed: int,
    spec: ScaleSpec,
    out_dir: Path,
    *,
    as_of: dt.date = DEFAULT_AS_OF,
    scale_name: str = "custom",
    rules: RuleSettings | None = None,
) -> Path:
    """Write a region of any shape, e.g. a small one with every level repeated for a test."""
    evaluator = GapEvaluator(as_of, rules=rules)
    writer = BundleWriter(out_dir, evaluator)
    try:
        _Region(random.Random(seed), spec, writer, as_of).run()
    finally:
        writer.close()
    write_manifest(
        out_dir / "manifest.json", seed, scale_name, as_of, writer.counts, evaluator.result()
    )
    return out_dir


def write_manifest(
    path: Path, seed: int, scale: str, as_of: dt.date, counts: dict[str, int], gaps: GapSets
) -> None:
    """The manifest as JSON with one gap per line, so that two manifests diff well."""
    lines = ["{", f' "seed": {seed},', f' "scale": {json.dumps(scale)},',
             f' "as_of": "{as_of.isoformat()}",', ' "counts": {']  # fmt: skip
    lines.append(",\n".join(f"  {json.dumps(key)}: {count}" for key, count in counts.items()))
    lines += [" },", ' "gaps": {']
    blocks = []
    for rule in (rule for rule in DECLARED if rule.code in gaps):  # the rules that are on
        pairs = sorted(gaps[rule.code], key=lambda pair: (pair[0], pair[1] or ""))
        rows = ",\n".join(f"   {json.dumps(list(pair))}" for pair in pairs)
        blocks.append(f'  "{rule.code}": [\n{rows}\n  ]' if pairs else f'  "{rule.code}": []')
    lines += [",\n".join(blocks), " }", "}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """``--seed S --scale community|subdistrict|district|city --out DIR [--as-of DATE]
    [--rules FILE]``."""
    parser = argparse.ArgumentParser(
        prog="graph-service generate",
        description="Generate an illustrative region with its gap manifest / 生成示例区域数据",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--scale", choices=tuple(SCALES), default="subdistrict")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DEFAULT_AS_OF,
                        help="the date gaps are evaluated on (default 2026-06-30)")  # fmt: skip
    parser.add_argument("--rules", type=Path, default=None,
                        help="a rules file (TOML) for the manifest's gaps (default: the "
                             "declared rules and options)")  # fmt: skip
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rules = load_rule_settings(args.rules)
    out = generate(args.seed, args.scale, args.out, as_of=args.as_of, rules=rules)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    nodes = sum(manifest["counts"][t.key] for t in TABLES if t.is_node)
    rels = sum(manifest["counts"][t.key] for t in TABLES if not t.is_node)
    gaps = sum(len(pairs) for pairs in manifest["gaps"].values())
    print(
        f"{args.scale} region (seed {args.seed}) in {out}: {nodes:,} nodes, "
        f"{rels:,} relationships, {gaps:,} gaps, {time.perf_counter() - started:.1f} s",
        file=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
