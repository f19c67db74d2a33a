"""What changed between a request and the previous request of its thread.

Most of the time an agent's next request is the previous one plus its answer plus a few new
messages; the interesting cases are the others: history compacted or truncated, a message
rewritten, a different system prompt, tools added or removed, a parameter changed. This says
which, in terms a reader can check against the two requests. It compares fingerprints (see
`keys.Fingerprints`), so the cost is linear in the two requests' messages.

The previous context counts the previous request's answer as its last message, since a client
that continues the conversation sends it back.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from app.conversation.keys import Fingerprints
from app.model import Cassette, Interaction, Message, Tool

# Request-body fields that hold the conversation or its tools, compared apart from parameters.
_CONTENT_FIELDS = frozenset(
    {
        "messages",
        "input",
        "contents",
        "system",
        "instructions",
        "systemInstruction",
        "system_instruction",
        "tools",
        "toolConfig",
        "tool_config",
        "functions",
        "previous_response_id",
        "prompt",
        "chat_history",
        "message",
        "preamble",
    }
)
_VALUE_CHARS = 200  # parameters longer than this as JSON are said to change, not shown


@dataclass(frozen=True, slots=True)
class ParameterChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ContextChange:
    """The difference from the `previous` interaction of the same thread.

    `kept` messages are sent again as they were; `appended` are new at the end (their `roles`
    in order); `edited` replace messages at the same place; `dropped` are no longer sent (a
    compaction or truncation). System prompt changes are apart from those counts.
    """

    previous: int
    retry: bool
    kept: int
    appended: int
    appended_roles: tuple[str, ...]
    edited: int
    dropped: int
    system_changed: bool
    tools_added: tuple[str, ...]
    tools_removed: tuple[str, ...]
    tools_changed: tuple[str, ...]
    parameters: tuple[ParameterChange, ...]

    @property
    def only_appended(self) -> bool:
        """The usual case, worth one line: nothing but new messages at the end."""
        return not (
            self.edited
            or self.dropped
            or self.system_changed
            or self.tools_added
            or self.tools_removed
            or self.tools_changed
            or self.parameters
        )


def context_change(cassette: Cassette, index: int) -> ContextChange | None:
    """The change for interaction `index`, or None when it starts its thread or has none."""
    by_index = {it.index: it for it in cassette.interactions}
    it = by_index.get(index)
    if it is None or it.thread is None or it.thread >= len(cassette.threads):
        return None
    members = cassette.threads[it.thread].interactions
    at = members.index(index) if index in members else 0
    if at == 0 or members[at - 1] not in by_index:
        return None
    return compare(by_index[members[at - 1]], it, _Sides(Fingerprints()))


def context_changes(
    cassette: Cassette, within: Container[int] | None = None
) -> dict[int, ContextChange]:
    """Every interaction's change from the previous one of its thread, keyed by index (only
    those of the interactions `within`, when given: a page shows a window of them)."""
    by_index = {it.index: it for it in cassette.interactions}
    sides = _Sides(Fingerprints())
    out: dict[int, ContextChange] = {}
    for thread in cassette.threads:
        pairs = zip(thread.interactions, thread.interactions[1:], strict=False)
        for prev, cur in pairs:
            if prev in by_index and cur in by_index and (within is None or cur in within):
                out[cur] = compare(by_index[prev], by_index[cur], sides)
    return out


@dataclass(frozen=True, slots=True)
class _Side:
    """What a request contributes to a comparison, worked out once per interaction: in a thread
    each request is compared twice (with the one before and the one after), and parsing a body
    that resends the whole history is the costliest step of all."""

    system: list[int]
    messages: list[tuple[int, str]]
    parameters: dict[str, str]


class _Sides:
    def __init__(self, prints: Fingerprints) -> None:
        self.prints = prints
        self._known: dict[int, _Side] = {}

    def of(self, it: Interaction) -> _Side:
        side = self._known.get(it.index)
        if side is None:
            system, rest = _split(it.messages, self.prints)
            side = self._known[it.index] = _Side(system, rest, _parameters(it.request_body))
        return side


def compare(prev: Interaction, cur: Interaction, sides: _Sides) -> ContextChange:
    before, after = sides.of(prev), sides.of(cur)
    old_system, old = before.system, list(before.messages)
    new_system, new = after.system, after.messages
    retry = cur.retry_of is not None
    answer = sides.prints.of(prev.response) if prev.response is not None else None
    if answer is not None and not retry:
        old.append((answer[0], prev.response.role if prev.response else "assistant"))
    if cur.previous_response_id is not None and cur.previous_response_id == prev.response_id:
        new = old + new  # the server keeps the history; the request sends only what is new
        if not new_system:
            new_system = old_system
    kept, appended, edited, dropped = _sequence_change([f for f, _ in old], [f for f, _ in new])
    return ContextChange(
        previous=prev.index,
        retry=retry,
        kept=kept,
        appended=len(appended),
        appended_roles=tuple(new[i][1] for i in appended),
        edited=edited,
        dropped=dropped,
        system_changed=old_system != new_system,
        **_tool_changes(prev.tools, cur.tools),
        parameters=tuple(_parameter_changes(prev, cur, before.parameters, after.parameters)),
    )


def _split(
    messages: tuple[Message, ...], prints: Fingerprints
) -> tuple[list[int], list[tuple[int, str]]]:
    """System fingerprints apart, then (fingerprint, role) of the rest, in order."""
    system: list[int] = []
    rest: list[tuple[int, str]] = []
    for msg in messages:
        fp = prints.of(msg)
        if fp is None:
            continue
        if fp[1]:
            system.append(fp[0])
        else:
            rest.append((fp[0], msg.role))
    return system, rest


def _sequence_change(old: list[int], new: list[int]) -> tuple[int, list[int], int, int]:
    """(kept, positions appended, edited, dropped) turning `old` into `new`."""
    k = 0
    while k < len(old) and k < len(new) and old[k] == new[k]:
        k += 1
    if k == len(old):
        return k, list(range(k, len(new))), 0, 0
    old_set, new_set = set(old), set(new)
    # New messages after the last one that was already there are appended; earlier ones replace.
    last_known = max((i for i in range(len(new)) if new[i] in old_set), default=-1)
    fresh = [i for i in range(k, len(new)) if new[i] not in old_set]
    appended = [i for i in fresh if i > last_known]
    edited = len(fresh) - len(appended)
    gone = sum(1 for f in old[k:] if f not in new_set)
    kept = sum(1 for f in new if f in old_set)
    return kept, appended, edited, max(gone - edited, 0)


def _tool_changes(old: tuple[Tool, ...], new: tuple[Tool, ...]) -> dict[str, tuple[str, ...]]:
    before = {t.name: _canonical((t.description, t.parameters)) for t in old}
    after = {t.name: _canonical((t.description, t.parameters)) for t in new}
    return {
        "tools_added": tuple(n for n in after if n not in before),
        "tools_removed": tuple(n for n in before if n not in after),
        "tools_changed": tuple(n for n in after if n in before and before[n] != after[n]),
    }


def _parameter_changes(
    prev: Interaction, cur: Interaction, old: dict[str, str], new: dict[str, str]
) -> Iterator[ParameterChange]:
    if prev.model != cur.model:
        yield ParameterChange("model", prev.model, cur.model)
    for name in sorted(old.keys() | new.keys()):
        if name != "model" and old.get(name) != new.get(name):
            yield ParameterChange(name, _shown(old.get(name)), _shown(new.get(name)))


def _body_object(body: str | None) -> dict[str, Any] | None:
    """A request body that is a JSON object, parsed; None for anything else."""
    if not body or not body.lstrip().startswith("{"):
        return None
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        try:  # what orjson refuses and the standard library reads: NaN, integers past 64 bits
            doc = json.loads(body)
        except ValueError:
            return None
    return doc if isinstance(doc, dict) else None


def parameters_body(body: str | None) -> str | None:
    """The body cut to the fields compared as parameters (what `_parameters` reads): the
    index keeps this much of each request of a long run (app.index.stored), not the history."""
    doc = _body_object(body)
    if doc is None:
        return None
    return json.dumps({k: v for k, v in doc.items() if k not in _CONTENT_FIELDS})


def _parameters(body: str | None) -> dict[str, str]:
    """Top-level request fields other than the conversation, nested settings one level down
    (`generationConfig.temperature`), each as canonical JSON."""
    doc = _body_object(body)
    out: dict[str, str] = {}
    if doc is None:
        return out
    for key, value in doc.items():
        if key in _CONTENT_FIELDS:
            continue
        if isinstance(value, dict):
            for sub, item in value.items():
                out[f"{key}.{sub}"] = _canonical(item)
        else:
            out[key] = _canonical(value)
    return out


def _shown(value: str | None) -> Any:
    if value is None or len(value) > _VALUE_CHARS:
        return None if value is None else "…"
    return json.loads(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def describe(change: ContextChange) -> list[str]:
    """The change in short phrases, most usual first: what pages, the CLI and exports print."""
    if change.retry and change.only_appended and not change.appended:
        return ["the same input again (a retry)"]
    out: list[str] = []
    if change.appended:
        roles = ", ".join(dict.fromkeys(change.appended_roles))
        out.append(f"{_count(change.appended, 'message')} appended ({roles})")
    if change.edited:
        out.append(f"{_count(change.edited, 'message')} edited")
    if change.dropped:
        out.append(f"{_count(change.dropped, 'message')} dropped")
    if change.system_changed:
        out.append("system prompt changed")
    for verb, names in (
        ("added", change.tools_added),
        ("removed", change.tools_removed),
        ("changed", change.tools_changed),
    ):
        if names:
            out.append(f"tools {verb}: {', '.join(names)}")
    for p in change.parameters:
        out.append(f"{p.name}: {_value(p.old)} → {_value(p.new)}")
    return out or ["nothing changed"]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _value(value: Any) -> str:
    return "unset" if value is None else json.dumps(value)


def reply_to(cassette: Cassette, index: int) -> tuple[int, Message] | None:
    """The message interaction `index` answers: the last one of its thread before its answer,
    with its position in the cassette's conversation (the page's `#m-N`). For a retry or a call
    that added no message of its own, that is still the thread's latest message before it."""
    it = next((i for i in cassette.interactions if i.index == index), None)
    if it is None or it.thread is None:
        return None
    found: tuple[int, Message] | None = None
    for pos, msg in enumerate(cassette.conversation):
        if msg.thread != it.thread or msg.interaction is None:
            continue
        if msg.interaction > index:
            break
        if msg.interaction == index and msg.role == "assistant" and it.response is not None:
            break  # this call's own answer: what came before it is the question
        found = (pos, msg)
    return found
