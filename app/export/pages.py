"""The dashboard's pages rendered from an index with no server: the static export's HTML.

Each page goes through the dashboard's own Jinja environment and the same view builders its
routes use (app.web.cassettes, app.web.usage), so an exported page is the page a reader would
have seen, minus what only a server can do. The links are still the dashboard's here;
app.export.links makes them relative afterwards.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from app.index import CassetteSummary, Filters, Index
from app.model import Cassette, Interaction
from app.web.browse import SORTS, Listing
from app.web.cassettes import cassette_view, chunk_window, interaction_view
from app.web.deps import StatusLine
from app.web.lookup import Found
from app.web.render import asset_dir, environment
from app.web.urls import query
from app.web.usage import EXTRA_TABLES, GROUPINGS, build_view

# A static page has no index to poll: the status line stays empty and idle.
_IDLE = StatusLine(False, 0, 0, 0, False, "", "")


def render(template: str, title: str, nav: str, **context: Any) -> str:
    env = environment(asset_dir("templates"))
    base = {"title": title, "nav": nav, "line": _IDLE, "version": None, "stale_link": False}
    return env.get_template(template).render({**base, **context})


# No server answers "show all" in an export: a folded text says how much more there is instead.
STATIC = "-"
# What one interaction's section of the single-file export holds, so the file grows with the
# run, not with the square of it (each request of an agent resends the whole history):
SINGLE_HISTORY = 4  # last request messages (the cassette's conversation above has the rest)
SINGLE_RAW_CHARS = 8_000  # of each raw body
SINGLE_CHUNKS = 100  # of the stream's chunk list
SINGLE_REST = "open the cassette with `tapedeck serve` to see all of it"


def cassette_page(summary: CassetteSummary, cassette: Cassette) -> str:
    found = Found(summary, cassette)
    return render(
        "cassette.html",
        cassette.path,
        "cassettes",
        version=summary.version,
        **cassette_view(found, calls=None, whole=STATIC, show="usage"),
    )


def interaction_page(
    summary: CassetteSummary, cassette: Cassette, inter: Interaction, single: bool = False
) -> str:
    """`single`: a section of the single-file export, bounded (SINGLE_*)."""
    found = Found(summary, cassette, inter)
    view = interaction_view(found, inter, 0, SINGLE_HISTORY if single else None)
    view["whole"] = STATIC
    if single:
        view.update(chunk_window(inter, 0, SINGLE_CHUNKS), chunk_rest=SINGLE_REST)
        view.update(raw_limit=SINGLE_RAW_CHARS, raw_rest=SINGLE_REST)
    return render(
        "interaction.html",
        f"#{inter.index} · {cassette.path}",
        "cassettes",
        version=summary.version,
        player_inline=True,  # every chunk in the page: there is no chunk API to ask
        **view,
    )


def _folder_tree(idx: Index) -> list[dict[str, Any]]:
    """Every folder, open: the static page filters by folder in the browser (static/export.js)."""
    folders = idx.folders()
    parents = {folder.rpartition("/")[0] for folder, _ in folders}
    return [
        {
            "folder": folder,
            "name": folder.rsplit("/", 1)[-1],
            "depth": min(folder.count("/"), 6),
            "count": count,
            "url": "/" + query({"folder": folder}),
            "current": False,
            "open": True,
            "has_children": folder in parents,
        }
        for folder, count in folders
    ]


def index_page(idx: Index, rows: list[CassetteSummary]) -> str:
    listing = Listing(Filters(), "path", False, max(1, len(rows)), 0, rows, len(rows))
    groups = [(folder, list(items)) for folder, items in groupby(rows, key=lambda r: r.folder)]
    return render(
        "index.html",
        "Cassettes",
        "cassettes",
        listing=listing,
        groups=groups,
        # Sorting needs a server; these links are switched off by the export's link rewrite.
        sort_links={col: "/" + query({"sort": col}) for col in SORTS},
        prev_url=None,
        next_url=None,
        json_url="/api/cassettes",  # server-only, like the CSV: the link rewrite switches them off
        csv_url="/cassettes.csv",
        facets={},
        facet_names=(),
        folders=_folder_tree(idx),
        all_url="/",
    )


def usage_page(idx: Index) -> str:
    f = Filters()
    return render(
        "usage.html",
        "Usage",
        "usage",
        view=build_view(idx, f),
        filters=f,
        facets={},
        facet_names=(),
        api_url="/api/usage",
        # CSV downloads are answered by a server; the link rewrite switches them off.
        csv_urls=dict.fromkeys((*(n for n, _ in GROUPINGS), *EXTRA_TABLES), "/usage.csv"),
    )


__all__ = ["cassette_page", "index_page", "interaction_page", "render", "usage_page"]
