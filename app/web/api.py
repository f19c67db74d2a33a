"""The JSON API of the contract; each answer is built by the same code as its HTML page."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.conversation.context import context_change
from app.index import Filters
from app.model import Cassette, Interaction, to_json
from app.web.browse import listing
from app.web.deps import index, live
from app.web.lookup import find, whole, whole_cassette
from app.web.pagecache import cached
from app.web.render import JSONBody
from app.web.search import results

router = APIRouter()

GROUP_BY = ("model", "provider", "api", "cassette", "status", "format")


@router.get("/api/cassettes")
@cached
def api_cassettes(request: Request) -> Response:
    return JSONBody(listing(request).to_json())


@router.get("/api/cassettes/{path:path}")
def api_cassette(request: Request, path: str) -> Response:
    idx = index(request)
    found = find(idx, path)
    inter = whole(idx, found)
    if inter is not None:
        return JSONBody(interaction_json(found.cassette, inter))
    return JSONBody(to_json(whole_cassette(idx, found)))


def interaction_json(cas: Cassette, inter: Interaction) -> dict[str, Any]:
    """The Interaction document, plus what changed since the previous request of its thread."""
    doc: dict[str, Any] = to_json(inter)
    doc["context_change"] = to_json(context_change(cas, inter.index))
    return doc


@router.get("/api/search")
@cached
def api_search(request: Request) -> Response:
    return JSONBody(results(request).to_json())


@router.get("/api/usage")
@cached
def api_usage(request: Request) -> Response:
    group_by = request.query_params.get("group_by", "model")
    if group_by not in GROUP_BY:
        raise HTTPException(400, f"group_by must be one of {', '.join(GROUP_BY)}")
    f = Filters.from_query(request.query_params)
    idx = index(request)
    groups = live(request).memo(("api-usage", group_by, f), lambda: idx.usage(group_by, f))
    return JSONBody({"groups": [g.to_json() for g in groups]})


@router.get("/healthz")
def healthz(request: Request) -> Response:
    state = live(request)
    cassettes, interactions = state.index.counts()
    st = state.status
    body: dict[str, Any] = {
        "status": "ok",
        "cassettes": cassettes,
        "interactions": interactions,
        "indexing": st.building,
        "generation": st.generation,
        # Which `serve` process answered (there may be several workers behind one port).
        "pid": os.getpid(),
    }
    return JSONBody(body)
