"""Roles and the principal a request or CLI command acts as.

=========  ============================================  =============  =============
role       reads and writes                              area scope     personal data
=========  ============================================  =============  =============
admin      everything, accounts, the audit log           whole graph    shown
organizer  reads and writes inside its areas             1+ subtrees    shown
viewer     reads inside its areas                        1+ subtrees    masked
service    reads, writes and bulk import/export inside   1+ subtrees    masked
           its areas (dashboards, other systems)
=========  ============================================  =============  =============

The scope of a principal is a list of area ids: each means that area and everything
below it. Scope is applied where the queries run (``$scope`` in the Cypher), so the
same rules hold for the API and the CLI.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from graph_service.domain.kinds import BilingualEnum, _zh
from graph_service.errors import Forbidden


class Role(BilingualEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    VIEWER = "viewer"
    SERVICE = "service"


_zh(Role, {"admin": "管理员", "organizer": "组织员", "viewer": "查看者", "service": "服务账号"})

WRITERS = frozenset({Role.ADMIN, Role.ORGANIZER, Role.SERVICE})
SEES_PERSONAL_DATA = frozenset({Role.ADMIN, Role.ORGANIZER})


@dataclass(frozen=True)
class Principal:
    """The account a request acts as, and how it came in (``api`` or ``cli``)."""

    name: str
    role: Role
    areas: tuple[str, ...] = ()
    via: str = "api"

    @classmethod
    def cli(cls) -> Principal:
        """The operator at the command line: full rights (they hold the database password)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry in some containers
            user = "unknown"
        return cls(name=f"cli:{user}", role=Role.ADMIN, via="cli")

    @property
    def scope(self) -> list[str] | None:
        """Area ids whose subtrees the principal may see; None means the whole graph."""
        return None if self.role is Role.ADMIN else list(self.areas)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_personal_data(self) -> bool:
        return self.role in SEES_PERSONAL_DATA

    def require_write(self) -> None:
        if self.role not in WRITERS:
            raise Forbidden(
                f"the {self.role.value} role is read-only / {self.role.zh}角色只能查看"
            )

    def require_admin(self) -> None:
        if self.role is not Role.ADMIN:
            raise Forbidden(f"only an admin may do this / 仅管理员可操作 (you: {self.role.value})")

    def require_personal_data(self) -> None:
        if not self.sees_personal_data:
            raise Forbidden(
                "personal data (phone, ID number, home address) needs the admin or organizer "
                f"role / 个人信息需管理员或组织员角色 (you: {self.role.value})"
            )
