"""Cited sources on the page: each a labelled link of its own, not text the model wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.web.conftest import MakeClient
from tests.web.dom import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis"


def test_grounding_sources_are_links_beside_the_answer(
    tmp_path: Path, make_client: MakeClient
) -> None:
    root = tmp_path / "recordings"
    root.mkdir()
    shutil.copy(FIXTURES / "gemini" / "grounding.yaml", root / "grounding.yaml")
    client = make_client(root)
    page = parse(client.get("/cassettes/grounding.yaml/interactions/0").text)
    cited = page.find_all("div", "citation")
    assert [c.find("a").attrs["href"] for c in cited] == [
        "https://example.org/tour-2024",
        "https://example.com/cycling",
    ]
    assert [c.find("a").text() for c in cited] == ["example.org", "example.com"]
    assert all(c.find("a").attrs["rel"] == "noopener nofollow noreferrer" for c in cited)
    assert "Tadej Pogačar won" in cited[0].find("blockquote").text()
