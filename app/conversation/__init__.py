"""Stitching: the interactions of a cassette as one conversation, each message once.

A chat client resends the whole history on every call, so interaction N's request repeats
everything interaction N-1 sent and received. We walk the interactions in order and keep a
thread: the part of a request that the thread already holds is skipped, what is new is appended
and tagged with the interaction it first appeared in, then the response follows. Requests that
only repeat the thread (a retry, a token count) add nothing; interactions that are not
conversations (embeddings, model lists) are left out.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

from app.model import (
    Interaction,
    MediaPart,
    Message,
    Part,
    RefusalPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

Key = tuple[Any, ...]


def stitch(interactions: Iterable[Interaction]) -> tuple[Message, ...]:
    thread: list[Message] = []
    keys: list[Key] = []
    for it in interactions:
        if not it.messages and it.response is None:
            continue
        req_keys = [message_key(m) for m in it.messages]
        shared = _common_prefix(keys, req_keys)
        resp_key = message_key(it.response) if it.response is not None else None
        # A request that only repeats part of the thread is a retry or a side call: keep its
        # answer only if the thread does not already hold it at that point.
        if (
            shared == len(req_keys)
            and shared < len(keys)
            and (resp_key is None or keys[shared] == resp_key)
        ):
            continue
        for msg, key in zip(it.messages[shared:], req_keys[shared:], strict=True):
            if _empty(key):
                continue
            thread.append(dataclasses.replace(msg, interaction=it.index))
            keys.append(key)
        if it.response is not None and resp_key is not None and not _empty(resp_key):
            thread.append(dataclasses.replace(it.response, interaction=it.index))
            keys.append(resp_key)
    return tuple(thread)


def _common_prefix(a: list[Key], b: list[Key]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _empty(key: Key) -> bool:
    return not key[1]


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
