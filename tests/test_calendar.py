""""Today" is the deployment's date (TIME_ZONE, by default Asia/Shanghai), not the server
clock's: in a container running in UTC, before 08:00 Beijing time it was still yesterday."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from graph_service.config import Settings
from graph_service.domain.calendar import DEFAULT_ZONE, today
from graph_service.main import create_app

MOMENTS = st.datetimes(min_value=dt.datetime(1992, 1, 1), max_value=dt.datetime(2099, 12, 31),
                       timezones=st.just(dt.UTC))  # fmt: skip


@given(MOMENTS)
def test_in_beijing_the_day_starts_at_16_00_utc(moment: dt.datetime) -> None:
    """China keeps UTC+8 all year (no summer time since 1991)."""
    beijing = today(DEFAULT_ZONE, moment)
    utc = moment.date()
    assert beijing == (utc + dt.timedelta(days=1) if moment.hour >= 16 else utc)


def test_early_morning_in_beijing_is_already_today() -> None:
    seven_am_beijing = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC) - dt.timedelta(days=1)
    assert today("Asia/Shanghai", seven_am_beijing) == dt.date(2026, 12, 2)
    assert today("UTC", seven_am_beijing) == dt.date(2026, 12, 1)


def test_an_unknown_zone_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match="no time zone named 'Asia/Peking-Nowhere'"):
        Settings(time_zone="Asia/Peking-Nowhere")


@pytest.fixture
def two_zones(settings: Settings, admin_headers: dict[str, str]) -> Iterator[list[TestClient]]:
    """Two apps over one database, 25 hours apart: their todays always differ."""
    apps = [create_app(settings.model_copy(update={"time_zone": zone}))
            for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago")]  # fmt: skip
    with TestClient(apps[0], headers=admin_headers) as east, \
         TestClient(apps[1], headers=admin_headers) as west:  # fmt: skip
        person = {"id": "P-1", "name": "示例指导员", "party_status": "正式党员"}
        assert east.post("/persons", json=person).status_code == 201
        yield [east, west]


def test_a_question_without_a_date_holds_on_today_in_the_deployments_zone(
    two_zones: list[TestClient],
) -> None:
    east, west = two_zones
    answers = [client.get("/entities/P-1/portfolio") for client in (east, west)]
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    dates = [dt.date.fromisoformat(a.json()["as_of"]) for a in answers]
    # read the clocks after the answers: a date line crossed meanwhile shows here
    expected = [today("Pacific/Kiritimati"), today("Pacific/Pago_Pago")]
    assert dates == expected and dates[0] != dates[1]
    # a date given is the date used, whatever the zone
    given_date = west.get("/entities/P-1/portfolio", params={"as_of": "2026-06-30"})
    assert given_date.json()["as_of"] == "2026-06-30"
