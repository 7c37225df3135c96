"""docs/configuration.md names every setting the service reads, and nothing it does not."""

from __future__ import annotations

import re
from pathlib import Path

from graph_service.config import Settings

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", DOC.read_text(encoding="utf-8")))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from docs/configuration.md"
    assert {name for name in documented - fields if "_" in name} == set(), "unknown settings"
