"""Inline media kept as data URLs: base64 letters are not text, so a key-shaped run of them is
left alone (the picture stays intact), while a key written inside the bytes (a PNG text chunk)
is masked like any binary body; and masking one is bounded by the inline cap."""

from __future__ import annotations

import base64
import struct
import threading
import zlib

from app.apis.inline_media import INLINE_MEDIA_LIMIT
from app.loader import load_bytes
from app.model import MediaPart
from tests.builders import chat_request, chat_response, govcr
from tests.security.planted import key_of, random_secret


def _png_with_text(text: bytes) -> bytes:
    body = b"tEXt" + b"Comment\x00" + text
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    return b"\x89PNG\r\n\x1a\n" + chunk


def _image_part(payload: str) -> MediaPart:
    content = [{"type": "image_url", "image_url": {"url": f"data:image/png;base64,{payload}"}}]
    doc = govcr([(chat_request([{"role": "user", "content": content}]), chat_response("ok"))])
    (it,) = load_bytes(doc.encode(), "image.yaml").interactions
    (part,) = it.messages[0].parts
    assert isinstance(part, MediaPart)
    return part


def test_a_key_inside_the_image_bytes_is_masked() -> None:
    secret = key_of("openai-project", random_secret())
    payload = base64.b64encode(_png_with_text(secret.encode())).decode()
    part = _image_part(payload)
    assert part.data_url is not None
    shown = base64.b64decode(part.data_url.split(",", 1)[1])
    assert secret.encode() not in shown
    assert shown.startswith(b"\x89PNG")


def test_base64_letters_that_look_like_a_key_are_not_masked() -> None:
    prefix = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(4)).decode()
    lookalike = "AIza" + "Sy" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9cD1fG2h"  # 4 + 35 letters
    payload = prefix + lookalike + "A" * (-len(prefix + lookalike) % 4)
    part = _image_part(payload)
    assert part.data_url == f"data:image/png;base64,{payload}"


def test_masking_the_largest_kept_image_is_bounded() -> None:
    """Loading masks the decoded interaction (the kept image's bytes too): repeats of what the
    rules look for, as many as the cap lets in, cost seconds at most, never minutes."""
    hostile = b"\x89PNG\r\n\x1a\n" + b"token=sk-" * (INLINE_MEDIA_LIMIT * 3 // 4 // 9 - 8)
    parts: list[MediaPart] = []
    worker = threading.Thread(
        target=lambda: parts.append(_image_part(base64.b64encode(hostile).decode())), daemon=True
    )
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "masking one capped image took over a minute"
    assert parts[0].data_url is not None  # at the cap, still kept
