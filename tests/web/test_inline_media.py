"""Inline images are drawn and inline audio is a player on both transcript pages; media too
large to inline says what it leaves out; the page's CSP lets data: in for images and media only."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import yaml

from app.index.budget import cassette_weight
from app.loader import load_bytes
from tests.builders import chat_request, chat_response, govcr
from tests.web.conftest import MakeClient
from tests.web.dom import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis"
PAGES = ("/cassettes/{}", "/cassettes/{}/interactions/0")


def _copy(root: Path, *names: str) -> None:
    root.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, root / name.replace("/", "-"))


def test_images_are_drawn_and_audio_plays_on_both_pages(
    tmp_path: Path, make_client: MakeClient
) -> None:
    root = tmp_path / "recordings"
    _copy(root, "openai_chat/inline_media.yaml", "gemini/inline_media.yaml")
    client = make_client(root)
    for name in ("openai_chat-inline_media.yaml", "gemini-inline_media.yaml"):
        for page_url in PAGES:
            page = client.get(page_url.format(name))
            assert page.status_code == 200
            doc = parse(page.text)
            images = [i.attrs["src"] for i in doc.find_all("img")]
            assert any(s.startswith("data:image/png;base64,iVBORw0KGgo") for s in images), name
            players = doc.find_all("audio")
            assert players, (name, page_url)
            assert all("controls" in a.attrs for a in players)
            assert all(a.attrs["src"].startswith("data:audio/wav;base64,UklGR") for a in players)
            assert "inline data not kept" not in page.text
            policy = page.headers["content-security-policy"].split("; ")
            with_data = sorted(d.split()[0] for d in policy if "data:" in d)
            assert with_data == ["img-src", "media-src"]


def test_realtime_spoken_answer_is_a_player(tmp_path: Path, make_client: MakeClient) -> None:
    root = tmp_path / "recordings"
    _copy(root, "openai_realtime/audio_answer.yaml")
    client = make_client(root)
    doc = parse(client.get("/cassettes/openai_realtime-audio_answer.yaml/interactions/0").text)
    (player,) = doc.find_all("audio")
    assert player.attrs["src"].startswith("data:audio/wav;base64,")


def _chat_with_image(size: int) -> str:
    payload = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(size - 8)).decode()
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{payload}"}},
    ]
    return govcr([(chat_request([{"role": "user", "content": content}]), chat_response("A PNG."))])


def _realtime_with_long_answer(pieces: int, piece_bytes: int) -> str:
    delta = base64.b64encode(bytes(piece_bytes)).decode()
    frames = [
        {
            "type": "conversation.item.done",
            "item": {
                "id": "u",
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Talk."}],
            },
        },
        *(
            {"type": "response.output_audio.delta", "item_id": "a", "delta": delta}
            for _ in range(pieces)
        ),
        {
            "type": "response.done",
            "response": {
                "status": "completed",
                "output": [
                    {
                        "id": "a",
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_audio", "transcript": "A long story."}],
                    }
                ],
            },
        },
    ]
    log = [{"kind": "message", "direction": "received", "data": f} for f in frames]
    return yaml.safe_dump({"version": 1, "interactions": log})


def test_media_over_the_cap_is_named_with_its_size(tmp_path: Path, make_client: MakeClient) -> None:
    root = tmp_path / "recordings"
    root.mkdir()
    (root / "big.yaml").write_text(_chat_with_image(600 * 1024))
    (root / "small.yaml").write_text(_chat_with_image(4 * 1024))
    (root / "talk.yaml").write_text(_realtime_with_long_answer(12, 48_000))
    client = make_client(root)
    for page_url in PAGES:
        big = client.get(page_url.format("big.yaml"))
        assert "image of 600 KB not shown" in parse(big.text).text()
        assert not [i for i in parse(big.text).find_all("img") if "data:" in i.attrs["src"]]
        small = parse(client.get(page_url.format("small.yaml")).text)
        assert [i for i in small.find_all("img") if i.attrs["src"].startswith("data:image/png")]
    talk = parse(client.get("/cassettes/talk.yaml/interactions/0").text)
    assert "audio of 563 KB not shown" in talk.text()
    assert not talk.find_all("audio")


def test_kept_media_counts_toward_the_cache_budget() -> None:
    small = load_bytes(_chat_with_image(4 * 1024).encode(), "small.yaml")
    kept = load_bytes(_chat_with_image(300 * 1024).encode(), "kept.yaml")
    # Request bodies count either way; the kept data URL (~400 KB of base64) counts as well.
    assert cassette_weight(kept) - cassette_weight(small) > 1.8 * 400 * 1024
