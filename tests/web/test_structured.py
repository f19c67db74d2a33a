"""Structured output and log probabilities on the pages: the schema beside the request, the JSON
answer indented, each answer token with its probability and alternatives on hover."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from fastapi.testclient import TestClient

from app.loader import load_bytes
from app.markdown import interaction_markdown
from app.model import Interaction, TokenLogprob, TopLogprob
from app.web.logprobs import SHOWN_TOKENS, logprobs_view
from tests.web.conftest import MakeClient
from tests.web.test_pages import page

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "openai_chat"
NAME = "n_choices_logprobs.yaml"


def _client(make_client: MakeClient, tmp_path: Path) -> TestClient:
    root = tmp_path / "c"
    root.mkdir()
    (root / NAME).write_bytes((FIXTURE / NAME).read_bytes())
    return make_client(root)


def test_schema_with_the_request_and_answer_as_json(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = _client(make_client, tmp_path)
    doc = page(client, f"/cassettes/{NAME}/interactions/0")
    request = doc.find("section", cls="transcript", aria_labelledby="req-title")
    schema = json.loads(request.find("details", cls="response-format").find("pre").text())
    assert schema["json_schema"]["name"] == "colour"
    for url in (f"/cassettes/{NAME}/interactions/0", f"/cassettes/{NAME}"):
        answer = page(client, url).find("div", cls="structured").find("pre").text()
        assert answer.strip() == '{\n  "name": "red"\n}'
    cassette = load_bytes((FIXTURE / NAME).read_bytes(), NAME)
    md = interaction_markdown(cassette, cassette.interactions[0])
    assert '```json\n{\n  "name": "red"\n}\n```' in md


def _first(name: str) -> Interaction:
    return load_bytes((FIXTURE / name).read_bytes(), name).interactions[0]


def test_tokens_show_probability_and_alternatives(make_client: MakeClient, tmp_path: Path) -> None:
    client = _client(make_client, tmp_path)
    doc = page(client, f"/cassettes/{NAME}/interactions/0")
    box = doc.find("details", cls="logprobs")
    spans = box.find_all("span", cls="lp")
    assert "".join(s.text() for s in spans) == '{"name":"red"}'
    red = next(s for s in spans if s.text() == "red")
    assert red.attrs["title"] == "'red': 67.0%\n  'blue': 30.1%"
    assert "lp-3" in red.attrs["class"]  # 67% is shaded, a near-certain token is not
    assert "lp-4" in spans[1].attrs["class"]


def test_a_long_answer_draws_its_first_tokens_and_says_so() -> None:
    it = _first(NAME)
    many = tuple(TokenLogprob(f"t{i}", -0.1, (TopLogprob("<b>", -3.0),)) for i in range(2_500))
    view = logprobs_view(dataclasses.replace(it, logprobs=many))
    assert view is not None
    assert (len(view.tokens), view.total, view.capped) == (SHOWN_TOKENS, 2_500, True)
    assert logprobs_view(dataclasses.replace(it, logprobs=())) is None
