"""The domain model: what a cassette means once it has been read and decoded.

These frozen dataclasses *are* the public JSON documents of the contract: `to_json()` walks their
fields in declaration order, so a field added here appears in every JSON output, page and export
without a second hand-written shape to keep in step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal, TypeAlias

import orjson

Role = Literal["system", "developer", "user", "assistant", "tool"]
FinishReason = Literal["stop", "length", "tool_call", "content_filter", "error", "other"]
ChunkKind = Literal["text", "reasoning", "tool_call", "usage", "finish", "error", "other"]
CostSource = Literal["reported", "estimated"]

# Header lists keep order and duplicates (two Set-Cookie lines are two entries).
Headers: TypeAlias = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Note:
    """An error or warning about a file; `line` is 1-based when the reader knows it."""

    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True, slots=True)
class ReasoningPart:
    text: str
    redacted: bool = False
    type: Literal["reasoning"] = "reasoning"


@dataclass(frozen=True, slots=True)
class RefusalPart:
    text: str
    type: Literal["refusal"] = "refusal"


@dataclass(frozen=True, slots=True)
class ToolCallPart:
    """`arguments` is the parsed JSON value; unparseable text stays a string beside the reason."""

    id: str | None
    name: str
    arguments: Any
    arguments_error: str | None = None
    type: Literal["tool_call"] = "tool_call"


@dataclass(frozen=True, slots=True)
class ToolResultPart:
    tool_call_id: str | None
    name: str | None
    content: str
    is_error: bool = False
    type: Literal["tool_result"] = "tool_result"


@dataclass(frozen=True, slots=True)
class MediaPart:
    """An image, audio clip or file; inline data is never repeated, so `url` is null for it.
    Extra fields: `data_url` keeps small inline images and audio as a `data:` URL the pages
    show (app/apis/inline_media.py says when), `inline_bytes` the size of any inline payload."""

    type: Literal["image", "audio", "file"]
    media_type: str | None
    url: str | None = None
    data_url: str | None = None
    inline_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class CitationPart:
    """A source the answer cites (Anthropic citations, OpenAI annotations, Gemini grounding):
    `text` is the cited or supported passage when the API gives one."""

    text: str | None
    url: str | None
    title: str | None
    type: Literal["citation"] = "citation"


@dataclass(frozen=True, slots=True)
class UnknownPart:
    """Whatever a decoder did not understand, kept rather than dropped."""

    raw: Any
    type: Literal["unknown"] = "unknown"


Part: TypeAlias = (
    TextPart
    | ReasoningPart
    | RefusalPart
    | ToolCallPart
    | ToolResultPart
    | MediaPart
    | CitationPart
    | UnknownPart
)


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    parts: tuple[Part, ...]
    interaction: int | None = None
    thread: int | None = None

    @property
    def text(self) -> str:
        """The message's visible text, for search and one-line summaries."""
        return "".join(p.text for p in self.parts if isinstance(p, TextPart))


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str | None = None
    parameters: Any = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts normalized so they add up across providers (see app.usage)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    total_tokens: int | None = None
    cost_usd: float | None = None
    cost_source: CostSource | None = None
    raw: Any = None


@dataclass(frozen=True, slots=True)
class Chunk:
    seq: int
    event: str | None
    data: str
    kind: ChunkKind = "other"
    t_ms: float | None = None


@dataclass(frozen=True, slots=True)
class TopLogprob:
    token: str
    logprob: float | None


@dataclass(frozen=True, slots=True)
class TokenLogprob:
    """One answer token with its log probability and the alternatives the API listed."""

    token: str
    logprob: float | None
    top: tuple[TopLogprob, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiError:
    type: str
    message: str


@dataclass(frozen=True, slots=True)
class Interaction:
    index: int
    id: str | None
    method: str
    url: str
    status: int | None
    duration_ms: float | None
    recorded_at: str | None
    api: str = "unknown"
    provider: str | None = None
    upstream_provider: str | None = None
    model: str | None = None
    streaming: bool = False
    request_headers: Headers = ()
    response_headers: Headers = ()
    messages: tuple[Message, ...] = ()
    tools: tuple[Tool, ...] = ()
    response: Message | None = None
    finish_reason: FinishReason | None = None
    finish_reason_raw: str | None = None
    usage: Usage | None = None
    chunks: tuple[Chunk, ...] = ()
    error: ApiError | None = None
    # Set by app.conversation.threads: the thread this interaction belongs to (null for what is
    # not a conversation) and the earlier interaction whose request it repeats, if any.
    thread: int | None = None
    retry_of: int | None = None
    # Beyond the contract: a one-line description for APIs that are not conversations
    # (embeddings, model lists, token counts), decoder warnings, and the bodies as text
    # (secrets masked) for the raw view.
    summary: str | None = None
    warnings: tuple[Note, ...] = ()
    request_body: str | None = None
    response_body: str | None = None
    # The API's own id for the answer and the earlier answer a request builds on, for APIs that
    # keep history on the server (Responses `previous_response_id`): threads follow them.
    response_id: str | None = None
    previous_response_id: str | None = None
    # Beyond the contract: the other answers of an n>1 request (choices or candidates after the
    # first, in index order), the first answer's token log probabilities when they were asked
    # for, and the structured-output format the request asked for (its JSON schema, as sent).
    alternatives: tuple[Message, ...] = ()
    logprobs: tuple[TokenLogprob, ...] = ()
    response_format: Any = None


@dataclass(frozen=True, slots=True)
class ThreadParent:
    """Where a forked thread branches off: the last interaction of `thread` it still shares."""

    thread: int
    interaction: int


@dataclass(frozen=True, slots=True)
class Thread:
    """A run of interactions in which each request continues the previous one."""

    id: int
    label: str
    interactions: tuple[int, ...] = ()
    parent: ThreadParent | None = None


@dataclass(frozen=True, slots=True)
class Cassette:
    path: str
    format: str
    interactions: tuple[Interaction, ...] = ()
    threads: tuple[Thread, ...] = ()
    conversation: tuple[Message, ...] = ()
    errors: tuple[Note, ...] = ()
    warnings: tuple[Note, ...] = ()
    # A short content hash of the bytes that were read, so share links can tell
    # when the file has changed since they were made.
    version: str | None = None


def to_json(value: Any) -> Any:
    """Turn model objects into plain JSON values (headers become `{name: [values]}`)."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in _fields(type(value)):
            item = getattr(value, f)
            if f in ("request_headers", "response_headers"):
                out[f] = headers_to_json(item)
            else:
                out[f] = to_json(item)
        return out
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def dump_json(value: Any, indent: bool = False) -> bytes:
    """JSON bytes of plain values, for every JSON writer (CLI and web).

    orjson is fast but refuses two things a recording can hold: integers past 64 bits (a status
    of 2^64) and lone surrogates (a file name that is not UTF-8, `"\\ud800"` in a JSON body).
    Those documents go through the standard library instead, surrogates replaced by U+FFFD.
    """
    option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(value, option=option)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(value, ensure_ascii=False, indent=2 if indent else None, default=str)
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace").encode()


def headers_to_json(headers: Headers) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, val in headers:
        out.setdefault(name, []).append(val)
    return out


_FIELD_CACHE: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELD_CACHE.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls))
        _FIELD_CACHE[cls] = names
    return names


__all__ = [
    "ApiError",
    "Cassette",
    "Chunk",
    "Headers",
    "Interaction",
    "MediaPart",
    "Message",
    "Note",
    "Part",
    "ReasoningPart",
    "RefusalPart",
    "TextPart",
    "Thread",
    "ThreadParent",
    "Tool",
    "ToolCallPart",
    "ToolResultPart",
    "UnknownPart",
    "Usage",
]
