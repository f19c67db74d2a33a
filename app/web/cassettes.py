"""The cassette page (transcript, interactions) and the interaction page (request, raw)."""

from __future__ import annotations

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
from app.web.lookup import Found, find, whole, whole_cassette
from app.web.paging import call_window, windowed
from app.web.render import respond
from app.web.transcript import offered_tools, transcript

router = APIRouter()

# Chunks shown per page of a stream: a 20,000-chunk interaction stays a light page.
CHUNK_WINDOW = 500


@router.get("/cassettes/{path:path}")
def cassette_or_interaction(request: Request, path: str) -> Response:
    found = find(index(request), path)
    if wants_markdown(request):
        return _markdown(found)
    inter = whole(index(request), found)
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


def cassette_view(found: Found, q: str = "", calls: int = 0) -> dict[str, Any]:
    """What the cassette page shows, with no request in sight: the static export renders it too.

    `q`: a search query the link carries (`?q=`); its words are marked in the messages that
    hold them, and the lanes and long messages holding a hit are open."""
    cas = found.cassette
    terms = query_terms(q)
    window = call_window(len(cas.interactions), calls)
    return {
        "summary": found.summary,
        "cassette": cas,
        "reading": windowed(reading(cas, terms), window),
        "calls": window,
        "q": q,
        "terms": terms,
        "tools": offered_tools(cas.interactions),
    }


def _cassette_page(request: Request, found: Found) -> Response:
    cas = found.cassette
    ctx = page_context(
        request,
        cas.path,
        "cassettes",
        watch=(cas.path, found.summary.version),
        history_url=history_link(index(request), cas.path),
        **cassette_view(
            found, request.query_params.get("q", "")[:200], int_param(request, "calls", 0)
        ),
        **_link_state(request, found),
    )
    return respond(
        request, "cassette.html", ctx, lambda: to_json(whole_cassette(index(request), found))
    )


def chunk_window(inter: Interaction, start: int = 0) -> dict[str, Any]:
    total = len(inter.chunks)
    start = max(0, min(start, max(0, total - 1)))
    start -= start % CHUNK_WINDOW
    end = min(total, start + CHUNK_WINDOW)
    return {
        "chunks": inter.chunks[start:end],
        "chunk_start": start,
        "chunk_end": end,
        "chunk_total": total,
        "chunk_prev": start - CHUNK_WINDOW if start > 0 else None,
        "chunk_next": end if end < total else None,
    }


def interaction_view(found: Found, inter: Interaction, chunk_start: int = 0) -> dict[str, Any]:
    """What the interaction page shows; shared with the static export like `cassette_view`."""
    cas = found.cassette
    n = inter.index
    count = len(cas.interactions)
    response = transcript([inter.response], "r") if inter.response is not None else []
    return {
        "summary": found.summary,
        "cassette": cas,
        "interaction": inter,
        "interaction_json_url": urls.api_interaction_url(cas.path, n),
        "request_messages": transcript(inter.messages, "q"),
        "response_messages": response,
        "alternative_messages": transcript(inter.alternatives, "alt"),
        "logprobs": logprobs_view(inter),
        "curl": curl_command(inter),
        "context_change": context_change(cas, n),
        "reply_to": playback.reply_json(cas, n),
        "prev_index": n - 1 if n > 0 else None,
        "next_index": n + 1 if n + 1 < count else None,
        **chunk_window(inter, chunk_start),
    }


def _interaction_page(request: Request, found: Found, inter: Interaction) -> Response:
    cas = found.cassette
    start = int_param(request, "chunks", 0, 0, max(0, len(inter.chunks) - 1))
    ctx = page_context(
        request,
        f"#{inter.index} · {cas.path}",
        "cassettes",
        watch=(cas.path, found.summary.version),
        **interaction_view(found, inter, start),
        **_link_state(request, found),
    )
    return respond(request, "interaction.html", ctx, lambda: interaction_json(cas, inter))
