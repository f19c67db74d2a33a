"""Prompt-in, text-out APIs outside the big chat families: Anthropic's legacy Text Completions,
Aleph Alpha, IBM watsonx.ai text generation and the Hugging Face Inference API.

Each takes one prompt and continues it, so each reads as a user turn and an assistant turn, the
way OpenAI legacy completions do. Their bodies differ only in field names, so each API here is a
`prompt_decoder.PromptDecoder` given its prompt and response readers.

The contract names none of these APIs, so Tapedeck adds names for them (README, "Decisions the
contract leaves open"): `anthropic.complete`, `alephalpha.complete`, `watsonx.generate`,
`huggingface.inference`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from app.apis.base import Exchange
from app.apis.chat_parts import api_error, as_int, as_str, dicts, media
from app.apis.native_parts import obj
from app.apis.prompt_decoder import Piece, PromptDecoder, stated_finish, user_prompt
from app.model import ApiError, Message, Part, Role, TextPart, UnknownPart

# --- Anthropic Text Completions (`POST /v1/complete`) ---------------------------------------

_TURN = re.compile(r"\n\n(Human|Assistant):")


def anthropic_prompt(req: dict[str, Any]) -> list[Message]:
    """Split the `\\n\\nHuman: ... \\n\\nAssistant:` transcript back into turns."""
    prompt = req.get("prompt")
    if not isinstance(prompt, str):
        return user_prompt(prompt)
    pieces = _TURN.split(prompt)
    messages: list[Message] = []
    if pieces[0].strip():
        messages.append(Message("system", (TextPart(pieces[0].strip()),)))
    for speaker, text in zip(pieces[1::2], pieces[2::2], strict=True):
        if text.strip():  # the trailing "Assistant:" is where the model takes over
            role: Role = "user" if speaker == "Human" else "assistant"
            messages.append(Message(role, (TextPart(text.strip()),)))
    return messages


def _anthropic_read(doc: Any) -> Piece:
    doc = obj(doc)
    if doc.get("type") == "ping":
        return Piece()
    text = doc.get("completion")
    return Piece(
        text=text if isinstance(text, str) else None,
        finish=stated_finish(doc.get("stop_reason")),
        model=as_str(doc.get("model")),
    )


ANTHROPIC_COMPLETE = PromptDecoder(
    "anthropic.complete",
    "anthropic",
    lambda ex: ex.path.rstrip("/").endswith("/v1/complete") and "prompt" in obj(ex.request_json),
    anthropic_prompt,
    _anthropic_read,
)


# --- Aleph Alpha (`POST /complete`) ---------------------------------------------------------


def _aleph_prompt(req: dict[str, Any]) -> list[Message]:
    """A prompt is a string or a list of text and image items."""
    prompt = req.get("prompt")
    if not isinstance(prompt, list):
        return user_prompt(prompt)
    parts: list[Part] = []
    for item in map(obj, prompt):
        data, kind = item.get("data"), item.get("type")
        if kind == "text" and isinstance(data, str):
            parts.append(TextPart(data))
        elif kind == "image":  # inline base64: not repeated, like every other inline image
            parts.append(media("image", None))
        else:
            parts.append(UnknownPart(item))
    return [Message("user", tuple(parts))]


def _aleph_read(doc: Any) -> Piece:
    doc = obj(doc)
    first = next(dicts(doc.get("completions")), doc)  # whole body, or one stream event
    text = first.get("completion")
    return Piece(
        text=text if isinstance(text, str) else None,
        finish=stated_finish(first.get("finish_reason") or doc.get("finish_reason")),
        input_tokens=as_int(doc.get("num_tokens_prompt_total")),
        output_tokens=as_int(doc.get("num_tokens_generated")),
    )


ALEPH_ALPHA = PromptDecoder(
    "alephalpha.complete",
    "aleph-alpha",
    lambda ex: "aleph-alpha" in ex.host and ex.path.rstrip("/").endswith("/complete"),
    _aleph_prompt,
    _aleph_read,
)


# --- IBM watsonx.ai text generation ---------------------------------------------------------

_WATSONX_PATH = re.compile(r"/ml/v1(?:-beta)?/(?:generation/text|text/generation(?:_stream)?)$")


def _watsonx_read(doc: Any) -> Piece:
    doc = obj(doc)
    result = next(dicts(doc.get("results")), {})
    text = result.get("generated_text")
    return Piece(
        text=text if isinstance(text, str) else None,
        finish=stated_finish(result.get("stop_reason")),
        model=as_str(doc.get("model_id")),
        input_tokens=as_int(result.get("input_token_count")),
        output_tokens=as_int(result.get("generated_token_count")),
    )


def _watsonx_error(body: Any, status: int | None) -> ApiError | None:
    """watsonx answers errors as `{errors: [{code, message}], status_code}`."""
    first = next(dicts(obj(body).get("errors")), None)
    if first is None:
        return api_error(body, status)
    return ApiError(str(first.get("code") or f"http_{status}"), str(first.get("message") or ""))


WATSONX = PromptDecoder(
    "watsonx.generate",
    "ibm",
    lambda ex: "cloud.ibm.com" in ex.host and _WATSONX_PATH.search(ex.path) is not None,
    lambda req: user_prompt(req.get("input")),
    _watsonx_read,
    lambda ex, req: as_str(req.get("model_id")),
    _watsonx_error,
)


# --- Hugging Face Inference API (`POST /models/{id}`) ---------------------------------------

_HF_MODEL = re.compile(r"^(?:/hf-inference)?/models/(.+?)/?$")
_HF_OUTPUTS = ("generated_text", "translation_text", "summary_text")


def hf_read(doc: Any) -> Piece:
    """A whole response is `[{generated_text}]`; a TGI stream event is `{token: {text}}`.

    SageMaker JumpStart containers add older shapes: `{generated_texts: [...]}` and Llama-2
    chat's `[{generation: {role, content}}]`."""
    if isinstance(doc, list):
        doc = next(dicts(doc), {})
    doc = obj(doc)
    details = obj(doc.get("details"))
    token = obj(doc.get("token"))
    generation = doc.get("generation")
    texts = doc.get("generated_texts")
    if token:
        text = None if token.get("special") else token.get("text")
    elif isinstance(generation, dict):
        text = generation.get("content")
    elif isinstance(texts, list) and texts:
        text = texts[0]
    else:
        text = next((doc[k] for k in _HF_OUTPUTS if isinstance(doc.get(k), str)), None)
    return Piece(
        text=text if isinstance(text, str) else None,
        finish=as_str(details.get("finish_reason")),
        output_tokens=as_int(details.get("generated_tokens")),
    )


def _hf_model(ex: Exchange, req: dict[str, Any]) -> str | None:
    match = _HF_MODEL.search(ex.path)
    return unquote(match.group(1)) if match else None


HUGGINGFACE = PromptDecoder(
    "huggingface.inference",
    "huggingface",
    lambda ex: (
        ex.host in ("api-inference.huggingface.co", "router.huggingface.co")
        and _HF_MODEL.search(ex.path) is not None
        and "inputs" in obj(ex.request_json)
    ),
    lambda req: user_prompt(req.get("inputs")),
    hf_read,
    _hf_model,
)
