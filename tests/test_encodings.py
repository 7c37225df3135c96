"""CSV encodings: whatever encoding a CSV is saved in, the names stored in Neo4j are the
names written, and the import report says which encoding each file was read in.

The hard case (issue 30, item 11): 1,920 common characters (一 为 业 专 伟 …) are GB18030
byte pairs that also form valid UTF-8. A GB18030 ``units.csv`` with English headers and
only such characters is valid UTF-8 from its first byte to its last, and was stored as
mojibake (伟业专为 as ΰҵרΪ) without a word.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.db.database import Database
from graph_service.main import create_app
from graph_service.services.imports import import_files

# Chinese characters whose GB18030 bytes are valid UTF-8 (of the 1,920), in unit names.
TREACHEROUS = ["伟业专为", "一为业专伟", "元平农业", "太平庄", "协同印刷"]
# with English headers: no byte of the file outside these names says "not UTF-8"
UNITS = "id,name,kind\r\n" + "".join(
    f"U-{n},{name},enterprise\r\n" for n, name in enumerate(TREACHEROUS)
)


def test_the_trap_is_real() -> None:
    data = UNITS.encode("gb18030")
    misread = data.decode("utf-8")  # no error: that is the trap
    assert "伟" not in misread and "ΰҵרΪ" in misread


def _stored_names(db: Database) -> dict[str, str]:
    rows = db.execute_read(
        lambda tx: tx.run("MATCH (u:Unit) RETURN u.id AS id, u.name AS name").values()
    )
    return {row[0]: row[1] for row in rows}


BUNDLE = '{"tables": {"areas": [{"id": "A-2", "name": "建新社区", "level": "社区"}]}}'
EXPECTED = {f"U-{n}": name for n, name in enumerate(TREACHEROUS)}


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")],
)
def test_units_csv_in_any_encoding_stores_the_names_written(
    db: Database, tmp_path: Path, encoding: str, reported: str
) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(UNITS.encode(encoding))
    report = import_files(db, [path])
    assert report.problems == [] and report.written
    assert report.encodings == {"units.csv": reported}
    assert report.as_dict()["encodings"] == {"units.csv": reported}
    assert _stored_names(db) == EXPECTED


def test_utf8_with_greek_cyrillic_and_accents_stays_utf8(db: Database, tmp_path: Path) -> None:
    """The other way round: a UTF-8 file whose bytes are also valid GB18030 (Café is
    Caf茅 in GB18030, Москва is 袦芯褋泻胁邪) is read as UTF-8."""
    names = ["Café Lüshun", "Москва", "Ελληνικά", "Zürich·Société"]
    text = "id,name,kind\r\n" + "".join(f"U-{n},{v},enterprise\r\n" for n, v in enumerate(names))
    assert text.encode("utf-8").decode("gb18030") != text  # valid both ways
    path = tmp_path / "units.csv"
    path.write_bytes(text.encode("utf-8"))
    report = import_files(db, [path])
    assert report.written and report.encodings == {"units.csv": "utf-8"}
    assert _stored_names(db) == {f"U-{n}": v for n, v in enumerate(names)}


def test_the_upload_report_names_each_files_encoding(settings: Settings, db: Database) -> None:
    from graph_service.auth.principal import Principal, Role
    from graph_service.db.accounts import add_account

    key = add_account(db, Principal.cli(), "root", Role.ADMIN)
    areas = "编号,名称,层级\r\nA-1,二七新村街道,街道\r\n".encode("gbk")
    files = [
        ("files", ("units.csv", io.BytesIO(UNITS.encode("gb18030")), "text/csv")),
        ("files", ("区域.csv", io.BytesIO(areas), "text/csv")),
        ("files", ("bundle.json", io.BytesIO(BUNDLE.encode()), "application/json")),
    ]
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as client:
        answer = client.post("/imports", files=files)
        assert answer.status_code == 200, answer.text
        assert answer.json()["encodings"] == {
            "units.csv": "gb18030", "区域.csv": "gb18030", "bundle.json": "utf-8"
        }  # fmt: skip
        unit = client.get("/units/U-0").json()
        assert unit["name"] == "伟业专为"
    assert _stored_names(db) == EXPECTED
