"""An agent's resent history is held once: equal request messages are one object, and sharing
them changes nothing a reader sees."""

from __future__ import annotations

from unittest import mock

from app import loader
from app.loader import share_repeats
from app.model import Interaction, Message, TextPart, ToolCallPart, to_json
from tests.web.test_cache_budget import agent_run


def test_a_resent_history_is_one_object_per_message_and_decodes_the_same() -> None:
    data = agent_run(turns=4, result_chars=300, seed=1).encode()
    shared = loader.load_bytes(data, "run.yaml")
    first, last = shared.interactions[0], shared.interactions[-1]
    assert len(last.messages) == 7
    assert last.messages[0] is first.messages[0]
    assert last.messages[2] is shared.interactions[1].messages[2]
    with mock.patch.object(loader, "share_repeats", list):
        apart = loader.load_bytes(data, "run.yaml")
    assert apart.interactions[-1].messages[0] is not apart.interactions[0].messages[0]
    assert to_json(shared) == to_json(apart)


def test_tool_calls_stay_apart_since_equal_numbers_may_differ_in_type() -> None:
    def call(n: object) -> Message:
        return Message("assistant", (ToolCallPart("c1", "edit", {"n": n}),))

    def turn(index: int, n: object) -> Interaction:
        text = Message("user", (TextPart("fix it"),))
        return Interaction(index, None, "POST", "u", 200, None, None, messages=(text, call(n)))

    one, two = share_repeats([turn(0, 1), turn(1, 1.0)])
    assert one.messages[0] is two.messages[0]
    assert two.messages[1].parts[0].arguments == {"n": 1.0}
    assert type(two.messages[1].parts[0].arguments["n"]) is float
