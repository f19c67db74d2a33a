"""Stitching: each message once, in order, tagged with the interaction it first appeared in."""

from __future__ import annotations

from app.loader import load_bytes
from tests.builders import chat_request, chat_response, govcr

SYSTEM = {"role": "system", "content": "You are terse."}
USER = {"role": "user", "content": "Weather in Rome and Oslo?"}
CALLS = [
    {"id": "c1", "name": "weather", "arguments": {"city": "Rome"}},
    {"id": "c2", "name": "weather", "arguments": {"city": "Oslo"}},
]
ECHO = {
    "role": "assistant",
    "content": None,
    "tool_calls": [
        {
            "id": "c1",
            "type": "function",
            "function": {"name": "weather", "arguments": '{"city":"Rome"}'},
        },
        {
            "id": "c2",
            "type": "function",
            "function": {"name": "weather", "arguments": '{"city": "Oslo"}'},
        },
    ],
}
RESULTS = [
    {"role": "tool", "tool_call_id": "c1", "content": "31C"},
    {"role": "tool", "tool_call_id": "c2", "content": "4C"},
]


def agent_loop() -> str:
    return govcr(
        [
            (chat_request([SYSTEM, USER]), chat_response(tool_calls=CALLS)),
            (chat_request([SYSTEM, USER, ECHO, *RESULTS]), chat_response("Rome 31C, Oslo 4C.")),
            # a retry of the first call must not duplicate the thread
            (chat_request([SYSTEM, USER]), chat_response(tool_calls=CALLS)),
        ]
    )


def test_agent_loop_is_one_conversation() -> None:
    cassette = load_bytes(agent_loop().encode(), "loop.yaml")
    conv = cassette.conversation
    assert [(m.role, m.interaction) for m in conv] == [
        ("system", 0),
        ("user", 0),
        ("assistant", 0),
        ("tool", 1),
        ("tool", 1),
        ("assistant", 1),
    ]
    calls = [p for p in conv[2].parts if p.type == "tool_call"]
    assert [(c.id, c.arguments) for c in calls] == [
        ("c1", {"city": "Rome"}),
        ("c2", {"city": "Oslo"}),
    ]
    results = [m.parts[0] for m in conv[3:5]]
    assert [(r.tool_call_id, r.name, r.content) for r in results] == [
        ("c1", "weather", "31C"),
        ("c2", "weather", "4C"),
    ]
    assert conv[-1].text == "Rome 31C, Oslo 4C."


def test_unrelated_threads_follow_each_other() -> None:
    text = govcr(
        [
            (chat_request([{"role": "user", "content": "A?"}]), chat_response("a")),
            (chat_request([{"role": "user", "content": "B?"}]), chat_response("b")),
        ]
    )
    conv = load_bytes(text.encode(), "two.yaml").conversation
    assert [m.text for m in conv] == ["A?", "a", "B?", "b"]
