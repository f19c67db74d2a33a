"""Chunk deltas rebuild exactly what the decoders decoded, for every streamed sample we have.

The player shows a stream by applying each chunk's delta in order; if the ops were wrong the
last frame would disagree with the decoded answer shown above it. These tests apply them with
the Python applier (the same rules as static/player.js) and compare with
`interaction.response` part for part, arguments included.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from app import playback
from app.loader import load_bytes
from app.model import Chunk, Interaction, to_json
from app.playback import ops

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIRS = (REPO / "tests" / "fixtures" / "apis", REPO / "cassettes")
NOT_CASSETTES = {".py", ".md", ".txt"}
LONG = REPO / "cassettes" / "long-stream" / "openai_chat_20000_chunks.yaml"


def cassette_files(*roots: Path) -> list[Path]:
    return sorted(
        p
        for root in roots
        if root.is_dir()
        for p in root.rglob("*")
        if p.is_file() and p.suffix not in NOT_CASSETTES and not p.name.startswith(".")
    )


def streamed(path: Path, root: Path) -> list[Interaction]:
    cas = load_bytes(path.read_bytes(), path.relative_to(root).as_posix())
    return [it for it in cas.interactions if it.chunks]


SAMPLES = [p for p in cassette_files(*SAMPLE_DIRS) if p != LONG]


def _id(p: Path) -> str:
    return p.relative_to(REPO).as_posix()


def assert_rebuilds(it: Interaction) -> None:
    deltas = playback.chunk_deltas(it)
    assert len(deltas) == len(it.chunks)
    want = to_json(it.response.parts) if it.response is not None else []
    assert playback.final_parts(deltas) == want, f"{it.api} interaction {it.index}"


@pytest.mark.parametrize("path", SAMPLES, ids=_id)
def test_deltas_rebuild_the_decoded_response(path: Path) -> None:
    root = next(r for r in SAMPLE_DIRS if path.is_relative_to(r))
    for it in streamed(path, root):
        assert_rebuilds(it)


def test_samples_cover_every_streaming_api() -> None:
    """Guards the parametrized test against passing on nothing."""
    apis = {
        it.api
        for path in SAMPLES
        for it in streamed(path, next(r for r in SAMPLE_DIRS if path.is_relative_to(r)))
    }
    assert set(playback.VIEWS) <= apis | {"bedrock.invoke"}, set(playback.VIEWS) - apis


def test_long_stream_sample_rebuilds_and_is_small() -> None:
    assert LONG.stat().st_size < 8_000_000
    (it,) = streamed(LONG, LONG.parent)
    assert len(it.chunks) == 20_000
    assert_rebuilds(it)
    kinds = playback.kinds(it)
    starts = [i for i, ch in enumerate(kinds) if (ord(ch) - 48) & playback.KIND_BITS["tool_start"]]
    assert len(starts) == 2  # the two parallel calls


@pytest.mark.corpus
def test_deltas_rebuild_every_streamed_corpus_interaction(corpus_dir: Path) -> None:
    checked = 0
    for path in cassette_files(corpus_dir):
        if path.name == "MANIFEST.tsv":
            continue
        for it in streamed(path, corpus_dir):
            assert_rebuilds(it)
            checked += 1
    assert checked > 100


def test_text_only_grows_while_playing() -> None:
    """Every intermediate frame of a chat stream is a prefix of the final text."""
    path = REPO / "cassettes" / "gateways" / "groq_streamed.yaml"
    (it,) = streamed(path, path.parent)
    final = it.response.text if it.response is not None else ""
    assert final
    state = ops.new_state()
    seen = []
    for delta in playback.chunk_deltas(it):
        ops.apply(state, delta)
        text = "".join(p["text"] for p in ops.message_parts(state) if p["type"] == "text")
        assert final.startswith(text)
        seen.append(text)
    assert seen[-1] == final
    assert len(set(seen)) > 2


def test_tool_call_stays_open_until_its_block_ends() -> None:
    path = REPO / "cassettes" / "anthropic" / "agent_loop_thinking_tools.yaml"
    its = [it for it in streamed(path, path.parent) if it.finish_reason == "tool_call"]
    assert its, "the sample has a streamed tool call"
    it = its[0]
    state = ops.new_state()
    opened = closed = False
    for delta in playback.chunk_deltas(it):
        ops.apply(state, delta)
        calls = [p for p in state["parts"].values() if p["type"] == "tool_call"]
        opened |= any(p.get("open") for p in calls)
        closed |= any(not p.get("open") for p in calls)
    assert opened
    assert closed
    assert state["finish"] == "tool_call"


def _chunks(n: int, **extra: object) -> tuple[Chunk, ...]:
    return tuple(Chunk(i, None, "{}", "other", **extra) for i in range(n))  # type: ignore[arg-type]


def _inter(chunks: tuple[Chunk, ...], duration: float | None) -> Interaction:
    return Interaction(0, None, "POST", "https://x.test/", 200, duration, None, chunks=chunks)


def test_time_basis_is_recorded_estimated_or_position() -> None:
    timed = tuple(dataclasses.replace(c, t_ms=10.0 * c.seq) for c in _chunks(4))
    assert playback.time_basis(_inter(timed, 100.0)) == "recorded"
    assert playback.offsets_ms(_inter(timed, 100.0)) == [0, 10, 20, 30]
    spread = _inter(_chunks(4), 100.0)
    assert playback.time_basis(spread) == "estimated"
    assert [playback.estimated_ms(spread, i) for i in range(4)] == [25.0, 50.0, 75.0, 100.0]
    assert playback.offsets_ms(spread) is None
    bare = _inter(_chunks(4), None)
    assert playback.time_basis(bare) == "position"
    assert playback.estimated_ms(bare, 0) is None
    # one chunk without a time is enough to refuse calling the times recorded
    mixed = (*timed[:3], _chunks(4)[3])
    assert playback.time_basis(_inter(mixed, 100.0)) == "estimated"


def test_window_carries_the_state_before_it() -> None:
    path = REPO / "cassettes" / "gateways" / "groq_streamed.yaml"
    (it,) = streamed(path, path.parent)
    deltas = playback.chunk_deltas(it)
    win = playback.window(it, deltas, 3, 2).to_json()
    assert win["total"] == len(it.chunks)
    assert win["offset"] == 3
    assert [c["seq"] for c in win["chunks"]] == [3, 4]
    assert win["time_basis"] == "estimated"
    assert all(c["t_ms"] is None and c["t_estimated_ms"] > 0 for c in win["chunks"])
    state = ops.new_state()
    for delta in deltas[:3]:
        ops.apply(state, delta)
    assert win["before"]["parts"] == [[s, p] for s, p in sorted(state["parts"].items())]
    assert win["chunks"][0]["delta"] == deltas[3]


def test_non_streamed_interaction_has_no_deltas() -> None:
    path = REPO / "cassettes" / "openai" / "chat_completion.yaml"
    cas = load_bytes(path.read_bytes(), "chat_completion.yaml")
    it = cas.interactions[0]
    assert not it.chunks
    assert playback.chunk_deltas(it) == []
    assert playback.player_data(it)["total"] == 0


def test_agent_timeline_pairs_calls_with_their_results() -> None:
    path = REPO / "cassettes" / "openai" / "agent_parallel_tools.yaml"
    cas = load_bytes(path.read_bytes(), "agent_parallel_tools.yaml")
    at = playback.agent_timeline(cas)
    assert len(at["steps"]) == len(cas.interactions)
    first = at["steps"][0]
    assert [c["name"] for c in first["calls"]] == ["get_weather", "get_time"]
    assert first["calls"][0]["result"] == "18°C, clear sky"
    assert first["finish_reason"] == "tool_call"
    assert at["steps"][-1]["calls"] == []
    assert at["tool_calls"] == sum(len(s["calls"]) for s in at["steps"])
