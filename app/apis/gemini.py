"""Google Gemini `generateContent` / `streamGenerateContent` (AI Studio and Vertex AI).

A streamed answer arrives as complete GenerateContentResponse objects that each hold only the
new parts, either as SSE events (`alt=sse`) or as elements of one JSON array. Folding them means
appending parts per candidate and keeping the last finish reason and the last usage (usage is
cumulative). The folded snapshot has the non-streamed shape, so one function decodes both.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import dicts, finish_reason
from app.apis.citations import citation_parts
from app.apis.gemini_parts import continues_text, parts_of, request_messages, request_tools
from app.apis.native_parts import (
    first,
    fold_frames,
    obj,
    stream_frames,
)
from app.model import (
    ApiError,
    ChunkKind,
    CitationPart,
    FinishReason,
    Message,
    TokenLogprob,
    ToolCallPart,
    TopLogprob,
)
from app.streams import Frame
from app.usage import normalized

_METHOD = re.compile(r"/([^/:]+):(streamGenerateContent|generateContent)$")

# Gemini finish reasons the shared table does not know.
_FINISH_EXTRA: dict[str, FinishReason] = {
    "IMAGE_SAFETY": "content_filter",
    "IMAGE_PROHIBITED_CONTENT": "content_filter",
    "IMAGE_RECITATION": "content_filter",
    "UNEXPECTED_TOOL_CALL": "error",
    "TOO_MANY_TOOL_CALLS": "error",
}

# `$alt=json;enum-encoding=int` answers carry enum numbers; only the stable leading values.
_FINISH_NUMBERS = {1: "STOP", 2: "MAX_TOKENS", 3: "SAFETY", 4: "RECITATION"}


def provider_for(ex: Exchange) -> str:
    return "vertex" if "aiplatform" in ex.host or "/projects/" in ex.path else "google"


class GeminiDecoder:
    name = "gemini.generate"

    def detect(self, ex: Exchange) -> bool:
        if _METHOD.search(ex.path):
            return True
        req, resp = ex.request_json, ex.response_json
        if req is None and isinstance(resp, dict) and isinstance(resp.get("candidates"), list):
            return True  # a response-only snapshot
        return (
            isinstance(req, dict)
            and isinstance(req.get("contents"), list)
            and not ex.path.endswith((":countTokens", ":embedContent", ":batchEmbedContents"))
            and any(isinstance(c, dict) and "parts" in c for c in req["contents"])
        )

    def decode(self, ex: Exchange) -> Decoded:
        match = _METHOD.search(ex.path)
        streaming = bool(match and match.group(2) == "streamGenerateContent")
        out = Decoded(api=self.name, provider=provider_for(ex), streaming=streaming)
        req = ex.request_json if isinstance(ex.request_json, dict) else {}
        out.model = unquote(match.group(1)) if match else None
        out.messages = request_messages(req)
        out.tools = request_tools(req.get("tools"))
        out.response_format = _response_format(
            obj(first(req, "generationConfig", "generation_config"))
        )
        status = ex.status or 0
        if status >= 400:
            out.error = error_of(_error_body(ex))
            return out
        snapshot: dict[str, Any] | None
        if streaming:
            snapshot = fold_stream(ex, out)
        else:
            snapshot = ex.response_json if isinstance(ex.response_json, dict) else None
        if snapshot is not None:
            decode_response(snapshot, out)
        return out


def _error_body(ex: Exchange) -> Any:
    body = ex.response_json
    if isinstance(body, list) and body:  # the JSON-array stream wraps its error too
        body = body[0]
    return body


def error_of(body: Any) -> ApiError | None:
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    kind = err.get("status") or (f"http_{err['code']}" if err.get("code") else "error")
    return ApiError(type=str(kind), message=str(err.get("message", "")))


# --- response ------------------------------------------------------------------------------


def decode_response(body: dict[str, Any], out: Decoded) -> None:
    out.model = out.model or body.get("modelVersion")
    err = error_of(body)
    if err is not None:
        out.error = err
    usage = first(body, "usageMetadata", "usage_metadata")
    if isinstance(usage, dict):
        out.usage = usage_of(usage)
    candidates = body.get("candidates")
    if isinstance(candidates, list) and candidates:
        cand = candidates[0] if isinstance(candidates[0], dict) else {}
        for other in candidates[1:]:
            alt = obj(obj(other).get("content")).get("parts")
            out.alternatives.append(Message("assistant", tuple(parts_of(_merge_text(alt), {}))))
        out.logprobs = _logprobs(first(cand, "logprobsResult", "logprobs_result"))
        content = cand.get("content")
        raw_parts = content.get("parts") if isinstance(content, dict) else None
        grounding = obj(first(cand, "groundingMetadata", "grounding_metadata"))
        parts = tuple(parts_of(_merge_text(raw_parts), {})) + tuple(grounding_parts(grounding))
        out.response = Message("assistant", parts)
        reason = first(cand, "finishReason", "finish_reason")
        name = _FINISH_NUMBERS.get(reason, reason) if isinstance(reason, int) else reason
        out.finish_reason, _ = finish_reason(name)
        out.finish_reason_raw = None if reason is None else str(reason)
        if isinstance(name, str) and name in _FINISH_EXTRA:
            out.finish_reason = _FINISH_EXTRA[name]
        if out.finish_reason == "stop" and any(isinstance(p, ToolCallPart) for p in parts):
            out.finish_reason = "tool_call"  # Gemini has no finish reason of its own for calls
        return
    feedback = first(body, "promptFeedback", "prompt_feedback")
    block = first(feedback, "blockReason", "block_reason") if isinstance(feedback, dict) else None
    if isinstance(block, str):
        out.finish_reason, out.finish_reason_raw = "content_filter", block
        out.error = out.error or ApiError("prompt_blocked", f"prompt blocked: {block}")


_FORMAT_KEYS = ("responseJsonSchema", "responseSchema", "response_json_schema", "response_schema")


def _response_format(config: dict[str, Any]) -> Any:
    """The structured output asked for: the schema and the MIME type, as the request put them."""
    found = {
        k: config[k]
        for k in (*_FORMAT_KEYS, "responseMimeType", "response_mime_type")
        if k in config
    }
    mime = found.get("responseMimeType", found.get("response_mime_type"))
    return found if found and (mime not in (None, "text/plain") or len(found) > 1) else None


_GROUNDING_KINDS = ("web", "retrievedContext", "retrieved_context", "maps")


def grounding_parts(meta: dict[str, Any]) -> list[CitationPart]:
    """Grounding chunks (web pages, retrieved documents) as citations, each with the first
    answer segment the grounding supports say it backs."""
    chunks = list(dicts(first(meta, "groundingChunks", "grounding_chunks")))
    backed: dict[int, str] = {}
    for support in dicts(first(meta, "groundingSupports", "grounding_supports")):
        segment = obj(support.get("segment")).get("text")
        for index in first(support, "groundingChunkIndices", "grounding_chunk_indices") or []:
            if isinstance(index, int) and isinstance(segment, str):
                backed.setdefault(index, segment)
    found = []
    for i, chunk in enumerate(chunks):
        source = (
            obj(chunk.get("web")) or obj(chunk.get("retrievedContext")) or obj(chunk.get("maps"))
        )
        found.append(
            {"url": source.get("uri"), "title": source.get("title"), "cited_text": backed.get(i)}
        )
    return citation_parts(found)


def _logprobs(raw: Any) -> list[TokenLogprob]:
    """`logprobsResult`: the chosen tokens, and per position the top candidates."""
    doc = obj(raw)
    chosen = first(doc, "chosenCandidates", "chosen_candidates")
    tops = first(doc, "topCandidates", "top_candidates")
    out: list[TokenLogprob] = []
    for i, item in enumerate(chosen if isinstance(chosen, list) else []):
        top_list = (
            obj(tops[i]).get("candidates") if isinstance(tops, list) and i < len(tops) else []
        )
        top = tuple(TopLogprob(str(t.get("token")), _prob(t)) for t in dicts(top_list))
        out.append(TokenLogprob(str(obj(item).get("token", "")), _prob(obj(item)), top))
    return out


def _prob(item: dict[str, Any]) -> float | None:
    value = first(item, "logProbability", "log_probability")
    return float(value) if isinstance(value, int | float) else None


def _merge_text(raw: Any) -> Any:
    """Join neighbouring text parts of the same kind, so a stream's many fragments read as the
    one part a non-streamed answer would have."""
    if not isinstance(raw, list):
        return raw
    merged: list[Any] = []
    more: list[str] = []  # texts of the parts that continue merged[-1], joined once per run
    for part in [*raw, None]:  # None closes the last run
        if merged and continues_text(merged[-1], part):
            more.append(part["text"])
            continue
        if more:
            merged[-1] = {**merged[-1], "text": "".join([merged[-1]["text"], *more])}
            more = []
        merged.append(part)
    return merged[:-1]


def usage_of(u: dict[str, Any]) -> Any:
    def count(*names: str) -> int | None:
        value = first(u, *names)
        if value is None and "totalTokenCount" in u:
            return 0  # proto3 JSON leaves zero counts out
        return value if isinstance(value, int) else None

    prompt = count("promptTokenCount", "prompt_token_count")
    tool_prompt = first(u, "toolUsePromptTokenCount", "tool_use_prompt_token_count")
    if prompt is not None and isinstance(tool_prompt, int):
        prompt += tool_prompt
    return normalized(
        input_tokens=prompt,
        output_tokens=count("candidatesTokenCount", "candidates_token_count"),
        cached_input_tokens=first(u, "cachedContentTokenCount", "cached_content_token_count"),
        reasoning_tokens=first(u, "thoughtsTokenCount", "thoughts_token_count"),
        output_excludes_reasoning=True,
        raw=u,
    )


# --- stream --------------------------------------------------------------------------------


def fold_stream(ex: Exchange, out: Decoded) -> dict[str, Any]:
    query = parse_qs(urlsplit(ex.raw.request.url).query)
    sse = "sse" in query.get("alt", []) or "event-stream" in ex.response_content_type
    snapshot: dict[str, Any] = {}

    def step(_: Frame, chunk: Any) -> ChunkKind:
        if not isinstance(chunk, dict):
            return "other"
        if "error" in chunk:
            snapshot["error"] = chunk["error"]
            return "error"
        for key, value in chunk.items():
            if key != "candidates":
                snapshot[key] = value  # usage is cumulative: the last one wins
        cands = chunk.get("candidates")
        head = cands[0] if isinstance(cands, list) and cands and isinstance(cands[0], dict) else {}
        for pos, item in enumerate(cands if isinstance(cands, list) else []):
            index = first(obj(item), "index")
            slot = folds.setdefault(index if isinstance(index, int) else pos, ([], {}))
            content = obj(obj(item).get("content")).get("parts")
            slot[0].extend(content if isinstance(content, list) else [])
            slot[1].update({k: v for k, v in obj(item).items() if k != "content"})
        new = obj(head.get("content")).get("parts")
        return _kind(new if isinstance(new, list) else [], head, chunk)

    # Each candidate by its index (n>1 streams interleave them): parts and the latest fields.
    folds: dict[int, tuple[list[Any], dict[str, Any]]] = {}
    fold_frames(stream_frames(ex, "sse" if sse else "json-array", out), step, out)
    if folds:
        snapshot["candidates"] = [
            {**cand, "content": {"role": "model", "parts": parts}}
            for parts, cand in (folds[i] for i in sorted(folds))
        ]
    return snapshot


def _kind(parts: list[Any], cand: dict[str, Any], chunk: dict[str, Any]) -> ChunkKind:
    texts = [p for p in parts if isinstance(p, dict) and p.get("text")]
    if any(isinstance(p, dict) and first(p, "functionCall", "function_call") for p in parts):
        return "tool_call"
    if any(not p.get("thought") for p in texts):
        return "text"
    if texts:
        return "reasoning"
    if first(cand, "finishReason", "finish_reason") or "promptFeedback" in chunk:
        return "finish"
    if "usageMetadata" in chunk:
        return "usage"
    return "other"


DECODER = GeminiDecoder()
