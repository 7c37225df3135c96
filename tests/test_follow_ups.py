"""整改台账 (follow-ups) against the real service on the demo region: taking a gap up, the
checks that refuse a bad one, scope, the audit trail, closing by hand and by itself when the
gap goes, overdue, and the ledger as a file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from graph_service.auth.principal import Principal, Role
from graph_service.config import Settings
from graph_service.db.accounts import add_account
from graph_service.db.database import Database
from graph_service.domain.calendar import today
from graph_service.main import create_app
from graph_service.services.demo import load_demo

RULE, AREA = "ORG_BUILDING_UNCOVERED", "A-ERQI"


@pytest.fixture
def demo(db: Database) -> Database:
    load_demo(db)
    return db


@pytest.fixture
def client(settings: Settings, demo: Database) -> Iterator[TestClient]:
    key = add_account(demo, Principal.cli(), "fu-admin", Role.ADMIN)
    with TestClient(create_app(settings), headers={"X-API-Key": key}) as test_client:
        yield test_client


def key_of(db: Database, name: str, role: Role, areas: list[str]) -> dict[str, str]:
    return {"X-API-Key": add_account(db, Principal.cli(), name, role, areas)}


def day(settings: Settings) -> dt.date:
    return today(settings.time_zone)


def first_gap(client: TestClient, rule: str = RULE, area: str = AREA) -> dict[str, Any]:
    page = client.get(f"/gaps/{rule}", params={"area": area, "limit": 1000}).json()
    assert page["total"] > 0, f"the demo region has no {rule} today"
    item: dict[str, Any] = page["items"][0]
    return item


def take_up(client: TestClient, gap: dict[str, Any], due: dt.date, **more: Any) -> Any:
    body = {"rule": gap["code"], "subject_id": gap["id"], "area": AREA, "handler": "李明",
            "due": due.isoformat(), "notes": "联系物业"} | more  # fmt: skip
    return client.post("/follow-ups", json=body)


def test_a_gap_taken_up_is_listed_audited_and_taken_up_once(
    client: TestClient, settings: Settings
) -> None:
    gap, due = first_gap(client), day(settings) + dt.timedelta(days=30)
    made = take_up(client, gap, due)
    assert made.status_code == 201, made.text
    follow_up = made.json()
    assert made.headers["Location"] == f"/follow-ups/{follow_up['id']}"
    assert follow_up | {"id": None} == follow_up | {
        "id": None, "rule": RULE, "subject_id": gap["id"], "subject_name": gap["name"],
        "area_id": gap["area_path"][-1]["id"], "handler": "李明", "due": due.isoformat(),
        "status": "open", "status_zh": "待整改", "overdue": False, "closed_on": None,
        "taken_on": day(settings).isoformat(), "created_by": "fu-admin",
    }  # fmt: skip
    assert client.get(f"/follow-ups/{follow_up['id']}").json() == follow_up

    listed = client.get("/follow-ups", params={"area": AREA}).json()
    assert [item["id"] for item in listed["items"]] == [follow_up["id"]]
    assert listed["total"] == 1 and listed["closed_now"] == 0

    again = take_up(client, gap, due)
    assert again.status_code == 409 and follow_up["id"] in again.json()["detail"]

    events = client.get("/audit", params={"action": "follow_up.add"}).json()["items"]
    assert [(e["target"], e["actor"]) for e in events] == [(follow_up["id"], "fu-admin")]


def test_what_is_not_a_gap_today_or_is_due_in_the_past_is_refused(
    client: TestClient, settings: Settings
) -> None:
    gap, due = first_gap(client), day(settings) + dt.timedelta(days=7)
    not_reported = take_up(client, gap | {"id": "U-LINLI"}, due)
    assert not_reported.status_code == 422
    assert not_reported.json()["detail"].startswith(f"规则 {RULE} 今天")
    past = take_up(client, gap, day(settings) - dt.timedelta(days=1))
    assert past.status_code == 422 and "整改期限" in past.json()["detail"]
    unknown = take_up(client, gap | {"code": "NO_SUCH_RULE"}, due)
    assert unknown.status_code == 404
    assert client.get("/follow-ups").json()["total"] == 0  # nothing was stored


def test_the_ledger_is_scoped_and_read_only_roles_cannot_write(
    client: TestClient, demo: Database, settings: Settings
) -> None:
    gap, due = first_gap(client), day(settings) + dt.timedelta(days=7)
    made = take_up(client, gap, due).json()
    inside = gap["area_path"][-1]["id"]
    # an organizer of the gap's own area sees it; one of another subdistrict does not
    own = key_of(demo, "fu-own", Role.ORGANIZER, [inside])
    assert [i["id"] for i in client.get("/follow-ups", headers=own).json()["items"]] == [made["id"]]
    other_area = next(a for a in ("A-JIANXIN", "A-HEPING-C", "A-LINYUAN")
                      if a != inside and client.get(f"/areas/{a}").status_code == 200)  # fmt: skip
    other = key_of(demo, "fu-other", Role.ORGANIZER, [other_area])
    assert client.get("/follow-ups", headers=other).json()["items"] == []
    assert client.get(f"/follow-ups/{made['id']}", headers=other).status_code == 404
    patched = client.patch(f"/follow-ups/{made['id']}", json={"notes": "x"}, headers=other)
    assert patched.status_code == 404
    viewer = key_of(demo, "fu-viewer", Role.VIEWER, [inside])
    assert client.patch(f"/follow-ups/{made['id']}", json={"notes": "x"},
                        headers=viewer).status_code == 403  # fmt: skip
    assert client.get(f"/follow-ups/{made['id']}").json()["notes"] == "联系物业"


def test_closing_by_hand_stamps_the_day_and_a_closed_one_stays_closed(
    client: TestClient, settings: Settings
) -> None:
    gap = first_gap(client)
    made = take_up(client, gap, day(settings) + dt.timedelta(days=7)).json()
    moved = client.patch(f"/follow-ups/{made['id']}",
                         json={"status": "in_progress", "handler": "王芳"}).json()  # fmt: skip
    assert (moved["status"], moved["status_zh"], moved["handler"]) == (
        "in_progress",
        "整改中",
        "王芳",
    )
    closed = client.patch(f"/follow-ups/{made['id']}", json={"status": "closed"}).json()
    assert (closed["status"], closed["closed_reason"], closed["closed_on"], closed["closed_by"]) \
        == ("closed", "by_hand", day(settings).isoformat(), "fu-admin")  # fmt: skip
    assert client.patch(f"/follow-ups/{made['id']}", json={"notes": "x"}).status_code == 409
    # the gap is still there, so it may be taken up again
    assert take_up(client, gap, day(settings) + dt.timedelta(days=7)).status_code == 201


def test_a_follow_up_closes_itself_when_its_gap_goes_and_overdue_ones_are_listed(
    client: TestClient, settings: Settings
) -> None:
    """Two gaps taken up; an uncovered building gets a covering organization (the candidate
    the service proposes, written as the console's 一键指派 writes it): its follow-up closes
    by itself, dated today, on the next look at the ledger; the other, moved past due, is
    overdue."""
    first = first_gap(client)
    counts = client.get("/gaps/counts", params={"area": AREA}).json()
    other_rule = next(code for code, n in sorted(counts.items()) if n and code != RULE)
    second = first_gap(client, other_rule)
    due = day(settings) + dt.timedelta(days=14)
    closing = take_up(client, first, due).json()
    staying = take_up(client, second, due).json()
    late = client.patch(
        f"/follow-ups/{staying['id']}",
        json={"due": (day(settings) - dt.timedelta(days=1)).isoformat()},
    )
    assert late.json()["overdue"] is True

    candidates = client.get(f"/entities/{first['id']}/candidates").json()["covering_orgs"]
    org = candidates[0]["candidate"]["id"]
    covered = client.post("/relationships/covers", json={
        "from_id": org, "to_id": first["id"], "since": day(settings).isoformat()})  # fmt: skip
    assert covered.status_code == 201, covered.text

    listed = client.get("/follow-ups", params={"area": AREA}).json()
    assert listed["closed_now"] == 1
    by_id = {item["id"]: item for item in listed["items"]}
    assert (by_id[closing["id"]]["status"], by_id[closing["id"]]["closed_reason"],
            by_id[closing["id"]]["closed_on"]) == ("closed", "gap_gone",
                                                   day(settings).isoformat())  # fmt: skip
    assert by_id[staying["id"]]["status"] == "open"
    assert [i["id"] for i in listed["items"]] == [staying["id"], closing["id"]]  # active first
    assert client.get("/follow-ups", params={"area": AREA}).json()["closed_now"] == 0

    overdue = client.get("/follow-ups", params={"overdue": "true"}).json()
    assert [i["id"] for i in overdue["items"]] == [staying["id"]]
    events = client.get("/audit", params={"action": "follow_up.close"}).json()["items"]
    assert [(e["actor"], e["targets"]) for e in events] == [("system:follow-ups", [closing["id"]])]


def test_the_ledger_downloads_as_csv_and_xlsx(client: TestClient, settings: Settings) -> None:
    gap = first_gap(client)
    made = take_up(client, gap, day(settings) + dt.timedelta(days=3),
                   notes="=HYPERLINK(\"http://x\")").json()  # fmt: skip
    got = client.get("/follow-ups", params={"format": "csv"})
    assert got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["台账编号 id", "问题类型 gap", "对象编号 subject"]
    assert rows[1][0] == made["id"] and rows[1][3] == gap["name"]
    assert rows[1][-1].startswith("'=")  # a formula typed as a note does not run
    book = load_workbook(io.BytesIO(client.get("/follow-ups", params={"format": "xlsx"}).content))
    sheet = book.active
    assert sheet is not None and sheet.title == "整改台账"
    assert sheet.cell(row=3, column=1).value == made["id"]  # below the title and header
