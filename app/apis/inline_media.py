"""Inline images and audio kept as size-capped `data:` URLs, so the pages can show and play them.

The contract's `url` stays null for inline data. `MediaPart.data_url` (an extra field) holds the
bytes only when a browser can show them safely (raster images, audio it plays) and the whole URL
is at most INLINE_MEDIA_LIMIT characters, so a recording full of screenshots cannot make a page
or a JSON answer megabytes heavier; `inline_bytes` always gives the payload's size, so a page can
say what it leaves out. Raw PCM (OpenAI `pcm16`, Gemini `audio/L16`, Realtime audio deltas) gets
a WAV header: the one form of it a browser plays.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from typing import Any, Literal

from app.model import MediaPart

MediaKind = Literal["image", "audio", "file"]

INLINE_MEDIA_LIMIT = 512 * 1024

_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_SHOWN = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "audio/wav",
        "audio/mpeg",
        "audio/ogg",
        "audio/webm",
        "audio/flac",
        "audio/aac",
        "audio/mp4",
    }
)
# Other names for the shown types, and the audio `format` names of OpenAI's APIs.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-flac": "audio/flac",
    "audio/opus": "audio/ogg",
    "audio/pcm16": "audio/pcm",
    "audio/l16": "audio/pcm",
}
_FORMATS = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "pcm16": "audio/pcm",
    "pcm": "audio/pcm",
    "g711_ulaw": "audio/pcmu",
    "g711_alaw": "audio/pcma",
}
# OpenAI's pcm16 is 24 kHz mono; Gemini names its rate in the media type (`rate=24000`).
PCM_RATE = 24_000
_WAV_HEADER = 44


def audio_format(fmt: Any) -> str | None:
    """An OpenAI audio `format` (`wav`, `pcm16`, ...) as a media type."""
    if not isinstance(fmt, str) or not fmt:
        return None
    return _FORMATS.get(fmt.lower(), f"audio/{fmt.lower()}")


# Leading base64 characters of common signatures, for bare base64 that does not name its type
# (Ollama images, chat audio answers). RIFF is WebP among images, WAV among audio.
_MAGIC: dict[str, tuple[tuple[str, str], ...]] = {
    "image": (
        ("iVBORw0KGgo", "image/png"),
        ("/9j/", "image/jpeg"),
        ("R0lGOD", "image/gif"),
        ("UklGR", "image/webp"),
    ),
    "audio": (
        ("UklGR", "audio/wav"),
        ("SUQz", "audio/mpeg"),
        ("T2dnUw", "audio/ogg"),
        ("ZkxhQw", "audio/flac"),
    ),
}


def sniff(kind: MediaKind, data: Any) -> str | None:
    """The media type bare base64 `data` of `kind` starts like, if any."""
    if isinstance(data, str):
        for prefix, media_type in _MAGIC.get(kind, ()):
            if data.startswith(prefix):
                return media_type
    return None


def base64_size(text: str) -> int:
    """Bytes that `text` decodes to, without decoding it."""
    padding = len(text) - len(text.rstrip("="))
    return max(0, len(text) * 3 // 4 - padding)


def inline(kind: MediaKind, media_type: str | None, data: Any) -> MediaPart:
    """A part for base64 `data` of `media_type` (Anthropic `source.data`, Gemini
    `inlineData.data`, OpenAI `input_audio.data` / `message.audio.data`)."""
    if not isinstance(data, str):
        return MediaPart(kind, media_type)
    size = base64_size(data)
    return MediaPart(kind, media_type, None, _data_url(media_type, data, size), size)


def from_data_url(kind: MediaKind, url: str, media_type: str | None = None) -> MediaPart:
    """A part for a recorded `data:` URL (OpenAI `image_url`, Responses `input_image`)."""
    head, _, payload = url[5:].partition(",")
    params = head.split(";")
    recorded_type = params[0].strip() or None
    if "base64" not in (p.strip().lower() for p in params[1:]):
        return MediaPart(kind, media_type or recorded_type, None, None, len(payload))
    size = base64_size(payload)
    shown = _data_url(";".join(params[:-1]) or recorded_type, payload, size)
    return MediaPart(kind, media_type or recorded_type, None, shown, size)


def pcm_audio(chunks: list[bytes], size: int, rate: int = PCM_RATE) -> MediaPart:
    """Audio streamed as raw 16-bit mono PCM pieces (`size` bytes in all, the pieces kept only
    while they fit the cap), as one playable WAV."""
    url = None
    if _fits(size + _WAV_HEADER) and sum(map(len, chunks)) == size:
        url = _wav_url(b"".join(chunks), rate)
    return MediaPart("audio", "audio/pcm", None, url, size)


class PcmStream:
    """Raw PCM16 streamed as base64 pieces (Realtime audio deltas, chat `delta.audio.data`):
    its size always, its bytes only while they fit the cap (then they are let go)."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.size = 0
        self.kept = True

    def add(self, data: Any) -> None:
        if not isinstance(data, str) or not data:
            return
        self.size += base64_size(data)
        if self.kept and _fits(self.size + _WAV_HEADER):
            try:
                self.pieces.append(base64.b64decode(data, validate=True))
                return
            except binascii.Error:
                pass
        self.kept = False
        self.pieces = []

    def part(self) -> MediaPart:
        return pcm_audio(self.pieces, self.size)


def _fits(size: int) -> bool:
    return len("data:audio/wav;base64,") + (size + 2) // 3 * 4 <= INLINE_MEDIA_LIMIT


def _data_url(media_type: str | None, payload: str, size: int) -> str | None:
    if not _fits(size) or not _BASE64.fullmatch(payload) or len(payload) % 4:
        return None
    params = (media_type or "").lower().split(";")
    kind = _ALIASES.get(params[0].strip(), params[0].strip())
    if kind == "audio/pcm":
        return _pcm_url(payload, params[1:], size)
    if kind not in _SHOWN:
        return None
    return f"data:{kind};base64,{payload}"


def _pcm_url(payload: str, params: list[str], size: int) -> str | None:
    if not _fits(size + _WAV_HEADER):
        return None
    rate = PCM_RATE
    for param in params:
        name, _, value = param.partition("=")
        if name.strip() == "rate" and value.strip().isdigit():
            rate = int(value)
    try:
        pcm = base64.b64decode(payload, validate=True)
    except binascii.Error:
        return None
    return _wav_url(pcm, rate)


def _wav_url(pcm: bytes, rate: int) -> str:
    pcm = pcm[: len(pcm) // 2 * 2]
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header += b"data" + struct.pack("<I", len(pcm))
    return "data:audio/wav;base64," + base64.b64encode(header + pcm).decode("ascii")
