"""Builds the FastAPI app: index lifecycle, routers, static files, errors as JSON or pages."""

from __future__ import annotations

import html
import importlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.web import ROUTERS
from app.web.live import LiveIndex
from app.web.notfound import error_page, wants_page
from app.web.render import JSONBody, asset_dir
from app.web.security import HostGuard, SecurityHeaders, TokenGate
from app.web.settings import Settings
from app.web.workers import FollowerIndex, SharedStatus

log = logging.getLogger("tapedeck.web")


def build_app(settings: Settings, shared: SharedStatus | None = None) -> FastAPI:
    """With `shared`, the app is one of several `serve` workers: another process refreshes the
    index and publishes its status there."""
    live = LiveIndex(settings) if shared is None else FollowerIndex(settings, shared)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        live.start()
        try:
            yield
        finally:
            live.stop()

    app = FastAPI(
        title="Tapedeck",
        lifespan=lifespan,
        docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP forbids
        redoc_url=None,
    )
    app.state.live = live
    app.state.settings = settings
    for spec in ROUTERS:
        app.include_router(_load_router(spec))
    app.mount("/static", StaticFiles(directory=asset_dir("static")), name="static")
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(sqlite3.DatabaseError, _index_damaged)
    if settings.auth_token is not None:
        app.add_middleware(TokenGate, token=settings.auth_token)
    if settings.allowed_hosts is not None:
        app.add_middleware(HostGuard, hosts=settings.allowed_hosts)  # before the token gate
    app.add_middleware(SecurityHeaders)  # added last: outermost, so it covers every answer
    return app


def _load_router(spec: str) -> APIRouter:
    module_name, _, attr = spec.partition(":")
    router: APIRouter = getattr(importlib.import_module(module_name), attr or "router")
    return router


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if wants_page(request):
        return error_page(request, exc)
    return JSONBody({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _invalid_request(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', '')}"
        for err in exc.errors()
    )
    return JSONBody({"detail": f"invalid request: {problems}"}, status_code=422)


async def _index_damaged(request: Request, exc: Exception) -> Response:
    """The index file failed under a request (damage in its middle, a disk error): rebuild it
    and say so, instead of a 500 on every page that reads the damaged part."""
    log.warning("index error during %s: %s", request.url.path, exc)
    if type(exc) is sqlite3.DatabaseError:  # "malformed", "not a database": rebuild
        request.app.state.live.recover()
        detail = "The index file was damaged; it is being rebuilt from the cassettes."
    else:
        detail = f"The index could not be read just now ({type(exc).__name__}: {exc})."
    detail += " Reload in a moment."
    headers = {"retry-after": "2"}
    if "text/html" in request.headers.get("accept", ""):
        page = (
            '<!doctype html><html lang="en"><title>Index rebuilding</title>'
            f'<h1>Index rebuilding</h1><p>{html.escape(detail)}</p><p><a href="">Reload</a></p>'
        )
        return HTMLResponse(page, status_code=503, headers=headers)
    return JSONBody({"detail": detail}, status_code=503, headers=headers)
