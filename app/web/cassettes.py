"""The cassette page (transcript, interactions) and the interaction page (request, raw)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from app import playback
from app.conversation.context import context_change
from app.markdown import cassette_markdown, interaction_markdown
from app.model import Interaction, to_json
from app.web import urls
from app.web.api import interaction_json
from app.web.curl import curl_command
from app.web.deps import index, int_param, page_context
from app.web.highlight import query_terms
from app.web.history import history_link
from app.web.lanes import reading
from app.web.logprobs import logprobs_view
from app.web.lookup import Found, find, whole_cassette
from app.web.lookup import whole as whole_interaction
from app.web.markup import RAW_LIMIT
from app.web.notfound import NotFound
from app.web.paging import call_window, every_call
from app.web.render import is_partial, render, respond
from app.web.transcript import MessageView, find_part, offered_tools, transcript

router = APIRouter()

# Chunks shown per page of a stream: a 20,000-chunk interaction stays a light page.
CHUNK_WINDOW = 500

# `?whole=` names one folded text (app.web.transcript.fold_head) to show whole: `m-3-p1` is part
# 1 of message 3 of the cassette's conversation (q-, r-, alt- on the interaction page), `-r` a
# call's result recorded outside the messages shown.
_WHOLE = re.compile(r"^(m|q|r|alt)-([0-9]{1,9})-p[0-9]{1,6}(-r)?$")


def whole_param(request: Request) -> str | None:
    raw = request.query_params.get("whole", "")
    return raw if _WHOLE.match(raw) else None


def _whole_part(
    request: Request, found: Found, views: Iterable[MessageView], whole: str, share: str
) -> Response:
    """The answer to "show all" asked by htmx: that one part, rendered whole."""
    pv = find_part(views, whole)
    if pv is None:
        raise NotFound(f"no folded text {whole} here", found.cassette.path)
    ctx = {"pv": pv, "share": share, "path": found.cassette.path, "whole": whole}
    return render(request, "_partials/part.html", ctx)


@router.get("/cassettes/{path:path}")
def cassette_or_interaction(request: Request, path: str) -> Response:
    found = find(index(request), path)
    if wants_markdown(request):
        return _markdown(found)
    inter = whole_interaction(index(request), found)
    if inter is not None:
        return _interaction_page(request, found, inter)
    return _cassette_page(request, found)


def wants_markdown(request: Request) -> bool:
    """`?format=markdown` (a plain link), or a client that asks for text/markdown."""
    accept = request.headers.get("accept", "")
    return request.query_params.get("format") == "markdown" or (
        "text/markdown" in accept and "text/html" not in accept
    )


def _markdown(found: Found) -> Response:
    """The conversation to paste into an issue or an LLM (app.markdown), as plain text."""
    if found.interaction is not None:
        body = interaction_markdown(found.cassette, found.interaction)
    else:
        body = cassette_markdown(found.cassette)
    return Response(
        body, media_type="text/markdown; charset=utf-8", headers={"vary": "Accept, HX-Request"}
    )


def _link_state(request: Request, found: Found) -> dict[str, Any]:
    """The version this page shows, and whether the shared link saw another one."""
    version = found.summary.version
    linked = request.query_params.get("v")
    return {"version": version, "stale_link": bool(linked) and linked != version}


# Above this many calls the usage charts (hundreds of KB of SVG) load when asked or scrolled to.
CHARTS_LATER = 50


def cassette_view(
    found: Found,
    q: str = "",
    calls: int | None = 0,
    whole: str | None = None,
    show: str = "",
) -> dict[str, Any]:
    """What the cassette page shows, with no request in sight: the static export renders it too.

    `q`: a search query the link carries (`?q=`); its words are marked in the messages that
    hold them, and the lanes and long messages holding a hit are open; `calls`: the first call
    of the window shown, None for every call (an export)."""
    cas = found.cassette
    terms = query_terms(q)
    total = len(cas.interactions)
    window = every_call(total) if calls is None else call_window(total, calls)
    return {
        "summary": found.summary,
        "cassette": cas,
        "reading": reading(cas, terms, window.calls),
        "calls": window,
        "q": q,
        "terms": terms,
        "tools": offered_tools(cas.interactions),
        "whole": whole,
        "charts_later": len(cas.interactions) > CHARTS_LATER and show != "usage",
    }


def _message_window(request: Request, found: Found, whole: str | None) -> int:
    """The calls window that shows the message a `?whole=m-N-pK` or `?m=N` link names."""
    if whole is not None and whole.startswith("m-"):
        n = int(whole.split("-")[1])
    else:
        n = int_param(request, "m", 0)
    conv = found.cassette.conversation
    at = conv[n].interaction if n < len(conv) else None
    return at or 0


def _cassette_page(request: Request, found: Found) -> Response:
    cas = found.cassette
    whole = whole_param(request)
    calls = int_param(request, "calls", _message_window(request, found, whole))
    q = request.query_params.get("q", "")[:200]
    if whole is not None and is_partial(request):
        view = cassette_view(found, q, calls, whole)
        views = (v for lane in view["reading"].lanes for t in lane.turns for v in t.messages)
        share = urls.cassette_url(cas.path, found.summary.version)
        return _whole_part(request, found, views, whole, share)
    ctx = page_context(
        request,
        cas.path,
        "cassettes",
        watch=(cas.path, found.summary.version),
        history_url=history_link(index(request), cas.path),
        **cassette_view(found, q, calls, whole, request.query_params.get("show", "")),
        **_link_state(request, found),
    )
    return respond(
        request, "cassette.html", ctx, lambda: to_json(whole_cassette(index(request), found))
    )


def chunk_window(inter: Interaction, start: int = 0, size: int = CHUNK_WINDOW) -> dict[str, Any]:
    total = len(inter.chunks)
    start = max(0, min(start, max(0, total - 1)))
    start -= start % size
    end = min(total, start + size)
    return {
        "chunks": inter.chunks[start:end],
        "chunk_start": start,
        "chunk_end": end,
        "chunk_total": total,
        "chunk_prev": start - CHUNK_WINDOW if start > 0 else None,
        "chunk_next": end if end < total else None,
        "chunk_rest": None,
    }


def interaction_view(
    found: Found, inter: Interaction, chunk_start: int = 0, history: int | None = None
) -> dict[str, Any]:
    """What the interaction page shows; shared with the static export like `cassette_view`.

    `history`: show only the request's last messages, the earlier ones being on the cassette
    page (the single-file export, which holds both, stays linear in the run's length)."""
    cas = found.cassette
    n = inter.index
    count = len(cas.interactions)
    response = transcript([inter.response], "r") if inter.response is not None else []
    earlier = 0 if history is None else max(0, len(inter.messages) - history)
    shown = inter.messages[earlier:]
    return {
        "summary": found.summary,
        "cassette": cas,
        "interaction": inter,
        "interaction_json_url": urls.api_interaction_url(cas.path, n),
        "request_messages": transcript(shown, "q", positions=range(earlier, len(inter.messages))),
        "earlier_messages": earlier,
        "response_messages": response,
        "alternative_messages": transcript(inter.alternatives, "alt"),
        "logprobs": logprobs_view(inter),
        "curl": curl_command(inter),
        "context_change": context_change(cas, n),
        "reply_to": playback.reply_json(cas, n),
        "prev_index": n - 1 if n > 0 else None,
        "next_index": n + 1 if n + 1 < count else None,
        **chunk_window(inter, chunk_start),
        "whole": None,
        "raw_limit": RAW_LIMIT,
        "raw_rest": "the interaction's JSON view holds the whole body",
    }


def _interaction_page(request: Request, found: Found, inter: Interaction) -> Response:
    cas = found.cassette
    start = int_param(request, "chunks", 0, 0, max(0, len(inter.chunks) - 1))
    view = interaction_view(found, inter, start)
    whole = whole_param(request)
    if whole is not None and is_partial(request):
        views = [*view["request_messages"], *view["response_messages"]]
        views += view["alternative_messages"]
        share = urls.interaction_url(cas.path, inter.index, found.summary.version)
        return _whole_part(request, found, views, whole, share)
    ctx = page_context(
        request,
        f"#{inter.index} · {cas.path}",
        "cassettes",
        watch=(cas.path, found.summary.version),
        **{**view, "whole": whole},
        **_link_state(request, found),
    )
    return respond(request, "interaction.html", ctx, lambda: interaction_json(cas, inter))
