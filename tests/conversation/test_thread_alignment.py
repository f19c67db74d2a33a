"""diff/review pair interactions within matching threads before anything else."""

from __future__ import annotations

from app.loader import load_bytes
from app.review.diff import diff_cassettes
from tests.conversation.shapes import Anthropic, Call, Script

AGENT = "You are a coding agent."
TITLER = "Write a short title for this conversation."
ASK = [("user", "Fix the bug in the parser module please")]
NEXT = [*ASK, ("assistant", "Which file?"), ("user", "parser.py")]


def test_a_reordered_side_call_is_compared_with_itself() -> None:
    s = Anthropic()
    old = (
        Script()
        .call(s, Call(TITLER, ASK, "Parser bug"))
        .call(s, Call(AGENT, ASK, "Which file?"))
        .call(s, Call(AGENT, NEXT, "Fixed."))
    )
    # Re-recorded: the title call finished later and the agent's last answer changed.
    new = (
        Script()
        .call(s, Call(AGENT, ASK, "Which file?"))
        .call(s, Call(AGENT, NEXT, "Fixed it."))
        .call(s, Call(TITLER, ASK, "Parser bug"))
    )
    diff = diff_cassettes(
        load_bytes(old.yaml().encode(), "old.yaml"), load_bytes(new.yaml().encode(), "new.yaml")
    )
    pairs = [(d.kind, d.old_index, d.new_index) for d in diff.interactions]
    assert pairs == [("same", 1, 0), ("changed", 2, 1), ("same", 0, 2)]
