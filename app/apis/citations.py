"""Citations as parts of their own, for the APIs that attach them to answer text.

The cited text stays exactly as recorded and the message gains one `citation` part per source
(README, "Extra fields"), after its text, so a script can tell sources from the model's words.
The Anthropic `citations`, the Responses `annotations`, Bedrock's retrieved references and
Gemini's `groundingMetadata` all come here as dicts with a `url`, a `title` and cited text.
"""

from __future__ import annotations

from typing import Any

from app.model import CitationPart

_TITLE_KEYS = ("title", "document_title", "filename")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _part(citation: dict[str, Any]) -> CitationPart | None:
    title = next((_str(citation.get(k)) for k in _TITLE_KEYS if _str(citation.get(k))), None)
    url = _str(citation.get("url"))
    cited = _str(citation.get("cited_text"))
    if url is None and title is None:
        file_id = _str(citation.get("file_id"))
        title = f"file {file_id}" if file_id else None
    if url is None and title is None and cited is None:
        return None
    return CitationPart(" ".join(cited.split()) if cited else None, url, title)


def citation_parts(citations: list[dict[str, Any]]) -> list[CitationPart]:
    """One part per distinct source, in first-cited order."""
    out: list[CitationPart] = []
    for citation in citations:
        part = _part(citation)
        if part is not None and part not in out:
            out.append(part)
    return out
