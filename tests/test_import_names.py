"""Relationship ends given by name, and the template's example rows left in (issue 28,
item 3), against the real Neo4j: a unique name stands for its entity, an ambiguous or
unknown one is refused naming the candidates, and only what lies in the caller's areas
is a candidate."""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from graph_service.auth.principal import Principal, Role
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind, RelKind
from graph_service.domain.tables import NODE_TABLES, REL_TABLES
from graph_service.schemas.imports import ImportReportOut
from graph_service.services.imports import import_files
from loaders.template import example_rows
from tests.test_readers import write_csv

AREAS = [["编号", "名称", "层级"], ["A-ERQI", "二七新村街道", "街道"],
         ["A-JX", "建新社区", "社区"], ["A-HP1", "和平社区", "社区"],
         ["A-HP2", "和平社区", "社区"], ["A-OTHER", "七里山街道", "街道"]]  # fmt: skip
PARTS = [["起点编号", "终点编号"], ["A-JX", "A-ERQI"], ["A-HP1", "A-ERQI"], ["A-HP2", "A-ERQI"]]


def located_in(db: Database) -> set[tuple[str, str]]:
    records = db.driver.execute_query(
        "MATCH (u:Unit)-[:LOCATED_IN]->(a) RETURN u.id AS u, a.id AS a", database_=db.database
    ).records
    return {(r["u"], r["a"]) for r in records}


def test_unique_names_stand_for_ids_and_the_others_are_refused_with_candidates(
    db: Database, tmp_path: Path
) -> None:
    stored = [write_csv(tmp_path / "areas.csv", AREAS), write_csv(tmp_path / "part_of.csv", PARTS)]
    assert import_files(db, stored).ok
    folder = tmp_path / "units"
    folder.mkdir()
    write_csv(folder / "units.csv", [["编号", "名称", "单位类型"],
                                     ["U-1", "南郊热电厂", "国企"], ["U-2", "和顺商贸", "非公企业"],
                                     ["U-3", "二七新村派出所", "派出所"]])  # fmt: skip
    write_csv(folder / "located_in.csv", [
        ["起点编号", "终点编号"],
        ["南郊热电厂", "建新社区"],    # row 2: both by name (the input's, a stored one)
        ["U-2", "和平社区"],          # row 3: two areas are called so
        ["U-3", "建新小区"],          # row 4: nobody is: did you mean 建新社区?
        ["二七新村派出所", "A-ERQI"],  # row 5: a name and an id
    ])  # fmt: skip

    dry = import_files(db, [folder], dry_run=True, partial=True)
    report = import_files(db, [folder], partial=True)
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "终点编号 to_id"), (4, "终点编号 to_id")
    ]
    ambiguous, unknown = report.problems
    assert ambiguous.reason_zh.startswith("名称“和平社区”不唯一，共 2 个")
    assert "A-HP1" in ambiguous.reason_zh and "A-HP2" in ambiguous.reason_zh
    assert "A-HP1" in ambiguous.reason and "give the id" in ambiguous.reason
    assert unknown.reason_zh.startswith("引用不存在") and "是否应为" in unknown.reason_zh
    assert "A-JX（建新社区）" in unknown.reason_zh and "did you mean" in unknown.reason
    assert located_in(db) == {("U-1", "A-JX"), ("U-3", "A-ERQI")}
    # the dry run predicted exactly that
    assert dry.counts["LOCATED_IN"] == report.counts["LOCATED_IN"]
    assert report.counts["LOCATED_IN"].created == 2
    # and by name again, unchanged: the stored ends are found by name
    again = import_files(db, [folder / "located_in.csv"], partial=True)
    assert again.counts["LOCATED_IN"].unchanged == 2


def test_names_outside_the_callers_areas_are_no_candidates(db: Database, tmp_path: Path) -> None:
    stored = [write_csv(tmp_path / "areas.csv", AREAS), write_csv(tmp_path / "part_of.csv", PARTS)]
    assert import_files(db, stored).ok
    organizer = Principal(name="jx", role=Role.ORGANIZER, areas=("A-JX",))
    folder = tmp_path / "mine"
    folder.mkdir()
    write_csv(folder / "units.csv", [["编号", "名称", "单位类型"],
                                     ["U-9", "建新物业", "物业管理公司"]])  # fmt: skip
    write_csv(folder / "located_in.csv", [["起点编号", "终点编号"], ["建新物业", "七里山街道"]])
    report = import_files(db, [folder], dry_run=True, who=organizer)
    [problem] = report.problems
    # 七里山街道 lies outside A-JX: not found, not offered, not named
    assert problem.reason_zh.startswith("引用不存在") and "A-OTHER" not in problem.reason_zh
    write_csv(folder / "located_in.csv", [["起点编号", "终点编号"], ["建新物业", "建新社区"]])
    assert import_files(db, [folder], who=organizer).ok
    assert located_in(db) == {("U-9", "A-JX")}


@hypothesis_settings(max_examples=10, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(stored=st.lists(st.sampled_from("甲乙丙"), max_size=5),
       given_=st.lists(st.sampled_from("甲乙丙丁"), min_size=1, max_size=6),
       in_input=st.lists(st.sampled_from("甲乙丙"), max_size=2))  # fmt: skip
def test_a_name_is_taken_exactly_when_one_entity_of_an_allowed_kind_bears_it(
    db: Database, tmp_path_factory: Any, stored: list[str], given_: list[str],
    in_input: list[str],
) -> None:  # fmt: skip
    """Areas stored and in the input with colliding names; units placed by name. The
    oracle counts the areas bearing each name (a unit of that name never counts: units
    cannot be LOCATED_IN units)."""
    folder = tmp_path_factory.mktemp("names")
    token = secrets.token_hex(3)  # names and ids of this example only
    area_rows = [[f"A-{token}-s{n}", f"{token}{name}", "社区"] for n, name in enumerate(stored)]
    if area_rows:
        assert import_files(db, [write_csv(folder / "areas.csv", [["id", "name", "level"],
                                                                  *area_rows])]).ok  # fmt: skip
    bundle = folder / "bundle"
    bundle.mkdir()
    write_csv(bundle / "areas.csv", [["id", "name", "level"],
                                     *([f"A-{token}-i{n}", f"{token}{name}", "社区"]
                                       for n, name in enumerate(in_input))])  # fmt: skip
    units = [[f"U-{token}-{n}", f"{token}{name}", "企业"] for n, name in enumerate(given_)]
    write_csv(bundle / "units.csv", [["id", "name", "kind"], *units])
    write_csv(bundle / "located_in.csv", [["from_id", "to_id"],
                                          *([u[0], f"{token}{name}"]
                                            for u, name in zip(units, given_, strict=True))])
    report = import_files(db, [bundle] if in_input else [bundle / "units.csv",
                                                         bundle / "located_in.csv"],
                          dry_run=True, partial=True)  # fmt: skip

    bearing = Counter(stored) + Counter(in_input)
    refused = {p.row for p in report.problems}
    assert {p.column for p in report.problems} <= {"终点编号 to_id"}
    for row, name in enumerate(given_, start=2):
        assert (row in refused) == (bearing[name] != 1), (name, bearing)
    assert report.counts["LOCATED_IN"].created == sum(bearing[n] == 1 for n in given_)


def test_the_templates_example_rows_are_imported_with_a_warning(
    db: Database, tmp_path: Path
) -> None:
    areas, part_of = NODE_TABLES[NodeKind.AREA], REL_TABLES[RelKind.PART_OF]
    examples = example_rows(areas)
    link = example_rows(part_of)[0]
    rows = [["id", "name", "level"], *([r["id"], r["name"], r["level"]] for r in examples),
            ["A-REAL", "建新社区", "社区"]]  # fmt: skip
    files = [write_csv(tmp_path / "areas.csv", rows),
             write_csv(tmp_path / "part_of.csv", [["from_id", "to_id"],
                                                  [link["from_id"], link["to_id"]],
                                                  ["A-REAL", examples[0]["id"]]])]  # fmt: skip
    report = import_files(db, files, dry_run=True)
    assert report.ok  # warned, not refused
    assert [(w.file, w.row) for w in report.warnings] == [
        ("areas.csv", 2), ("areas.csv", 3), ("part_of.csv", 2)
    ]
    assert all(w.reason_zh.startswith("这是模板中的虚构示例行") for w in report.warnings)
    assert report.counts["Area"].created == 3
    body = ImportReportOut.model_validate(report.as_dict())
    assert [w.row for w in body.warnings] == [2, 3, 2]
