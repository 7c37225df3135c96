"""``graph-service load`` shows the import's warnings (issue 28: the template's example
rows left in) after the counts and before the problems, Chinese first, at 80 and 120
columns: no line wider than the terminal, no id or Latin word broken, every character of
each message shown. Driven through the real CLI (typer's runner) against the session's
Neo4j; the messages are checked against the report the same run writes with
``--report-json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from graph_service.cli import app
from graph_service.cli_output import problem_text
from graph_service.db.database import Database
from graph_service.domain.kinds import NodeKind
from graph_service.domain.tables import NODE_TABLES
from loaders.problems import Problem
from loaders.template import example_rows
from tests.conftest import Neo4jUnderTest
from tests.test_readers import write_csv


def _blocks(printed: str, marker: str) -> list[tuple[int, str]]:
    """Each message starting with ``marker``: its first line's number and its text, its
    continuation lines (indented) joined on."""
    lines = printed.splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith(marker):
            text = [line]
            for more in lines[number + 1:]:
                if not more.startswith("  "):
                    break
                text.append(more.strip())
            found.append((number, "\n".join(text)))
    return found


@pytest.mark.parametrize("width", [80, 120])
def test_load_shows_the_warnings_after_the_counts_and_before_the_problems(
    db: Database, neo4j_server: Neo4jUnderTest, tmp_path: Path, width: int
) -> None:
    examples = example_rows(NODE_TABLES[NodeKind.AREA])
    areas = write_csv(tmp_path / "areas.csv", [
        ["id", "name", "level"], *([r["id"], r["name"], r["level"]] for r in examples),
        ["A-REAL", "建新社区", "社区"], ["A-BAD", "和平社区", "镇"],  # a level of no list
    ])  # fmt: skip
    report_json = tmp_path / "report.json"
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USER": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "COLUMNS": str(width)}  # fmt: skip
    done = CliRunner().invoke(app, ["load", "--partial", "--report-json", str(report_json),
                                    str(areas)], env=env, catch_exceptions=False)  # fmt: skip
    printed = done.stdout
    assert done.exit_code == 0, printed  # --partial: the good rows are written
    report = json.loads(report_json.read_text(encoding="utf-8"))
    warnings = [Problem(**w) for w in report["warnings"]]
    problems = [Problem(**p) for p in report["problems"]]
    assert [w.row for w in warnings] == [2 + i for i in range(len(examples))] and problems

    assert all(cell_len(line) <= width for line in printed.splitlines()), printed
    shown_warnings = _blocks(printed, "! 警告 warning: ")
    shown_problems = _blocks(printed, "✗ ")
    table_end = max(n for n, line in enumerate(printed.splitlines()) if line.startswith("└"))
    assert table_end < shown_warnings[0][0] and shown_warnings[-1][0] < shown_problems[0][0]
    for given, (_, shown) in zip([*warnings, *problems], [*shown_warnings, *shown_problems],
                                 strict=True):  # fmt: skip
        message = problem_text(given)
        assert message.index(given.reason_zh) < message.index(given.reason)  # Chinese first
        assert "".join(shown.split()).endswith("".join(message.split()))  # every character
        shown_words = set(re.findall(r"[A-Za-z0-9_.'-]+", shown))
        assert set(re.findall(r"[A-Za-z0-9_.'-]+", message)) <= shown_words  # none broken
    assert "EX-AREA-1" in shown_warnings[0][1] and "这是模板中的虚构示例行" in shown_warnings[0][1]

    with db.driver.session(database=db.database) as session:
        stored = {r["id"] for r in session.run("MATCH (n:Area) RETURN n.id AS id")}
    assert stored == {r["id"] for r in examples} | {"A-REAL"}  # warned rows imported
