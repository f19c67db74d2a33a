"""What makes two renderings of a message the same message, for comparing requests."""

from __future__ import annotations

import json
from typing import Any

from app.model import MediaPart, Message, Part, RefusalPart, TextPart, ToolCallPart, ToolResultPart

Key = tuple[Any, ...]


def message_key(msg: Message) -> Key:
    """What makes two renderings of a message the same message.

    A response and its echo in the next request differ in incidentals: reasoning is often
    dropped or encrypted, tool arguments come back re-serialized, whitespace is trimmed. The key
    keeps only what a reader would call the message's content.
    """
    role = "system" if msg.role == "developer" else msg.role
    return (role, tuple(k for k in (_part_key(p) for p in msg.parts) if k is not None))


def _part_key(part: Part) -> Key | None:
    if isinstance(part, TextPart | RefusalPart):
        text = " ".join(part.text.split())
        return ("text", text) if text else None
    if isinstance(part, ToolCallPart):
        return ("call", part.id or part.name, _canonical(part.arguments))
    if isinstance(part, ToolResultPart):
        return ("result", part.tool_call_id or part.name, " ".join(part.content.split()))
    if isinstance(part, MediaPart):
        return ("media", part.type, part.url)
    return None  # reasoning and unknown parts do not decide identity


def _canonical(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)
