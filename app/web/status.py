"""The status fragment every page polls (see `deps.StatusLine`)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.web.deps import int_param, status_line
from app.web.render import respond

router = APIRouter()


@router.get("/status")
def status_fragment(request: Request) -> Response:
    params = request.query_params
    line = status_line(
        request, params.get("path", ""), params.get("v", ""), int_param(request, "gen", -1, -1)
    )
    return respond(request, "_partials/status.html", {"line": line}, line.to_json)
