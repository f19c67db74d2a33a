"""What changed since the previous request of a thread: the usual append, and the other cases."""

from __future__ import annotations

import json

import yaml

from app.conversation.context import context_change, context_changes, describe
from app.loader import load_bytes
from app.model import Cassette
from tests.conversation.shapes import Anthropic, Call, Gemini, OpenAIChat, Responses, Script

AGENT = "You are a coding agent."
H1 = [("user", "Fix the bug"), ("assistant", "Which file?"), ("user", "a.py")]


def load(script: Script) -> Cassette:
    return load_bytes(script.yaml().encode(), "t.yaml")


def two(first: Call, second: Call, shape: object = None) -> Cassette:
    s = shape or OpenAIChat()
    return load(Script().call(s, first).call(s, second))  # type: ignore[arg-type]


def test_appended_messages_are_one_line() -> None:
    c = two(Call(AGENT, H1[:1], "Which file?"), Call(AGENT, H1, "Fixed."))
    change = context_change(c, 1)
    assert change is not None
    assert (change.previous, change.kept, change.appended) == (0, 2, 1)
    assert change.appended_roles == ("user",)
    assert change.only_appended
    assert describe(change) == ["1 message appended (user)"]
    assert context_change(c, 0) is None  # a thread's first request has nothing before it


def test_dropped_and_edited_history() -> None:
    """An agent that trims an old tool result and drops a message as the history grows."""
    c = two(
        Call(AGENT, H1, "Done."),
        Call(
            AGENT,
            [
                ("user", "Fix the bug"),
                ("user", "a.py (trimmed)"),
                ("assistant", "Done."),
                ("user", "Now b.py"),
                ("user", "go"),
            ],
        ),
    )
    assert [list(t.interactions) for t in c.threads] == [[0, 1]]
    change = context_change(c, 1)
    assert change is not None
    assert (change.kept, change.edited, change.dropped, change.appended) == (2, 1, 1, 2)
    assert not change.only_appended
    assert describe(change) == [
        "2 messages appended (user)",
        "1 message edited",
        "1 message dropped",
    ]


def test_system_prompt_tools_and_parameters() -> None:
    first = OpenAIChat().request(Call(AGENT, H1[:1]))
    second = OpenAIChat().request(Call("You are careful.", H1))
    second["temperature"] = 0.7
    second["tools"] = [{"type": "function", "function": {"name": "read", "parameters": {}}}]
    answer = json.dumps(OpenAIChat().response(Call(None, [], "Which file?")))
    doc = {
        "version": 2,
        "interactions": [
            {
                "request": {
                    "url": "https://api.openai.com/v1/chat/completions",
                    "method": "POST",
                    "headers": {"Content-Type": ["application/json"]},
                    "body": json.dumps(body),
                },
                "response": {
                    "code": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": answer,
                },
            }
            for body in (first, second)
        ],
    }
    c = load_bytes(yaml.safe_dump(doc).encode(), "t.yaml")
    assert [list(t.interactions) for t in c.threads] == [[0, 1]]
    change = context_change(c, 1)
    assert change is not None
    assert change.system_changed
    assert change.tools_added == ("read",)
    assert [(p.name, p.old, p.new) for p in change.parameters] == [("temperature", 0, 0.7)]
    lines = describe(change)
    assert "system prompt changed" in lines
    assert "tools added: read" in lines
    assert "temperature: 0 → 0.7" in lines


def test_retry_says_so() -> None:
    s = Anthropic()
    c = load(
        Script().call(s, Call(AGENT, H1[:1], status=429)).call(s, Call(AGENT, H1[:1], "Which?"))
    )
    change = context_change(c, 1)
    assert change is not None
    assert change.retry
    assert describe(change) == ["the same input again (a retry)"]


def test_gemini_and_responses_stored_history() -> None:
    g = Gemini()
    c = load(Script().call(g, Call(AGENT, H1[:1], "Which file?")).call(g, Call(AGENT, H1)))
    assert describe(context_changes(c)[1]) == ["1 message appended (user)"]
    r = Responses()
    c = load(
        Script()
        .call(r, Call(AGENT, H1[:1], "Which file?", response_id="resp_1"))
        .call(r, Call(AGENT, [("user", "a.py")], previous="resp_1"))
    )
    change = context_changes(c)[1]
    assert (change.kept, change.appended, change.system_changed) == (2, 1, False)
