"""Citations as parts of their own, for the APIs that attach sources to answer text.

A source listed as text cannot be told from the model's words, so each cited source becomes a
`citation` part after the message's other parts: the cited passage (when the API names one),
its url and its title. The shapes read here are Anthropic `citations` (document, page, search
result and web search locations), OpenAI `annotations` (Responses parts and chat messages, the
latter nesting the fields under `url_citation`), retrieved references (Bedrock knowledge bases)
and Gemini `groundingMetadata` (chunks, and the answer segments they support).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.apis.chat_parts import dicts
from app.model import CitationPart


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def citation(raw: dict[str, Any], answer: str | None = None) -> CitationPart | None:
    """One source; `answer` is the text an index-based annotation points into."""
    nested = raw.get(str(raw.get("type") or ""))
    c = {**raw, **nested} if isinstance(nested, dict) else raw
    url = _str(c.get("url")) or _str(c.get("uri")) or _str(c.get("source"))
    title = _str(c.get("title")) or _str(c.get("document_title")) or _str(c.get("filename"))
    if title is None and _str(c.get("file_id")):
        title = f"file {c['file_id']}"
    text = _str(c.get("cited_text"))
    start, end = c.get("start_index"), c.get("end_index")
    if text is None and answer and isinstance(start, int) and isinstance(end, int):
        text = _str(answer[max(start, 0) : max(end, 0)])
    if url is None and title is None and text is None:
        return None
    return CitationPart(" ".join(text.split()) if text else None, url, title)


def citation_parts(cited: Iterable[tuple[dict[str, Any], str | None]]) -> list[CitationPart]:
    """Parts for (citation, answer text) pairs, each distinct source once, in first-cited order."""
    out: list[CitationPart] = []
    for raw, answer in cited:
        part = citation(raw, answer)
        if part is not None and part not in out:
            out.append(part)
    return out


def plain(citations: Iterable[Any]) -> list[CitationPart]:
    """Parts for citations that carry their own text (no answer indexes to resolve)."""
    return citation_parts((c, None) for c in citations if isinstance(c, dict))


def grounding_parts(metadata: Any) -> list[CitationPart]:
    """Gemini grounding: each supported answer segment with the chunks it cites, then any
    chunk no segment cites, so every grounding source is listed once."""
    if not isinstance(metadata, dict):
        return []
    chunks = [
        next((v for v in ch.values() if isinstance(v, dict)), {})
        for ch in dicts(metadata.get("groundingChunks"))
    ]
    pairs: list[tuple[dict[str, Any], str | None]] = []
    used: set[int] = set()
    for support in dicts(metadata.get("groundingSupports")):
        segment = support.get("segment")
        text = segment.get("text") if isinstance(segment, dict) else None
        for i in support.get("groundingChunkIndices") or []:
            if isinstance(i, int) and 0 <= i < len(chunks):
                used.add(i)
                pairs.append(({**chunks[i], "cited_text": text}, None))
    pairs.extend((ch, None) for i, ch in enumerate(chunks) if i not in used)
    return citation_parts(pairs)
