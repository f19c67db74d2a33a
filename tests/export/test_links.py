"""Dashboard URLs -> the export's relative files, or switched off when only a server answers."""

from __future__ import annotations

import pytest

from app.export.links import Site, page_resolver, relative, rewrite, site_target

SITE = Site({"agents/weather.yaml": 2, "a b/#1.yaml": 1}, usage=True)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/", "index.html"),
        ("/?folder=agents", "index.html?folder=agents"),
        ("/?q=rome&folder=a", "index.html?q=rome&folder=a"),
        ("/?sort=cost", None),
        ("/?folder=a&offset=50", None),
        ("/static/app.css", "static/app.css"),
        ("/usage", "usage.html"),
        ("/usage?provider=openai", None),
        ("/cassettes/agents/weather.yaml?v=abc", "cassettes/agents/weather.yaml.html"),
        ("/cassettes/agents/weather.yaml#m-2", "cassettes/agents/weather.yaml.html#m-2"),
        (
            "/cassettes/agents/weather.yaml/interactions/1?v=x",
            "cassettes/agents/weather.yaml/interactions/1.html",
        ),
        ("/cassettes/agents/weather.yaml/interactions/2", None),  # no such interaction
        ("/cassettes/agents/weather.yaml/interactions/0?chunks=500", None),
        ("/cassettes/agents/other.yaml", None),
        ("/cassettes/a%20b/%231.yaml", "cassettes/a b/#1.yaml.html"),
        ("/cassettes/agents/weather.yaml/history", None),
        ("/cassettes/agents/weather.yaml?format=markdown", None),
        ("/cassettes/agents/weather.yaml/interactions/1?format=markdown", None),
        ("/api/cassettes/agents/weather.yaml", None),
        ("/search?q=x", None),
        ("/diff?old=agents/weather.yaml", None),
    ],
)
def test_site_target(url: str, target: str | None) -> None:
    found = site_target(SITE, url)
    assert (found[0] + found[1] if found else None) == target


def test_relative_paths_are_quoted_and_resolved_urls_keep_query_and_fragment() -> None:
    page = "cassettes/agents/weather.yaml/interactions/0.html"
    assert relative("index.html", page) == "../../../../index.html"
    assert relative("cassettes/agents/weather.yaml.html", page) == "../../weather.yaml.html"
    assert relative("cassettes/a b/#1.yaml.html", "index.html") == "cassettes/a%20b/%231.yaml.html"
    resolve = page_resolver(SITE, page)
    assert resolve("/cassettes/a%20b/%231.yaml#m-1") == "../../../a%20b/%231.yaml.html#m-1"
    assert resolve("/?folder=a%20b") == "../../../../index.html?folder=a+b"


def test_rewrite_switches_off_what_needs_a_server() -> None:
    html = (
        '<a href="/cassettes/agents/weather.yaml?v=1&amp;x=2">w</a>'
        '<a class="btn" href="/api/cassettes/agents/weather.yaml">JSON</a>'
        '<form action="/search" hx-get="/search" hx-target="#x"></form>'
        '<section data-chunks-url="/api/x/chunks"></section>'
        '<a href="https://example.com/">out</a><a href="#m-1">in</a>'
    )
    out = rewrite(html, page_resolver(SITE, "index.html"))
    assert out == (
        '<a href="cassettes/agents/weather.yaml.html">w</a>'
        '<a class="btn" data-export-off>JSON</a>'
        '<form data-export-off hx-target="#x"></form>'
        "<section></section>"
        '<a href="https://example.com/">out</a><a href="#m-1">in</a>'
    )
