"""A gap rule is one declaration and one condition: the registry composes its page and count
queries, and refuses a rule without its condition file or a condition file without its rule."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graph_service.db.registry import QueryRegistry, fill
from graph_service.domain.gaps import DECLARED
from graph_service.errors import QueryFileError

CYPHER = Path(__file__).resolve().parent.parent / "cypher"


def test_every_rule_has_a_composed_page_and_count(registry: QueryRegistry) -> None:
    for rule in DECLARED:
        page, count = registry[rule.code.lower()], registry[f"{rule.code.lower()}_count"]
        assert page.path == count.path == CYPHER / "gaps" / f"{rule.code.lower()}.cypher"
        assert {"skip", "limit"} <= page.params and "areas" in count.params
        assert "{{" not in page.text and "{{" not in count.text
        assert re.search(r"ORDER BY impact DESC, id(, related_id)?$", page.text.rstrip())


def test_conditions_paste_no_shared_predicate() -> None:
    """The current-relationship test and the walks down from an area are fragments."""
    for path in sorted((CYPHER / "gaps").glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        assert "since IS NULL" not in text, path
        assert "PART_OF*0..8" not in text, path
        assert not (CYPHER / "gaps" / "counts").exists()


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "cypher"
    shutil.copytree(CYPHER, root)
    return root


def test_a_rule_without_its_condition_file_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "gaps" / "team_park_no_officer.cypher").unlink()
    with pytest.raises(QueryFileError, match=r"TEAM_PARK_NO_OFFICER.*no condition file"):
        QueryRegistry.load(root)


def test_a_condition_file_without_its_rule_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    shutil.copy(root / "gaps" / "team_park_no_officer.cypher", root / "gaps" / "team_x.cypher")
    with pytest.raises(QueryFileError, match=re.escape("team_x.cypher:1") + ".*TEAM_X"):
        QueryRegistry.load(root)


def test_a_condition_must_declare_what_it_uses(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "gaps" / "org_park_uncovered.cypher"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("// params: as_of, area", "// params: as_of, area, skip"))
    with pytest.raises(QueryFileError, match=r"org_park_uncovered.cypher: declared and used.*skip"):
        QueryRegistry.load(root)


def test_a_header_variable_must_be_a_name(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "gaps" / "lead_unit_unrepresented.cypher"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("// carries: c", "// carries: c}) DETACH DELETE (c"))
    with pytest.raises(QueryFileError, match="not a variable"):
        QueryRegistry.load(root)


def test_fill_indents_a_slot_alone_on_its_line_and_drops_an_empty_one() -> None:
    assert fill("A\n  {{x}}\nB{{y}}\n{{z}}\nC", x="1\n2", y=", c", z="") == "A\n  1\n  2\nB, c\nC"
