"""Inline images and audio kept as capped data URLs: what is kept, what is only measured."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import yaml

from app.apis.inline_media import INLINE_MEDIA_LIMIT, from_data_url, inline, pcm_audio
from app.loader import load_bytes
from app.model import MediaPart

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(40)).decode()


def test_a_small_image_is_kept_and_its_size_counted() -> None:
    part = inline("image", "image/png", PNG)
    assert part.data_url == f"data:image/png;base64,{PNG}"
    assert part.inline_bytes == 48
    assert part.url is None  # the contract's field keeps its meaning


def test_a_payload_over_the_cap_keeps_only_its_size() -> None:
    big = "A" * (INLINE_MEDIA_LIMIT + 4)
    part = inline("image", "image/png", big)
    assert part.data_url is None
    assert part.inline_bytes == len(big) * 3 // 4


def test_types_a_page_must_not_draw_are_measured_not_kept() -> None:
    svg = base64.b64encode(b"<svg onload=alert(1)>").decode()
    assert inline("image", "image/svg+xml", svg).data_url is None
    assert inline("file", "application/pdf", PNG).data_url is None
    assert inline("image", "image/png", "not base64 at all!").data_url is None
    assert inline("image", "image/png", None) == MediaPart("image", "image/png")


def test_data_urls_from_requests_are_checked_the_same_way() -> None:
    part = from_data_url("image", f"data:image/jpg;base64,{PNG}")
    assert part.media_type == "image/jpg"
    assert part.data_url == f"data:image/jpeg;base64,{PNG}"
    plain = from_data_url("image", "data:image/svg+xml,<svg/>")
    assert plain.data_url is None
    assert plain.inline_bytes == 6


def _wav_header(url: str) -> tuple[int, int, int]:
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WAVE"
    channels, rate = struct.unpack("<HI", data[22:28])
    return channels, rate, struct.unpack("<I", data[40:44])[0]


def test_raw_pcm_becomes_a_playable_wav_at_its_rate() -> None:
    samples = base64.b64encode(bytes(480)).decode()
    part = inline("audio", "audio/L16;codec=pcm;rate=16000", samples)
    assert part.data_url is not None
    assert _wav_header(part.data_url) == (1, 16000, 480)
    openai = inline("audio", "audio/pcm", samples)
    assert openai.data_url is not None
    assert _wav_header(openai.data_url)[1] == 24000


def test_streamed_pcm_too_long_to_show_keeps_its_length() -> None:
    streamed = pcm_audio([bytes(100), bytes(100)], 200)
    assert streamed.data_url is not None
    assert _wav_header(streamed.data_url)[2] == 200
    long = pcm_audio([], INLINE_MEDIA_LIMIT)
    assert long.data_url is None
    assert long.inline_bytes == INLINE_MEDIA_LIMIT


def test_streamed_chat_audio_is_one_clip_with_its_whole_transcript() -> None:
    """Chat streams the spoken answer in pieces; before, only the last piece was kept."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures/apis/openai_chat/audio_streamed.yaml"
    (it,) = load_bytes(fixture.read_bytes(), "audio_streamed.yaml").interactions
    assert it.response is not None
    clip, transcript = it.response.parts
    assert isinstance(clip, MediaPart)
    assert clip.inline_bytes == 1440  # 30 ms of 24 kHz 16-bit mono
    assert clip.data_url is not None
    assert _wav_header(clip.data_url) == (1, 24000, 1440)
    assert transcript.text == "Hello!"  # type: ignore[union-attr]


def _session(*frames: tuple[str, dict[str, object]]) -> bytes:
    log = [{"kind": "message", "direction": d, "data": f} for d, f in frames]
    return yaml.safe_dump({"version": 1, "interactions": log}).encode()


def _heard_then_answered(session: dict[str, object]) -> bytes:
    piece = base64.b64encode(bytes(960)).decode()  # 20 ms of silence at 24 kHz
    user = {"id": "u1", "type": "message", "role": "user", "content": [{"type": "input_audio"}]}
    answer = {"id": "a1", "type": "message", "role": "assistant",
              "content": [{"type": "output_text", "text": "Hello."}]}  # fmt: skip
    return _session(
        ("received", {"type": "session.created", "session": session}),
        ("sent", {"type": "input_audio_buffer.append", "audio": piece}),
        ("sent", {"type": "input_audio_buffer.append", "audio": piece}),
        ("received", {"type": "input_audio_buffer.committed", "item_id": "u1"}),
        ("received", {"type": "conversation.item.done", "item": user}),
        ("received", {"type": "response.done", "response": {"status": "completed",
                                                            "output": [answer]}}),
    )  # fmt: skip


def test_realtime_speech_the_client_sent_plays_under_its_turn() -> None:
    (it,) = load_bytes(_heard_then_answered({"model": "gpt-realtime"}), "s.yaml").interactions
    (heard,) = it.messages[0].parts
    assert isinstance(heard, MediaPart)
    assert heard.inline_bytes == 1920
    assert heard.data_url is not None
    assert _wav_header(heard.data_url) == (1, 24000, 1920)


def test_realtime_g711_audio_is_sized_never_played_as_pcm() -> None:
    session = {"audio": {"input": {"format": {"type": "audio/pcmu"}}}}
    (it,) = load_bytes(_heard_then_answered(session), "s.yaml").interactions
    (heard,) = it.messages[0].parts
    assert isinstance(heard, MediaPart)
    assert (heard.data_url, heard.inline_bytes) == (None, 1920)
