"""POST /imports over HTTP against the real Neo4j."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph_service.config import Settings
from graph_service.main import create_app

AREAS_GB18030 = "编号,名称,层级\r\nA-1,二七新村街道,街道\r\nA-2,建新社区,社区\r\n".encode("gb18030")
PART_OF = "起点编号,终点编号\r\nA-2,A-1\r\n".encode("gb18030")


def test_upload_gb18030_csv_files_then_reimport_changes_nothing(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    files = [
        ("files", ("区域.csv", AREAS_GB18030, "text/csv")),
        ("files", ("隶属区域.csv", PART_OF, "text/csv")),
    ]
    with TestClient(create_app(settings), headers=admin_headers) as client:
        dry = client.post("/imports", files=files, params={"dry_run": "true"})
        assert dry.status_code == 200 and not dry.json()["written"]
        assert client.get("/areas").json()["total"] == 0

        first = client.post("/imports", files=files)
        assert first.status_code == 200, first.text
        report = first.json()
        assert report["written"] and report["counts"]["Area"]["created"] == 2
        assert report["counts"]["PART_OF"]["created"] == 1
        assert len(report["digests"]["区域.csv"]) == 64

        again = client.post("/imports", files=files).json()
        assert again["totals"]["unchanged"] == 3 and again["totals"]["created"] == 0


def test_a_bad_upload_is_422_with_the_report_and_writes_nothing(
    settings: Settings, admin_headers: dict[str, str]
) -> None:
    bad = "编号,名称,层级\r\nA-1,二七新村街道,镇\r\n".encode("gb18030")
    with TestClient(create_app(settings), headers=admin_headers) as client:
        response = client.post("/imports", files=[("files", ("区域.csv", bad, "text/csv"))])
        assert response.status_code == 422
        problem = response.json()
        assert problem["report"]["problems"][0]["row"] == 2
        assert problem["report"]["problems"][0]["file"] == "区域.csv"
        assert "镇" in problem["detail"]
        assert client.get("/areas").json()["total"] == 0

        odd = client.post("/imports", files=[("files", ("notes.docx", b"x", "application/x"))])
        assert odd.status_code == 422 and "unsupported" in odd.json()["detail"]


def test_export_endpoint_returns_a_reimportable_file(
    settings: Settings, admin_headers: dict[str, str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the endpoint writes
    files = [
        ("files", ("区域.csv", AREAS_GB18030, "text/csv")),
        ("files", ("隶属区域.csv", PART_OF, "text/csv")),
    ]
    with TestClient(create_app(settings), headers=admin_headers) as client:
        assert client.post("/imports", files=files).status_code == 200
        exported = client.get("/exports", params={"format": "json"})
        assert exported.status_code == 200
        bundle = exported.json()
        assert {row["id"] for row in bundle["tables"]["areas"]} == {"A-1", "A-2"}
        again = client.post("/imports", files=[("files", ("e.json", exported.content, "x"))])
        assert again.json()["totals"]["unchanged"] == 3
        assert client.get("/exports", params={"format": "xlsx", "area": "NOPE"}).status_code == 404
        zipped = client.get("/exports", params={"format": "csv", "area": "A-1"})
        assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    # every export's folder is gone, the refused one's (unknown area) included
    assert list(tmp_path.glob("graph-export-*")) == []


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_xls_or_ods_workbook_uploads_and_its_dry_run_predicts_the_rerun(
    settings: Settings, admin_headers: dict[str, str], tmp_path: Path, suffix: str
) -> None:
    """What WPS, LibreOffice and old Excel save imports as XLSX does; a second dry run says
    every row would be left unchanged, as the real rerun then does."""
    from tests.test_readers import write_ods, write_xls

    sheets = {"区域": [["编号", "名称", "层级"], ["A-1", "二七新村街道", "街道"],
                       ["A-2", "建新社区", "社区"]],
              "隶属区域": [["起点编号", "终点编号"], ["A-2", "A-1"]]}  # fmt: skip
    path = (write_xls if suffix == ".xls" else write_ods)(tmp_path / f"region{suffix}", sheets)
    files = [("files", (f"辖区{suffix}", path.read_bytes(), "application/octet-stream"))]
    with TestClient(create_app(settings), headers=admin_headers) as client:
        first = client.post("/imports", files=files)
        assert first.status_code == 200, first.text
        assert first.json()["totals"]["created"] == 3
        dry = client.post("/imports", files=files, params={"dry_run": "true"}).json()
        assert not dry["written"] and dry["totals"] == {**dry["totals"], "unchanged": 3,
                                                        "created": 0, "updated": 0}  # fmt: skip
        assert client.post("/imports", files=files).json()["totals"]["unchanged"] == 3
