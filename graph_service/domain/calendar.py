"""Which day it is, where the service is used.

"Today" — the date a question holds on when it names none — is the date on the deployment's
clock (``TIME_ZONE``, by default Asia/Shanghai), not the server's: a container runs in UTC,
where before 08:00 Beijing time it is still yesterday.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as Asia/Shanghai); ValueError if
    there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"没有这个时区 / no time zone named '{name}' (an IANA name such as "
                         f"{DEFAULT_ZONE})") from None  # fmt: skip


def today(zone_name: str, now: dt.datetime | None = None) -> dt.date:
    """The date in ``zone_name`` at ``now`` (default: this moment)."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(zone(zone_name)).date()
