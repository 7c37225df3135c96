"""Query parameters that several routers take, each defined once.

``as_of`` is a date written YYYY-MM-DD and nothing else: left to pydantic, a date also
reads a number as seconds since 1970 (``as_of=0`` was 1970-01-01) and ``20260630``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from graph_service.api import openapi_examples as ex
from graph_service.domain.calendar import today
from graph_service.domain.models import iso_date


def _iso_only(value: Any) -> Any:
    return iso_date(value) if isinstance(value, str) else value


AsOfParam = Annotated[
    dt.date | None,
    BeforeValidator(_iso_only),
    Query(description="Only relationships valid on this date (YYYY-MM-DD) count (default: "
                      "today) / 截至日期（YYYY-MM-DD）",
          openapi_examples=ex.id_example("The demo region's date (empty: today) / 演示数据日期",
                                         ex.DEMO_AS_OF)),
]  # fmt: skip


def _as_of_day(request: Request, as_of: AsOfParam = None) -> dt.date:
    """The date a read holds on: ``as_of``, or today in the deployment's time zone
    (``TIME_ZONE``; see :mod:`graph_service.domain.calendar`)."""
    return as_of or today(request.app.state.settings.time_zone)


#: the query parameter ``as_of``, resolved to the date a read holds on
AsOf = Annotated[dt.date, Depends(_as_of_day)]


def _today(request: Request) -> dt.date:
    """Today in the deployment's time zone (``TIME_ZONE``)."""
    return today(request.app.state.settings.time_zone)


#: today's date where the service is deployed (follow-ups are due and close on dates)
Today = Annotated[dt.date, Depends(_today)]
