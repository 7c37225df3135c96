"""The region generator and the demo region: valid rows, sound references, a true manifest."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph_service.domain.gaps import RULES
from graph_service.domain.kinds import REL_SPECS, NodeKind, RelKind
from graph_service.domain.tables import REL_TABLES, TABLES, table_named
from graph_service.domain.terms import overlaps
from loaders.demo import DEMO_AS_OF, DEMO_BUNDLE
from loaders.generator import SCALES, ScaleSpec, generate, generate_region, main
from loaders.ground_truth import evaluate_gaps, typed_rows

Tables = dict[str, list[dict[str, Any]]]
ALL_CODES = [rule.code for rule in RULES]
MEMBER_UNITS = (
    "济南市科学技术协会", "济南市工商行政管理局", "济南旧城开发投资集团有限公司",
    "济南热电有限公司南郊热电厂", "济南绿地泉景地产股份有限公司", "济南市市中区教育局",
    "济南市市中区城乡建设委员会", "二七新村派出所",
)  # fmt: skip
# two districts of three subdistricts of three communities: every level repeats, quickly
SMALL_CITY = ScaleSpec(2, 3, 3, 10, 15, 8, plant_everything=True)


def read_bundle(directory: Path) -> Tables:
    """Every CSV of a generated bundle, read back and validated by the models."""
    tables: Tables = {}
    for table in TABLES:
        path = directory / f"{table.key}.csv"
        if not path.exists():  # a table with no row is not written
            tables[table.key] = []
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            assert header == [column.header for column in table.columns], table.key
            fields = [column.field for column in table.columns]
            tables[table.key] = list(
                typed_rows(table, (dict(zip(fields, row, strict=True)) for row in reader))
            )
    return tables


def read_demo() -> Tables:
    document = yaml.safe_load(DEMO_BUNDLE.read_text(encoding="utf-8"))
    assert document["format"] == "regional-party-network" and document["version"] == 1
    tables: Tables = {}
    for name, rows in document["tables"].items():
        table = table_named(name)
        assert table is not None and table.key == name, name
        tables[name] = list(typed_rows(table, rows))
    return tables


def node_kinds(tables: Tables) -> dict[str, NodeKind]:
    """Every node id and its kind; ids are unique across all kinds."""
    kinds: dict[str, NodeKind] = {}
    for table in TABLES:
        if isinstance(table.kind, NodeKind):
            for row in tables.get(table.key, ()):
                assert row["id"] not in kinds, f"duplicate id {row['id']}"
                kinds[row["id"]] = table.kind
    return kinds


def assert_references_sound(tables: Tables) -> None:
    kinds = node_kinds(tables)
    for table in TABLES:
        if isinstance(table.kind, RelKind):
            spec = REL_SPECS[table.kind]
            for row in tables.get(table.key, ()):
                assert kinds.get(row["from_id"]) in spec.sources, (table.key, row)
                assert kinds.get(row["to_id"]) in spec.targets, (table.key, row)


def as_manifest(gaps: dict[str, set[tuple[str, str | None]]]) -> dict[str, list[list[Any]]]:
    return {
        code: [list(pair) for pair in sorted(pairs, key=lambda p: (p[0], p[1] or ""))]
        for code, pairs in gaps.items()
    }


def files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def subdistrict(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(7, "subdistrict", tmp_path_factory.mktemp("subdistrict"))


@pytest.fixture(scope="module")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_region(11, SMALL_CITY, tmp_path_factory.mktemp("small_city"))


# ---- the generator -------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_bytes(subdistrict: Path, tmp_path: Path) -> None:
    again = generate(7, "subdistrict", tmp_path / "again")
    assert files(again) == files(subdistrict)
    other = generate(8, "subdistrict", tmp_path / "other")
    assert files(other)["units.csv"] != files(subdistrict)["units.csv"]


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """No set is iterated: two processes with different hash seeds write the same bytes."""
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-m", "loaders.generator", "--seed", "3", "--scale", "community",
             "--out", str(tmp_path / hash_seed)],
            check=True, env=env, capture_output=True, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
    assert files(tmp_path / "1") == files(tmp_path / "2")


def test_every_row_validates_and_every_reference_is_sound(subdistrict: Path) -> None:
    tables = read_bundle(subdistrict)
    assert_references_sound(tables)
    assert all(row["illustrative"] for rows in tables.values() for row in rows)


def test_the_manifest_is_the_evaluation_of_the_rules_over_the_files(subdistrict: Path) -> None:
    manifest = json.loads((subdistrict / "manifest.json").read_text(encoding="utf-8"))
    tables = read_bundle(subdistrict)
    assert manifest["seed"] == 7 and manifest["scale"] == "subdistrict"
    assert manifest["as_of"] == "2026-06-30"
    assert manifest["counts"] == {key: len(rows) for key, rows in tables.items()}
    assert list(manifest["gaps"]) == ALL_CODES
    assert manifest["gaps"] == as_manifest(evaluate_gaps(tables, dt.date(2026, 6, 30)))


def test_a_region_with_repeated_levels_is_sound_and_its_manifest_true(small_city: Path) -> None:
    manifest = json.loads((small_city / "manifest.json").read_text(encoding="utf-8"))
    tables = read_bundle(small_city)
    assert_references_sound(tables)
    levels = [row["level"] for row in tables["areas"]]
    assert levels.count("district") == 2 and levels.count("subdistrict") >= 4
    assert manifest["gaps"] == as_manifest(evaluate_gaps(tables, dt.date(2026, 6, 30)))
    assert all(manifest["gaps"][code] for code in ALL_CODES)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_every_rule_fails_somewhere_in_a_subdistrict(seed: int, tmp_path: Path) -> None:
    manifest = json.loads((generate(seed, "subdistrict", tmp_path) / "manifest.json").read_text())
    missing = [code for code in ALL_CODES if not manifest["gaps"][code]]
    assert missing == []


def test_gaps_are_planted_at_realistic_rates(subdistrict: Path) -> None:
    manifest = json.loads((subdistrict / "manifest.json").read_text(encoding="utf-8"))
    tables = read_bundle(subdistrict)
    commercial = [b for b in tables["buildings"] if b["kind"] in ("commercial", "mixed")]
    uncovered = len(manifest["gaps"]["ORG_BUILDING_UNCOVERED"]) / len(commercial)
    assert 0.1 <= uncovered <= 0.35
    members = [p for p in tables["persons"] if p["party_status"] != "none"]
    assert len(manifest["gaps"]["VERT_MEMBER_NO_BRANCH"]) < 0.05 * len(members)


def test_the_scales_have_their_sizes(tmp_path: Path) -> None:
    community = json.loads((generate(5, "community", tmp_path) / "manifest.json").read_text())
    areas = read_bundle(tmp_path)["areas"]
    assert [a["level"] for a in areas].count("community") == 1
    assert 20 <= community["counts"]["units"] <= 60
    assert SCALES["city"].districts * SCALES["city"].subdistricts == 100


def test_dates_relative_to_another_as_of(tmp_path: Path) -> None:
    as_of = dt.date(2030, 1, 1)
    generate(2, "subdistrict", tmp_path, as_of=as_of)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["as_of"] == "2030-01-01"
    assert all(manifest["gaps"][code] for code in ALL_CODES)


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate(1, "province", tmp_path)


def test_main_writes_a_bundle_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--seed", "4", "--scale", "community", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "manifest.json").exists() and (tmp_path / "units.csv").exists()
    assert "community region" in capsys.readouterr().out


# ---- the demo region -----------------------------------------------------------------------


def rows_by_id(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def test_the_demo_validates_and_its_references_are_sound() -> None:
    tables = read_demo()
    assert_references_sound(tables)
    assert 60 <= len(node_kinds(tables)) <= 150


def test_the_demo_holds_the_eight_member_units_with_claimed_projects() -> None:
    tables = read_demo()
    units = {row["name"]: row for row in tables["units"]}
    big = next(c for c in tables["committees"] if c["kind"] == "big_working_committee")
    assert big["name"] == "二七新村街道大工委" and big["founded"].month == 5
    assert big["founded"].day == 24 and "年份" in big["note"]
    members = {r["from_id"] for r in tables["member_unit_of"] if r["to_id"] == big["id"]}
    for name in MEMBER_UNITS:
        unit = units[name]
        assert unit["id"] in members and unit["illustrative"] is False and unit["note"]
        claims = [r for r in tables["claimed"] if r["from_id"] == unit["id"]]
        assert [r["signed"] for r in claims] == [big["founded"]]
    assert len(members) == 8


def test_the_demo_holds_the_people_and_bodies_of_the_article() -> None:
    tables = read_demo()
    persons = {row["name"]: row for row in tables["persons"]}
    units = {row["name"]: row for row in tables["units"]}
    orgs = rows_by_id(tables["party_orgs"])
    committees = {row["name"]: row for row in tables["committees"]}
    jia, zhang = persons["贾汝兴"], persons["张新建"]
    (secretary,) = [r for r in tables["member_of"] if r["from_id"] == jia["id"]]
    assert secretary["role"] == "书记" and orgs[secretary["to_id"]]["kind"] == "working_committee"
    (job,) = [r for r in tables["employed_by"] if r["from_id"] == zhang["id"]]
    assert job["position"] == "副部长" and job["to_id"] == units["中共济南市市中区委组织部"]["id"]
    big, jianxin = committees["二七新村街道大工委"], committees["建新社区综合党委"]
    assert jianxin["kind"] == "community" and jianxin["illustrative"] is False
    leads = {(r["from_id"], r["to_id"]) for r in tables["leads"]}
    assert (secretary["to_id"], big["id"]) in leads
    areas = {row["name"]: row["id"] for row in tables["areas"]}
    assert {(r["from_id"], r["to_id"]) for r in tables["located_in"]} >= {
        (big["id"], areas["二七新村街道"]), (jianxin["id"], areas["建新社区"])
    }  # fmt: skip
    chain = {(r["from_id"], r["to_id"]) for r in tables["part_of"]}
    assert {(areas["市中区"], areas["济南市"]), (areas["二七新村街道"], areas["市中区"]),
            (areas["建新社区"], areas["二七新村街道"])} <= chain  # fmt: skip
    centre = units["二七群益社会组织服务孵化中心"]
    assert any(r["from_id"] == centre["id"] for r in tables["incubates"])
    assert any(o["kind"] == "social_org_committee" for o in orgs.values())
    unit_kinds = {row["id"]: row["kind"] for row in tables["units"]}
    jianxin_members = {
        unit_kinds[r["from_id"]] for r in tables["member_unit_of"] if r["to_id"] == jianxin["id"]
    }
    assert {"residents_committee", "owners_committee", "property_management",
            "social_organization", "public_institution"} <= jianxin_members  # fmt: skip


def test_every_demo_row_says_whether_it_is_illustrative() -> None:
    document = yaml.safe_load(DEMO_BUNDLE.read_text(encoding="utf-8"))
    for name, rows in document["tables"].items():
        for row in rows:
            assert "illustrative" in row, (name, row)
            if table_named(name).is_node and row["illustrative"] is False:  # type: ignore[union-attr]
                assert row.get("note"), (name, row["id"])


def test_every_rule_fails_in_the_demo() -> None:
    found = evaluate_gaps(read_demo(), DEMO_AS_OF)
    assert [code for code in ALL_CODES if not found[code]] == []
    assert ("U-WUYE", "CM-JIANXIN") in found["LEAD_UNIT_UNREPRESENTED"]
    member_ids = {row["id"] for row in read_demo()["units"] if row["name"] in MEMBER_UNITS}
    for code in ("LEAD_UNIT_UNREPRESENTED", "REACH_UNIT_UNTIED", "SCHED_NO_CLAIMED_PROJECT"):
        assert not {subject for subject, _ in found[code]} & member_ids, code


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_terms_of_one_pair_never_overlap_and_renewals_are_planted(
    tmp_path: Path, seed: int
) -> None:
    """The same two nodes may be joined again (a second term), never over overlapping dates;
    the generator plants such renewals of assignments, and the answer key counts a renewed
    expiry as closed."""
    generate(seed, "subdistrict", tmp_path)
    tables = read_bundle(tmp_path)
    repeated: dict[str, int] = {}
    for table in REL_TABLES.values():
        by_pair: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
        for row in tables[table.key]:
            by_pair.setdefault((row["from_id"], row["to_id"]), []).append(
                (row.get("since"), row.get("until"))
            )
        for pair, periods in by_pair.items():
            for i, a in enumerate(periods):
                for b in periods[i + 1:]:
                    assert not overlaps(a, b), (table.key, pair, a, b)
        repeated[table.key] = sum(1 for periods in by_pair.values() if len(periods) > 1)
    assert repeated["assigned_to"] + repeated["paired_with"] > 0
