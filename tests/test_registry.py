"""The query registry refuses malformed files, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_service.db.registry import Mode, QueryRegistry, parse_query_file
from graph_service.domain.kinds import NodeKind
from graph_service.errors import QueryFileError


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.cypher"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_project_query_loads(registry: QueryRegistry) -> None:
    assert "ping" in registry
    assert registry["ping"].mode is Mode.READ
    assert [q.name for q in registry.schema()] == ["constraints", "indexes"]


def test_declared_but_unused_parameter_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "q",
        "// name: q\n// mode: read\n// params: id, kind\nMATCH (n {id: $id}) RETURN n\n",
    )
    with pytest.raises(QueryFileError) as info:
        QueryRegistry.load(tmp_path)
    assert f"{path}:3" in str(info.value)
    assert "declared but not used: ['kind']" in str(info.value)


def test_used_but_undeclared_parameter_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "q", "// name: q\n// mode: write\n// params:\nCREATE (n {id: $id})\n")
    with pytest.raises(QueryFileError, match=r"used but not declared: \['id'\]"):
        QueryRegistry.load(tmp_path)


def test_parameters_inside_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    path = write(
        tmp_path, "q",
        "// name: q\n// mode: read\n// params: a\nRETURN $a, '$notparam' // $nor_this\n",
    )  # fmt: skip
    assert parse_query_file(path).params == frozenset({"a"})


def test_missing_header_and_bad_mode_and_wrong_name(tmp_path: Path) -> None:
    with pytest.raises(QueryFileError, match="name"):
        parse_query_file(write(tmp_path, "a", "// mode: read\n// params:\nRETURN 1\n"))
    with pytest.raises(QueryFileError, match=r"b.cypher:2: mode 'rw'"):
        parse_query_file(write(tmp_path, "b", "// name: b\n// mode: rw\n// params:\nRETURN 1\n"))
    with pytest.raises(QueryFileError, match="must equal the file name"):
        parse_query_file(write(tmp_path, "c", "// name: d\n// mode: read\n// params:\nRETURN 1\n"))


def test_placeholders_take_only_enumeration_members(tmp_path: Path) -> None:
    query = parse_query_file(
        write(tmp_path, "q", "// name: q\n// mode: read\n// params:\n// placeholders: label\n"
              "MATCH (n:{{label}}) RETURN n\n")
    )  # fmt: skip
    assert query.render(label=NodeKind.UNIT) == "MATCH (n:Unit) RETURN n"
    with pytest.raises(TypeError):
        query.render(label="Unit) DETACH DELETE (n")  # type: ignore[arg-type]


@given(
    st.sets(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), max_size=5),
    st.sets(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), max_size=5),
)
def test_registry_accepts_exactly_when_declared_equals_used(
    declared: set[str], used: set[str]
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        body = "RETURN " + (", ".join(f"${p}" for p in sorted(used)) or "1")
        path = write(
            Path(folder),
            "q",
            f"// name: q\n// mode: read\n// params: {', '.join(sorted(declared))}\n{body}\n",
        )
        if declared == used:
            assert parse_query_file(path).params == frozenset(used)
        else:
            with pytest.raises(QueryFileError, match="declared and used parameters differ"):
                parse_query_file(path)


def test_a_query_of_requests_takes_only_the_list_of_them(tmp_path: Path) -> None:
    body = "UNWIND range(0, size($requests) - 1) AS request RETURN request\n"
    good = parse_query_file(write(tmp_path, "q", "// name: q\n// mode: read\n// params: requests"
                                                  "\n// requests: id, as_of\n" + body))  # fmt: skip
    assert good.requests == {"id", "as_of"} and good.params == {"requests"}
    assert not parse_query_file(write(tmp_path, "r", "// name: r\n// mode: read\n// params:\n"
                                                     "RETURN 1\n")).requests  # fmt: skip
    with pytest.raises(QueryFileError, match=r"s.cypher:4: a query answering several"):
        parse_query_file(write(tmp_path, "s", "// name: s\n// mode: read\n// params: requests, "
                               "id\n// requests: id\n" + body.replace("RETURN", "RETURN $id,")))
    with pytest.raises(QueryFileError, match=r"t.cypher:4: a query answering several"):
        parse_query_file(write(tmp_path, "t", "// name: t\n// mode: write\n// params: requests"
                                              "\n// requests: id\n" + body))  # fmt: skip


def test_an_include_may_give_a_fragment_parameter_a_value_of_the_query(tmp_path: Path) -> None:
    fragments = tmp_path / "_fragments"
    fragments.mkdir()
    (fragments / "in_scope.cypher").write_text(
        "// fragment: in_scope\n// params: scope\n({{node}}.area IN $scope OR $scope IS NULL)\n"
    )
    write(tmp_path, "q", "// name: q\n// mode: read\n// params: requests\n// requests: scope\n"
          "UNWIND $requests AS req MATCH (x) WHERE {{> in_scope x scope=req.scope}} RETURN x\n")
    text = QueryRegistry.load(tmp_path)["q"].text
    assert "(x.area IN req.scope OR req.scope IS NULL)" in text and "$scope" not in text
    write(tmp_path, "q", "// name: q\n// mode: read\n// params: scope\n"
          "MATCH (x) WHERE {{> in_scope x areas=req.scope}} RETURN x\n")
    with pytest.raises(QueryFileError, match=r"q.cypher: body line 1: fragment 'in_scope' has "
                                             r"no parameter \$areas"):
        QueryRegistry.load(tmp_path)
