"""Anthropic content blocks -> contract parts, for requests and responses alike.

The same block shapes appear in a request's history and in a response (an assistant turn is
echoed back verbatim on the next call), so one mapping serves both; that is what lets the
conversation stitcher recognise a response when it comes back as input.
"""

from __future__ import annotations

import json
from typing import Any

from app.apis.chat_parts import dicts, tool_call
from app.apis.citations import citation_parts
from app.apis.inline_media import inline
from app.model import (
    MediaPart,
    Message,
    Part,
    ReasoningPart,
    TextPart,
    Tool,
    ToolResultPart,
    UnknownPart,
)

# Blocks in which the model asks for a tool: client tools, Anthropic-run tools, MCP tools.
_CALLS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
_MEDIA = {"image": "image", "document": "file", "container_upload": "file"}
# Media inside tool output (either API's shapes): shown as a placeholder, never as base64.
_MEDIA_IN_RESULTS = frozenset({*_MEDIA, "input_image", "input_file", "computer_screenshot"})


def _source_media(kind: str, block: dict[str, Any]) -> MediaPart:
    source = block.get("source")
    src = source if isinstance(source, dict) else {}
    media_type = src.get("media_type")
    url = src.get("url") if src.get("type") == "url" else None
    if media_type is None and src.get("type") == "text":
        media_type = "text/plain"
    if src.get("type") == "base64" and kind in ("image", "audio"):
        return inline(kind, media_type if isinstance(media_type, str) else None, src.get("data"))  # type: ignore[arg-type]
    return MediaPart(
        type=kind,  # type: ignore[arg-type]
        media_type=media_type if isinstance(media_type, str) else None,
        url=url if isinstance(url, str) else None,
    )


def result_text(value: Any) -> str:
    """A tool result's content as text: text blocks joined, search hits as title + URL,
    program output as stdout/stderr, media as a placeholder, anything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(t for t in (result_text(v) for v in value) if t)
    if not isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    kind = value.get("type")
    if kind in _MEDIA_IN_RESULTS:
        return f"[{kind}]"
    if isinstance(value.get("text"), str):
        return str(value["text"])
    lines = [str(value[k]) for k in ("title", "url") if isinstance(value.get(k), str)]
    lines += [
        result_text(value[k]) for k in ("stdout", "stderr", "logs", "content") if value.get(k)
    ]
    if value.get("error_code"):
        lines.append(f"error: {value['error_code']}")
    lines = [ln for ln in lines if ln]
    return "\n".join(lines) if lines else json.dumps(value, ensure_ascii=False)


def _is_error(block: dict[str, Any]) -> bool:
    if block.get("is_error") is True:
        return True
    content = block.get("content")
    return isinstance(content, dict) and str(content.get("type", "")).endswith("_error")


def _result_parts(block: dict[str, Any], names: dict[str, str]) -> list[Part]:
    call_id = block.get("tool_use_id")
    key = str(call_id) if call_id is not None else None
    content = block.get("content")
    parts: list[Part] = [
        ToolResultPart(
            tool_call_id=key,
            name=names.get(key) if key else None,
            content=result_text(content),
            is_error=_is_error(block),
        )
    ]
    # Images a tool returned are shown beside its text rather than flattened into it.
    for item in dicts(content):
        kind = _MEDIA.get(str(item.get("type")))
        if kind is not None:
            parts.append(_source_media(kind, item))
    return parts


def block_parts(block: Any, names: dict[str, str]) -> list[Part]:
    """Parts of one content block; `names` maps tool-use ids to tool names and is filled here."""
    if isinstance(block, str):
        return [TextPart(block)]
    if not isinstance(block, dict):
        return [UnknownPart(block)]
    kind = block.get("type")
    if kind == "text":
        return [TextPart(str(block.get("text") or ""))]
    if kind == "thinking":
        return [ReasoningPart(str(block.get("thinking") or ""))]
    if kind == "redacted_thinking":
        return [ReasoningPart("", redacted=True)]
    if kind in _CALLS:
        name = str(block.get("name") or "")
        if block.get("id") is not None:
            names[str(block["id"])] = name
        return [tool_call(block.get("id"), name, block.get("input"))]
    if kind == "tool_result" or (isinstance(kind, str) and kind.endswith("_tool_result")):
        return _result_parts(block, names)
    if isinstance(kind, str) and kind in _MEDIA:
        return [_source_media(_MEDIA[kind], block)]
    if kind == "search_result":
        return [TextPart(result_text({**block, "type": None}))]
    return [UnknownPart(block)]


def content_parts(content: Any, names: dict[str, str]) -> list[Part]:
    """Parts of a whole content value (string or blocks), with cited sources listed last."""
    if isinstance(content, str):
        return [TextPart(content)]
    parts: list[Part] = []
    citations: list[dict[str, Any]] = []
    for block in content if isinstance(content, list) else []:
        parts.extend(block_parts(block, names))
        if isinstance(block, dict):
            citations.extend(dicts(block.get("citations")))
    parts.extend(citation_parts(citations))
    return parts


def request_messages(body: dict[str, Any], names: dict[str, str]) -> list[Message]:
    """The system prompt, then each turn; tool results are split out as `tool` messages."""
    out: list[Message] = []
    system = body.get("system")
    if system:
        out.append(Message("system", tuple(content_parts(system, names))))
    for msg in dicts(body.get("messages")):
        role = msg.get("role")
        parts = content_parts(msg.get("content"), names)
        if role == "assistant":
            out.append(Message("assistant", tuple(parts)))
            continue
        out.extend(_split_tool_results(parts))
    return out


def _split_tool_results(parts: list[Part]) -> list[Message]:
    """A user turn carrying tool results becomes `tool` messages and `user` messages, in order."""
    out: list[Message] = []
    run: list[Part] = []
    run_role = "user"
    for part in parts:
        # Media right after a result is what the tool returned: it stays with the result.
        returned = isinstance(part, MediaPart) and run_role == "tool"
        role = "tool" if isinstance(part, ToolResultPart) or returned else "user"
        if run and role != run_role:
            out.append(Message(run_role, tuple(run)))  # type: ignore[arg-type]
            run = []
        run_role = role
        run.append(part)
    if run:
        out.append(Message(run_role, tuple(run)))  # type: ignore[arg-type]
    return out


def request_tools(body: dict[str, Any]) -> list[Tool]:
    """Client tools with their schema; Anthropic-run tools (typed) keep their settings."""
    out: list[Tool] = []
    for tool in dicts(body.get("tools")):
        name = tool.get("name") or tool.get("type")
        if not isinstance(name, str):
            continue
        kind = tool.get("type")
        if "input_schema" in tool or kind in (None, "custom"):
            desc = tool.get("description")
            out.append(
                Tool(name, desc if isinstance(desc, str) else None, tool.get("input_schema"))
            )
        else:
            settings = {k: v for k, v in tool.items() if k not in ("name", "type")}
            out.append(Tool(name, f"built-in tool {kind}", settings or None))
    return out
