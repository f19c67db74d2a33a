"""Threads on hand-written recordings: the story a reader should see, for each API shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.loader import load_bytes
from app.model import Cassette, ThreadParent
from tests.conversation.shapes import SHAPES, Anthropic, Call, OpenAIChat, Raw, Responses, Script
from tests.conversation.shapes import Shape as ShapeT

AGENT = "You are a coding agent."
TITLER = "You write a short title for the conversation. Reply with the title only."
RESEARCHER = "You are a research sub-agent. Answer with facts."

by_shape = pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)


def load(script: Script) -> Cassette:
    cassette = load_bytes(script.yaml().encode(), "t.yaml")
    assert not cassette.errors, cassette.errors
    return cassette


def groups(c: Cassette) -> list[list[int]]:
    return [list(t.interactions) for t in c.threads]


def conversation(c: Cassette) -> list[tuple[str, str, int | None, int | None]]:
    return [(m.role, m.text, m.interaction, m.thread) for m in c.conversation]


@by_shape
def test_continuation_is_one_thread(shape: ShapeT) -> None:
    c = load(
        Script()
        .call(shape, Call(AGENT, [("user", "Fix the bug")], "Which file?"))
        .call(
            shape,
            Call(AGENT, [("user", "Fix the bug"), ("assistant", "Which file?"), ("user", "a.py")]),
        )
    )
    assert groups(c) == [[0, 1]]
    assert c.threads[0].label == "Fix the bug"
    assert [(i.thread, i.retry_of) for i in c.interactions] == [(0, None), (0, None)]
    assert conversation(c) == [
        ("system", AGENT, 0, 0),
        ("user", "Fix the bug", 0, 0),
        ("assistant", "Which file?", 0, 0),
        ("user", "a.py", 1, 0),
        ("assistant", "ok", 1, 0),
    ]


@by_shape
def test_side_call_starts_its_own_thread(shape: ShapeT) -> None:
    c = load(
        Script()
        .call(shape, Call(TITLER, [("user", "Fix the bug in a.py")], "Bug fix"))
        .call(shape, Call(AGENT, [("user", "Fix the bug in a.py")], "Done?"))
        .call(
            shape,
            Call(AGENT, [("user", "Fix the bug in a.py"), ("assistant", "Done?"), ("user", "y")]),
        )
    )
    assert groups(c) == [[0], [1, 2]]
    assert c.threads[0].label == "Title generator: Fix the bug in a.py"
    assert c.threads[1].label == "Fix the bug in a.py"
    assert all(t.parent is None for t in c.threads)
    # The agent's thread does not read the title generator's prompt as its own.
    assert next(m.text for m in c.conversation if m.thread == 1) == AGENT


@by_shape
def test_sub_agent_interleaved_with_its_caller(shape: ShapeT) -> None:
    main = [("user", "Survey the field")]
    sub = [("user", "Find three papers")]
    c = load(
        Script()
        .call(shape, Call(AGENT, main, "Asking the researcher."))
        .call(shape, Call(RESEARCHER, sub, "Paper A"))
        .call(shape, Call(RESEARCHER, [*sub, ("assistant", "Paper A"), ("user", "more")], "B, C"))
        .call(
            shape,
            Call(AGENT, [*main, ("assistant", "Asking the researcher."), ("user", "A, B, C")]),
        )
    )
    assert groups(c) == [[0, 3], [1, 2]]
    assert [t.label for t in c.threads] == ["Survey the field", "Find three papers"]
    assert [m.thread for m in c.conversation] == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]


@by_shape
def test_retry_after_429_is_not_a_new_turn(shape: ShapeT) -> None:
    ask = [("user", "Hello")]
    c = load(
        Script()
        .call(shape, Call(AGENT, ask, status=429))
        .call(shape, Call(AGENT, ask, "Hi!"))
        .call(shape, Call(AGENT, [*ask, ("assistant", "Hi!"), ("user", "Bye")], "Bye!"))
    )
    assert groups(c) == [[0, 1, 2]]
    assert [i.retry_of for i in c.interactions] == [None, 0, None]
    assert conversation(c) == [
        ("system", AGENT, 0, 0),
        ("user", "Hello", 0, 0),
        ("assistant", "Hi!", 1, 0),
        ("user", "Bye", 2, 0),
        ("assistant", "Bye!", 2, 0),
    ]


@by_shape
def test_fork_shares_a_prefix_then_diverges(shape: ShapeT) -> None:
    base = [("user", "Plan a trip"), ("assistant", "Where to?")]
    c = load(
        Script()
        .call(shape, Call(AGENT, base[:1], "Where to?"))
        .call(shape, Call(AGENT, [*base, ("user", "Rome")], "Rome it is."))
        .call(shape, Call(AGENT, [*base, ("user", "Oslo")], "Oslo it is."))
    )
    assert groups(c) == [[0, 1], [2]]
    assert c.threads[1].parent == ThreadParent(thread=0, interaction=0)
    assert c.threads[1].label == "Plan a trip"
    # The fork's own messages only: the shared prefix is shown once, in the parent.
    assert conversation(c)[-2:] == [("user", "Oslo", 2, 1), ("assistant", "Oslo it is.", 2, 1)]


@by_shape
def test_non_llm_calls_are_in_no_thread_and_still_listed(shape: ShapeT) -> None:
    c = load(
        Script()
        .call(shape, Call(AGENT, [("user", "Search for cats")], "Searching."))
        .raw(Raw("https://api.exa.ai/search", {"query": "cats"}, {"results": []}))
        .raw(
            Raw(
                "https://api.openai.com/v1/embeddings",
                {"model": "text-embedding-3-small", "input": "cats"},
                {"object": "list", "data": [{"embedding": [0.1, 0.2]}]},
            )
        )
        .call(
            shape,
            Call(AGENT, [("user", "Search for cats"), ("assistant", "Searching."), ("user", "0")]),
        )
    )
    assert len(c.interactions) == 4
    assert [i.thread for i in c.interactions] == [0, None, None, 0]
    assert groups(c) == [[0, 3]]


def test_mixed_apis_never_share_a_thread() -> None:
    ask = [("user", "Hello")]
    chat, claude = OpenAIChat(), Anthropic()
    c = load(
        Script()
        .call(chat, Call(None, ask, "Hi from GPT"))
        .call(claude, Call(None, ask, "Hi from Claude"))
        .call(chat, Call(None, [*ask, ("assistant", "Hi from GPT"), ("user", "Bye")]))
        .call(claude, Call(None, [*ask, ("assistant", "Hi from Claude"), ("user", "Bye")]))
    )
    assert groups(c) == [[0, 2], [1, 3]]
    assert [i.retry_of for i in c.interactions] == [None, None, None, None]


def test_responses_previous_response_id_continues_on_the_server() -> None:
    shape = Responses()
    c = load(
        Script()
        .call(shape, Call(AGENT, [("user", "Name a colour")], "Red", response_id="resp_1"))
        .call(shape, Call(AGENT, [("user", "Another")], "Blue", previous="resp_1"))
        .call(shape, Call(TITLER, [("user", "Name a colour")], "Colours"))
    )
    assert groups(c) == [[0, 1], [2]]
    assert [m.text for m in c.conversation if m.thread == 0] == [
        AGENT,
        "Name a colour",
        "Red",
        "Another",
        "Blue",
    ]
    assert c.interactions[1].previous_response_id == "resp_1"


@by_shape
def test_changed_system_prompt_keeps_the_thread(shape: ShapeT) -> None:
    """An agent whose system prompt carries the time or a file list still has one thread; a
    side call given the same user text (but never an earlier answer) does not join it."""
    ask = [("user", "List the files")]
    c = load(
        Script()
        .call(shape, Call(AGENT + " It is 10:00.", ask, "a.py"))
        .call(shape, Call(TITLER, ask, "Files"))
        .call(shape, Call(AGENT + " It is 10:01.", [*ask, ("assistant", "a.py"), ("user", "Next")]))
    )
    assert groups(c) == [[0, 2], [1]]
    assert [m.text for m in c.conversation if m.thread == 0][-3:] == [
        AGENT + " It is 10:01.",
        "Next",
        "ok",
    ]


def test_the_index_stores_each_interactions_thread(tmp_path: Path) -> None:
    """The index agrees with the page: same thread and retry per interaction and message."""
    from app.index import Index
    from app.index.schema import connect

    shape = Anthropic()
    root = tmp_path / "root"
    root.mkdir()
    ask = [("user", "Hello")]
    script = (
        Script()
        .call(shape, Call(TITLER, ask, "Greeting"))
        .call(shape, Call(AGENT, ask, status=429))
        .call(shape, Call(AGENT, ask, "Hi!"))
    )
    (root / "run.yaml").write_text(script.yaml())
    idx = Index(tmp_path / "index.sqlite3", [root])
    idx.refresh()
    idx.close()
    conn = connect(str(tmp_path / "index.sqlite3"), readonly=True)
    rows = conn.execute("SELECT idx, thread, retry_of FROM interactions ORDER BY idx").fetchall()
    docs = conn.execute("SELECT message, thread FROM docs ORDER BY message").fetchall()
    conn.close()
    c = load(script)
    assert rows == [(i.index, i.thread, i.retry_of) for i in c.interactions]
    assert rows == [(0, 0, None), (1, 1, None), (2, 1, 1)]
    assert docs == [(n, m.thread) for n, m in enumerate(c.conversation)]
