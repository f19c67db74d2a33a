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

# A recorded text (a message's text, tool arguments, a tool result, reasoning) longer than
# FOLD_CHARS characters or FOLD_LINES lines is shown as its head (HEAD_CHARS, HEAD_LINES) with
# "show all", which loads the rest on demand: the page's weight then grows with the number of
# parts shown, never with their length (docs/PERFORMANCE.md, "Page weight", has the figures).
FOLD_CHARS = 1_000
FOLD_LINES = 24
HEAD_CHARS = 400
HEAD_LINES = 12


@dataclass(frozen=True)
class Located:
    """A tool result and where it was recorded."""

    part: ToolResultPart
    message: int | None  # its message's position in the list being shown, if it is in it
    interaction: int | None
    index: int = 0  # the result's position among its message's parts


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
    # Ids of the part's own text and of its result's, which "show all" asks for whole.
    fold: str = ""
    result_fold: str = ""


@dataclass(frozen=True)
class MessageView:
    n: int
    anchor: str
    message: Message
    parts: list[PartView] = field(default_factory=list)
    # A tool message whose every result is shown under its call is not shown again.
    hidden: bool = False
    hit: bool = False

    @property
    def collapsed(self) -> bool:
        """System and developer instructions are long and read once: folded by default."""
        return self.message.role in ("system", "developer")

    @property
    def calls(self) -> list[PartView]:
        return [pv for pv in self.parts if isinstance(pv.part, ToolCallPart)]


def transcript(
    messages: Sequence[Message],
    anchor_prefix: str = "m",
    elsewhere: Mapping[str, Located] | None = None,
    terms: Sequence[str] = (),
    positions: Sequence[int] | None = None,
) -> list[MessageView]:
    """`elsewhere`: results recorded outside `messages` (another interaction's request), for
    calls whose result is not in the list; `terms`: a search query's words, to flag hits;
    `positions`: each message's number in its whole list, for anchors, when `messages` is a
    part of it (the cassette page's window of calls)."""
    at = range(len(messages)) if positions is None else positions
    results: dict[str, tuple[Located, int]] = {}
    for n, msg in enumerate(messages):
        for k, part in enumerate(msg.parts):
            if isinstance(part, ToolResultPart) and part.tool_call_id:
                here = Located(part, n, msg.interaction, k)
                results.setdefault(part.tool_call_id, (here, k))
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
            fold = f"{anchor_prefix}-{at[n]}-p{k}"
            if located is None:
                anchor = f"{anchor_prefix}-{at[n]}-c{k}" if isinstance(part, ToolCallPart) else None
                parts.append(PartView(part, anchor=anchor, fold=fold))
                continue
            result_anchor = None
            if located.message is not None and located.message not in anchored:
                anchored.add(located.message)
                result_anchor = f"{anchor_prefix}-{at[located.message]}"
            later = (
                located.interaction
                if located.interaction is not None and located.interaction != msg.interaction
                else None
            )
            parts.append(
                PartView(
                    part,
                    anchor=f"{anchor_prefix}-{at[n]}-c{k}",
                    result=located.part,
                    result_anchor=result_anchor,
                    result_interaction=later,
                    fold=fold,
                    result_fold=(
                        f"{fold}-r"
                        if located.message is None
                        else f"{anchor_prefix}-{at[located.message]}-p{located.index}"
                    ),
                )
            )
        hidden = bool(msg.parts) and not parts
        views.append(
            MessageView(
                at[n],
                f"{anchor_prefix}-{at[n]}",
                msg,
                parts,
                hidden=hidden,
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


def fold_head(text: str) -> str | None:
    """The start of a long text, cut at a line end where one is near, or None when the text is
    short enough to be shown whole."""
    if len(text) <= FOLD_CHARS and text.count("\n", 0, FOLD_CHARS) < FOLD_LINES:
        return None
    head = text[:HEAD_CHARS]
    lines = head.split("\n")
    if len(lines) > HEAD_LINES:
        return "\n".join(lines[:HEAD_LINES])
    end = head.rfind("\n")
    return head[:end] if end > HEAD_CHARS // 2 else head


def find_part(views: Iterable[MessageView], fold: str) -> PartView | None:
    """The part whose text (or whose result's) has the id `fold`, among the views shown."""
    for v in views:
        for pv in v.parts:
            if fold in (pv.fold, pv.result_fold):
                return pv
    return None


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
