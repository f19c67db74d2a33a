"""Turning the dashboard's links into the static export's: relative files, or nothing.

The export renders the very templates the dashboard serves, so its pages carry the dashboard's
root-relative URLs (`/cassettes/x.yaml`, `/static/app.css`). Rewriting them after rendering,
in one place, keeps the templates single and makes every exported link relative by
construction: a link to a page the export wrote becomes a relative path to that file, and a
link to something only a server can answer (search, the JSON API, htmx swaps, the diff pages)
loses its target and gets `data-export-off`, which static/export.css hides or shows as text.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

# Attributes that hold a URL in our templates and inline SVG.
_URL_ATTR = re.compile(
    r"(?P<lead>\s)(?P<name>href|src|action|data-href|data-copy-url|data-chunks-url|"
    r'hx-get|hx-post|xlink:href)="(?P<url>[^"]*)"'
)
# htmx attributes fetch from a server; a static page has none.
_HTMX = frozenset({"hx-get", "hx-post"})
_INTERACTION = re.compile(r"^/cassettes/(?P<path>.+)/interactions/(?P<index>[0-9]{1,9})/?$")
# Query parameters the exported index page understands (static/export.js filters by them).
_INDEX_PARAMS = ("q", "folder")


@dataclass(frozen=True)
class Site:
    """What the export wrote: cassette display paths with their interaction counts."""

    cassettes: dict[str, int] = field(default_factory=dict)
    usage: bool = False
    folders: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = set()
        for path in self.cassettes:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                names.add("/".join(parts[:i]))
        object.__setattr__(self, "folders", frozenset(names))

    def page(self, path: str) -> str:
        """The cassette's page, `<path>.html` unless a folder of that name holds cassettes too
        (`b.yaml` beside `b.yaml.html/`): then `<path>/index.html`, a folder only this
        cassette's pages can use, since no source folder can be named like a file beside it."""
        if f"{path}.html" in self.folders:
            return f"cassettes/{path}/index.html"
        return cassette_file(path)


def cassette_file(path: str) -> str:
    return f"cassettes/{path}.html"


def interaction_file(path: str, index: int) -> str:
    return f"cassettes/{path}/interactions/{index}.html"


def site_target(site: Site, url: str) -> tuple[str, str] | None:
    """The site-relative file a dashboard URL names and what follows it (`?q=..`, `#anchor`),
    or None when the export has no such page."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    fragment = "#" + parts.fragment if parts.fragment else ""
    if path.startswith("/static/"):
        return path[1:], ""
    if any(name == "format" for name, _ in parse_qsl(parts.query)):
        return None  # another rendering of a page (Markdown): only a server answers that
    if path == "/":
        query = parse_qsl(parts.query)
        kept = [(k, v) for k, v in query if k in _INDEX_PARAMS and v]
        if len(kept) < len(query):
            return None  # sorted, paged or faceted: only a server can answer that
        return "index.html", ("?" + urlencode(kept) if kept else "") + fragment
    if path == "/usage" and site.usage and not parts.query:
        return "usage.html", fragment
    match = _INTERACTION.match(path)
    if match and match["path"] in site.cassettes:
        if int(match["index"]) < site.cassettes[match["path"]] and "chunks=" not in parts.query:
            return interaction_file(match["path"], int(match["index"])), fragment
        return None
    if path.startswith("/cassettes/") and path[len("/cassettes/") :] in site.cassettes:
        return site.page(path[len("/cassettes/") :]), fragment
    return None


def relative(file: str, page: str) -> str:
    """The site-relative `file` as a URL path seen from the file `page`."""
    return quote(posixpath.relpath(file, posixpath.dirname(page) or "."), safe="/")


def rewrite(page_html: str, resolve: Callable[[str], str | None]) -> str:
    """Every root-relative URL attribute through `resolve`; unresolved ones switched off."""

    def one(m: re.Match[str]) -> str:
        name, raw = m["name"], html.unescape(m["url"])
        if name in _HTMX:
            return ""
        if not raw.startswith("/") or raw.startswith("//"):
            return m.group(0)
        target = resolve(raw)
        if target is None:
            return "" if name in ("data-chunks-url", "src") else f"{m['lead']}data-export-off"
        return f'{m["lead"]}{name}="{html.escape(target)}"'

    return _URL_ATTR.sub(one, page_html)


def page_resolver(site: Site, page: str) -> Callable[[str], str | None]:
    """Resolve dashboard URLs to paths relative to the exported file `page`."""

    def resolve(url: str) -> str | None:
        target = site_target(site, url)
        return relative(target[0], page) + target[1] if target is not None else None

    return resolve


__all__ = [
    "Site",
    "cassette_file",
    "interaction_file",
    "page_resolver",
    "relative",
    "rewrite",
    "site_target",
]
