"""Several answers to one request: the first is the response, the others are shown folded."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.cli.transcript import interaction_lines
from app.loader import load_bytes
from app.markdown import interaction_markdown
from tests.web.conftest import MakeClient
from tests.web.test_pages import page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis"


def test_interaction_page_folds_the_other_answers(make_client: MakeClient, tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    for api, name in (("openai_chat", "two_choices"), ("gemini", "two_candidates")):
        (root / f"{name}.yaml").write_bytes((FIXTURES / api / f"{name}.yaml").read_bytes())
    client = make_client(root)
    for path, first, other in (
        ("two_choices.yaml", "Fjords are drowned glacial valleys.", "A fjord is a long, narrow"),
        ("two_candidates.yaml", "A fjord is a sea inlet.", "Fjords are drowned valleys."),
    ):
        for n in (0, 1):  # plain and streamed
            doc = page(client, f"/cassettes/{path}/interactions/{n}")
            box = doc.find("details", cls="alternatives")
            assert "open" not in box.attrs
            assert box.find("summary").text().startswith("1 alternative")
            assert other in box.text()
            assert first not in box.text()
            response = doc.find("section", cls="transcript", aria_labelledby="resp-title")
            assert first in response.text()
            assert "showing the first" not in doc.text()


def test_one_answer_has_no_alternatives_block(client: TestClient) -> None:
    doc = page(client, "/cassettes/agents/weather.yaml/interactions/0")
    assert not doc.find_all("details", cls="alternatives")


def test_show_and_markdown_print_every_answer() -> None:
    data = (FIXTURES / "openai_chat" / "two_choices.yaml").read_bytes()
    cassette = load_bytes(data, "two_choices.yaml")
    it = cassette.interactions[1]
    lines = list(interaction_lines(it))
    at = lines.index("── answer 2 of 2 (alternative)")
    assert "A fjord is a long, narrow sea inlet." in lines[at + 1]
    md = interaction_markdown(cassette, it)
    assert "### Alternative answer 2 of 2" in md
    assert md.index("drowned glacial") < md.index("Alternative answer") < md.index("narrow sea")
