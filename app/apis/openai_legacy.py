"""The OpenAI-shaped endpoints that are not chat: legacy completions, embeddings, models, images.

They are common in recordings next to chat traffic, and a user looking at one wants to know
what it was ("3 inputs -> 3 vectors x 1536 dims"), not to see a conversation with no reply.
Legacy completions are the exception: a prompt and its continuation read naturally as a
user turn and an assistant turn.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import (
    api_error,
    as_int,
    as_str,
    dicts,
    finish_reason,
    is_event_stream,
    request_stream_flag,
    sse_events,
)
from app.apis.openai_chat import chat_usage
from app.model import (
    Chunk,
    ChunkKind,
    Message,
    Note,
    Part,
    TextPart,
    TokenLogprob,
    TopLogprob,
    UnknownPart,
)
from app.usage import normalized


def _path(ex: Exchange) -> str:
    return ex.path.rstrip("/")


def _body(ex: Exchange) -> dict[str, Any]:
    return ex.request_json if isinstance(ex.request_json, dict) else {}


def _error(ex: Exchange, d: Decoded) -> bool:
    """Record an HTTP error body; True when the exchange failed and there is nothing else."""
    status = ex.status or 0
    d.error = api_error(ex.response_json, status)
    return status >= 400


class OpenAICompletionsDecoder:
    """`POST /v1/completions` with a `prompt`: one prompt -> one continuation."""

    name = "openai.completions"

    def detect(self, ex: Exchange) -> bool:
        path = _path(ex)
        return (
            ex.raw.request.method == "POST"
            and path.endswith("/completions")
            and not path.endswith("/chat/completions")
            and "prompt" in _body(ex)
        )

    def decode(self, ex: Exchange) -> Decoded:
        body = _body(ex)
        d = Decoded(api=self.name, model=as_str(body.get("model")))
        d.streaming = request_stream_flag(body) or is_event_stream(ex)
        d.messages = [Message("user", tuple(_prompt_parts(body.get("prompt"))))]
        if _error(ex, d):
            return d
        doc = _fold(ex, d) if is_event_stream(ex) else ex.response_json
        if not isinstance(doc, dict):
            d.warnings.append(Note("response body is neither JSON nor an event stream"))
            return d
        d.model = as_str(doc.get("model")) or d.model
        choices = sorted(dicts(doc.get("choices")), key=lambda c: as_int(c.get("index")) or 0)
        if choices:
            text = choices[0].get("text")
            d.response = Message("assistant", (TextPart(text),) if isinstance(text, str) else ())
            d.finish_reason, d.finish_reason_raw = finish_reason(choices[0].get("finish_reason"))
            d.logprobs = _legacy_logprobs(choices[0].get("logprobs"))
        for other in choices[1:]:
            text = other.get("text")
            d.alternatives.append(
                Message("assistant", (TextPart(text),) if isinstance(text, str) else ())
            )
        d.usage = chat_usage(doc.get("usage"))
        return d


def _legacy_logprobs(raw: Any) -> list[TokenLogprob]:
    """Completions' columns: `tokens`, `token_logprobs` and `top_logprobs` (`{token: lp}`)."""
    doc = raw if isinstance(raw, dict) else {}
    tokens, values, tops = (doc.get(k) or [] for k in ("tokens", "token_logprobs", "top_logprobs"))
    out: list[TokenLogprob] = []
    for i, token in enumerate(tokens if isinstance(tokens, list) else []):
        value = values[i] if isinstance(values, list) and i < len(values) else None
        top = tops[i] if isinstance(tops, list) and i < len(tops) else None
        alts = tuple(
            TopLogprob(str(t), float(v))
            for t, v in (top.items() if isinstance(top, dict) else [])
            if isinstance(v, int | float)
        )
        lp = float(value) if isinstance(value, int | float) else None
        out.append(TokenLogprob(str(token), lp, alts))
    return out


def _prompt_parts(prompt: Any) -> list[Part]:
    """A prompt is a string, a list of strings, or token ids (kept raw: they are not text)."""
    if isinstance(prompt, str):
        return [TextPart(prompt)]
    if isinstance(prompt, list) and all(isinstance(p, str) for p in prompt):
        return [TextPart(p) for p in prompt]
    return [UnknownPart(prompt)]


def _fold(ex: Exchange, d: Decoded) -> dict[str, Any]:
    """Concatenate `choices[].text` fragments per index into one text_completion body."""
    events, framing_warnings = sse_events(ex)
    d.warnings.extend(Note(w) for w in framing_warnings)
    doc: dict[str, Any] = {}
    texts: dict[int, dict[str, Any]] = {}
    for ev in events:
        kind: ChunkKind = "other"
        payload = ev.payload
        if isinstance(payload, dict):
            err = api_error(payload)
            if err is not None:
                d.error, kind = err, "error"
            for key in ("id", "model", "created", "usage"):
                if payload.get(key):
                    doc[key] = payload[key]
            for choice in stream_choices(payload):
                acc = texts.setdefault(as_int(choice.get("index")) or 0, {"text": ""})
                if isinstance(choice.get("text"), str) and choice["text"]:
                    acc["text"] += choice["text"]
                    kind = "text"
                if choice.get("finish_reason"):
                    acc["finish_reason"] = choice["finish_reason"]
                    kind = "finish" if kind == "other" else kind
            if kind == "other" and isinstance(payload.get("usage"), dict):
                kind = "usage"
        elif ev.data.strip() != "[DONE]":
            d.warnings.append(Note(f"stream event {ev.seq} is not a JSON object; kept as is"))
        d.chunks.append(Chunk(ev.seq, ev.event, ev.data, kind))
    doc["choices"] = [{"index": i, **acc} for i, acc in sorted(texts.items())]
    return doc


def stream_choices(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The choices of one stream event; Writer streams bare `{"value": fragment}` events instead."""
    if "choices" not in payload and isinstance(payload.get("value"), str):
        return [{"index": 0, "text": payload["value"]}]
    return list(dicts(payload.get("choices")))


class OpenAIEmbeddingsDecoder:
    """`POST .../embeddings` with an `input` (OpenAI, Azure, Mistral, Together, Ollama /v1)."""

    name = "openai.embeddings"

    def detect(self, ex: Exchange) -> bool:
        return (
            ex.raw.request.method == "POST"
            and _path(ex).endswith("/embeddings")
            and "input" in _body(ex)
        )

    def decode(self, ex: Exchange) -> Decoded:
        body = _body(ex)
        d = Decoded(api=self.name, model=as_str(body.get("model")))
        inputs = body.get("input")
        count = len(inputs) if isinstance(inputs, list) and not _is_tokens(inputs) else 1
        if _error(ex, d):
            d.summary = f"{_plural(count, 'input')} -> error"
            return d
        doc = ex.response_json if isinstance(ex.response_json, dict) else {}
        d.model = as_str(doc.get("model")) or d.model
        vectors = list(dicts(doc.get("data")))
        dims = {_dimensions(v.get("embedding")) for v in vectors} - {None}
        shape = f"{_plural(len(vectors), 'vector')}"
        if len(dims) == 1:
            shape += f" x {dims.pop()} dims"
        d.summary = f"{_plural(count, 'input')} -> {shape}"
        use = doc.get("usage")
        if isinstance(use, dict):
            d.usage = normalized(
                input_tokens=as_int(use.get("prompt_tokens")),
                output_tokens=None,
                raw=use,
            )
        return d


def _is_tokens(inputs: list[Any]) -> bool:
    """A single prompt given as token ids is one input, not one per token."""
    return bool(inputs) and all(isinstance(t, int) for t in inputs)


def _dimensions(embedding: Any) -> int | None:
    """Length of a float vector, or of a base64 float32 one (what the Python SDK asks for)."""
    if isinstance(embedding, list):
        return len(embedding)
    if isinstance(embedding, str):
        try:
            return len(base64.b64decode(embedding, validate=True)) // 4
        except (binascii.Error, ValueError):
            return None
    return None


class OpenAIOtherDecoder:
    """Model lists and image generation: labelled and summarized, not shown as a conversation."""

    name = "openai.other"

    def detect(self, ex: Exchange) -> bool:
        return _is_model_list(ex) or _IMAGES.search(ex.path) is not None

    def decode(self, ex: Exchange) -> Decoded:
        d = Decoded(api="unknown")
        doc = ex.response_json if isinstance(ex.response_json, dict) else {}
        if _is_model_list(ex):
            d.summary = f"model list: {_plural(len(list(dicts(doc.get('data')))), 'model')}"
            _error(ex, d)
            return d
        body = _body(ex)
        d.model = as_str(body.get("model"))
        action = _path(ex).rsplit("/", 1)[-1]
        prompt = body.get("prompt")
        about = f" for {_quote(prompt)}" if isinstance(prompt, str) else ""
        if _error(ex, d):
            d.summary = f"image {action}{about} -> error"
            return d
        images = list(dicts(doc.get("data")))
        kinds = sorted({"url" if "url" in i else "base64" for i in images})
        d.summary = f"image {action}{about} -> {_plural(len(images), 'image')}" + (
            f" ({', '.join(kinds)})" if kinds else ""
        )
        use = doc.get("usage")
        if isinstance(use, dict):  # gpt-image models report tokens
            d.usage = normalized(
                input_tokens=as_int(use.get("input_tokens")),
                output_tokens=as_int(use.get("output_tokens")),
                raw=use,
            )
        return d


_IMAGES = re.compile(r"/images/(generations|edits|variations)/?$")


def _is_model_list(ex: Exchange) -> bool:
    doc = ex.response_json
    listed = isinstance(doc, dict) and doc.get("object") == "list"
    return (
        ex.raw.request.method == "GET"
        and _path(ex).endswith("/models")
        and (listed or (ex.status or 0) >= 400)
    )


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


COMPLETIONS = OpenAICompletionsDecoder()
EMBEDDINGS = OpenAIEmbeddingsDecoder()
OTHER = OpenAIOtherDecoder()
