"""Bad input never costs an interaction: each is in one thread or in none, and nothing raises."""

from __future__ import annotations

import json
import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.conversation import detect_threads
from app.loader import load_bytes
from app.model import Interaction, Message, TextPart, ToolCallPart, UnknownPart

APIS = ["openai.chat", "anthropic.messages", "gemini.generate", "openai.responses", "unknown"]
URLS = ["https://x/v1/chat", "https://x/v1/messages/count_tokens", "https://x/v1/responses"]

# A tiny alphabet, so that identical requests, shared prefixes and forks come up often.
texts = st.sampled_from(["", "hi", "hello", "  hi  ", "tool?", "ok"])
parts = st.one_of(
    texts.map(TextPart),
    st.builds(
        ToolCallPart, st.sampled_from(["c1", None]), st.just("f"), st.sampled_from([{}, "{"])
    ),
    st.just(UnknownPart({"x": 1})),
)
messages = st.builds(
    Message,
    st.sampled_from(["system", "developer", "user", "assistant", "tool"]),
    st.lists(parts, max_size=2).map(tuple),
)
ids = st.sampled_from([None, "r1", "r2"])


@st.composite
def interactions(draw: st.DrawFn) -> list[Interaction]:
    out = []
    for i in range(draw(st.integers(0, 25))):
        out.append(
            Interaction(
                index=i,
                id=None,
                method="POST",
                url=draw(st.sampled_from(URLS)),
                status=draw(st.sampled_from([200, 429, None])),
                duration_ms=None,
                recorded_at=None,
                api=draw(st.sampled_from(APIS)),
                messages=tuple(draw(st.lists(messages, max_size=5))),
                response=draw(st.one_of(st.none(), messages)),
                response_id=draw(ids),
                previous_response_id=draw(ids),
            )
        )
    return out


def check(items: list[Interaction]) -> None:
    result = detect_threads(items)
    assert [i.index for i in result.interactions] == [i.index for i in items]
    listed = [n for t in result.threads for n in t.interactions]
    assert len(listed) == len(set(listed)), "an interaction in two threads"
    by_index = {i.index: i for i in result.interactions}
    for t in result.threads:
        assert t.interactions, "an empty thread"
        assert t.label
        for n in t.interactions:
            assert by_index[n].thread == t.id
        if t.parent is not None:
            assert t.parent.thread < t.id
            assert t.parent.interaction in result.threads[t.parent.thread].interactions
    assert {i.index for i in result.interactions if i.thread is not None} == set(listed)
    for it in result.interactions:
        if it.retry_of is not None:
            assert it.retry_of < it.index
            assert by_index[it.retry_of].thread == it.thread
    for msg in result.conversation:
        assert msg.thread is not None
        assert msg.interaction is not None
        assert msg.interaction in result.threads[msg.thread].interactions


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interactions())
def test_every_interaction_once_in_some_thread_or_none(items: list[Interaction]) -> None:
    check(items)


def _chat(i: int, history: int) -> Interaction:
    msgs = tuple(
        Message("user" if k % 2 == 0 else "assistant", (TextPart(f"m{k}"),)) for k in range(history)
    )
    return Interaction(
        index=i,
        id=None,
        method="POST",
        url="https://x/v1/chat",
        status=200,
        duration_ms=None,
        recorded_at=None,
        api="openai.chat",
        messages=msgs,
        response=Message("assistant", (TextPart(f"m{history}"),)),
    )


def test_two_thousand_identical_requests_are_one_turn_and_retries() -> None:
    items = [_chat(i, 1) for i in range(2000)]
    check(items)
    result = detect_threads(items)
    assert len(result.threads) == 1
    assert [i.retry_of for i in result.interactions[1:]] == [0] * 1999
    assert [m.text for m in result.conversation] == ["m0", "m1"]


def test_growing_history_stays_linear() -> None:
    """500 turns each resending all of their history (250,000 messages in all)."""
    items = [_chat(i, 2 * i + 1) for i in range(500)]
    start = time.process_time()  # this process's CPU time: other work on the machine not counted
    result = detect_threads(items)
    elapsed = time.process_time() - start
    assert len(result.threads) == 1
    assert len(result.conversation) == 1000
    # Linear: each message fingerprinted once (~2 s on one shared core). Comparing each request
    # with every earlier one, message by message, would be ~40 million comparisons more.
    assert elapsed < 15, f"{elapsed:.1f}s of CPU"


def test_malformed_bodies_and_empty_message_lists_are_listed() -> None:
    bodies = [
        ("https://api.openai.com/v1/chat/completions", "{not json", "{}"),
        ("https://api.openai.com/v1/chat/completions", json.dumps({"messages": []}), "{}"),
        ("https://api.anthropic.com/v1/messages", json.dumps({"messages": "x"}), "[]"),
        ("https://api.openai.com/v1/chat/completions", json.dumps({"messages": [1, None]}), ""),
        ("https://example.com/other", "", "<html>"),
        ("https://api.openai.com/v1/chat/completions", json.dumps({"messages": []}), "{}"),
    ]
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {"body": req, "url": url, "method": "POST", "headers": {}},
                "response": {"body": resp, "code": 200, "headers": {}},
            }
            for url, req, resp in bodies
        ],
    }
    cassette = load_bytes(yaml.safe_dump(doc).encode(), "bad.yaml")
    assert len(cassette.interactions) == len(bodies)
    check(list(cassette.interactions))
