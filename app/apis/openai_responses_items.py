"""OpenAI Responses items -> contract parts and messages.

Input and output share one item vocabulary (a turn's output items are sent back as the next
turn's input), so one mapping serves both. Consecutive items of one speaker become one message,
so an assistant turn of reasoning + several calls reads the same whether it was the response or
came back as history.
"""

from __future__ import annotations

from typing import Any

from app.apis.anthropic_blocks import result_text
from app.apis.chat_parts import dicts, media, tool_call
from app.apis.citations import citation_parts
from app.apis.inline_media import audio_format, inline
from app.model import (
    Message,
    Part,
    ReasoningPart,
    RefusalPart,
    Role,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
)

_ROLES: frozenset[str] = frozenset({"system", "developer", "user", "assistant"})

# Item types whose result comes back from the client in a later request, keyed by the
# field that holds it.
_OUTPUTS = {
    "function_call_output": "output",
    "custom_tool_call_output": "output",
    "computer_call_output": "output",
    "local_shell_call_output": "output",
    "shell_call_output": "output",
    "apply_patch_call_output": "output",
    "mcp_approval_response": "approve",
}
# Calls the client must answer: a response holding one finished with a tool call.
CLIENT_CALLS = frozenset(
    {
        "function_call",
        "custom_tool_call",
        "computer_call",
        "local_shell_call",
        "shell_call",
        "apply_patch_call",
        "mcp_approval_request",
    }
)
# Fields of a built-in call that are bookkeeping, not its input.
_NOT_INPUT = frozenset(
    {
        "id",
        "type",
        "status",
        "call_id",
        "output",
        "outputs",
        "results",
        "error",
        "result",
        "name",
        "arguments",
        "tools",
    }
)


def content_part(part: Any) -> Part:
    if isinstance(part, str):
        return TextPart(part)
    if not isinstance(part, dict):
        return UnknownPart(part)
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text", "summary_text", "reasoning_text"):
        return TextPart(str(part.get("text") or ""))
    if kind == "refusal":
        return RefusalPart(str(part.get("refusal") or ""))
    if kind == "input_image":
        url = part.get("image_url")
        return media("image", url if isinstance(url, str) else None)
    if kind == "input_file":
        url = part.get("file_url") or part.get("file_data")
        return media("file", url if isinstance(url, str) else None)
    if kind == "input_audio":
        audio = part.get("input_audio")
        audio = audio if isinstance(audio, dict) else {}
        return inline("audio", audio_format(audio.get("format")), audio.get("data"))
    return UnknownPart(part)


def _message_parts(item: dict[str, Any]) -> list[Part]:
    content = item.get("content")
    if isinstance(content, str):
        return [TextPart(content)]
    parts = [content_part(p) for p in (content if isinstance(content, list) else [])]
    citations = [a for p in dicts(content) for a in dicts(p.get("annotations"))]
    return [*parts, *citation_parts(citations)]


def _reasoning(item: dict[str, Any]) -> ReasoningPart:
    """Summary text when there is one, else the raw reasoning text; with neither, the model
    reasoned out of sight (encrypted or not returned), shown as a redacted part."""
    for key in ("summary", "content"):
        text = "\n\n".join(str(p.get("text") or "") for p in dicts(item.get(key)))
        if text:
            return ReasoningPart(text)
    return ReasoningPart("", redacted=True)


def _call_name(item: dict[str, Any], kind: str) -> str:
    name = item.get("name")
    if isinstance(name, str) and name:
        return name
    return kind.removesuffix("_call")


def _builtin_parts(item: dict[str, Any], kind: str) -> list[Part]:
    """A tool the provider ran (web search, code interpreter, MCP ...): its call and, when the
    item carries it, its result."""
    call_id = item.get("call_id") or item.get("id")
    name = _call_name(item, kind)
    if "arguments" in item:
        args: Any = item.get("arguments")
    else:
        args = {k: v for k, v in item.items() if k not in _NOT_INPUT}
    parts: list[Part] = [tool_call(call_id, name, args)]
    error = item.get("error")
    for key in ("output", "outputs", "results", "result", "tools"):
        value = item.get(key)
        if value:
            parts.append(ToolResultPart(str(call_id), name, _result(kind, value), bool(error)))
            break
    else:
        if error:
            parts.append(ToolResultPart(str(call_id), name, result_text(error), is_error=True))
    return parts


def _result(kind: str, value: Any) -> str:
    if kind == "image_generation_call":
        return "[generated image]"  # the base64 image itself is not repeated
    if kind == "mcp_list_tools":
        return "tools: " + ", ".join(str(t.get("name")) for t in dicts(value))
    return result_text(value)


def item_parts(item: dict[str, Any], names: dict[str, str]) -> tuple[Role, list[Part]]:
    """The speaker of one item and its parts; `names` maps call ids to tool names."""
    kind = str(item.get("type") or ("message" if "role" in item else ""))
    if kind == "message":
        role = str(item.get("role") or "user")
        return (role if role in _ROLES else "user"), _message_parts(item)  # type: ignore[return-value]
    if kind == "reasoning":
        return "assistant", [_reasoning(item)]
    if kind in ("function_call", "custom_tool_call"):
        call_id = item.get("call_id") or item.get("id")
        name = str(item.get("name") or "")
        names[str(call_id)] = name
        if kind == "custom_tool_call":  # free-form text input, not JSON
            return "assistant", [tool_call(call_id, name, {"input": item.get("input")})]
        return "assistant", [tool_call(call_id, name, item.get("arguments"))]
    if kind in _OUTPUTS:
        call_id = str(item.get("call_id") or item.get("approval_request_id") or "")
        value = item.get(_OUTPUTS[kind])
        text = result_text(value) if not isinstance(value, bool) else str(value).lower()
        return "tool", [ToolResultPart(call_id or None, names.get(call_id), text)]
    if kind.endswith("_call") or kind in ("mcp_list_tools", "mcp_approval_request"):
        parts = _builtin_parts(item, kind)
        first = parts[0]
        if isinstance(first, ToolCallPart) and first.id:
            names[first.id] = first.name
        return "assistant", parts
    return "assistant", [UnknownPart(item)]


def items_messages(items: Any, names: dict[str, str]) -> list[Message]:
    """Items in order, consecutive items of one speaker joined into one message."""
    out: list[Message] = []
    if isinstance(items, str):
        return [Message("user", (TextPart(items),))]
    for item in items if isinstance(items, list) else []:
        role: Role = "user"
        parts: list[Part] = [UnknownPart(item)]
        if isinstance(item, dict):
            role, parts = item_parts(item, names)
        if out and out[-1].role == role and role in ("assistant", "tool"):
            out[-1] = Message(role, out[-1].parts + tuple(parts))
        else:
            out.append(Message(role, tuple(parts)))
    return out


def response_message(output: Any, names: dict[str, str]) -> Message:
    """All output items of one response as the one assistant message they are."""
    parts: list[Part] = []
    for item in dicts(output):
        parts.extend(item_parts(item, names)[1])
    return Message("assistant", tuple(parts))


def request_tools(tools: Any) -> list[Tool]:
    """Function tools with their schema; built-in tools under their type, with their settings."""
    out: list[Tool] = []
    for tool in dicts(tools):
        kind = tool.get("type")
        name = tool.get("name") or tool.get("server_label") or kind
        if not isinstance(name, str):
            continue
        desc = tool.get("description")
        if kind in ("function", "custom", None):
            params = tool.get("parameters") if kind != "custom" else tool.get("format")
            out.append(Tool(name, desc if isinstance(desc, str) else None, params))
        else:
            settings = {k: v for k, v in tool.items() if k not in ("type", "name")}
            out.append(Tool(name, f"built-in tool {kind}", settings or None))
    return out
