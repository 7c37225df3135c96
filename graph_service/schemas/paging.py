"""The one list envelope: every answer that is a list is a :class:`Page` of its items.

``items`` is this page; ``total`` counts every item of the list when that is cheap (null
when counting would cost more than the page: the pages after the first of an entity list);
``next`` is the cursor of the following page, null on the last. The answer also carries
``Link: <url>; rel="next"`` (RFC 8288), the request's URL with ``cursor`` set to ``next``.
A list may add members of its own beside these (a gap page names its rule). See
docs/api.md.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, create_model

T = TypeVar("T")

NEXT = ("The cursor of the next page, for the cursor parameter; null on the last page / "
        "下一页游标，最后一页为空")  # fmt: skip


class Page(BaseModel, Generic[T]):
    """A page of a list (see the module)."""

    items: list[T] = Field(description="This page / 本页")
    total: int | None = Field(
        default=None,
        description="Items in the whole list; null when not counted / 总数（未统计时为空）",
    )
    next: str | None = Field(default=None, description=NEXT)


_MADE: dict[str, Any] = {}


def page_of(item: Any, name: str | None = None) -> Any:
    """The page model of ``item``, named for the OpenAPI as clients read it: ``UnitPage``
    for ``UnitIn`` (a bare ``Page[UnitIn]`` would be ``Page_UnitIn_`` there)."""
    name = name or item.__name__.removesuffix("In").removesuffix("Out") + "Page"
    if name not in _MADE:
        _MADE[name] = create_model(name, __base__=Page[item])
    return _MADE[name]
