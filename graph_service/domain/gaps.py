"""The catalogue of coverage gaps: each rule's code, what it means, and what closes it.

This is the single statement of the rules. Each rule is one declaration here (code,
category, subject, texts, what closes it, its options and their defaults, its part in the
coverage summary) and one condition, ``cypher/gaps/<code>.cypher``, from which the registry
composes its page and count queries (:func:`graph_service.db.registry.compose_gap_queries`).
The region generator's answer key (``loaders/ground_truth.py``) evaluates them a second
time, independently, in Python.

Each declaration also says what the loss of one person or unit can do to the rule's gaps
(:class:`Loss`: which relationships keep a gap closed, which tie a subject to a person or
unit, whether subjects are found through a party organization's stored area). Single points
of failure (``services/weak_points.py``) run a rule only for the losses that can change it;
``tests/test_weak_points.py`` holds the declarations against removing every person and unit
of generated regions. A rule declared without one is weighed for every candidate.

A deployment changes the options, and turns rules off, in a rules file (TOML, see
``rules.example.toml`` and :func:`load_rule_settings`; the setting ``RULES_FILE`` names it);
without one every rule is on (but a rule declared off by default) with the defaults declared
here. The evaluator reads the same
:class:`RuleSettings`.

Semantics shared by every rule, evaluated "as of" a date D (default: today):

* A relationship is *current* on D when ``(since IS NULL OR since <= D) AND
  (until IS NULL OR until >= D)``. Only current relationships count, except in
  ``SCHED_EXPIRED``, which lists those whose ``until < D``.
* A node's *area* is found through ``LOCATED_IN`` (a unit in a building is in the
  building's area), then ``PART_OF`` upwards. ``PART_OF`` and ``LOCATED_IN`` ignore
  dates (places do not move).
* Commercial buildings are buildings of kind ``commercial`` or ``mixed``; every park counts.

Rules (subject → failing condition):

ORG_BUILDING_UNCOVERED   commercial building: no current COVERS from any PartyOrg.
ORG_PARK_UNCOVERED       park: no current COVERS from any PartyOrg.
ORG_UNIT_UNCOVERED       unit of kind non_public_enterprise or social_organization: no current
                         ESTABLISHED_IN (own org), no current COVERS on the unit, and not
                         LOCATED_IN a building or park that has a current COVERS.
ORG_UNIT_NEEDS_OWN_ORG   unit with ≥ min_formal_members (default 3) formal party members and no
                         current ESTABLISHED_IN org.
                         Formal members = max(unit.formal_party_members or 0, number of persons
                         with party_status 'formal' and a current EMPLOYED_BY to the unit).
LEAD_UNIT_UNREPRESENTED  (member unit, committee) with a current MEMBER_UNIT_OF and no person with
                         a current SERVES_ON that committee whose for_unit is the unit's id.
                         Subject: the unit; the committee is named in the detail.
TEAM_BRANCH_NO_OFFICER   PartyOrg of a branch kind (branch, general_branch, joint_branch,
                         building_branch, park_branch) with no current ASSIGNED_TO.
TEAM_BUILDING_NO_OFFICER commercial building with no current ASSIGNED_TO.
TEAM_PARK_NO_OFFICER     park with no current ASSIGNED_TO.
TEAM_COMMUNITY_NO_REPORTED  community area with no current REPORTED_TO.
TEAM_COMMUNITY_NO_POSTS     community area with no ServicePost LOCATED_IN it.
TEAM_COMMUNITY_NO_VOLUNTEERS community area with no current VOLUNTEERS_IN.
TEAM_MEMBER_UNREPORTED   (在职党员未报到; off by default) person with party_status formal or
                         probationary, a current EMPLOYED_BY to a unit of a counted kind
                         (default: government_organ, public_institution) and no current
                         REPORTED_TO a community area.
REACH_UNIT_UNTIED        unit of a counted kind (default: government_organ, state_enterprise,
                         public_institution, enterprise, police_station) with no current
                         MEMBER_UNIT_OF to any committee.
REACH_COMMUNITY_UNPAIRED community area with no current PAIRED_WITH from a unit to the area.
REACH_PLACE_OUTSIDE_CIRCLE (党群服务圈外; off by default) building or park with coordinates
                         farther from every Station with coordinates than that station's
                         radius_m (else radius_m, default 1000 m; straight-line). Related: the
                         nearest station; the detail gives its distance.
VERT_ORG_CHAIN_BROKEN    PartyOrg other than a working_committee whose chain of current UNDER
                         edges does not reach a working_committee.
VERT_AREA_NO_COMMITTEE   subdistrict with no big_working_committee Committee LOCATED_IN it, or
                         community with no community Committee LOCATED_IN it.
VERT_MEMBER_NO_BRANCH    person with party_status formal or probationary and no current MEMBER_OF.
SCHED_MEETING_OVERDUE    committee whose latest Meeting (OF it, date ≤ D) is more than the period
                         before D, or that has none: big_working_committee 183 days, community
                         92 days. A committee founded less than one period before D is not due.
SCHED_EXPIRED            ASSIGNED_TO or PAIRED_WITH term with until < D that no later term of
                         the same pair, begun by D, renews. Subject: the relationship's
                         target; the person or unit is named in the detail.
SCHED_NO_CLAIMED_PROJECT unit with a current MEMBER_UNIT_OF and no current CLAIMED project.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from graph_service.domain.kinds import (
    BilingualEnum,
    BuildingKind,
    CommitteeKind,
    NodeKind,
    OrgKind,
    RelKind,
    UnitKind,
)


class GapCategory(StrEnum):
    ORGANIZATION = "organization"
    LEADERSHIP = "leadership"
    TEAM = "team"
    CIRCLE = "circle"  # 党群服务圈: places with coordinates inside a station's circle
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"
    SCHEDULE = "schedule"


class Rate(StrEnum):
    """The rates of the coverage summary: the three of the source article, and the share of
    places inside a service circle (while REACH_PLACE_OUTSIDE_CIRCLE is on)."""

    ORGANIZATION = "organization"
    LEADERSHIP = "leadership"
    TEAM = "team"
    CIRCLE = "circle"  # 党群服务圈: places with coordinates inside a station's circle


@dataclass(frozen=True)
class Kinds:
    """A rule's option ``kinds`` (the query parameter ``$kinds``): the subject kinds it
    counts by default, and the enumeration a caller's or a rules file's kinds are read with
    (English or Chinese)."""

    default: tuple[str, ...]
    enum: type[BilingualEnum]


@dataclass(frozen=True)
class SummaryPart:
    """A rule's part in the coverage summary: the rate it lowers, and the part of that rate
    (also the key of the denominator counted by ``coverage_denominators``)."""

    rate: Rate
    part: str


class KeptAt(StrEnum):
    """Where a relationship that keeps a gap closed ends."""

    SUBJECT = "subject"  # at the gap's subject
    RELATED_FOR_UNIT = "related_for_unit"  # at its related node, its for_unit the subject's id


@dataclass(frozen=True)
class Keeper:
    """A relationship that keeps a rule's gap closed: a current ``rel`` from a ``by`` (a
    person or unit) ending where ``at`` says. The loss of the last node that has one
    opens the gap; the loss of one of several does not."""

    rel: RelKind
    by: NodeKind
    at: KeptAt = KeptAt.SUBJECT


@dataclass(frozen=True)
class Tie:
    """A relationship (any dates) between a gap's subject and a person or unit through which
    that node's loss may change the gap: ``into_subject`` from the person or unit
    (``ORG_UNIT_NEEDS_OWN_ORG``: a formal member employed by the unit, whose loss lowers
    its count) or out of the subject to it (``VERT_MEMBER_NO_BRANCH``: a person's
    employer, which places the person; once it is gone the person lies where they
    registered, perhaps in another area). ``opens``: the loss may open the gap too, not
    only close it."""

    rel: RelKind
    into_subject: bool
    opens: bool = False


@dataclass(frozen=True)
class Loss:
    """What the loss of one person or unit (the node deleted with its relationships, as
    ``DELETE …?cascade=true`` and a what-if's ``leave`` do) can do to a rule's gaps — what
    single points of failure (``services/weak_points.py``) run the rule for, and nothing
    else. Besides what is declared here, a loss closes the gaps whose subject or related
    node is the one lost, of every rule.

    * ``kept_by``: it opens a gap only by taking away the last of these relationships;
    * ``ties``: it closes a gap other than its own only through one of these;
    * ``org_area``: the rule finds some subjects through a party organization's stored
      area (``resolved_area``), which the loss of a unit can move into or out of an area
      (opening or closing gaps there).

    ``Loss()``: the loss of a person or unit never opens a gap of the rule and closes only
    its own. A rule declared without one (``loss=None``) is weighed for every candidate by
    a what-if of its own. ``tests/test_weak_points.py`` holds each declaration against
    removing every person and unit of generated regions for real.
    """

    kept_by: tuple[Keeper, ...] = ()
    ties: tuple[Tie, ...] = ()
    org_area: bool = False


@dataclass(frozen=True)
class GapRule:
    code: str
    category: GapCategory
    subject: str  # the node label the gap is about ('*': several)
    en: str
    zh: str
    fix_en: str
    fix_zh: str
    kinds: Kinds | None = None
    # meeting periods in days by committee kind ($periods), when the rule has them
    periods: tuple[tuple[str, int], ...] = ()
    # whole numbers the condition compares with, each the query parameter of its name
    thresholds: tuple[tuple[str, int], ...] = ()
    summary: SummaryPart | None = None
    # what the loss of one person or unit can do to its gaps (None: not known)
    loss: Loss | None = None
    # a rule added later may ship off, so that no deployment's answers change until its
    # rules file says `enabled = true`
    on_by_default: bool = True


DEFAULT_COUNTED_UNIT_KINDS: tuple[str, ...] = (
    "government_organ", "state_enterprise", "public_institution", "enterprise", "police_station",
)  # fmt: skip
MEETING_PERIOD_DAYS: dict[str, int] = {"big_working_committee": 183, "community": 92}
BRANCH_KIND_VALUES: tuple[str, ...] = (
    "branch", "general_branch", "joint_branch", "building_branch", "park_branch",
)  # fmt: skip
COMMERCIAL_BUILDING_KINDS: tuple[str, ...] = ("commercial", "mixed")
ORG_COVERED_UNIT_KINDS: tuple[str, ...] = ("non_public_enterprise", "social_organization")

_BUILDINGS = Kinds(COMMERCIAL_BUILDING_KINDS, BuildingKind)
_REL, _N = RelKind, NodeKind
_OFFICER = Keeper(RelKind.ASSIGNED_TO, NodeKind.PERSON)
# a person's area is their current employer's first: its loss may move them (domain docs)
_EMPLOYER = Tie(RelKind.EMPLOYED_BY, into_subject=False, opens=True)
_NONE = Loss()  # a loss neither opens a gap of the rule nor closes any but its own
_R = Rate
C = GapCategory
#: every rule declared, in catalogue order (each has its condition file)
DECLARED: tuple[GapRule, ...] = (
    GapRule("ORG_BUILDING_UNCOVERED", C.ORGANIZATION, "Building",
            "Commercial building covered by no party organization",
            "商务楼宇未被任何党组织覆盖",
            "Set up a building branch or a joint branch that covers it",
            "组建商务楼宇党支部或联合党支部覆盖该楼宇",
            kinds=_BUILDINGS, summary=SummaryPart(_R.ORGANIZATION, "buildings"),
            loss=_NONE),
    GapRule("ORG_PARK_UNCOVERED", C.ORGANIZATION, "Park",
            "Park covered by no party organization",
            "园区未被任何党组织覆盖",
            "Set up a park branch that covers it", "组建特色园区党支部覆盖该园区",
            summary=SummaryPart(_R.ORGANIZATION, "parks"),
            loss=_NONE),
    GapRule("ORG_UNIT_UNCOVERED", C.ORGANIZATION, "Unit",
            "Non-public enterprise or social organization covered by no party organization",
            "非公企业或社会组织未被党组织覆盖",
            "Cover it by its own organization, a building/park branch or a joint branch",
            "通过单独组建、楼宇园区党支部或联合党支部实现覆盖",
            kinds=Kinds(ORG_COVERED_UNIT_KINDS, UnitKind),
            summary=SummaryPart(_R.ORGANIZATION, "units"),
            loss=_NONE),
    GapRule("ORG_UNIT_NEEDS_OWN_ORG", C.ORGANIZATION, "Unit",
            "Unit with 3 or more formal party members but no party organization of its own",
            "正式党员3人以上的单位未单独建立党组织",
            "Establish a basic-level party organization in the unit (Party Constitution)",
            "按党章规定在该单位成立党的基层组织",
            thresholds=(("min_formal_members", 3),),
            loss=Loss(ties=(Tie(_REL.EMPLOYED_BY, into_subject=True),))),
    GapRule("LEAD_UNIT_UNREPRESENTED", C.LEADERSHIP, "Unit",
            "Member unit with no part-time member on its committee",
            "成员单位未派出兼职委员",
            "Have the unit delegate a part-time committee member", "由该单位推荐一名兼职委员",
            summary=SummaryPart(_R.LEADERSHIP, "memberships"),
            loss=Loss(kept_by=(Keeper(_REL.SERVES_ON, _N.PERSON, KeptAt.RELATED_FOR_UNIT),))),
    GapRule("TEAM_BRANCH_NO_OFFICER", C.TEAM, "PartyOrg",
            "Branch with no current instructor or liaison officer",
            "党支部没有党建指导员或联络员",
            "Assign a party-building instructor or liaison officer", "选派党建指导员或联络员",
            kinds=Kinds(BRANCH_KIND_VALUES, OrgKind), summary=SummaryPart(_R.TEAM, "branches"),
            loss=Loss(kept_by=(_OFFICER,), org_area=True)),
    GapRule("TEAM_BUILDING_NO_OFFICER", C.TEAM, "Building",
            "Commercial building with no current instructor or liaison officer",
            "商务楼宇没有党建指导员或联络员",
            "Assign a party-building instructor or liaison officer", "选派党建指导员或联络员",
            kinds=_BUILDINGS, summary=SummaryPart(_R.TEAM, "buildings"),
            loss=Loss(kept_by=(_OFFICER,))),
    GapRule("TEAM_PARK_NO_OFFICER", C.TEAM, "Park",
            "Park with no current instructor or liaison officer",
            "园区没有党建指导员或联络员",
            "Assign a party-building instructor or liaison officer", "选派党建指导员或联络员",
            summary=SummaryPart(_R.TEAM, "parks"),
            loss=Loss(kept_by=(_OFFICER,))),
    GapRule("TEAM_COMMUNITY_NO_REPORTED", C.TEAM, "Area",
            "Community with no registered in-service party members",
            "社区没有在职党员报到",
            "Organize in-service members living there to register", "组织在职党员到社区报到",
            loss=Loss(kept_by=(Keeper(_REL.REPORTED_TO, _N.PERSON),))),
    GapRule("TEAM_COMMUNITY_NO_POSTS", C.TEAM, "Area",
            "Community with no service posts", "社区没有设置服务岗位",
            "Set service posts by members' strengths", "按党员特长设岗定责",
            loss=_NONE),
    GapRule("TEAM_COMMUNITY_NO_VOLUNTEERS", C.TEAM, "Area",
            "Community with no volunteers", "社区没有志愿者",
            "Recruit volunteers", "招募志愿者",
            loss=Loss(kept_by=(Keeper(_REL.VOLUNTEERS_IN, _N.PERSON),))),
    GapRule("TEAM_MEMBER_UNREPORTED", C.TEAM, "Person",
            "In-service party member of an organ or public institution registered at no "
            "community", "在职党员未到社区报到",
            "Have the member register with the community where they live",
            "组织该党员到居住地社区报到",
            kinds=Kinds(("government_organ", "public_institution"), UnitKind),
            on_by_default=False,
            loss=Loss(ties=(_EMPLOYER,), org_area=True)),
    GapRule("REACH_UNIT_UNTIED", C.HORIZONTAL, "Unit",
            "Unit tied to neither the big working committee nor a community committee",
            "单位未纳入街道大工委或社区综合党委",
            "Invite it as a member unit of the big working committee or a community committee",
            "吸纳其为街道大工委或社区综合党委成员单位",
            kinds=Kinds(DEFAULT_COUNTED_UNIT_KINDS, UnitKind),
            loss=_NONE),
    GapRule("REACH_COMMUNITY_UNPAIRED", C.HORIZONTAL, "Area",
            "Community with no paired district organ", "社区没有对口联系的区直机关",
            "Pair a district organ with it (double contact, double service)",
            "安排区直机关结对共建（双联系双服务）",
            loss=Loss(kept_by=(Keeper(_REL.PAIRED_WITH, _N.UNIT),))),
    GapRule("REACH_PLACE_OUTSIDE_CIRCLE", C.HORIZONTAL, "*",
            "Building or park outside every party-and-people service station's circle",
            "楼宇或园区不在任何党群服务阵地的服务半径内",
            "Open a station or service point within reach (graph-service plan stations)",
            "在服务半径内新建党群服务站点（可用阵地选址计算）",
            thresholds=(("radius_m", 1000),), on_by_default=False,
            summary=SummaryPart(_R.CIRCLE, "located_places"),
            loss=_NONE),
    GapRule("VERT_ORG_CHAIN_BROKEN", C.VERTICAL, "PartyOrg",
            "Party organization whose chain of parents does not reach the working committee",
            "党组织隶属关系未接续到街道党工委",
            "Record or establish its parent organization", "理顺并登记其上级党组织",
            loss=Loss(org_area=True)),
    GapRule("VERT_AREA_NO_COMMITTEE", C.VERTICAL, "Area",
            "Subdistrict with no big working committee, or community with no comprehensive "
            "party committee", "街道未成立大工委或社区未成立综合党委",
            "Found the committee", "成立街道大工委或社区综合党委",
            loss=_NONE),
    GapRule("VERT_MEMBER_NO_BRANCH", C.VERTICAL, "Person",
            "Party member in no party organization", "党员未编入党组织",
            "Place the member in a branch", "将该党员编入党支部",
            loss=Loss(ties=(_EMPLOYER,), org_area=True)),
    GapRule("SCHED_MEETING_OVERDUE", C.SCHEDULE, "Committee",
            "Committee overdue for its regular meeting", "工委未按期召开例会",
            "Hold the meeting (half-yearly plenary / quarterly regular)",
            "按期召开会议（大工委每半年、社区综合党委每季度）",
            periods=tuple(MEETING_PERIOD_DAYS.items()),
            loss=_NONE),
    GapRule("SCHED_EXPIRED", C.SCHEDULE, "*",
            "Pairing or assignment that has expired", "结对或包挂关系已到期",
            "Renew it or assign someone new", "续签或重新选派",
            loss=Loss(org_area=True)),
    GapRule("SCHED_NO_CLAIMED_PROJECT", C.SCHEDULE, "Unit",
            "Member unit with no claimed project", "成员单位未认领项目",
            "Sign a project-claim agreement with the unit", "与该单位签订项目认领协议书",
            loss=_NONE),
)  # fmt: skip
del C, _R, _REL, _N

#: the rules a deployment without a rules file answers: every declared rule but those that
#: ship off (``on_by_default=False``)
RULES: tuple[GapRule, ...] = tuple(rule for rule in DECLARED if rule.on_by_default)
RULES_BY_CODE: dict[str, GapRule] = {rule.code: rule for rule in DECLARED}


# ---- settings of a deployment ----------------------------------------------------------------


class RuleSettingsError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule and the key."""


@dataclass(frozen=True)
class RuleSettings:
    """Which rules are on, and the options each is evaluated with, in one deployment.

    >>> settings = default_rule_settings()
    >>> settings.params(RULES_BY_CODE["ORG_UNIT_NEEDS_OWN_ORG"])
    {'min_formal_members': 3}
    """

    enabled: tuple[GapRule, ...]
    kinds: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    periods: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    thresholds: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    source: Path | None = None

    def key(self) -> tuple[object, ...]:
        """What of these settings an answer depends on (a part of each cache key)."""
        return (
            tuple(rule.code for rule in self.enabled),
            tuple(sorted(self.kinds.items())),
            tuple(sorted((code, tuple(sorted(d.items()))) for code, d in self.periods.items())),
            tuple(sorted((code, tuple(sorted(v.items()))) for code, v in self.thresholds.items())),
        )

    def is_on(self, code: str) -> bool:
        return any(rule.code == code for rule in self.enabled)

    def params(self, rule: GapRule) -> dict[str, object]:
        """The query parameters of the rule's options, as this deployment sets them."""
        out: dict[str, object] = {}
        if rule.kinds is not None:
            out["kinds"] = list(self.kinds[rule.code])
        if rule.periods:
            out["periods"] = dict(self.periods[rule.code])
        out.update(self.thresholds.get(rule.code, {}))
        return out


@cache
def default_rule_settings() -> RuleSettings:
    """The rules that are on by default, with the options their declarations give."""
    return _settings({}, None)


def load_rule_settings(path: Path | None) -> RuleSettings:
    """The settings a rules file (TOML) gives; :func:`default_rule_settings` for None.

    Each table of the file is a rule code; each key is optional: ``enabled`` (true or
    false), ``kinds`` (a list of kinds, English or Chinese), ``periods`` (days by committee
    kind) and the rule's thresholds by name. Raises :class:`RuleSettingsError` naming the
    file, the rule and the key, Chinese first.
    """
    if path is None:
        return default_rule_settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleSettingsError(
            f"{path}: 规则文件无法读取 / cannot read the rules file: {exc}"
        ) from None
    return _settings(data, path)


def _settings(data: Mapping[str, object], path: Path | None) -> RuleSettings:
    where = str(path) if path is not None else "rules"
    unknown = sorted(set(data) - set(RULES_BY_CODE))
    if unknown:
        raise RuleSettingsError(
            f"{where}: [{unknown[0]}]: 没有这个规则 / no such rule; the rules are: "
            + ", ".join(RULES_BY_CODE)
        )
    enabled: list[GapRule] = []
    kinds: dict[str, tuple[str, ...]] = {}
    periods: dict[str, dict[str, int]] = {}
    thresholds: dict[str, dict[str, int]] = {}
    for rule in DECLARED:
        table = data.get(rule.code, {})
        if not isinstance(table, Mapping):
            raise RuleSettingsError(f"{where}: {rule.code}: 应为一个表 / must be a table")

        def fail(key: str, zh: str, en: str, code: str = rule.code) -> RuleSettingsError:
            return RuleSettingsError(f"{where}: [{code}] {key}: {zh} / {en}")

        allowed = {"enabled", *(("kinds",) if rule.kinds else ()),
                   *(("periods",) if rule.periods else ()), *dict(rule.thresholds)}  # fmt: skip
        for key in table:
            if key not in allowed:
                raise fail(key, "该规则没有这个选项", f"the rule has no such option; it has "
                           f"{', '.join(sorted(allowed))}")  # fmt: skip
        on = table.get("enabled", rule.on_by_default)
        if not isinstance(on, bool):
            raise fail("enabled", "应为 true 或 false", "must be true or false")
        if on:
            enabled.append(rule)
        if rule.kinds is not None:
            chosen = table.get("kinds", rule.kinds.default)
            if not isinstance(chosen, list | tuple) or not chosen:
                raise fail("kinds", "应为非空的类型列表", "must be a non-empty list of kinds")
            try:
                kinds[rule.code] = tuple(rule.kinds.enum.parse(str(k)).value for k in chosen)
            except ValueError as exc:
                raise fail("kinds", "类型无效", str(exc)) from None
        if rule.periods:
            given = table.get("periods", {})
            if not isinstance(given, Mapping):
                raise fail("periods", "应为按工委类型的天数表", "must be a table of days by kind")
            days = dict(rule.periods)
            for kind, value in given.items():
                try:
                    key = CommitteeKind.parse(str(kind)).value
                except ValueError as exc:
                    raise fail("periods", "工委类型无效", str(exc)) from None
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise fail(f"periods.{kind}", "天数应为不小于 1 的整数",
                               "must be a whole number of days, 1 or more")  # fmt: skip
                days[key] = value
            periods[rule.code] = days
        if rule.thresholds:
            values = dict(rule.thresholds)
            for name in values:
                value = table.get(name, values[name])
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise fail(name, "应为不小于 1 的整数", "must be a whole number, 1 or more")
                values[name] = value
            thresholds[rule.code] = values
    return RuleSettings(tuple(enabled), kinds, periods, thresholds, path)
