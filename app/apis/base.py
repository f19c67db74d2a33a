"""The shape every LLM API decoder fills in, and small helpers they share.

A decoder sees one raw exchange and answers what it *means*: which API, which model, the input
messages, the reconstructed assistant message, usage and the chunks of a stream. The registry
(`app.apis`) adds everything that does not depend on the API: masking, bodies, cost estimates,
and the fallback when a decoder fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson

from app.formats.base import RawInteraction
from app.model import (
    ApiError,
    Chunk,
    FinishReason,
    Message,
    Note,
    TokenLogprob,
    Tool,
    TopLogprob,
    Usage,
)


@dataclass(slots=True)
class Decoded:
    api: str
    provider: str | None = None
    upstream_provider: str | None = None
    model: str | None = None
    streaming: bool = False
    messages: list[Message] = field(default_factory=list)
    tools: list[Tool] = field(default_factory=list)
    response: Message | None = None
    finish_reason: FinishReason | None = None
    finish_reason_raw: str | None = None
    usage: Usage | None = None
    chunks: list[Chunk] = field(default_factory=list)
    error: ApiError | None = None
    summary: str | None = None
    warnings: list[Note] = field(default_factory=list)
    response_id: str | None = None
    previous_response_id: str | None = None
    alternatives: list[Message] = field(default_factory=list)
    logprobs: list[TokenLogprob] = field(default_factory=list)
    response_format: Any = None


@dataclass(frozen=True, slots=True)
class Exchange:
    """A raw interaction with the parts every decoder looks at already worked out."""

    raw: RawInteraction
    host: str
    path: str
    request_json: Any  # parsed request body, or None
    response_json: Any  # parsed response body when it is one JSON document, or None
    response_content_type: str
    request_content_type: str

    @property
    def status(self) -> int | None:
        return self.raw.response.status

    @property
    def response_text(self) -> str:
        body = self.raw.response.body
        return body.decode("utf-8", "replace") if body else ""


class Decoder(Protocol):
    """One LLM API. `detect` must be cheap; `decode` may raise (the registry catches it)."""

    name: str

    def detect(self, ex: Exchange) -> bool: ...

    def decode(self, ex: Exchange) -> Decoded: ...


def header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    lname = name.lower()
    for k, v in headers:
        if k.lower() == lname:
            return v
    return None


def parse_json(body: bytes | None) -> Any:
    if not body:
        return None
    try:
        return orjson.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def url_error(url: str) -> str | None:
    """Why a recorded URL cannot be parsed (`http://[broken`), or None: such an interaction is
    decoded without host or path, and lint reports it."""
    try:
        parts = urlsplit(url)
        parts.hostname  # noqa: B018 - the bracket check happens here, not in urlsplit alone
        parts.port  # noqa: B018
    except ValueError as exc:
        return f"the request URL cannot be parsed ({exc})"
    return None


def make_exchange(raw: RawInteraction) -> Exchange:
    try:
        parts = urlsplit(raw.request.url)
        host, path = (parts.hostname or "").lower(), parts.path
    except ValueError:
        host, path = "", ""
    return Exchange(
        raw=raw,
        host=host,
        path=path,
        request_json=parse_json(raw.request.body),
        response_json=parse_json(raw.response.body),
        response_content_type=(header(raw.response.headers, "content-type") or "").lower(),
        request_content_type=(header(raw.request.headers, "content-type") or "").lower(),
    )


def response_only(ex: Exchange, *keys: str) -> bool:
    """A recording of the answer alone (no request) whose body has all of `keys`: how a
    decoder claims a bare response body by its own shape."""
    if not ex.raw.partial or ex.raw.request.body or not isinstance(ex.response_json, dict):
        return False
    return all(k in ex.response_json for k in keys)


def token_logprobs(items: Any) -> list[TokenLogprob]:
    """OpenAI's `logprobs.content` shape, `[{token, logprob, top_logprobs: [{token, logprob}]}]`,
    which the chat, completions-compatible servers and Responses (`output_text.logprobs`) share."""
    out: list[TokenLogprob] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("token"), str):
            continue
        tops = item.get("top_logprobs")
        top = tuple(
            TopLogprob(str(t.get("token")), _float(t.get("logprob")))
            for t in (tops if isinstance(tops, list) else [])
            if isinstance(t, dict)
        )
        out.append(TokenLogprob(item["token"], _float(item.get("logprob")), top))
    return out


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_arguments(text: str | None) -> tuple[Any, str | None]:
    """Tool-call arguments as recorded text -> (parsed JSON value, error or None)."""
    if text is None or text == "":
        return {}, None
    try:
        return orjson.loads(text), None
    except ValueError as exc:
        return text, f"arguments are not valid JSON: {exc}"
