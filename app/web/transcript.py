"""The conversation as the page shows it: each tool call with its result right under it.

Pairing is done here, not in templates, so the cassette page and the interaction page agree and
a template only has to walk a list. A result is shown once, under its call: the tool message
that carried it is not repeated, and its anchor (`#m-N`, which share links point at) moves onto
the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.model import Interaction, Message, Part, TextPart, Tool, ToolCallPart, ToolResultPart

_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")

# A message longer than this many lines is folded to its first screenful, with "show all".
LONG_LINES = 40


@dataclass(frozen=True)
class Located:
    """A tool result and where it was recorded."""

    part: ToolResultPart
    message: int | None  # its message's position in the list being shown, if it is in it
    interaction: int | None


@dataclass(frozen=True)
class PartView:
    part: Part
    # For a tool call: its own anchor, its result, and the anchor that result carries here
    # (the anchor of the tool message it came in, when that message is not shown on its own).
    anchor: str | None = None
    result: ToolResultPart | None = None
    result_anchor: str | None = None
    # The interaction the result was sent in, when it is a later one than the call's.
    result_interaction: int | None = None


@dataclass(frozen=True)
class MessageView:
    n: int
    anchor: str
    message: Message
    parts: list[PartView] = field(default_factory=list)
    # A tool message whose every result is shown under its call is not shown again.
    hidden: bool = False
    lines: int = 0
    hit: bool = False

    @property
    def collapsed(self) -> bool:
        """System and developer instructions are long and read once: folded by default."""
        return self.message.role in ("system", "developer")

    @property
    def long(self) -> bool:
        return self.lines > LONG_LINES

    @property
    def calls(self) -> list[PartView]:
        return [pv for pv in self.parts if isinstance(pv.part, ToolCallPart)]


def transcript(
    messages: Sequence[Message],
    anchor_prefix: str = "m",
    elsewhere: Mapping[str, Located] | None = None,
    terms: Sequence[str] = (),
) -> list[MessageView]:
    """`elsewhere`: results recorded outside `messages` (another interaction's request), for
    calls whose result is not in the list; `terms`: a search query's words, to flag hits."""
    results: dict[str, tuple[Located, int]] = {}
    for n, msg in enumerate(messages):
        for k, part in enumerate(msg.parts):
            if isinstance(part, ToolResultPart) and part.tool_call_id:
                results.setdefault(part.tool_call_id, (Located(part, n, msg.interaction), k))
    shown_under_call: set[tuple[int, int]] = set()  # (message, part) of results moved up
    pairs: dict[tuple[int, int], Located] = {}
    for n, msg in enumerate(messages):
        for k, part in enumerate(msg.parts):
            if not isinstance(part, ToolCallPart) or not part.id:
                continue
            found = results.get(part.id)
            if found is not None and found[0].message is not None and found[0].message > n:
                pairs[(n, k)] = found[0]
                shown_under_call.add((found[0].message, found[1]))
            elif found is None and elsewhere and part.id in elsewhere:
                pairs[(n, k)] = elsewhere[part.id]
    anchored: set[int] = set()
    views: list[MessageView] = []
    for n, msg in enumerate(messages):
        parts: list[PartView] = []
        for k, part in enumerate(msg.parts):
            if (n, k) in shown_under_call:
                continue
            located = pairs.get((n, k))
            if located is None:
                anchor = f"{anchor_prefix}-{n}-c{k}" if isinstance(part, ToolCallPart) else None
                parts.append(PartView(part, anchor=anchor))
                continue
            result_anchor = None
            if located.message is not None and located.message not in anchored:
                anchored.add(located.message)
                result_anchor = f"{anchor_prefix}-{located.message}"
            later = (
                located.interaction
                if located.interaction is not None and located.interaction != msg.interaction
                else None
            )
            parts.append(
                PartView(
                    part,
                    anchor=f"{anchor_prefix}-{n}-c{k}",
                    result=located.part,
                    result_anchor=result_anchor,
                    result_interaction=later,
                )
            )
        hidden = bool(msg.parts) and not parts
        views.append(
            MessageView(
                n,
                f"{anchor_prefix}-{n}",
                msg,
                parts,
                hidden=hidden,
                lines=_lines(msg),
                hit=bool(terms) and _has_hit(msg, terms),
            )
        )
    return views


def results_in_requests(interactions: Iterable[Interaction]) -> dict[str, Located]:
    """Every tool result any request sent, by call id, at its first appearance."""
    out: dict[str, Located] = {}
    for inter in interactions:
        for msg in inter.messages:
            for part in msg.parts:
                if isinstance(part, ToolResultPart) and part.tool_call_id:
                    out.setdefault(part.tool_call_id, Located(part, None, inter.index))
    return out


def _lines(msg: Message) -> int:
    return sum(p.text.count("\n") + 1 for p in msg.parts if isinstance(p, TextPart))


def _has_hit(msg: Message, terms: Sequence[str]) -> bool:
    texts = []
    for p in msg.parts:
        if isinstance(p, TextPart):
            texts.append(p.text)
        elif isinstance(p, ToolCallPart):
            texts.append(f"{p.name} {p.arguments}")
        elif isinstance(p, ToolResultPart):
            texts.append(p.content)
    folded = " ".join(texts).casefold()
    return any(t in folded for t in terms)


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
