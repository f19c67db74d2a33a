"""AWS Bedrock Converse and ConverseStream (`/model/<id>/converse[-stream]`).

Converse content blocks are unions keyed by field name (`{"text":…}`, `{"toolUse":…}`), with no
`type` discriminator. ConverseStream sends binary AWS event-stream frames whose `:event-type`
header names the event; folding them rebuilds the `{"output":{"message":…},"stopReason",
"usage"}` document a non-streamed call returns, which the same code then decodes.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from app.apis.base import Decoded, Exchange, header
from app.apis.chat_parts import finish_reason, tool_call
from app.apis.native_parts import as_text, fold_frames, media, stream_frames
from app.model import (
    ApiError,
    ChunkKind,
    Message,
    Note,
    Part,
    ReasoningPart,
    Role,
    TextPart,
    Tool,
    ToolResultPart,
    UnknownPart,
)
from app.streams import Frame
from app.usage import normalized

_PATH = re.compile(r"/model/([^/]+)/(converse|converse-stream)$")

# Document formats -> media types (the wire carries only the short format name).
_DOC_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "txt": "text/plain",
    "md": "text/markdown",
}

_STREAM_EVENTS = {
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
}


class BedrockConverseDecoder:
    name = "bedrock.converse"

    def detect(self, ex: Exchange) -> bool:
        return bool(_PATH.search(ex.path))

    def decode(self, ex: Exchange) -> Decoded:
        match = _PATH.search(ex.path)
        streaming = bool(match and match.group(2) == "converse-stream")
        out = Decoded(api=self.name, provider="bedrock", streaming=streaming)
        out.model = unquote(match.group(1)) if match else None
        req = ex.request_json if isinstance(ex.request_json, dict) else {}
        out.messages = request_messages(req)
        tool_config = req.get("toolConfig")
        out.tools = tools_of(tool_config.get("tools") if isinstance(tool_config, dict) else None)
        if (ex.status or 0) >= 400:
            out.error = http_error(ex)
            return out
        snapshot = fold_stream(ex, out) if streaming else ex.response_json
        if isinstance(snapshot, dict):
            decode_response(snapshot, out)
        return out


def http_error(ex: Exchange) -> ApiError:
    body = ex.response_json
    message = body.get("message") or body.get("Message") if isinstance(body, dict) else None
    kind = (header(ex.raw.response.headers, "x-amzn-errortype") or "").split(":")[0]
    return ApiError(type=kind or f"http_{ex.status}", message=str(message or ex.response_text))


# --- request -------------------------------------------------------------------------------


def request_messages(req: dict[str, Any]) -> list[Message]:
    msgs: list[Message] = []
    system = req.get("system")
    system_parts = blocks_to_parts(system, {}) if isinstance(system, list) else []
    if system_parts:
        msgs.append(Message("system", tuple(system_parts)))
    names: dict[str, str] = {}  # toolUseId -> tool name, to name the results
    raw_messages = req.get("messages")
    for msg in raw_messages if isinstance(raw_messages, list) else []:
        if not isinstance(msg, dict):
            msgs.append(Message("user", (UnknownPart(msg),)))
            continue
        parts = tuple(blocks_to_parts(msg.get("content"), names))
        role: Role = "assistant" if msg.get("role") == "assistant" else "user"
        if parts and all(isinstance(p, ToolResultPart) for p in parts):
            role = "tool"
        msgs.append(Message(role, parts))
    return msgs


def tools_of(tools: Any) -> list[Tool]:
    out: list[Tool] = []
    for tool in tools if isinstance(tools, list) else []:
        spec = tool.get("toolSpec") if isinstance(tool, dict) else None
        if isinstance(spec, dict) and isinstance(spec.get("name"), str):
            schema = spec.get("inputSchema")
            params = schema.get("json", schema) if isinstance(schema, dict) else schema
            out.append(Tool(spec["name"], spec.get("description"), params))
        elif isinstance(tool, dict):
            out.extend(
                Tool(name=key, parameters=val) for key, val in tool.items() if key != "cachePoint"
            )
    return out


# --- content blocks ------------------------------------------------------------------------


def blocks_to_parts(blocks: Any, names: dict[str, str]) -> list[Part]:
    out: list[Part] = []
    if isinstance(blocks, str):
        return [TextPart(blocks)]
    for block in blocks if isinstance(blocks, list) else []:
        part = _block(block, names) if isinstance(block, dict) else UnknownPart(block)
        if part is not None:
            out.append(part)
    return out


def _block(block: dict[str, Any], names: dict[str, str]) -> Part | None:
    if "text" in block:
        text = block["text"]
        return (TextPart(text) if text else None) if isinstance(text, str) else UnknownPart(block)
    if "cachePoint" in block:
        return None
    if "toolUse" in block and isinstance(block["toolUse"], dict):
        use = block["toolUse"]
        call_id, name = use.get("toolUseId"), str(use.get("name", ""))
        if isinstance(call_id, str):
            names[call_id] = name
        # a folded stream leaves the input as the JSON text it received
        return tool_call(call_id, name, use.get("input"))
    if "toolResult" in block and isinstance(block["toolResult"], dict):
        res = block["toolResult"]
        call_id = res.get("toolUseId")
        return ToolResultPart(
            tool_call_id=call_id,
            name=names.get(call_id) if isinstance(call_id, str) else None,
            content=_result_text(res.get("content")),
            is_error=res.get("status") == "error",
        )
    if "reasoningContent" in block and isinstance(block["reasoningContent"], dict):
        rc = block["reasoningContent"]
        if "redactedContent" in rc:
            return ReasoningPart("", redacted=True)
        rt = rc.get("reasoningText")
        text = rt.get("text") if isinstance(rt, dict) else rt
        return ReasoningPart(text if isinstance(text, str) else "")
    for kind in ("image", "document", "video", "audio"):
        if isinstance(block.get(kind), dict):
            return _media(kind, block[kind])
    if isinstance(block.get("guardContent"), dict):
        inner = block["guardContent"].get("text")
        return TextPart(as_text(inner.get("text") if isinstance(inner, dict) else inner))
    if isinstance(block.get("citationsContent"), dict):
        content = block["citationsContent"].get("content")
        return TextPart(
            "".join(c.get("text", "") for c in content if isinstance(c, dict))
            if isinstance(content, list)
            else ""
        )
    return UnknownPart(block)


def _media(kind: str, value: dict[str, Any]) -> Part:
    fmt = str(value.get("format", "")).lower()
    if kind == "document":
        media_type: str | None = _DOC_TYPES.get(fmt, fmt or None)
    else:
        media_type = f"{kind}/{fmt}" if fmt else None
    source = value.get("source")
    s3 = source.get("s3Location") if isinstance(source, dict) else None
    data = source.get("bytes") if isinstance(source, dict) else None
    return media(media_type, s3.get("uri") if isinstance(s3, dict) else None, data)


def _result_text(content: Any) -> str:
    if not isinstance(content, list):
        return as_text(content if content is not None else "")
    pieces = []
    for item in content:
        if isinstance(item, dict) and "text" in item:
            pieces.append(as_text(item["text"]))
        elif isinstance(item, dict) and "json" in item:
            pieces.append(as_text(item["json"]))
        else:
            pieces.append(as_text(item))
    return "\n".join(pieces)


# --- response ------------------------------------------------------------------------------


def decode_response(body: dict[str, Any], out: Decoded) -> None:
    output = body.get("output")
    message = output.get("message") if isinstance(output, dict) else None
    if isinstance(message, dict):
        out.response = Message("assistant", tuple(blocks_to_parts(message.get("content"), {})))
    out.finish_reason, out.finish_reason_raw = finish_reason(body.get("stopReason"))
    usage = body.get("usage")
    if isinstance(usage, dict):
        out.usage = normalized(
            input_tokens=usage.get("inputTokens"),
            output_tokens=usage.get("outputTokens"),
            cached_input_tokens=usage.get(
                "cacheReadInputTokens", usage.get("cacheReadInputTokenCount")
            ),
            cache_write_tokens=usage.get(
                "cacheWriteInputTokens", usage.get("cacheWriteInputTokenCount")
            ),
            input_excludes_cache=True,
            raw=usage,
        )


# --- stream --------------------------------------------------------------------------------


def fold_stream(ex: Exchange, out: Decoded) -> dict[str, Any]:
    blocks: dict[int, dict[str, Any]] = {}
    snapshot: dict[str, Any] = {}

    def block(payload: dict[str, Any]) -> dict[str, Any]:
        index = payload.get("contentBlockIndex", 0)
        return blocks.setdefault(index if isinstance(index, int) else 0, {})

    def step(fr: Frame, payload: Any) -> ChunkKind:
        hdr = dict(fr.headers)
        if hdr.get(":message-type") in ("exception", "error"):
            message = payload.get("message") if isinstance(payload, dict) else None
            out.error = ApiError(
                type=hdr.get(":exception-type") or hdr.get(":error-code") or "error",
                message=str(message or hdr.get(":error-message") or fr.data),
            )
            return "error"
        if not isinstance(payload, dict):
            return "other"
        event = fr.event
        if event == "messageStart":
            snapshot["role"] = payload.get("role")
        elif event == "contentBlockStart":
            start = payload.get("start")
            use = start.get("toolUse") if isinstance(start, dict) else None
            if isinstance(use, dict):
                block(payload)["toolUse"] = {**use, "input": ""}
                return "tool_call"
        elif event == "contentBlockDelta":
            delta = payload.get("delta")
            if isinstance(delta, dict):
                return _apply_delta(block(payload), delta)
        elif event == "messageStop":
            snapshot["stopReason"] = payload.get("stopReason")
            return "finish"
        elif event == "metadata":
            snapshot["usage"] = payload.get("usage")
            return "usage"
        elif event not in _STREAM_EVENTS:
            out.warnings.append(Note(f"unknown ConverseStream event {event!r}"))
        return "other"

    fold_frames(stream_frames(ex, "aws-eventstream", out), step, out)
    content = [blocks[i] for i in sorted(blocks) if blocks[i]]
    snapshot["output"] = {
        "message": {"role": snapshot.pop("role", None) or "assistant", "content": content}
    }
    return snapshot


def _apply_delta(block: dict[str, Any], delta: dict[str, Any]) -> ChunkKind:
    if isinstance(delta.get("text"), str):
        block["text"] = block.get("text", "") + delta["text"]
        return "text"
    if isinstance(delta.get("toolUse"), dict):
        use = block.setdefault("toolUse", {"input": ""})
        use["input"] = use.get("input", "") + str(delta["toolUse"].get("input", ""))
        return "tool_call"
    if isinstance(delta.get("reasoningContent"), dict):
        rc = delta["reasoningContent"]
        acc = block.setdefault("reasoningContent", {})
        if "redactedContent" in rc:
            acc["redactedContent"] = rc["redactedContent"]
        else:
            text = acc.setdefault("reasoningText", {"text": ""})
            text["text"] += str(rc.get("text", ""))
            if "signature" in rc:
                text["signature"] = rc["signature"]
        return "reasoning"
    return "other"  # citations and other annotations do not change the message text


DECODER = BedrockConverseDecoder()
