"""Share-link builders: the one place that knows how page URLs are spelled."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode


def _q(path: str) -> str:
    return quote(path, safe="/")


def query(params: Mapping[str, object]) -> str:
    """`?a=1&b=2` with empty values left out, or "" when nothing is left."""
    items = [(k, str(v)) for k, v in params.items() if v not in (None, "", False)]
    return "?" + urlencode(items) if items else ""


def cassette_url(path: str, version: str | None = None, anchor: str = "", q: str = "") -> str:
    url = "/cassettes/" + _q(path) + query({"v": version, "q": q})
    return url + ("#" + anchor if anchor else "")


def message_url(path: str, message: int, version: str | None = None, q: str = "") -> str:
    """`q`: a search query, marked in the page (where the message's thread is opened); `m=N`
    lets the page open the window of calls that shows the message (the anchor never reaches
    the server)."""
    url = "/cassettes/" + _q(path) + query({"v": version, "m": message or None, "q": q})
    return url + f"#m-{message}"


def interaction_url(
    path: str, index: int, version: str | None = None, chunks: int | None = None, anchor: str = ""
) -> str:
    url = f"/cassettes/{_q(path)}/interactions/{index}" + query({"v": version, "chunks": chunks})
    return url + ("#" + anchor if anchor else "")


def whole_url(page: str, fold: str) -> str:
    """The page `page` (a share link, maybe with `?v=`) with the folded text `fold` shown whole,
    scrolled to it: what "show all" opens without JavaScript."""
    base = page.split("#", 1)[0]
    return base + ("&" if "?" in base else "?") + urlencode({"whole": fold}) + "#" + fold


def markdown_url(path: str, index: int | None = None) -> str:
    """The cassette's (or one interaction's) conversation as Markdown."""
    page = cassette_url(path) if index is None else interaction_url(path, index)
    return page + "?format=markdown"


def api_cassette_url(path: str) -> str:
    return "/api/cassettes/" + _q(path)


def api_interaction_url(path: str, index: int) -> str:
    return f"/api/cassettes/{_q(path)}/interactions/{index}"
