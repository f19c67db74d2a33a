"""The Problems page: failed calls, unreadable files and warnings, one section each.

"Errors" used to mean three things on three pages. Here each kind has one name, and the home
page's Failed and Warnings columns and the `has_error` filter count exactly these sections.
Each section lists at most LIMIT rows and says how many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.index import FailedCall, FileError, Warned
from app.web.csvfile import csv_response
from app.web.deps import index, live, page_context
from app.web.render import JSONBody, respond

router = APIRouter()

LIMIT = 500


@dataclass(frozen=True)
class Problems:
    failed: list[FailedCall]
    failed_total: int
    unreadable: list[FileError]
    warned: list[Warned]
    warned_total: int

    def to_json(self) -> dict[str, Any]:
        return {
            "failed": [c.to_json() for c in self.failed],
            "failed_total": self.failed_total,
            "errors": [e.to_json() for e in self.unreadable],
            "warnings": [w.to_json() for w in self.warned],
            "warnings_total": self.warned_total,
        }


def problems(request: Request) -> Problems:
    idx = index(request)

    def build() -> Problems:
        failed, failed_total = idx.failed_calls(LIMIT)
        warned, warned_total = idx.warned(LIMIT)
        return Problems(failed, failed_total, idx.errors(), warned, warned_total)

    return live(request).memo("problems", build)


@router.get("/problems")
def problems_page(request: Request) -> Response:
    found = problems(request)
    ctx = page_context(request, "Problems", "problems", problems=found)
    return respond(request, "problems.html", ctx, found.to_json)


@router.get("/api/problems")
def api_problems(request: Request) -> Response:
    return JSONBody(problems(request).to_json())


@router.get("/problems.csv")
def problems_csv(request: Request) -> Response:
    found = problems(request)
    rows: list[list[Any]] = [
        ["failed call", c.path, c.interaction, c.status, c.type, c.message] for c in found.failed
    ]
    rows += [["unreadable", e.path, None, None, None, e.error] for e in found.unreadable]
    rows += [
        ["warning", w.path, None, None, None, message]
        for w in found.warned
        for message in w.warnings
    ]
    header = ("kind", "path", "interaction", "status", "type", "message")
    return csv_response("tapedeck-problems.csv", header, rows)


@router.get("/errors")
def errors_moved(request: Request) -> Response:
    """The page's old address, kept so bookmarks and shared links still land."""
    return RedirectResponse(
        "/problems" + (f"?{request.url.query}" if request.url.query else ""), 308
    )
