"""Threads on real recordings whose story is known (skipped without the shared corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.loader import load_cassette
from app.model import Cassette

CRUSH = "charmbracelet__crush/internal/agent/testdata/TestCoderAgent/{}/multiedit_tool.yaml"
CREW = (
    "crewAIInc__crewAI/lib/crewai/tests/cassettes/agents/TestResponseFormatWithKickoff."
    "test_kickoff_response_format_with_planning_and_tools.yaml"
)


def load(corpus_dir: Path, name: str) -> Cassette:
    path = corpus_dir / name
    if not path.is_file():
        pytest.skip(f"{name} is not in this corpus")
    cassette = load_cassette(path, name)
    assert not cassette.errors
    return cassette


@pytest.mark.corpus
@pytest.mark.parametrize("model", ["anthropic-sonnet", "deepseek-v4"])
def test_crush_title_call_is_a_thread_of_its_own(corpus_dir: Path, model: str) -> None:
    c = load(corpus_dir, CRUSH.format(model))
    assert len(c.threads) == 2
    title = next(t for t in c.threads if len(t.interactions) == 1)
    agent = next(t for t in c.threads if t is not title)
    assert title.label.startswith("Title generator")
    assert sorted((*title.interactions, *agent.interactions)) == [i.index for i in c.interactions]
    # The agent's own thread never shows the title generator's prompt.
    prompts = [m.text for m in c.conversation if m.thread == agent.id and m.role == "system"]
    assert prompts
    assert not any("title" in p[:300].lower() for p in prompts)


@pytest.mark.corpus
def test_crewai_one_thread_per_agent_step(corpus_dir: Path) -> None:
    c = load(corpus_dir, CREW)
    assert [list(t.interactions) for t in c.threads] == [
        [1],
        [2, 4],
        [5],
        [6],
        [7, 11],
        [12],
        [13],
        [14],
    ]
    searches = [i for i in c.interactions if "exa.ai" in i.url]
    assert searches
    assert all(i.thread is None for i in searches)
    assert all(t.parent is None for t in c.threads)
