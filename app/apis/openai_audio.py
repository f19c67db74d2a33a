"""OpenAI's audio endpoints (and the servers that copy them: Groq, Azure, vLLM...): speech
(`/audio/speech`), transcription (`/audio/transcriptions`) and translation (`/audio/translations`).

Speech turns the request's `input` text into an audio body: the text is the user turn, the
answer an audio part, and the summary names the voice and format. Transcription and
translation upload an audio file as multipart form data, so the form's text fields (model,
language...) are read from the raw body; the answer is the transcript, whether it came as JSON
(`text`, with optional segments and usage), as plain text / SRT / VTT, or as a stream of
`transcript.text.delta` events.
"""

from __future__ import annotations

import re
from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import api_error, as_str
from app.apis.native_parts import fold_frames, obj, stream_frames
from app.model import ChunkKind, MediaPart, Message, Note, TextPart
from app.streams import Frame
from app.usage import normalized

_PATH = re.compile(r"/audio/(speech|transcriptions|translations)/?$")
_FORM_FIELD = re.compile(
    rb'Content-Disposition:\s*form-data;\s*name="([^"]+)"(?:;\s*filename="([^"]*)")?[^\r\n]*\r?\n'
    rb"(?:[^\r\n]+\r?\n)*\r?\n",
    re.IGNORECASE,
)
_TEXT_FIELDS = 2000  # a form value longer than this is the file, not a setting
_JSON_KEYS = {"text", "language", "duration", "segments", "words", "usage", "task", "logprobs"}


class OpenAIAudio:
    name = "openai.audio"

    def detect(self, ex: Exchange) -> bool:
        return ex.raw.request.method.upper() == "POST" and _PATH.search(ex.path) is not None

    def decode(self, ex: Exchange) -> Decoded:
        match = _PATH.search(ex.path)
        kind = match.group(1) if match else "speech"
        out = Decoded(api=self.name)
        if kind == "speech":
            _speech(ex, out)
        else:
            _transcript(ex, out, "transcription" if kind == "transcriptions" else "translation")
        return out


def _speech(ex: Exchange, out: Decoded) -> None:
    req = obj(ex.request_json)
    out.model = as_str(req.get("model"))
    text = as_str(req.get("input"))
    if text is not None:
        out.messages = [Message("user", (TextPart(text),))]
    voice = req.get("voice")
    voice_name = as_str(obj(voice).get("id")) if isinstance(voice, dict) else as_str(voice)
    fmt = as_str(req.get("response_format")) or "mp3"
    if (ex.status or 0) >= 400:
        out.error = api_error(ex.response_json, ex.status)
        out.summary = f"speech ({voice_name or 'default voice'}) -> error"
        return
    size = len(ex.raw.response.body or b"")
    media_type = ex.response_content_type.split(";", 1)[0] or f"audio/{fmt}"
    out.response = Message("assistant", (MediaPart("audio", media_type),))
    instructions = " with instructions" if as_str(req.get("instructions")) else ""
    out.summary = f"speech: voice {voice_name or 'default'}{instructions}, {fmt}, {size} bytes"


def form_fields(body: bytes) -> tuple[dict[str, str], str | None]:
    """The text fields of a multipart form and the uploaded file's name."""
    fields: dict[str, str] = {}
    filename = None
    for match in _FORM_FIELD.finditer(body):
        name = match.group(1).decode("utf-8", "replace")
        if match.group(2) is not None:
            filename = match.group(2).decode("utf-8", "replace")
            continue
        end = body.find(b"\r\n--", match.end())
        value = body[match.end() : end if end >= 0 else None]
        if len(value) <= _TEXT_FIELDS:
            fields[name] = value.decode("utf-8", "replace").strip()
    return fields, filename


def _transcript(ex: Exchange, out: Decoded, task: str) -> None:
    fields, filename = form_fields(ex.raw.request.body or b"")
    out.model = fields.get("model")
    out.messages = [Message("user", (MediaPart("audio", None),))]
    if (ex.status or 0) >= 400:
        out.error = api_error(ex.response_json, ex.status)
        out.summary = f"{task} -> error"
        return
    doc = ex.response_json
    text: str | None
    if fields.get("stream") == "true" or "text/event-stream" in ex.response_content_type:
        out.streaming = True
        text = _fold(ex, out)
    elif isinstance(doc, dict):
        text = as_str(doc.get("text"))
        _usage(doc.get("usage"), out)
        unknown = sorted(k for k in doc if k not in _JSON_KEYS)
        if unknown:
            out.warnings.append(Note(f"{task} fields not read: {', '.join(unknown)}"))
    else:  # response_format text, srt or vtt
        text = ex.response_text
    if text is not None:
        out.response = Message("assistant", (TextPart(text),))
    about = [f"from {filename}"] if filename else []
    language = as_str(obj(doc).get("language")) or fields.get("language")
    about += [language] if language else []
    duration = obj(doc).get("duration")
    about += [f"{duration} s"] if isinstance(duration, int | float) else []
    chars = f" -> {len(text)} characters" if text is not None else ""
    out.summary = f"{task}" + (f" ({', '.join(about)})" if about else "") + chars


def _usage(raw: Any, out: Decoded) -> None:
    use = obj(raw)
    if use.get("type") == "tokens" or "input_tokens" in use:
        out.usage = normalized(
            input_tokens=use.get("input_tokens"), output_tokens=use.get("output_tokens"), raw=use
        )


def _fold(ex: Exchange, out: Decoded) -> str:
    pieces: list[str] = []
    done: list[str] = []

    def step(fr: Frame, payload: Any) -> ChunkKind:
        event = obj(payload)
        kind = event.get("type")
        if kind == "transcript.text.delta":
            pieces.append(str(event.get("delta") or ""))
            return "text"
        if kind == "transcript.text.done":
            done.append(str(event.get("text") or ""))
            _usage(event.get("usage"), out)
            return "finish"
        return "other"

    fold_frames(stream_frames(ex, "sse", out), step, out)
    if not done:
        out.warnings.append(Note("transcript stream ends without transcript.text.done"))
    return done[-1] if done else "".join(pieces)


DECODER = OpenAIAudio()
