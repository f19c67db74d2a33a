"""Small pieces shared by the decoders of the non-OpenAI native APIs (Gemini, Bedrock Converse,
Ollama, Cohere).

These APIs differ in their envelopes but agree on a few chores: naming a media part from its MIME
type, turning a tool's structured output into the text the contract shows, reading OpenAI-style
tool declarations, and walking a recorded stream into Chunks without ever raising. Keeping the
chores here keeps each API module about its own wire format.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from app.apis.base import Decoded, Exchange
from app.apis.inline_media import MediaKind, inline
from app.model import Chunk, ChunkKind, MediaPart, Note, Tool
from app.streams import Frame, Framing, detect_framing, frame


def media_kind(media_type: str | None) -> MediaKind:
    mt = (media_type or "").lower()
    if mt.startswith("image/"):
        return "image"
    if mt.startswith("audio/"):
        return "audio"
    return "file"


def media(media_type: str | None, url: str | None = None, data: Any = None) -> MediaPart:
    """A media part; inline base64 `data` is not the contract's url: it is kept apart,
    size-capped (`inline_media`)."""
    if data is not None:
        return inline(media_kind(media_type), media_type or None, data)
    return MediaPart(type=media_kind(media_type), media_type=media_type or None, url=url)


def as_text(value: Any) -> str:
    """Tool output as display text: strings stay as they are, anything else is compact JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return str(value)


def function_tools(tools: Any) -> list[Tool]:
    """OpenAI-style `{"type":"function","function":{name, description, parameters}}` declarations
    (Ollama and Cohere v2 both use them); any other entry is kept under its own name."""
    out: list[Tool] = []
    if not isinstance(tools, list):
        return out
    for tool in tools:
        if not isinstance(tool, Mapping):
            continue
        fn = tool.get("function")
        spec = fn if isinstance(fn, Mapping) else tool
        name = spec.get("name") or tool.get("type")
        if not isinstance(name, str):
            continue
        params = spec.get("parameters", spec.get("parameter_definitions"))
        desc = spec.get("description")
        out.append(
            Tool(name=name, description=desc if isinstance(desc, str) else None, parameters=params)
        )
    return out


def obj(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one: recorded bodies are not trusted."""
    return value if isinstance(value, dict) else {}


def first(mapping: Mapping[str, Any], *names: str) -> Any:
    """The first present key among spellings of one field (camelCase and snake_case both occur)."""
    for name in names:
        if name in mapping:
            return mapping[name]
    return None


def loads(text: str) -> Any:
    try:
        return orjson.loads(text)
    except ValueError:
        return None


def stream_frames(ex: Exchange, preferred: Framing | None, out: Decoded) -> list[Frame]:
    """Frame a streamed body, recording framing damage as warnings instead of raising."""
    body = ex.raw.response.body or b""
    framing = preferred or detect_framing(body, ex.response_content_type)
    if framing is None:
        out.warnings.append(Note("streamed body has no recognisable framing"))
        return []
    framed = frame(body, framing)
    out.warnings.extend(Note(w) for w in framed.warnings)
    return framed.frames


def fold_frames(
    frames: Iterable[Frame],
    step: Callable[[Frame, Any], ChunkKind],
    out: Decoded,
) -> None:
    """Feed each frame's parsed JSON to `step`, which updates the API's snapshot and names the
    chunk's kind. Unparseable payloads become `other` chunks with a warning, never an exception."""
    for seq, fr in enumerate(frames):
        payload = loads(fr.data)
        if payload is None and fr.data.strip() not in ("", "[DONE]"):
            out.warnings.append(Note(f"stream element {seq} is not valid JSON"))
            kind: ChunkKind = "other"
        else:
            kind = step(fr, payload)
        out.chunks.append(Chunk(seq=seq, event=fr.event, data=fr.data, kind=kind))
