"""What the index keeps of a decoded cassette: small rows, computed where the file is read.

Extraction runs in worker processes during a large refresh, so its result is plain tuples that
pickle cheaply; the decoded Cassette itself never crosses a process boundary.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.formats.base import ReadLimits
from app.index import stored
from app.loader import load_cassette
from app.model import Cassette, Message, ReasoningPart, TextPart, ToolCallPart, ToolResultPart

TOKEN_FIELDS = (
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
)

# The Problems page shows a failed call's message; a provider's HTML error page is cut short.
ERROR_MESSAGE_LIMIT = 300


@dataclass(frozen=True, slots=True)
class Extracted:
    path: str
    abspath: str
    size: int
    mtime_ns: int
    cassette: dict[str, Any]
    interactions: list[tuple[Any, ...]]
    docs: list[tuple[int | None, int | None, str | None, int | None, str]]  # + thread
    tags: list[tuple[str, str]]
    # The decoded form pages start from (app.index.stored), for files whose decode is costly.
    form: tuple[bytes, bytes] | None = None


def extract_file(
    path: str, abspath: str, size: int, mtime_ns: int, limits: ReadLimits
) -> Extracted:
    cassette = load_cassette(Path(abspath), path, limits)
    ex = extract(cassette, abspath, size, mtime_ns)
    if cassette.errors or not stored.worth_storing(size):
        return ex
    try:
        form = stored.dump(cassette), stored.dump_requests(cassette)
    except stored.Unstorable:
        return ex
    return dataclasses.replace(ex, form=form)


def extract(cassette: Cassette, abspath: str, size: int, mtime_ns: int) -> Extracted:
    rows: list[tuple[Any, ...]] = []
    tags: set[tuple[str, str]] = {("format", cassette.format)}
    sums: dict[str, int | None] = dict.fromkeys(TOKEN_FIELDS)
    reported = estimated = 0.0
    has_reported = has_estimated = False
    unpriced = failed = 0
    duration: float | None = None
    streaming = False
    for it in cassette.interactions:
        u = it.usage
        tokens = [getattr(u, f) if u else None for f in TOKEN_FIELDS]
        for name, value in zip(TOKEN_FIELDS, tokens, strict=True):
            if value is not None:
                sums[name] = (sums[name] or 0) + value
        cost = u.cost_usd if u else None
        source = u.cost_source if u else None
        if cost is not None and source == "reported":
            reported += cost
            has_reported = True
        elif cost is not None:
            estimated += cost
            has_estimated = True
        elif u is not None and u.total_tokens:
            unpriced += 1
        if it.error is not None:
            failed += 1
        if it.duration_ms is not None:
            duration = (duration or 0.0) + it.duration_ms
        streaming = streaming or it.streaming
        tool_names = {t.name for t in it.tools}
        if it.response is not None:
            tool_names.update(p.name for p in it.response.parts if isinstance(p, ToolCallPart))
        tags.add(("api", it.api))
        if it.provider:
            tags.add(("provider", it.provider))
        if it.model:
            tags.add(("model", it.model))
        if it.status is not None:
            tags.add(("status", str(it.status)))
        tags.update(("tool", name) for name in tool_names if name)
        rows.append(
            (
                it.index,
                it.method,
                it.url,
                it.status,
                it.api,
                it.provider,
                it.model,
                int(it.streaming),
                it.duration_ms,
                it.finish_reason,
                it.error.type if it.error else None,
                it.error.message[:ERROR_MESSAGE_LIMIT] if it.error else None,
                *tokens,
                cost,
                source,
                len(it.chunks),
                it.thread,
                it.retry_of,
            )
        )
    docs: list[tuple[int | None, int | None, str | None, int | None, str]] = [
        (m.interaction, i, m.role, m.thread, text)
        for i, m in enumerate(cassette.conversation)
        if (text := message_search_text(m))
    ]
    for it in cassette.interactions:
        if it.summary and not it.messages and it.response is None:
            docs.append((it.index, None, None, None, it.summary))
    errors = [n.message for n in cassette.errors]
    summary = {
        "format": cassette.format,
        "version": cassette.version or "",
        "n_interactions": len(cassette.interactions),
        "failed": failed,
        "streaming": int(streaming),
        "errors": json.dumps(errors),
        "error_line": cassette.errors[0].line if cassette.errors else None,
        "warnings": json.dumps([n.message for n in cassette.warnings]),
        "n_errors": len(errors),
        "duration_ms": duration,
        "cost_reported": reported if has_reported else None,
        "cost_estimated": estimated if has_estimated else None,
        "unpriced": unpriced,
        **sums,
    }
    return Extracted(cassette.path, abspath, size, mtime_ns, summary, rows, docs, sorted(tags))


def message_search_text(message: Message) -> str:
    """Everything in a message worth finding: text, reasoning, tool names, arguments, results."""
    out: list[str] = []
    for p in message.parts:
        if isinstance(p, TextPart | ReasoningPart):
            out.append(p.text)
        elif isinstance(p, ToolCallPart):
            args = p.arguments if isinstance(p.arguments, str) else json.dumps(p.arguments)
            out.append(f"{p.name} {args}")
        elif isinstance(p, ToolResultPart):
            out.append(f"{p.name or ''} {p.content}")
    return "\n".join(s for s in out if s)
