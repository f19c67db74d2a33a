"""The chunk API behind the stream player.

`GET /api/cassettes/{path}/interactions/{n}/chunks?offset=&limit=` answers one window of chunks,
each with the delta it applied (see app.playback), plus `before`: the message as it stood just
before the window, and `reply_to`: the message of its thread that the stream answers. A player can
therefore open a 20,000-chunk stream at any chunk with a single small request, and the page never
carries the whole stream.

Registered ahead of the JSON API router, whose `/api/cassettes/{path:path}` would otherwise claim
these URLs as cassette paths.
"""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app import playback
from app.web.deps import index, int_param
from app.web.lookup import find
from app.web.render import JSONBody

router = APIRouter()

MAX_LIMIT = 2000


@router.get("/api/cassettes/{path:path}/chunks")
def api_chunks(request: Request, path: str) -> Response:
    found = find(index(request), path)
    inter = found.interaction
    if inter is None:
        raise HTTPException(404, "chunks belong to an interaction: .../interactions/N/chunks")
    offset = int_param(request, "offset", 0, 0, len(inter.chunks))
    limit = int_param(request, "limit", playback.WINDOW, 0, MAX_LIMIT)
    win = playback.window(inter, playback.cached_deltas(inter), offset, limit)
    win = dataclasses.replace(win, reply_to=playback.reply_json(found.cassette, inter.index))
    return JSONBody(win.to_json())
