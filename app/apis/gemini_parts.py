"""Gemini request contents and parts -> contract messages and parts.

Gemini accepts camelCase and snake_case spellings of every field (proto JSON), puts tool results
in `user` contents and, before Gemini 3, gives function calls no ids: results are paired with
their calls by name and order. Thought summaries are text parts flagged `thought`; their
`thoughtSignature` is opaque and never shown as text.
"""

from __future__ import annotations

from typing import Any

from app.apis.chat_parts import tool_call
from app.apis.native_parts import as_text, first, media
from app.model import (
    Message,
    Part,
    ReasoningPart,
    Role,
    TextPart,
    Tool,
    ToolResultPart,
    UnknownPart,
)

# Keys a part may carry beside its payload; they change nothing the reader sees.
_PART_EXTRAS = {
    "thought",
    "thoughtSignature",
    "thought_signature",
    "videoMetadata",
    "video_metadata",
    "partMetadata",
    "part_metadata",
    "mediaResolution",
}


# --- request -------------------------------------------------------------------------------


def request_messages(req: dict[str, Any]) -> list[Message]:
    msgs: list[Message] = []
    system = first(req, "systemInstruction", "system_instruction")
    if isinstance(system, str):
        msgs.append(Message("system", (TextPart(system),)))
    elif isinstance(system, dict):
        msgs.append(Message("system", tuple(parts_of(system.get("parts"), {}))))
    contents = req.get("contents")
    if isinstance(contents, dict):
        contents = [contents]
    calls: dict[str, list[str | None]] = {}  # tool name -> ids of calls not yet answered
    for content in contents if isinstance(contents, list) else []:
        if isinstance(content, str):
            msgs.append(Message("user", (TextPart(content),)))
            continue
        if not isinstance(content, dict):
            msgs.append(Message("user", (UnknownPart(content),)))
            continue
        parts = tuple(parts_of(content.get("parts"), calls))
        msgs.append(Message(_role(content.get("role"), parts), parts))
    return msgs


def _role(raw: Any, parts: tuple[Part, ...]) -> Role:
    if raw == "model":
        return "assistant"
    if raw == "function" or (parts and all(isinstance(p, ToolResultPart) for p in parts)):
        return "tool"
    return "user"


def request_tools(tools: Any) -> list[Tool]:
    out: list[Tool] = []
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        decls = first(tool, "functionDeclarations", "function_declarations")
        if isinstance(decls, list):
            for d in decls:
                if isinstance(d, dict) and isinstance(d.get("name"), str):
                    params = first(
                        d, "parameters", "parametersJsonSchema", "parameters_json_schema"
                    )
                    out.append(Tool(d["name"], d.get("description"), params))
            continue
        for key, value in tool.items():  # built-ins: googleSearch, codeExecution, urlContext...
            out.append(Tool(name=key, description="built-in tool", parameters=value or None))
    return out


# --- parts ---------------------------------------------------------------------------------


def parts_of(raw: Any, calls: dict[str, list[str | None]]) -> list[Part]:
    """Gemini parts -> contract parts; `calls` pairs id-less functionResponses with their calls."""
    out: list[Part] = []
    for part in raw if isinstance(raw, list) else []:
        decoded = _part(part, calls) if isinstance(part, dict) else UnknownPart(part)
        if decoded is not None:
            out.append(decoded)
    return out


def _part(part: dict[str, Any], calls: dict[str, list[str | None]]) -> Part | None:
    if "text" in part:
        text = part["text"]
        if not isinstance(text, str):
            return UnknownPart(part)
        if not text:
            return None
        return ReasoningPart(text) if part.get("thought") else TextPart(text)
    inline = first(part, "inlineData", "inline_data")
    if isinstance(inline, dict):
        return media(first(inline, "mimeType", "mime_type"), data=inline.get("data"))
    file = first(part, "fileData", "file_data")
    if isinstance(file, dict):
        return media(first(file, "mimeType", "mime_type"), first(file, "fileUri", "file_uri"))
    call = first(part, "functionCall", "function_call")
    if isinstance(call, dict):
        name = str(call.get("name", ""))
        calls.setdefault(name, []).append(call.get("id"))
        return tool_call(call.get("id"), name, call.get("args") or {})
    resp = first(part, "functionResponse", "function_response")
    if isinstance(resp, dict):
        return _tool_result(resp, calls)
    code = first(part, "executableCode", "executable_code")
    if isinstance(code, dict):
        return tool_call(None, "code_execution", code)
    result = first(part, "codeExecutionResult", "code_execution_result")
    if isinstance(result, dict):
        return ToolResultPart(
            tool_call_id=None,
            name="code_execution",
            content=str(result.get("output", "")),
            is_error=result.get("outcome") not in (None, "OUTCOME_OK"),
        )
    if set(part) <= _PART_EXTRAS:
        return None  # a bare signature or metadata: nothing to read
    return UnknownPart(part)


def plain_text(part: Any) -> bool:
    """A text fragment with nothing beside it a reader sees: streams cut one answer into many."""
    return (
        isinstance(part, dict)
        and isinstance(part.get("text"), str)
        and set(part) <= (_PART_EXTRAS | {"text"})
    )


def continues_text(prev: Any, part: Any) -> bool:
    """Whether `part` joins `prev` into one part, as a non-streamed answer would have it: both
    plain text of the same kind (thought summary or answer)."""
    return (
        plain_text(part)
        and plain_text(prev)
        and bool(part.get("thought")) == bool(prev.get("thought"))
    )


def _tool_result(resp: dict[str, Any], calls: dict[str, list[str | None]]) -> ToolResultPart:
    name = resp.get("name")
    call_id = resp.get("id")
    pending = calls.get(str(name), [])
    if call_id in pending:
        pending.remove(call_id)
    elif call_id is None and pending:
        call_id = pending.pop(0)
    body = resp.get("response")
    # SDKs wrap a plain result as {"output": ...} / {"result": ...}; show the value itself.
    if isinstance(body, dict) and len(body) == 1:
        key, value = next(iter(body.items()))
        if key in ("output", "result", "content"):
            body = value
    is_error = isinstance(body, dict) and set(body) == {"error"}
    return ToolResultPart(
        tool_call_id=call_id,
        name=name if isinstance(name, str) else None,
        content=as_text(body if body is not None else ""),
        is_error=is_error,
    )
