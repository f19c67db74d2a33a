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


class Fingerprints:
    """`message_key` hashed, worked out once per distinct rendering.

    An agent resends its history on every call, so the same message text is decoded hundreds of
    times; normalizing it each time (whitespace, JSON re-serialization) would dominate the cost.
    Identical renderings are found by a plain hash lookup and normalized only the first time.
    """

    def __init__(self) -> None:
        self._memo: dict[Key, int | None] = {}

    def of(self, msg: Message) -> tuple[int, bool] | None:
        """The fingerprint and whether it is a system message; None when it has no content."""
        raw = (msg.role, *(_raw(p) for p in msg.parts))
        try:
            fp = self._memo[raw]
        except KeyError:
            key = message_key(msg)
            fp = self._memo[raw] = hash(key) if key[1] else None
        except TypeError:  # an unhashable part value: normalize it every time
            key = message_key(msg)
            fp = hash(key) if key[1] else None
        return None if fp is None else (fp, msg.role in ("system", "developer"))


def _raw(part: Part) -> Any:
    """Part as recorded, hashable when its values are: equal raws always have equal keys."""
    if isinstance(part, TextPart | RefusalPart):
        return part.text
    if isinstance(part, ToolResultPart):
        return ("result", part.tool_call_id, part.name, part.content)
    if isinstance(part, ToolCallPart):
        args = part.arguments
        return ("call", part.id, part.name, args if isinstance(args, str) else repr(args))
    if isinstance(part, MediaPart):
        return ("media", part.type, part.url)
    return None  # not part of the key either


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
