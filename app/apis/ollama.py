"""Ollama's native API: `/api/chat` and `/api/generate`.

Ollama streams by default (a request without `"stream": false` gets NDJSON): each line carries a
fragment of `message.content` / `message.thinking` (chat) or `response` / `thinking` (generate),
tool calls arrive whole, and the `done: true` line carries the finish reason and token counts.
Folding the lines rebuilds the single object a non-streamed call returns.
"""

from __future__ import annotations

from typing import Any

from app.apis.base import Decoded, Exchange, response_only
from app.apis.chat_parts import api_error, dicts, finish_reason, tool_call
from app.apis.inline_media import inline, sniff
from app.apis.native_parts import (
    fold_frames,
    function_tools,
    obj,
    stream_frames,
)
from app.model import (
    ChunkKind,
    Message,
    Part,
    ReasoningPart,
    Role,
    TextPart,
    ToolResultPart,
)
from app.streams import Frame
from app.usage import normalized

_ROLES: dict[str, Role] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
}
_METRICS = (
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
)


class OllamaChatDecoder:
    name = "ollama.chat"
    path = "/api/chat"
    answer_key = "message"  # what a bare response body of this endpoint has

    def detect(self, ex: Exchange) -> bool:
        if response_only(ex, "done", "created_at", self.answer_key):
            return True
        return ex.path.rstrip("/").endswith(self.path)

    def decode(self, ex: Exchange) -> Decoded:
        req = ex.request_json if isinstance(ex.request_json, dict) else {}
        out = Decoded(api=self.name, provider="ollama", model=_str(req.get("model")))
        out.messages = self.request_messages(req)
        out.tools = function_tools(req.get("tools"))
        out.response_format = req.get("format")  # "json" or a JSON schema
        if (ex.status or 0) >= 400:
            out.error = api_error(ex.response_json, ex.status)
            return out
        body = ex.raw.response.body or b""
        lines = [ln for ln in body.splitlines() if ln.strip()]
        out.streaming = len(lines) > 1 or "ndjson" in ex.response_content_type
        snapshot = self.fold(ex, out) if out.streaming else ex.response_json
        if isinstance(snapshot, dict):
            self.decode_response(snapshot, out)
        return out

    def request_messages(self, req: dict[str, Any]) -> list[Message]:
        return [_message(m) for m in dicts(req.get("messages"))]

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The assistant part of a response: `message` for chat."""
        msg = body.get("message")
        return msg if isinstance(msg, dict) else {}

    def decode_response(self, body: dict[str, Any], out: Decoded) -> None:
        out.model = out.model or _str(body.get("model"))
        out.error = out.error or api_error(body)
        if "error" in body and not self.answer(body):
            return  # an error document, not an answer
        message = _message({**self.answer(body), "role": "assistant"})
        out.response = message
        out.finish_reason, out.finish_reason_raw = finish_reason(body.get("done_reason"))
        if out.finish_reason == "stop" and any(p.type == "tool_call" for p in message.parts):
            out.finish_reason = "tool_call"
        if body.get("done"):
            # The server omits zero counts, so a finished answer without them counted zero.
            out.usage = normalized(
                input_tokens=body.get("prompt_eval_count", 0),
                output_tokens=body.get("eval_count", 0),
                raw={k: body[k] for k in _METRICS if k in body},
            )

    def fold(self, ex: Exchange, out: Decoded) -> dict[str, Any]:
        snapshot: dict[str, Any] = {}
        answer: dict[str, Any] = {"content": "", "thinking": "", "tool_calls": []}

        def step(_: Frame, line: Any) -> ChunkKind:
            if not isinstance(line, dict):
                return "other"
            if "error" in line:
                out.error = api_error(line)
                return "error"
            snapshot.update({k: v for k, v in line.items() if k not in ("message", "response")})
            part = self.answer(line)
            calls = part.get("tool_calls")
            for key in ("content", "thinking"):
                if isinstance(part.get(key), str):
                    answer[key] += part[key]
            if isinstance(calls, list):
                answer["tool_calls"].extend(calls)
            if calls:
                return "tool_call"
            if part.get("content"):
                return "text"
            if part.get("thinking"):
                return "reasoning"
            return "finish" if line.get("done") else "other"

        fold_frames(stream_frames(ex, "ndjson", out), step, out)
        return self.with_answer(snapshot, answer)

    def with_answer(self, snapshot: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        return {**snapshot, "message": {"role": "assistant", **answer}}


class OllamaGenerateDecoder(OllamaChatDecoder):
    """`/api/generate`: one prompt in, `response` text out; otherwise the same as chat."""

    name = "ollama.generate"
    path = "/api/generate"
    answer_key = "response"

    def request_messages(self, req: dict[str, Any]) -> list[Message]:
        msgs: list[Message] = []
        if isinstance(req.get("system"), str) and req["system"]:
            msgs.append(Message("system", (TextPart(req["system"]),)))
        user = _message({"role": "user", "content": req.get("prompt"), "images": req.get("images")})
        if user.parts:
            msgs.append(user)
        return msgs

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        pairs = (("content", body.get("response")), ("thinking", body.get("thinking")))
        return {key: value for key, value in pairs if value is not None}

    def with_answer(self, snapshot: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        return {**snapshot, "response": answer["content"], "thinking": answer["thinking"]}


def _message(msg: dict[str, Any]) -> Message:
    role = _ROLES.get(str(msg.get("role")), "user")
    parts: list[Part] = []
    if isinstance(msg.get("thinking"), str) and msg["thinking"]:
        parts.append(ReasoningPart(msg["thinking"]))
    content = msg.get("content")
    if role == "tool":
        parts.append(
            ToolResultPart(
                tool_call_id=_str(msg.get("tool_call_id")),
                name=_str(msg.get("tool_name") or msg.get("name")),
                content=content if isinstance(content, str) else "",
            )
        )
    elif isinstance(content, str) and content:
        parts.append(TextPart(content))
    for image in msg.get("images") or []:  # bare base64: the type is read from its first bytes
        parts.append(inline("image", sniff("image", image), image))
    for call in dicts(msg.get("tool_calls")):
        fn = obj(call.get("function"))
        parts.append(tool_call(call.get("id"), fn.get("name"), fn.get("arguments") or {}))
    return Message(role, tuple(parts))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


CHAT = OllamaChatDecoder()
GENERATE = OllamaGenerateDecoder()
