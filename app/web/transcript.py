"""The conversation as the page shows it: each tool call with its result right under it.

Pairing is done here, not in templates, so the cassette page and the interaction page agree and
a template only has to walk a list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.model import Interaction, Message, Part, Tool, ToolCallPart, ToolResultPart

_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


@dataclass(frozen=True)
class PartView:
    part: Part
    # For a tool call: its result, and the anchor of the message that holds it.
    result: ToolResultPart | None = None
    result_anchor: str | None = None
    # For a tool result already shown under its call: the anchor of the message with the call.
    call_anchor: str | None = None


@dataclass(frozen=True)
class MessageView:
    n: int
    anchor: str
    message: Message
    parts: list[PartView] = field(default_factory=list)

    @property
    def collapsed(self) -> bool:
        """System and developer instructions are long and read once: folded by default."""
        return self.message.role in ("system", "developer")


def transcript(messages: Sequence[Message], anchor_prefix: str = "m") -> list[MessageView]:
    results: dict[str, tuple[int, ToolResultPart]] = {}
    for n, msg in enumerate(messages):
        for part in msg.parts:
            if isinstance(part, ToolResultPart) and part.tool_call_id:
                results.setdefault(part.tool_call_id, (n, part))
    call_at: dict[str, int] = {}
    views: list[MessageView] = []
    for n, msg in enumerate(messages):
        parts: list[PartView] = []
        for part in msg.parts:
            if isinstance(part, ToolCallPart) and part.id and part.id in results:
                where, result = results[part.id]
                if where > n:
                    call_at.setdefault(part.id, n)
                    anchor = f"{anchor_prefix}-{where}"
                    parts.append(PartView(part, result=result, result_anchor=anchor))
                    continue
            if isinstance(part, ToolResultPart) and part.tool_call_id in call_at:
                anchor = f"{anchor_prefix}-{call_at[part.tool_call_id]}"
                parts.append(PartView(part, call_anchor=anchor))
                continue
            parts.append(PartView(part))
        views.append(MessageView(n, f"{anchor_prefix}-{n}", msg, parts))
    return views


# Inline images larger than this are not drawn (the page would carry megabytes of base64).
INLINE_IMAGE_LIMIT = 512 * 1024


def safe_image_url(url: str | None) -> str | None:
    """Only inline raster images are drawn; a remote one would be fetched on view (a tracking
    pixel), so it is a link instead (`remote_image_url`), and svg or javascript: is neither."""
    if url and len(url) <= INLINE_IMAGE_LIMIT and _SAFE_DATA_IMAGE.match(url):
        return url
    return None


def remote_image_url(url: str | None) -> str | None:
    """A web image the reader may open by clicking; never loaded by the page itself."""
    remote = url is not None and url.lower().startswith(("https://", "http://"))
    if remote and url is not None and not any(c in url for c in "\"'<> "):
        return url
    return None


def offered_tools(interactions: Iterable[Interaction]) -> list[Tool]:
    """Every tool definition the cassette offered, once per name, in first-seen order."""
    seen: dict[str, Tool] = {}
    for inter in interactions:
        for tool in inter.tools:
            seen.setdefault(tool.name, tool)
    return list(seen.values())
