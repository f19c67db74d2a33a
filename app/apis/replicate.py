"""Replicate predictions: `POST /v1/predictions` (or a model's or deployment's `/predictions`),
the `GET /v1/predictions/{id}` polls that follow, and the event stream a prediction serves.

A prediction is asynchronous: the create call and most polls answer `starting` or
`processing` with no output, so those get a one-line summary; the poll or stream that carries
the output shows it as the assistant's reply (text, or the generated files by URL). The
contract has no name for this API; Tapedeck calls it `replicate.predict` (README, "Decisions
the contract leaves open").
"""

from __future__ import annotations

import re
from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import (
    api_error,
    as_int,
    as_str,
    finish_reason,
    media,
    text_of,
)
from app.apis.inline_media import MediaKind
from app.apis.native_parts import loads, obj, stream_frames
from app.model import (
    ApiError,
    Chunk,
    ChunkKind,
    FinishReason,
    MediaPart,
    Message,
    Part,
    Role,
    TextPart,
)
from app.usage import normalized

_PREDICTION = re.compile(
    r"^/v1/(?:predictions(?:/[^/]+)?|models/([^/]+/[^/]+)/predictions"
    r"|deployments/[^/]+/[^/]+/predictions)/?$"
)
_STREAM = re.compile(r"^/v1/streams/[^/]+/?$")
_MEDIA = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}


class ReplicateDecoder:
    name = "replicate.predict"

    def detect(self, ex: Exchange) -> bool:
        if ex.host == "api.replicate.com":
            return _PREDICTION.search(ex.path) is not None
        return ex.host.endswith(".replicate.net") and _STREAM.search(ex.path) is not None

    def decode(self, ex: Exchange) -> Decoded:
        d = Decoded(api=self.name, provider="replicate")
        if ex.host != "api.replicate.com":
            _stream(ex, d)
            return d
        doc, req = obj(ex.response_json), obj(ex.request_json)
        match = _PREDICTION.search(ex.path)
        d.model = as_str(doc.get("model")) or (match.group(1) if match else None)
        d.streaming = req.get("stream") is True
        d.messages = _prompt(obj(req.get("input") or doc.get("input")))
        d.error = api_error(doc, ex.status)
        if (ex.status or 0) >= 400:
            return d
        status = as_str(doc.get("status")) or "unknown"
        if doc.get("output") is not None:
            d.response = Message("assistant", tuple(_output(doc["output"])))
            d.finish_reason, d.finish_reason_raw = _finished(status)
        elif status == "failed":
            d.error = ApiError("prediction_failed", str(doc.get("error") or "prediction failed"))
        else:
            d.summary = f"prediction {status}" + (" (output streamed)" if d.streaming else "")
        metrics = obj(doc.get("metrics"))
        if "input_token_count" in metrics or "output_token_count" in metrics:
            d.usage = normalized(
                input_tokens=as_int(metrics.get("input_token_count")),
                output_tokens=as_int(metrics.get("output_token_count")),
                raw=metrics,
            )
        return d


_PROMPTS: tuple[tuple[str, Role], ...] = (("system_prompt", "system"), ("prompt", "user"))


def _finished(status: str) -> tuple[FinishReason | None, str | None]:
    return ("stop", status) if status == "succeeded" else finish_reason(status)


def _prompt(given: dict[str, Any]) -> list[Message]:
    """Models name their inputs freely; `system_prompt` and `prompt` are the common text ones."""
    texts = ((as_str(given.get(key)), role) for key, role in _PROMPTS)
    return [Message(role, (TextPart(text),)) for text, role in texts if text is not None]


def _output(output: Any) -> list[Part]:
    """Language models answer a list of text fragments; image and audio models, file URLs."""
    items = output if isinstance(output, list) else [output]
    if items and all(isinstance(i, str) and i.startswith(("https://", "http://")) for i in items):
        return [_file(url) for url in items]
    return [TextPart(text_of(items))]


def _file(url: str) -> MediaPart:
    ext = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
    media_type = _MEDIA.get(ext)
    top = (media_type or "").split("/", 1)[0]
    kind: MediaKind = "image" if top == "image" else "audio" if top == "audio" else "file"
    return media(kind, url, media_type)


def _stream(ex: Exchange, d: Decoded) -> None:
    """Events are `output` (a text fragment, not JSON), `error` and `done`."""
    d.streaming = True
    text: list[str] = []
    for seq, fr in enumerate(stream_frames(ex, "sse", d)):
        kind: ChunkKind = "other"
        if fr.event == "output":
            text.append(fr.data)
            kind = "text" if fr.data else "other"
        elif fr.event == "error":
            detail = obj(loads(fr.data)).get("detail")
            d.error, kind = ApiError("prediction_failed", str(detail or fr.data)), "error"
        elif fr.event == "done":
            reason = as_str(obj(loads(fr.data)).get("reason"))  # absent when it just ended
            d.finish_reason, d.finish_reason_raw = _finished(reason or "succeeded")
            kind = "finish"
        d.chunks.append(Chunk(seq, fr.event, fr.data, kind))
    d.response = Message("assistant", (TextPart("".join(text)),))


DECODER = ReplicateDecoder()
