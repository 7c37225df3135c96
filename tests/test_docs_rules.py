"""docs/rules.md's rule catalogue is the one the declarations generate (docs/gen_rules.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from graph_service.domain.gaps import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_rules_page_is_generated_from_the_declarations() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "gen_rules.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr


def test_rules_page_names_every_rule_and_its_fix() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"### {rule.code}\n" in page
        assert rule.fix_zh in page
