"""What every route needs from the request: the live index, query parameters, base context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.index import Index
from app.web.live import LiveIndex
from app.web.urls import query


def live(request: Request) -> LiveIndex:
    value: LiveIndex = request.app.state.live
    return value


def index(request: Request) -> Index:
    return live(request).index


def int_param(request: Request, name: str, default: int, lo: int = 0, hi: int = 10**9) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HTTPException(400, f"{name} must be an integer") from None
    return max(lo, min(hi, value))


def canonical(request: Request) -> Response | None:
    """A redirect to the same URL without its empty parameters, or None when it has none.

    A filter form submitted with Enter (no JavaScript) sends every field, set or not; the
    address it lands on should be the short one a reader can share."""
    items = request.query_params.multi_items()
    kept = [(k, v) for k, v in items if v.strip()]
    if len(kept) == len(items):
        return None
    return RedirectResponse(request.url.path + ("?" + urlencode(kept) if kept else ""), 303)


@dataclass(frozen=True)
class StatusLine:
    """What a page says about the index: progress, failure, or that its data changed on disk.

    A page polls with what it was rendered from (the index generation, or a cassette path and
    version); once that no longer holds, the line says so and stops polling, so nothing moves
    under the reader unannounced.
    """

    building: bool
    done: int
    total: int
    generation: int
    changed: bool
    message: str
    poll_url: str

    def to_json(self) -> dict[str, Any]:
        return {
            "building": self.building,
            "done": self.done,
            "total": self.total,
            "generation": self.generation,
            "changed": self.changed,
            "message": self.message,
        }


def status_line(request: Request, path: str = "", version: str = "", gen: int = -1) -> StatusLine:
    state = live(request)
    st = state.status
    if gen < 0 and not path:
        gen = st.generation
    changed = False
    message = ""
    if path:
        summary = state.index.summary(path)
        if summary is None and not st.building:
            changed, message = True, "This cassette is no longer on disk."
        elif summary is not None and version and summary.version != version:
            changed, message = (
                True,
                "This cassette changed on disk — reload to see the new version.",
            )
    elif st.generation > gen and not st.building:
        changed, message = True, "Cassettes changed on disk — reload to see the new list."
    if st.building:
        message = f"Indexing {st.done:,} / {st.total:,} files…"
    elif state.failure:
        message = f"Indexing failed: {state.failure}"
    poll = "/status" + query({"path": path, "v": version, "gen": "" if path else gen})
    return StatusLine(st.building, st.done, st.total, st.generation, changed, message, poll)


def page_context(
    request: Request, title: str, nav: str = "", watch: tuple[str, str] = ("", ""), **extra: Any
) -> dict[str, Any]:
    """Context the base layout uses: title, active nav item, and the status line.

    `watch` is the (cassette path, version) a page shows, so its status line can say when that
    file changes; list pages watch the whole index instead.
    """
    return {
        "title": title,
        "nav": nav,
        "line": status_line(request, *watch),
        **extra,
    }
