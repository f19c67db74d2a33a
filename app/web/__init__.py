"""The web dashboard: `create_app(Settings(...))` builds a FastAPI app with no global state.

Routers are listed by import path in `ROUTERS` so a module that adds pages (player, usage charts)
registers itself with one line and is imported only when an app is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.convertors import PathConvertor, register_url_convertor

from app.web.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from app.web.workers import SharedStatus

# "module:attribute" of each APIRouter, included in this order. The cassette pages router holds a
# catch-all `/cassettes/{path:path}`, so routers that add URLs under /cassettes/ go before it.
ROUTERS: tuple[str, ...] = (
    "app.web.player:router",  # before app.web.api, whose /api/cassettes/{path:path} is a catch-all
    "app.web.api:router",
    "app.web.status:router",
    "app.web.browse:router",
    "app.web.search:router",
    "app.web.problems:router",
    "app.web.usage:router",
    "app.web.diff:router",
    "app.web.history:router",  # before app.web.cassettes: /cassettes/{path}/history
    "app.web.cassettes:router",
)


class AnyPathConvertor(PathConvertor):
    """`{path:path}` that also matches a newline: Starlette's `.*` stops at one, so a cassette
    named `a\nb.yaml` was listed but every link to it was a 404."""

    regex = "(?s:.*)"


# Registered before any router module is imported, so every `{path:path}` route uses it.
register_url_convertor("path", AnyPathConvertor())


def create_app(settings: Settings, shared: SharedStatus | None = None) -> FastAPI:
    from app.web.factory import build_app

    return build_app(settings, shared)


__all__ = ["ROUTERS", "Settings", "create_app"]
