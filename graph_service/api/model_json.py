"""A model sent as JSON, serialized once.

FastAPI validates a route's returned model against its response model and then serializes
it again (to Python objects, then ``json.dumps``): for a page of gaps or a community's
supporters that is a good part of the request's CPU. Pydantic's own ``model_dump_json``
does it in one pass, in Rust. A route returning :func:`model_json` declares
``response_model`` for the docs; FastAPI passes a ``Response`` through untouched.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel

from graph_service.api.gzip_once import KeptJSON


def model_json(model: BaseModel) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


def json_response(body: bytes) -> Response:
    """A model already serialized (a kept answer, see ``AsyncReads.read_kept_json``); a big
    one is compressed once (:mod:`graph_service.api.gzip_once`)."""
    return KeptJSON(body)
