"""Log probabilities of a streamed chat answer: each chunk's tokens, in order, folded into the
same token view a non-streamed answer gets."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import MakeClient
from tests.web.test_pages import page

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "openai_chat"
NAME = "logprobs_streamed.yaml"


def test_streamed_tokens_show_probability_and_alternatives(
    make_client: MakeClient, tmp_path: Path
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / NAME).write_bytes((FIXTURE / NAME).read_bytes())
    client = make_client(root)
    doc = page(client, f"/cassettes/{NAME}/interactions/0")
    spans = doc.find("details", cls="logprobs").find_all("span", cls="lp")
    assert [s.text() for s in spans] == ["Deep", " teal", "."]
    assert spans[0].attrs["title"] == "'Deep': 49.7%\n  'Red': 33.3%"
    assert "lp-4" in spans[2].attrs["class"]  # certain: not shaded
    body = client.get(f"/api/cassettes/{NAME}/interactions/0").json()
    assert [t["token"] for t in body["logprobs"]] == ["Deep", " teal", "."]
