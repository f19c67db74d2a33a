"""Citations as readable text, for the APIs that attach them to answer text.

The contract's text part has no place for citations, and an `unknown` part would hide plain
sources behind a raw view. So the cited text stays exactly as recorded and the message gains one
trailing text part listing its sources, which every page and export shows without special code.
Both the Anthropic `citations` and the Responses `annotations` shapes are read here.
"""

from __future__ import annotations

from typing import Any

from app.model import TextPart


def _line(citation: dict[str, Any]) -> str | None:
    url = citation.get("url")
    title = citation.get("title") or citation.get("document_title") or citation.get("filename")
    if isinstance(url, str) and url:
        return f"- [{title}]({url})" if isinstance(title, str) and title else f"- <{url}>"
    cited = citation.get("cited_text")
    if isinstance(cited, str) and cited:
        quote = " ".join(cited.split())
        return f"- “{quote}” ({title})" if isinstance(title, str) and title else f"- “{quote}”"
    if isinstance(title, str) and title:
        return f"- {title}"
    file_id = citation.get("file_id")
    return f"- file {file_id}" if isinstance(file_id, str) and file_id else None


def sources_part(citations: list[dict[str, Any]]) -> TextPart | None:
    """One `Sources:` part for a message's citations, each source once, in first-cited order."""
    lines: list[str] = []
    for citation in citations:
        line = _line(citation)
        if line is not None and line not in lines:
            lines.append(line)
    if not lines:
        return None
    return TextPart("\n\nSources:\n" + "\n".join(lines))
