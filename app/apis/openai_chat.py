"""OpenAI Chat Completions and every gateway that speaks it (OpenRouter, Azure, Groq, xAI, ...).

One decoder serves all of them: the request and the non-streamed response are read by the same
code whoever answered, and a streamed response is first folded, event by event, into a
snapshot shaped like the non-streamed body, so both paths meet in `_read_completion`. Gateway
quirks (where reasoning text lives, how cost is reported, which upstream answered) are small
lookups here rather than separate decoders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from app import usage as usage_mod
from app.apis.base import Decoded, Exchange, token_logprobs
from app.apis.chat_parts import (
    api_error,
    as_dict,
    as_int,
    as_str,
    dicts,
    finish_reason,
    is_event_stream,
    media,
    request_stream_flag,
    sse_events,
    text_of,
    tool_call,
)
from app.apis.citations import citation_parts
from app.apis.inline_media import PcmStream, audio_format, inline, sniff
from app.model import Chunk as ModelChunk
from app.model import (
    ChunkKind,
    Message,
    Note,
    Part,
    ReasoningPart,
    RefusalPart,
    Role,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
    Usage,
)

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "developer",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "function": "tool",
}

_OBJECTS = ("chat.completion", "chat.completion.chunk")

# Hosts the registry's table does not know, and what answers there.
_DIALECT_HOSTS = (
    ("hyper.charm.land", "hyper"),
    ("ollama.com", "ollama"),
    ("localhost:11434", "ollama"),
    ("api.z.ai", "zai"),
    ("fireworks.ai", "fireworks"),
)


class OpenAIChatDecoder:
    name = "openai.chat"

    def detect(self, ex: Exchange) -> bool:
        if ex.raw.request.method.upper() == "GET":  # listing stored completions is not a chat
            return False
        if ex.path.rstrip("/").endswith("/chat/completions"):
            return True
        # Response-only snapshots and custom proxy paths: recognise the body itself.
        if as_dict(ex.response_json).get("object") in _OBJECTS:
            return True
        head = (ex.raw.response.body or b"")[:2000]
        return head.lstrip().startswith(b"data:") and b'"chat.completion.chunk"' in head

    def decode(self, ex: Exchange) -> Decoded:
        d = Decoded(api=self.name)
        body = as_dict(ex.request_json)
        d.model = as_str(body.get("model"))
        d.messages = request_messages(body.get("messages"))
        d.tools = request_tools(body)
        d.response_format = body.get("response_format")
        event_stream = is_event_stream(ex)
        d.streaming = request_stream_flag(body) or event_stream
        status = ex.status or 0
        snapshot: Any = None
        if status >= 400 and (ex.response_json is not None or not event_stream):
            d.error = api_error(ex.response_json, status)
        elif event_stream:
            snapshot = _fold_stream(ex, d)
        elif isinstance(ex.response_json, dict):
            snapshot = ex.response_json
            d.error = api_error(snapshot)
        elif ex.raw.response.body:
            d.warnings.append(Note("response body is neither JSON nor an event stream"))
        if isinstance(snapshot, dict):
            _read_completion(snapshot, d)
        d.provider, d.upstream_provider = _providers(ex, snapshot)
        return d


DECODER = OpenAIChatDecoder()


# ---- request ---------------------------------------------------------------------------------


def request_messages(raw: Any) -> list[Message]:
    """The input messages, with each tool result named after the call it answers."""
    if not isinstance(raw, list):
        return []
    names: dict[str, str] = {}
    out: list[Message] = []
    for msg in raw:
        if not isinstance(msg, dict):
            out.append(Message("user", (UnknownPart(msg),)))
            continue
        role = _ROLES.get(str(msg.get("role")))
        if role is None:
            out.append(Message("user", (UnknownPart(msg),)))
            continue
        if role == "tool":
            call_id = as_str(msg.get("tool_call_id"))
            name = as_str(msg.get("name")) or names.get(call_id or "")
            part = ToolResultPart(call_id, name, text_of(msg.get("content")))
            out.append(Message("tool", (part,)))
            continue
        parts = assistant_parts(msg) if role == "assistant" else content_parts(msg.get("content"))
        for p in parts:
            if isinstance(p, ToolCallPart) and p.id:
                names[p.id] = p.name
        out.append(Message(role, tuple(parts)))
    return out


def content_parts(content: Any) -> list[Part]:
    if content is None or content == "":
        return []
    if isinstance(content, str):
        return [TextPart(content)]
    if isinstance(content, dict) and "type" not in content:
        # A JSON-mode answer some gateways (Cloudflare Workers AI) send parsed, not as text.
        return [TextPart(json.dumps(content, ensure_ascii=False, indent=2))]
    if not isinstance(content, list):
        return [UnknownPart(content)]
    parts: list[Part] = []
    for item in content:
        parts.extend(_content_item(item))
    return parts


def _content_item(item: Any) -> list[Part]:
    if isinstance(item, str):
        return [TextPart(item)] if item else []
    if not isinstance(item, dict):
        return [UnknownPart(item)]
    kind = item.get("type")
    if kind in ("text", "input_text", "output_text") and isinstance(item.get("text"), str):
        return [TextPart(item["text"])] if item["text"] else []
    if kind == "refusal":
        return [RefusalPart(text_of(item.get("refusal")))]
    if kind == "image_url":
        ref = item.get("image_url")
        return [media("image", ref.get("url") if isinstance(ref, dict) else ref)]
    if kind == "input_audio":
        audio = item.get("input_audio") or {}
        fmt = audio.get("format") if isinstance(audio, dict) else None
        return [inline("audio", audio_format(fmt), as_dict(audio).get("data"))]
    if kind == "file":
        file = item.get("file") or {}
        data = file.get("file_data") if isinstance(file, dict) else None
        return [media("file", data if isinstance(data, str) and data.startswith("data:") else None)]
    if kind == "thinking":  # Mistral reasoning chunks
        text = text_of(item.get("thinking"))
        return [ReasoningPart(text)] if text else []
    return [UnknownPart(item)]


def assistant_parts(msg: dict[str, Any]) -> list[Part]:
    """An assistant message (history or response): reasoning, content, refusal, tool calls,
    then the sources it cites (web search models' `annotations`)."""
    parts: list[Part] = _reasoning_parts(msg)
    parts.extend(content_parts(msg.get("content")))
    if msg.get("refusal"):
        parts.append(RefusalPart(text_of(msg["refusal"])))
    if isinstance(msg.get("audio"), StreamedAudio):
        parts.extend(msg["audio"].parts())
    elif isinstance(msg.get("audio"), dict):
        data = msg["audio"].get("data")
        parts.append(inline("audio", sniff("audio", data), data) if data else media("audio", None))
        transcript = msg["audio"].get("transcript")
        if transcript:
            parts.append(TextPart(str(transcript)))
    for call in dicts(msg.get("tool_calls")):
        fn = as_dict(call.get("function"))
        parts.append(tool_call(call.get("id"), fn.get("name"), fn.get("arguments")))
    legacy = msg.get("function_call")
    if isinstance(legacy, dict):
        parts.append(tool_call(None, legacy.get("name"), legacy.get("arguments")))
    parts.extend(citation_parts(url_citations(msg.get("annotations"))))
    return parts


def url_citations(annotations: Any) -> list[dict[str, Any]]:
    """Chat annotations nest their fields under `url_citation`; lifted to the top level."""
    return [{**a, **as_dict(a.get("url_citation"))} for a in dicts(annotations)]


def _reasoning_parts(msg: dict[str, Any]) -> list[Part]:
    """Structured `reasoning_details` win over the plain string that repeats them, except when
    they hold only encrypted entries: then the plain string is the only readable reasoning."""
    parts: list[Part] = []
    for det in dicts(msg.get("reasoning_details")):
        kind = det.get("type")
        if kind == "reasoning.encrypted":
            parts.append(ReasoningPart("", redacted=True))
        elif kind in ("reasoning.text", "reasoning.summary"):
            text = text_of(det.get("text") if kind == "reasoning.text" else det.get("summary"))
            if text:
                parts.append(ReasoningPart(text))
        else:
            parts.append(UnknownPart(det))
    readable = any(not (isinstance(p, ReasoningPart) and p.redacted) for p in parts)
    if readable:
        return parts
    for key in ("reasoning_content", "reasoning"):
        if as_str(msg.get(key)):
            return [ReasoningPart(msg[key])]
    return parts


def request_tools(body: dict[str, Any]) -> list[Tool]:
    tools: list[Tool] = []
    for item in dicts(body.get("tools")):
        fn = item.get("function")
        if isinstance(fn, dict):
            tools.append(Tool(str(fn.get("name", "")), fn.get("description"), fn.get("parameters")))
        else:  # built-in tools (web search, code interpreter...) are named by their type
            tools.append(Tool(str(item.get("name") or item.get("type") or "?"), None, item))
    for fn in dicts(body.get("functions")):
        tools.append(Tool(str(fn.get("name", "")), fn.get("description"), fn.get("parameters")))
    return tools


# ---- response --------------------------------------------------------------------------------


def _read_completion(doc: dict[str, Any], d: Decoded) -> None:
    """Fill the response side from a non-streamed body or a folded stream snapshot."""
    d.model = as_str(doc.get("model")) or d.model
    choices = list(dicts(doc.get("choices")))
    choices.sort(key=lambda c: as_int(c.get("index")) or 0)
    if choices:
        first = choices[0]
        msg = first.get("message")
        if isinstance(msg, dict):
            d.response = Message("assistant", tuple(assistant_parts(msg)))
        d.finish_reason, d.finish_reason_raw = finish_reason(first.get("finish_reason"))
        d.logprobs = token_logprobs(as_dict(first.get("logprobs")).get("content"))
        for other in choices[1:]:
            alt = other.get("message")
            d.alternatives.append(Message("assistant", tuple(assistant_parts(as_dict(alt)))))
    d.usage = chat_usage(_usage_object(doc))
    d.warnings.extend(_filter_notes(doc, choices))


def _usage_object(doc: dict[str, Any]) -> Any:
    use = doc.get("usage")
    return use if isinstance(use, dict) else as_dict(doc.get("x_groq")).get("usage")


def chat_usage(raw: Any) -> Usage | None:
    """Chat Completions usage: prompt and completion counts are already inclusive totals.

    xAI is the exception: its completion count leaves reasoning out, which shows in the
    arithmetic (prompt + completion + reasoning == total), so that case is added back.
    """
    if not isinstance(raw, dict):
        return None
    prompt = as_int(raw.get("prompt_tokens"))
    completion = as_int(raw.get("completion_tokens"))
    total = as_int(raw.get("total_tokens"))
    pdet = as_dict(raw.get("prompt_tokens_details"))
    cdet = as_dict(raw.get("completion_tokens_details"))
    cached = as_int(pdet.get("cached_tokens"))
    if cached is None:
        cached = as_int(raw.get("prompt_cache_hit_tokens"))  # DeepSeek
    written = as_int(pdet.get("cache_write_tokens"))
    if written is None:
        written = as_int(raw.get("cache_creation_input_tokens"))  # Vercel
    reasoning = as_int(cdet.get("reasoning_tokens"))
    excludes = (
        prompt is not None
        and completion is not None
        and total is not None
        and bool(reasoning)
        and prompt + completion + (reasoning or 0) == total
    )
    return usage_mod.normalized(
        input_tokens=prompt,
        output_tokens=completion,
        cached_input_tokens=cached,
        cache_write_tokens=written,
        reasoning_tokens=reasoning,
        output_excludes_reasoning=excludes,
        cost_usd=_reported_cost(raw.get("cost")),
        raw=raw,
    )


def _reported_cost(cost: Any) -> float | None:
    """OpenRouter and Vercel send a number; Charm Hyper an object with `usd`."""
    if isinstance(cost, dict):
        cost = cost.get("usd")
    if isinstance(cost, bool) or not isinstance(cost, (int, float, str)):
        return None
    try:
        return float(cost)
    except ValueError:
        return None


def _filter_notes(doc: dict[str, Any], choices: list[dict[str, Any]]) -> list[Note]:
    """Azure's content filter verdicts, when one of them actually filtered something."""
    results = [r.get("content_filter_results") for r in dicts(doc.get("prompt_filter_results"))]
    results += [c.get("content_filter_results") for c in choices]
    hits = sorted(
        {name for r in results for name, v in as_dict(r).items() if as_dict(v).get("filtered")}
    )
    return [Note("content filter flagged: " + ", ".join(hits))] if hits else []


def _providers(ex: Exchange, doc: Any) -> tuple[str | None, str | None]:
    """Who answered: from the host, URL and body; a gateway's upstream from what it reports."""
    url = ex.raw.request.url
    provider: str | None = None
    for needle, name in _DIALECT_HOSTS:
        if needle in url:
            provider = name
    if "/openai/deployments/" in ex.path or "api-version=" in url:
        provider = "azure"
    if not ex.host and url.startswith("<") and "_" in url:  # a recorder's placeholder base URL
        provider = url[1 : url.index("_")].lower()
    upstream: str | None = None
    if isinstance(doc, dict):
        if doc.get("system_fingerprint") == "fp_ollama":
            provider = "ollama"
        if isinstance(doc.get("provider"), str):
            upstream = doc["provider"]
            if str(doc.get("id", "")).startswith("gen-"):  # OpenRouter, even behind a proxy URL
                provider = "openrouter"
        choices = list(dicts(doc.get("choices")))
        meta = (
            as_dict(as_dict(choices[0].get("message")).get("provider_metadata")) if choices else {}
        )
        routed = as_dict(as_dict(meta.get("gateway")).get("routing")).get("finalProvider")
        upstream = as_str(routed) or upstream
    if "huggingface.co" in ex.host:
        first = ex.path.strip("/").split("/", 1)[0]
        if first and first not in ("v1", "models"):
            upstream = first
    return provider, upstream


# ---- streaming -------------------------------------------------------------------------------


def _fold_stream(ex: Exchange, d: Decoded) -> dict[str, Any]:
    """Fold every SSE event into one body shaped like a non-streamed response."""
    events, framing_warnings = sse_events(ex)
    d.warnings.extend(Note(w) for w in framing_warnings)
    fold = _ChatFold()
    chunks = d.chunks
    done = False
    for ev in events:
        kind: ChunkKind = "other"
        payload = ev.payload
        if ev.is_json and isinstance(payload, dict):
            kind = fold.add(payload)
            err = api_error(payload)
            if err is not None:
                d.error, kind = err, "error"
        elif ev.data.strip() == "[DONE]":
            done = True
        else:
            d.warnings.append(Note(f"stream event {ev.seq} is not a JSON object; kept as is"))
        chunks.append(ModelChunk(ev.seq, ev.event, ev.data, kind))
    if not done and not fold.finished and d.error is None:
        d.warnings.append(Note("stream ends with no finish reason and no [DONE]: may be cut short"))
    return fold.snapshot()


# A chunk's kind names the most telling thing it carries, in this order.
_KIND_RANK: dict[ChunkKind, int] = {
    "tool_call": 0,
    "text": 1,
    "reasoning": 2,
    "finish": 3,
    "usage": 4,
    "other": 5,
}
# Top-level chunk values that never overwrite what an earlier chunk said.
_BLANK: tuple[Any, ...] = (None, "", [], 0)
_CHOICE_KEYS = ("finish_reason", "native_finish_reason", "content_filter_results")


def _stronger(a: ChunkKind, b: ChunkKind) -> ChunkKind:
    return a if _KIND_RANK[a] <= _KIND_RANK[b] else b


class _ChatFold:
    """Accumulates chat.completion.chunk deltas per choice `index` and tool-call `index`."""

    def __init__(self) -> None:
        self.top: dict[str, Any] = {}
        self.choices: dict[int, dict[str, Any]] = {}
        self.finished = False

    def add(self, chunk: dict[str, Any]) -> ChunkKind:
        top = self.top
        for key, value in chunk.items():
            # A truthy value is never blank: test that first, it is most of them.
            if key != "choices" and (value or value not in _BLANK):
                top[key] = value
        kind: ChunkKind = "other"
        choices = chunk.get("choices")
        if isinstance(choices, list):
            for choice in choices:
                if isinstance(choice, dict):
                    kind = _stronger(kind, self._add_choice(choice))
        if ("usage" in chunk or "x_groq" in chunk) and isinstance(_usage_object(chunk), dict):
            kind = _stronger(kind, "usage")
        return kind

    def _add_choice(self, choice: dict[str, Any]) -> ChunkKind:
        index = as_int(choice.get("index")) or 0
        acc = self.choices.get(index)
        if acc is None:
            acc = self.choices[index] = {"index": index, "message": _MessageFold()}
        kind: ChunkKind = "other"
        delta = choice.get("delta")
        if isinstance(delta, dict):
            kind = acc["message"].add(delta)
        for key in _CHOICE_KEYS:
            if choice.get(key):
                acc[key] = choice[key]
        logprobs = choice.get("logprobs")
        if logprobs and isinstance(logprobs, dict) and isinstance(logprobs.get("content"), list):
            # Each chunk carries its own tokens' entries: in order, they are the answer's.
            acc.setdefault("logprobs", {"content": []})["content"].extend(logprobs["content"])
        if choice.get("finish_reason"):
            self.finished = True
            kind = _stronger(kind, "finish")
        return kind

    def snapshot(self) -> dict[str, Any]:
        doc = dict(self.top)
        doc["choices"] = [
            {**acc, "message": acc["message"].snapshot()} for _, acc in sorted(self.choices.items())
        ]
        return doc


class _MessageFold:
    """One choice's message as its deltas arrive.

    Long streams send thousands of small text pieces, so growing strings are kept as lists of
    pieces and joined once in `snapshot`: adding to a string held in a dict copies it each time.
    """

    def __init__(self) -> None:
        self.content: list[dict[str, Any]] = []  # merged text / thinking / other items
        self.pieces: dict[int, list[str]] = {}  # content position -> its text, in pieces
        self.strings: dict[str, list[str]] = {}  # refusal, reasoning, reasoning_content
        self.details: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.calls: list[dict[str, Any]] = []
        self.arguments: list[list[str]] = []  # each call's argument text, in pieces
        self.slot: dict[int, int] = {}  # tool-call index -> position in self.calls
        self.extra: dict[str, Any] = {}
        self.audio = StreamedAudio()

    def add(self, delta: dict[str, Any]) -> ChunkKind:
        kind: ChunkKind = "other"
        content = delta.get("content")
        if isinstance(content, str):
            if len(delta) == 1:  # most deltas of a stream: one piece of text, nothing else
                if content:
                    self._add_text(content)
                    return "text"
                return "other"
            if content:
                self._add_text(content)
                kind = "text"
        elif content is not None:
            for item in content if isinstance(content, list) else [content]:
                kind = _stronger(kind, self._add_content(item))
        for key in ("refusal", "reasoning", "reasoning_content"):
            value = delta.get(key)
            if isinstance(value, str) and value:
                self.strings.setdefault(key, []).append(value)
                kind = _stronger(kind, "text" if key == "refusal" else "reasoning")
        if "reasoning_details" in delta:
            for det in dicts(delta["reasoning_details"]):
                self._add_detail(det)
                kind = _stronger(kind, "reasoning")
        if "tool_calls" in delta:
            for call in dicts(delta["tool_calls"]):
                self._add_call(call)
                kind = "tool_call"
        if isinstance(delta.get("function_call"), dict):
            self._add_call({"index": 0, "function": delta["function_call"]})
            kind = "tool_call"
        if isinstance(delta.get("audio"), dict):
            self.audio.add(delta["audio"])
        for key in ("provider_metadata", "annotations"):
            if delta.get(key):
                self.extra[key] = delta[key]
        return kind

    def _add_text(self, text: str) -> None:
        if self.content and self.content[-1].get("type") == "text":
            self._grow(text)
        else:
            self.content.append({"type": "text", "text": text})

    def _add_content(self, item: Any) -> ChunkKind:
        if item is None or item == "":
            return "other"
        if isinstance(item, str):
            self._add_text(item)
            return "text"
        if not isinstance(item, dict):
            self.content.append({"type": "unknown", "raw": item})
            return "other"
        kind = item.get("type")
        last_kind = self.content[-1].get("type") if self.content else None
        if kind == "thinking":
            text = text_of(item.get("thinking"))
            if last_kind == "thinking":
                self._grow(text)
            else:
                self.content.append(
                    {"type": "thinking", "thinking": [{"type": "text", "text": text}]}
                )
            return "reasoning"
        if kind == "text" == last_kind:
            self._grow(text_of(item.get("text")))
        else:
            self.content.append(dict(item))
        return "text" if kind == "text" else "other"

    def _grow(self, text: str) -> None:
        """Add `text` to the last content item (text or thinking), as a piece."""
        pos = len(self.content) - 1
        pieces = self.pieces.get(pos)
        if pieces is None:
            slot = _text_slot(self.content[pos])
            if not isinstance(slot["text"], str):  # recorded as a non-string: `+` as it comes
                slot["text"] += text
                return
            pieces = self.pieces[pos] = [slot["text"]]
        pieces.append(text)

    def _add_detail(self, det: dict[str, Any]) -> None:
        key = (det.get("index"), det.get("type"))
        cur = self.details.get(key)
        if cur is None:
            self.details[key] = dict(det)
            return
        for field, value in det.items():
            if field in ("text", "summary", "data") and isinstance(value, str):
                cur[field] = (cur.get(field) or "") + value
            elif value is not None:
                cur[field] = value

    def _add_call(self, call: dict[str, Any]) -> None:
        fn = as_dict(call.get("function"))
        new_id = call.get("id")
        pos, new = call_position(call, self.slot, self.calls)
        if new:
            self.calls.append({"id": None, "function": {"name": ""}})
            self.arguments.append([])
        cur = self.calls[pos]
        if new_id:
            cur["id"] = new_id
        if fn.get("name"):
            cur["function"]["name"] = fn["name"]
        args = fn.get("arguments")
        if isinstance(args, str):
            self.arguments[pos].append(args)
        elif args is not None:  # a server that sends the arguments as an object, whole
            self.arguments[pos] = [json.dumps(args)]

    def snapshot(self) -> dict[str, Any]:
        for pos, pieces in self.pieces.items():
            _text_slot(self.content[pos])["text"] = "".join(pieces)
        strings = {key: "".join(pieces) for key, pieces in self.strings.items()}
        msg: dict[str, Any] = {"role": "assistant", **strings, **self.extra}
        if all(item.get("type") == "text" for item in self.content):
            msg["content"] = "".join(item["text"] for item in self.content) or None
        else:
            msg["content"] = [
                item["raw"] if item.get("type") == "unknown" else item for item in self.content
            ]
        if self.audio.size or self.audio.transcript:  # read by assistant_parts
            msg["audio"] = self.audio
        if self.details:
            msg["reasoning_details"] = list(self.details.values())
        if self.calls:
            for call, pieces in zip(self.calls, self.arguments, strict=True):
                call["function"]["arguments"] = "".join(pieces)
            msg["tool_calls"] = self.calls
        return msg


class StreamedAudio:
    """A spoken answer streamed as `delta.audio` pieces: base64 PCM16 (the only format Chat
    Completions streams) and transcript text. The PCM is kept while it fits the inline cap."""

    def __init__(self) -> None:
        self.pcm = PcmStream()
        self.transcript: list[str] = []

    @property
    def size(self) -> int:
        return self.pcm.size

    def add(self, audio: dict[str, Any]) -> None:
        if isinstance(audio.get("transcript"), str):
            self.transcript.append(audio["transcript"])
        self.pcm.add(audio.get("data"))

    def parts(self) -> list[Part]:
        text = "".join(self.transcript)
        clip = self.pcm.part() if self.pcm.size else media("audio", None)
        return [clip, *([TextPart(text)] if text else [])]


def _text_slot(item: dict[str, Any]) -> dict[str, Any]:
    """Where a merged content item keeps its `text`: a thinking item in its one inner part."""
    return item if item["type"] == "text" else item["thinking"][0]


def call_position(
    call: dict[str, Any], slots: dict[int, int], calls: Sequence[dict[str, Any]]
) -> tuple[int, bool]:
    """Which streamed tool call a delta continues, and whether it starts a new one.

    Deltas name their call by `index` alone, but some servers number every call 0: a different
    id at a used index is a new call. `slots` (index -> position in `calls`) is updated; the
    caller appends the new call.
    """
    index = as_int(call.get("index"))
    if index is None:
        index = len(slots)
    pos = slots.get(index)
    new_id = call.get("id")
    if pos is not None and (not new_id or calls[pos].get("id") in (None, new_id)):
        return pos, False
    slots[index] = len(calls)
    return len(calls), True


# ---- small helpers ---------------------------------------------------------------------------


__all__ = ["DECODER", "OpenAIChatDecoder", "chat_usage", "content_parts", "request_messages"]
