"""One view, three answers: the full page, its htmx partial, or its JSON twin.

A route builds plain data once; `respond` picks the shape from the request, so the page, the
swap and the API can never disagree about what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

import app
from app import charts, playback
from app.conversation.context import describe
from app.model import dump_json
from app.web import formatting, markup, urls
from app.web.highlight import mark
from app.web.transcript import remote_image_url, safe_image_url


def asset_dir(name: str) -> Path:
    """`templates` or `static`: inside the installed package first, else the source checkout."""
    packaged = Path(app.__file__).parent / name
    if packaged.is_dir():
        return packaged
    return Path(app.__file__).resolve().parent.parent / name


class JSONBody(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dump_json(content)


@lru_cache(maxsize=4)
def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(formatting.FILTERS)
    env.filters.update(markup.FILTERS)
    env.filters["safe_image"] = safe_image_url
    env.filters["remote_image"] = remote_image_url
    env.filters["mark"] = mark
    env.globals.update(
        cassette_url=urls.cassette_url,
        message_url=urls.message_url,
        interaction_url=urls.interaction_url,
        api_cassette_url=urls.api_cassette_url,
        markdown_url=urls.markdown_url,
        api_interaction_url=urls.api_interaction_url,
        query=urls.query,
        htmx_js=_htmx_name(),
        cassette_charts=partial(charts.cassette_charts, link=urls.interaction_url),
        player_data=playback.player_data,
        agent_timeline=playback.agent_timeline,
        describe_change=describe,
    )
    return env


def _htmx_name() -> str:
    found = sorted(asset_dir("static").glob("htmx-*.min.js"))
    return found[-1].name if found else "htmx.min.js"


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_partial(request: Request) -> bool:
    # A history restore asks for the whole page even though htmx marks it as its own request.
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request, template: str, context: Mapping[str, Any], status: int = 200
) -> Response:
    env = environment(asset_dir("templates"))
    html = env.get_template(template).render({"request": request, **context})
    return HTMLResponse(html, status_code=status, headers={"vary": "Accept, HX-Request"})


def respond(
    request: Request,
    page: str,
    context: Mapping[str, Any],
    data: Callable[[], Any],
    partial: str | None = None,
) -> Response:
    """`data` is called only for the JSON twin, so pages never pay for serializing it."""
    if wants_json(request):
        return JSONBody(data(), headers={"vary": "Accept, HX-Request"})
    if partial is not None and is_partial(request):
        return render(request, partial, context)
    return render(request, page, context)
