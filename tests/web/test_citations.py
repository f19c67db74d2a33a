"""Cited sources: chips under the answer on both pages, a list in `show` and Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from app.cli.transcript import part_lines
from app.loader import load_bytes
from app.markdown import interaction_markdown
from app.model import CitationPart
from tests.web.conftest import MakeClient
from tests.web.test_pages import page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis"
ASK = json.dumps({"model": "m", "messages": [{"role": "user", "content": "q"}]})
HOSTILE = {
    "type": "url_citation",
    "url_citation": {"url": "javascript:alert(1)", "title": "<script>alert(2)</script>"},
}


def _cassette(root: Path) -> Path:
    """The web search fixture, plus an answer citing a hostile source."""
    doc = {
        "interactions": [
            {
                "request": {
                    "body": json.dumps(
                        {"model": "m", "messages": [{"role": "user", "content": "q"}]}
                    ),
                    "headers": {"Content-Type": ["application/json"]},
                    "method": "POST",
                    "uri": "https://api.openai.com/v1/chat/completions",
                },
                "response": {
                    "body": {
                        "string": json.dumps(
                            {
                                "choices": [
                                    {
                                        "index": 0,
                                        "finish_reason": "stop",
                                        "message": {
                                            "role": "assistant",
                                            "content": "answer",
                                            "annotations": [HOSTILE],
                                        },
                                    }
                                ]
                            }
                        )
                    },
                    "headers": {"Content-Type": ["application/json"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    root.mkdir()
    (root / "hostile.json").write_text(json.dumps(doc))
    src = FIXTURES / "openai_chat" / "web_search_annotations.yaml"
    (root / "search.yaml").write_bytes(src.read_bytes())
    return root


def test_pages_show_sources_as_links_under_the_answer(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(_cassette(tmp_path / "c"))
    for url in ("/cassettes/search.yaml/interactions/0", "/cassettes/search.yaml"):
        chips = page(client, url).find_all("div", cls="citation")
        links = [c.find("a") for c in chips]
        assert [a.text() for a in links][:2] == ["Oslo Opera House", "Walking on the roof"]
        assert links[1].attrs["href"] == "https://example.org/roof-walk"
        assert all("noreferrer" in a.attrs["rel"] for a in links)
    doc = page(client, "/cassettes/hostile.json/interactions/0")
    chip = doc.find("div", cls="citation")
    assert not chip.find_all("a")  # a javascript: source is not a link
    assert all("alert" not in s.text() for s in doc.find_all("script"))
    assert "<script>alert(2)</script>" in chip.text()  # shown as text


def test_show_and_markdown_list_the_sources() -> None:
    data = (FIXTURES / "openai_chat" / "web_search_annotations.yaml").read_bytes()
    cassette = load_bytes(data, "search.yaml")
    it = cassette.interactions[0]
    assert it.response is not None
    cited = [p for p in it.response.parts if isinstance(p, CitationPart)]
    assert [part_lines(p) for p in cited] == [
        ["[source] Oslo Opera House https://example.org/oslo-opera?utm_source=openai"],
        ["[source] Walking on the roof https://example.org/roof-walk"],
    ]
    md = interaction_markdown(cassette, it)
    assert "**Source** Walking on the roof `https://example.org/roof-walk`" in md
    assert "Sources:" not in md
