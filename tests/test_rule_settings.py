"""A deployment's rules file: validated, its defaults are today's rules, and the queries and
the independent evaluator (the generator's answer key) read the same settings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.auth.principal import Principal
from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.db.gaps import count_gaps, coverage_summary, list_gaps
from graph_service.db.registry import QueryRegistry
from graph_service.domain.gaps import (
    DECLARED,
    RULES,
    RULES_BY_CODE,
    RuleSettingsError,
    default_rule_settings,
    load_rule_settings,
)
from graph_service.errors import NotFound, QueryFileError
from graph_service.main import create_app
from graph_service.services.imports import import_files
from loaders.generator import generate

ROOT = Path(__file__).resolve().parent.parent
ADMIN = Principal.cli()

CITY = """
[ORG_UNIT_NEEDS_OWN_ORG]
min_formal_members = 6

[REACH_UNIT_UNTIED]
kinds = ["事业单位", "police_station"]

[SCHED_MEETING_OVERDUE]
periods = { "社区综合党委" = 30 }

[TEAM_PARK_NO_OFFICER]
enabled = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_states_the_declared_defaults() -> None:
    example = load_rule_settings(ROOT / "rules.example.toml")
    assert example.key() == default_rule_settings().key()
    assert example.enabled == RULES  # the declared rules but those that ship off


def test_a_rules_file_changes_only_what_it_names(tmp_path: Path) -> None:
    city = load_rule_settings(write(tmp_path, CITY))
    off = "TEAM_PARK_NO_OFFICER"
    assert [r.code for r in city.enabled] == [r.code for r in RULES if r.code != off]
    assert city.params(RULES_BY_CODE["ORG_UNIT_NEEDS_OWN_ORG"]) == {"min_formal_members": 6}
    assert city.kinds["REACH_UNIT_UNTIED"] == ("public_institution", "police_station")
    assert city.periods["SCHED_MEETING_OVERDUE"] == {"big_working_committee": 183, "community": 30}
    assert city.kinds["ORG_BUILDING_UNCOVERED"] == ("commercial", "mixed")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[NO_SUCH_RULE]\nenabled = false\n", "[NO_SUCH_RULE]: 没有这个规则 / no such rule"),
        ("[ORG_PARK_UNCOVERED]\nkinds = ['a']\n", "[ORG_PARK_UNCOVERED] kinds: 该规则没有这个选项"),
        ("[REACH_UNIT_UNTIED]\nkinds = ['bakery']\n", "[REACH_UNIT_UNTIED] kinds: 类型无效"),
        ("[REACH_UNIT_UNTIED]\nkinds = []\n", "[REACH_UNIT_UNTIED] kinds: 应为非空的类型列表"),
        ("[SCHED_MEETING_OVERDUE]\nperiods = {community = 0}\n",
         "[SCHED_MEETING_OVERDUE] periods.community: 天数应为不小于 1 的整数"),
        ("[SCHED_MEETING_OVERDUE]\nperiods = {club = 9}\n", "periods: 工委类型无效"),
        ("[ORG_UNIT_NEEDS_OWN_ORG]\nmin_formal_members = '3'\n",
         "[ORG_UNIT_NEEDS_OWN_ORG] min_formal_members: 应为不小于 1 的整数"),
        ("[ORG_PARK_UNCOVERED]\nenabled = 'no'\n",
         "[ORG_PARK_UNCOVERED] enabled: 应为 true 或 false"),
        ("[ORG_PARK_UNCOVERED\n", "规则文件无法读取 / cannot read the rules file"),
    ],
)  # fmt: skip
def test_a_bad_rules_file_is_refused_naming_file_rule_and_key(
    tmp_path: Path, text: str, says: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RuleSettingsError) as info:
        load_rule_settings(path)
    assert str(info.value).startswith(f"{path}: ")
    assert says in str(info.value)
    with pytest.raises(QueryFileError, match=r"rules\.toml"):  # the service does not start
        QueryRegistry.load(ROOT / "cypher", rules_file=path)


@pytest.mark.slow
def test_queries_and_the_answer_key_follow_the_same_rules_file(
    db: Database, tmp_path: Path
) -> None:
    rules_file = write(tmp_path, CITY)
    city = load_rule_settings(rules_file)
    folder = generate(1, "subdistrict", tmp_path / "region", rules=city)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["gaps"]) == [rule.code for rule in city.enabled]
    report = import_files(db, [folder])
    assert report.ok, [p.as_dict() for p in report.problems[:10]]
    here = own_registry(db, rules_file)
    as_of = dt.date.fromisoformat(manifest["as_of"])
    counts = count_gaps(here, ADMIN, as_of=as_of)
    assert list(counts) == list(manifest["gaps"])
    for code, pairs in manifest["gaps"].items():
        page = list_gaps(here, ADMIN, code, as_of=as_of, limit=1000)
        assert {(i.id, i.related_id) for i in page.items} == {tuple(p) for p in pairs}, code
        assert page.total == counts[code] == len(pairs), code
    with pytest.raises(NotFound, match="turned off"):
        list_gaps(here, ADMIN, "TEAM_PARK_NO_OFFICER", as_of=as_of)
    # the defaults find other gaps in the same region: the file made the difference
    default = generate(1, "subdistrict", tmp_path / "default")
    assert json.loads((default / "manifest.json").read_text(encoding="utf-8"))["gaps"] != {
        **manifest["gaps"], "TEAM_PARK_NO_OFFICER": []}  # fmt: skip
    summary = coverage_summary(here, ADMIN, manifest_area(folder), as_of=as_of)
    assert "parks" not in summary.area.team_parts  # a rule turned off has no part
    assert "TEAM_PARK_NO_OFFICER" not in summary.area.gaps


def manifest_area(folder: Path) -> str:
    """The subdistrict of a generated region (the second row of its areas)."""
    lines = (folder / "areas.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.split(",") for line in lines[1:]]
    header = lines[0].split(",")
    level = next(i for i, h in enumerate(header) if h.endswith("level"))
    return next(row[0] for row in rows if row[level] == "subdistrict")


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "scale"), [(1, "community"), (3, "subdistrict")])
def test_every_declared_rule_turned_on_answers_what_the_answer_key_says(
    db: Database, tmp_path: Path, seed: int, scale: str
) -> None:
    """Rules that ship off included: each one's lists and counts against the evaluator."""
    rules_file = write(tmp_path, "".join(f"[{r.code}]\nenabled = true\n" for r in DECLARED))
    every = load_rule_settings(rules_file)
    assert every.enabled == DECLARED
    folder = generate(seed, scale, tmp_path / "region", rules=every)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    report = import_files(db, [folder])
    assert report.ok, [p.as_dict() for p in report.problems[:10]]
    here = own_registry(db, rules_file)
    as_of = dt.date.fromisoformat(manifest["as_of"])
    area = manifest_area(folder)
    counts, under = count_gaps(here, ADMIN, as_of=as_of), count_gaps(here, ADMIN, as_of=as_of,
                                                                     area=area)  # fmt: skip
    assert list(counts) == [rule.code for rule in DECLARED]
    for code, pairs in manifest["gaps"].items():
        page = list_gaps(here, ADMIN, code, as_of=as_of, limit=1000)
        assert {(i.id, i.related_id) for i in page.items} == {tuple(p) for p in pairs}, code
        assert page.total == counts[code] == len(pairs), code
        assert list_gaps(here, ADMIN, code, as_of=as_of, area=area, limit=1).total == under[code]


def own_registry(db: Database, rules_file: Path) -> Database:
    """The test database with a registry of the rules file's settings. Its queries are met
    for the first time with these parameters on a shared machine: planning them may take
    longer than the service's 30 s (the service plans them ahead, db/warmup.py)."""
    return Database(db.driver, QueryRegistry.load(ROOT / "cypher", rules_file), db.database,
                    timeout=300)  # fmt: skip


def test_the_api_answers_by_the_deployments_rules_file(
    settings: Settings, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    """RULES_FILE reaches the API: a rule turned off there is not in its catalogue or its
    counts, and its list is not found; a threshold set there is the rule's."""
    rules_file = write(tmp_path, CITY)
    app = create_app(settings.model_copy(update={"rules_file": rules_file}))
    with TestClient(app, headers=admin_headers) as client:
        catalogue = client.get("/gaps")
        assert catalogue.status_code == 200, catalogue.text
        codes = {rule["code"] for rule in catalogue.json()["items"]}
        assert "TEAM_PARK_NO_OFFICER" not in codes and "ORG_PARK_UNCOVERED" in codes
        counts = client.get("/gaps/counts")
        assert counts.status_code == 200 and "TEAM_PARK_NO_OFFICER" not in counts.text
        assert client.get("/gaps/TEAM_PARK_NO_OFFICER").status_code == 404
        assert client.get("/gaps/ORG_PARK_UNCOVERED").status_code == 200
