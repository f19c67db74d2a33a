"""Rendering a review comment as GitHub would, to check what a reader of the PR sees."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def render(markdown: str) -> str:
    """CommonMark with GFM's tables and strikethrough, raw HTML kept (GitHub keeps details,
    summary, code, a, b)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def visible_text(html: str) -> str:
    """The text outside code spans, as a reader sees it."""
    return _TAGS.sub("", _CODE.sub("", html))


def literal_markers(markdown: str) -> list[str]:
    """Emphasis markers that did not become emphasis: what GitHub shows as `**` and `~~`."""
    text = visible_text(render(markdown))
    return re.findall(r".{0,20}(?:\*\*|~~).{0,20}", text)
