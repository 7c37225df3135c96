"""What each kind of error means, at the ``type`` path of its problem details."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from graph_service.errors import NotFound
from graph_service.problems import PROBLEM_TYPES, ProblemType
from graph_service.schemas.paging import page_of

router = APIRouter(tags=["problems · 错误类型"])


@router.get("/problems", summary="Every kind of error / 全部错误类型",
            response_model=page_of(ProblemType))  # fmt: skip
async def list_problem_types() -> Any:
    """Each kind of error the service answers: its stable ``code`` (what clients branch on),
    its HTTP status, and what it means. A problem's ``type`` is ``/problems/<code>``. Needs
    no API key.

    服务可能返回的全部错误类型：稳定的 code（客户端据此判断）、HTTP 状态码及含义。无需 API 密钥。"""
    kinds = list(PROBLEM_TYPES.values())
    return {"items": kinds, "total": len(kinds), "next": None}


@router.get(
    "/problems/{code}", summary="One kind of error / 错误类型说明",
    responses={404: {"description": "No such kind of error"}},
)  # fmt: skip
async def get_problem_type(
    code: Annotated[str, Path(max_length=64, description="e.g. not-found / 错误代码")],
) -> ProblemType:
    """What the kind of error a problem's ``type`` names means, and what to do.

    错误类型的含义与处理办法。"""
    if code not in PROBLEM_TYPES:
        raise NotFound(f"no kind of error is called '{code}' / 没有名为 '{code}' 的错误类型")
    return PROBLEM_TYPES[code]
