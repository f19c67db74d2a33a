"""Bedrock InvokeModel with a body that is not Anthropic's: Amazon Nova, Titan, Meta Llama,
Mistral, Cohere, and the embedding models.

InvokeModel passes each family's native body through, so the body shape (not the URL) says
which family it is. Nova chat bodies are Converse-shaped and reuse that decoder's reading;
Titan and Llama-style text models become one user prompt and one answer; embedding calls are
not conversations and get a one-line summary. Streams wrap each native event as base64 in an
AWS event-stream `chunk` frame; the last one carries `amazon-bedrock-invocationMetrics`, which
is where the token counts of every family can be found.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any
from urllib.parse import unquote

import orjson

from app import usage as usage_mod
from app.apis import bedrock_converse, cohere_v1, openai_chat
from app.apis.anthropic import BEDROCK_INVOKE
from app.apis.base import Decoded, Exchange, header
from app.apis.chat_parts import finish_reason
from app.apis.native_parts import obj
from app.apis.other_llms import anthropic_prompt
from app.model import ApiError, Chunk, ChunkKind, Message, Note, TextPart, Usage
from app.streams import Frame, detect_framing, frame

_PATH = re.compile(r"/model/([^/]+)/(invoke|invoke-with-response-stream)$")
# Bedrock adds this key to the last chunk of every InvokeModel stream, whatever the model family.
METRICS_KEY = "amazon-bedrock-invocationMetrics"
_NOVA_KINDS: dict[str, ChunkKind] = {
    "contentBlockDelta": "text",
    "messageStop": "finish",
    "metadata": "usage",
}


class BedrockInvokeNative:
    name = "bedrock.invoke"

    def detect(self, ex: Exchange) -> bool:
        return bool(_PATH.search(ex.path)) and not BEDROCK_INVOKE.detect(ex)

    def decode(self, ex: Exchange) -> Decoded:
        match = _PATH.search(ex.path)
        out = Decoded(api=self.name, provider="bedrock")
        out.model = unquote(match.group(1)) if match else None
        req = ex.request_json if isinstance(ex.request_json, dict) else {}
        if (ex.status or 0) >= 400:
            out.error = bedrock_converse.http_error(ex)
        body = ex.raw.response.body or b""
        if detect_framing(body, ex.response_content_type) == "aws-eventstream":
            out.streaming = True
            events = _stream_events(body, out)
            answer: dict[str, Any] = _fold(events)
        else:
            answer = ex.response_json if isinstance(ex.response_json, dict) else {}
        if _is_embedding(req, answer):
            out.summary = _embed_summary(req, answer)
        else:
            _conversation(req, answer, out)
        out.usage = out.usage or _usage(answer, ex)
        return out


def _stream_events(body: bytes, out: Decoded) -> list[tuple[str, dict[str, Any]]]:
    """Each frame's native event as (name, payload), recording a Chunk per frame."""
    framed = frame(body, "aws-eventstream")
    out.warnings.extend(Note(w) for w in framed.warnings)
    events: list[tuple[str, dict[str, Any]]] = []
    for seq, fr in enumerate(framed.frames):
        kind, name, payload = _read_frame(fr, out)
        data = json.dumps(payload, ensure_ascii=False) if payload is not None else fr.data
        out.chunks.append(Chunk(seq, name, data, kind))
        if payload is not None:
            events.append((name, payload))
    return events


def _read_frame(fr: Frame, out: Decoded) -> tuple[ChunkKind, str, dict[str, Any] | None]:
    headers = dict(fr.headers)
    if headers.get(":message-type") in ("exception", "error"):
        error = headers.get(":exception-type") or headers.get(":error-code") or "error"
        try:
            message = orjson.loads(fr.data).get("message")
        except (ValueError, AttributeError):
            message = None
        out.error = ApiError(error, str(message or headers.get(":error-message") or fr.data))
        return "error", error, None
    try:
        payload = orjson.loads(base64.b64decode(orjson.loads(fr.data)["bytes"], validate=True))
    except (ValueError, KeyError, TypeError, binascii.Error):
        out.warnings.append(Note(f"event-stream frame {fr.event!r} has no readable payload"))
        return "other", fr.event or "chunk", None
    if not isinstance(payload, dict):
        return "other", fr.event or "chunk", None
    # Nova events are keyed by their name ({"contentBlockDelta": {...}}); others are flat.
    keys = [k for k in payload if k != METRICS_KEY and not k.startswith("amazon-bedrock-")]
    if len(keys) == 1 and isinstance(payload[keys[0]], dict):
        name = keys[0]
        return _NOVA_KINDS.get(name, "other"), name, payload
    if not keys and METRICS_KEY in payload:  # Jamba's last chunk: the counts alone
        return "usage", "chunk", payload
    has_stop = _stop_reason(payload) or payload.get("is_finished") is True
    return ("finish" if has_stop else "text"), "chunk", payload


def _fold(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Rebuild the body a non-streamed call returns, in the family's own shape."""
    if any(name != "chunk" for name, _ in events):
        return _fold_nova(events)
    if any("choices" in p for _, p in events):
        return _fold_choices(events)
    answer: dict[str, Any] = {}
    for _, payload in events:  # later chunks carry the stop reason and the final counts
        answer.update({k: v for k, v in payload.items() if v is not None})
    answer.pop("outputText", None)
    answer["generation"] = "".join(str(flat_text(p) or "") for _, p in events)
    return answer


def choice_piece(payload: dict[str, Any]) -> tuple[str, Any]:
    """Text and stop reason of an OpenAI-shaped chunk's first choice: AI21 Jamba streams a
    `delta`, Mistral's chat models a `message` piece with `stop_reason`."""
    choices = payload.get("choices")
    choice = obj(choices[0]) if isinstance(choices, list) and choices else {}
    piece = obj(choice.get("delta") or choice.get("message")).get("content")
    return str(piece or ""), choice.get("finish_reason") or choice.get("stop_reason")


def _fold_choices(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """OpenAI-shaped chunks (AI21 Jamba, Mistral Large): the pieces' text, the last reason."""
    answer: dict[str, Any] = {}
    text: list[str] = []
    reason = None
    for _, payload in events:
        piece, stop = choice_piece(payload)
        text.append(piece)
        reason = stop or reason
        for key in ("usage", METRICS_KEY, "model", "id"):
            if payload.get(key) is not None:
                answer[key] = payload[key]
    message = {"role": "assistant", "content": "".join(text)}
    answer["choices"] = [{"index": 0, "message": message, "finish_reason": reason}]
    return answer


def _fold_nova(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    blocks: dict[int, dict[str, Any]] = {}
    answer: dict[str, Any] = {}
    for name, payload in events:
        body = payload[name]
        if name == "contentBlockDelta":
            index = body.get("contentBlockIndex", 0)
            block = blocks.setdefault(index if isinstance(index, int) else 0, {})
            delta = body.get("delta") if isinstance(body.get("delta"), dict) else {}
            if isinstance(delta.get("text"), str):
                block["text"] = block.get("text", "") + delta["text"]
            elif isinstance(delta.get("toolUse"), dict):
                use = block.setdefault("toolUse", {"input": ""})
                use["input"] += str(delta["toolUse"].get("input", ""))
        elif name == "contentBlockStart":
            start = body.get("start") if isinstance(body.get("start"), dict) else {}
            if isinstance(start.get("toolUse"), dict):
                index = body.get("contentBlockIndex", 0)
                blocks[index if isinstance(index, int) else 0] = {
                    "toolUse": {**start["toolUse"], "input": ""}
                }
        elif name == "messageStop":
            answer["stopReason"] = body.get("stopReason")
        elif name == "metadata":
            answer["usage"] = body.get("usage")
        if METRICS_KEY in payload:
            answer[METRICS_KEY] = payload[METRICS_KEY]
    content = [blocks[i] for i in sorted(blocks)]
    answer["output"] = {"message": {"role": "assistant", "content": content}}
    return answer


def flat_text(payload: dict[str, Any]) -> Any:
    """The answer text of the other families (Titan, Llama, Mistral...): each has its own key."""
    for key in ("generation", "outputText", "completion", "text"):
        if key in payload:
            return payload[key]
    data = payload.get("data")
    if isinstance(data, dict):  # AI21 Jurassic: completions[].data.text
        return flat_text(data)
    results = (
        payload.get("results")
        or payload.get("outputs")
        or payload.get("generations")
        or payload.get("completions")
    )
    if isinstance(results, list) and results and isinstance(results[0], dict):
        return flat_text(results[0])
    return None


# Where each family states why it stopped, at the top level or in its first result.
_STOP_KEYS = ("stop_reason", "completionReason", "finish_reason", "finishReason")
_RESULT_KEYS = ("results", "outputs", "generations", "completions", "choices")
# Top-level answer keys of the prompt families that are read here or carry nothing to show.
_KNOWN = {
    *_STOP_KEYS,
    *_RESULT_KEYS,
    "generation",
    "outputText",
    "completion",
    "text",
    "type",
    "stop",
    "id",
    "prompt",
    "index",
    "is_finished",
    "prompt_token_count",
    "generation_token_count",
    "inputTextTokenCount",
    "totalOutputTextTokenCount",
    "usage",
    "meta",
    "model",
    "amazon-bedrock-guardrailAction",
    METRICS_KEY,
}


def _stop_reason(answer: dict[str, Any]) -> Any:
    found = next((answer[k] for k in _STOP_KEYS if answer.get(k)), None)
    for key in _RESULT_KEYS:
        results = answer.get(key)
        if found is None and isinstance(results, list) and results:
            first = results[0] if isinstance(results[0], dict) else {}
            found = next((first[k] for k in _STOP_KEYS if first.get(k)), None)
    if isinstance(found, dict):  # AI21 Jurassic: {"reason": "endoftext", "length": ...}
        found = found.get("reason")
    return found


def _conversation(req: dict[str, Any], answer: dict[str, Any], out: Decoded) -> None:
    if "messages" in req and "schemaVersion" not in req and _is_chat_shaped(req, answer):
        _openai_shaped(req, answer, out)  # AI21 Jamba, Mistral Large: OpenAI Chat bodies
        return
    if "messages" in req:  # Nova: the Converse shapes, sent natively
        out.messages = bedrock_converse.request_messages(req)
        config = req.get("toolConfig")
        out.tools = bedrock_converse.tools_of(
            config.get("tools") if isinstance(config, dict) else None
        )
        if "output" in answer:
            bedrock_converse.decode_response(answer, out)
        return
    if "message" in req:  # Cohere Command R: the v1 Chat bodies
        out.messages = cohere_v1.request_messages(req)
        cohere_v1.decode_response(obj(answer.get("response")) or answer, out)
        return
    prompt = req.get("inputText", req.get("prompt"))
    if isinstance(prompt, str):
        claude = (out.model or "").startswith(("anthropic.", "us.anthropic.", "eu.anthropic."))
        out.messages = anthropic_prompt(req) if claude else [Message("user", (TextPart(prompt),))]
    text = flat_text(answer)
    if isinstance(text, str):
        out.response = Message("assistant", (TextPart(text),))
    out.finish_reason, out.finish_reason_raw = finish_reason(_stop_reason(answer))
    unknown = sorted(k for k in answer if k not in _KNOWN)
    if unknown:
        out.warnings.append(Note(f"response fields not read: {', '.join(unknown)}"))


def _is_chat_shaped(req: dict[str, Any], answer: dict[str, Any]) -> bool:
    messages = req.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else {}
    return "choices" in answer or isinstance(obj(first).get("content"), str)


def _openai_shaped(req: dict[str, Any], answer: dict[str, Any], out: Decoded) -> None:
    out.messages = openai_chat.request_messages(req.get("messages"))
    out.tools = openai_chat.request_tools(req)
    choices = [c for c in answer.get("choices") or [] if isinstance(c, dict)]
    if choices:
        first = choices[0]
        msg = obj(first.get("message")) or obj(first.get("delta"))
        out.response = Message("assistant", tuple(openai_chat.assistant_parts(msg)))
        reason = first.get("finish_reason") or first.get("stop_reason")
        out.finish_reason, out.finish_reason_raw = finish_reason(reason)
    out.usage = openai_chat.chat_usage(answer.get("usage"))


def _is_embedding(req: dict[str, Any], answer: dict[str, Any]) -> bool:
    return (
        "embedding" in answer
        or "embeddings" in answer
        or "texts" in req
        or "singleEmbeddingParams" in req
    )


def _embed_summary(req: dict[str, Any], answer: dict[str, Any]) -> str:
    texts = req.get("texts")
    inputs = len(texts) if isinstance(texts, list) else 1
    found = answer.get("embeddings", answer.get("embedding"))
    if isinstance(found, dict):  # Cohere v4: {"float": [[...]], "int8": ...}
        found = next(iter(found.values()), [])
    if isinstance(found, list) and found and isinstance(found[0], int | float):
        found = [found]  # Titan: one vector
    vectors = [v.get("embedding") if isinstance(v, dict) else v for v in found or []]
    dims = {len(v) for v in vectors if isinstance(v, list)}
    shape = f" x {dims.pop()} dims" if len(dims) == 1 else ""
    return f"embed: {_plural(inputs, 'input')} -> {_plural(len(vectors), 'vector')}{shape}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _usage(answer: dict[str, Any], ex: Exchange) -> Usage | None:
    """Token counts from the invocation metrics, the native fields, or Bedrock's headers."""
    found = answer.get(METRICS_KEY)
    metrics: dict[str, Any] = found if isinstance(found, dict) else {}
    inp = (
        metrics.get("inputTokenCount")
        or answer.get("inputTextTokenCount")
        or answer.get("prompt_token_count")
        or _int_header(ex, "x-amzn-bedrock-input-token-count")
    )
    out = (
        metrics.get("outputTokenCount")
        or answer.get("generation_token_count")
        or answer.get("totalOutputTextTokenCount")
        or obj((answer.get("results") or [None])[0]).get("tokenCount")
        or _int_header(ex, "x-amzn-bedrock-output-token-count")
    )
    if inp is None and out is None:
        return None
    raw = metrics or {k: answer[k] for k in answer if "token" in k.lower()} or None
    return usage_mod.normalized(input_tokens=inp, output_tokens=out, raw=raw)


def _int_header(ex: Exchange, name: str) -> int | None:
    value = header(ex.raw.response.headers, name)
    return int(value) if value and value.isdigit() else None


DECODER = BedrockInvokeNative()
