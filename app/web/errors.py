"""Files the index could not read, each with the reader's reason."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app.web.deps import index, page_context
from app.web.render import respond

router = APIRouter()


@router.get("/errors")
def errors_page(request: Request) -> Response:
    errors = index(request).errors()
    ctx = page_context(request, "Unreadable files", "errors", errors=errors)

    def data() -> dict[str, object]:
        return {"errors": [{"path": e.path, "error": e.error, "line": e.line} for e in errors]}

    return respond(request, "errors.html", ctx, data)
