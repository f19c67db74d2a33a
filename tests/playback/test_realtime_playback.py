"""A Realtime session in the player: each response plays as it streamed (tool-call arguments,
spoken transcript), the next response replaces the one before, and the last frame is the answer
the decoder kept, its audio player included."""

from __future__ import annotations

import copy
from pathlib import Path

from app import playback
from app.loader import load_bytes
from app.model import Interaction
from app.playback import ops

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "openai_realtime"


def _session(name: str) -> Interaction:
    (it,) = load_bytes((FIXTURES / name).read_bytes(), name).interactions
    return it


def _frames(it: Interaction) -> list[list[dict[str, object]]]:
    state = ops.new_state()
    frames = []
    for delta in playback.chunk_deltas(it):
        ops.apply(state, delta)
        frames.append(copy.deepcopy(ops.message_parts(state)))  # the applier edits in place
    return frames


def test_each_response_plays_then_gives_way_to_the_next() -> None:
    it = _session("tool_round_audio.yaml")
    assert it.api in playback.VIEWS
    frames = _frames(it)
    events = [c.event for c in it.chunks]
    args_done = events.index("receive response.function_call_arguments.delta") + 1
    call = frames[args_done]
    assert [(p["type"], p["name"], p["arguments"]) for p in call] == [
        ("tool_call", "get_time", '{"city":"Lima"}')
    ]
    spoken = events.index("receive response.output_audio_transcript.delta")
    assert [(p["type"], p["text"]) for p in frames[spoken]] == [("text", "It is 9:15 ")]
    assert it.response is not None
    final = frames[-1]
    assert [p["type"] for p in final] == ["audio", "text"]
    assert str(final[0]["data_url"]).startswith("data:audio/wav;base64,")
    assert final[1]["text"] == "It is 9:15 in Lima."


def test_the_chunk_marks_show_where_text_and_calls_stream() -> None:
    it = _session("tool_round_audio.yaml")
    kinds = playback.kinds(it)
    starts = [i for i, ch in enumerate(kinds) if (ord(ch) - 48) & playback.KIND_BITS["tool_start"]]
    texts = [i for i, ch in enumerate(kinds) if (ord(ch) - 48) & playback.KIND_BITS["text"]]
    assert len(starts) == 1
    assert len(texts) >= 2
    assert (ord(kinds[-1]) - 48) & playback.KIND_BITS["finish"]


def test_a_session_cut_short_ends_on_the_answer_as_streamed() -> None:
    it = _session("cut_short_error.yaml")
    frames = _frames(it)
    assert it.response is not None
    assert [p.get("text") for p in frames[-1]] == [it.response.text]
