"""Both export modes show threads as sections and what changed between a thread's requests."""

from __future__ import annotations

from pathlib import Path

from app.export import export_single, export_site
from tests.conversation.shapes import Anthropic, Call, Script
from tests.web.dom import parse

AGENT = "You are a coding agent."
TITLER = "Write a short title for this conversation."
ASK = [("user", "Fix the bug")]


def write_run(root: Path) -> Path:
    s = Anthropic()
    root.mkdir(parents=True)
    path = root / "run.yaml"
    path.write_text(
        Script()
        .call(s, Call(TITLER, ASK, "Bug fix"))
        .call(s, Call(AGENT, ASK, "Which file?"))
        .call(s, Call(AGENT, [*ASK, ("assistant", "Which file?"), ("user", "a.py")], "Done."))
        .yaml()
    )
    return path


def thread_labels(html: str) -> list[str]:
    return [el.text().strip() for el in parse(html).find_all("span", cls="thread-label")]


def test_site_export_has_thread_sections_and_context_change(tmp_path: Path) -> None:
    write_run(tmp_path / "cassettes")
    export_site([tmp_path / "cassettes"], tmp_path / "site")
    page = (tmp_path / "site" / "cassettes" / "run.yaml.html").read_text()
    # The agent's thread first, the side call as its own lane.
    assert thread_labels(page) == ["Fix the bug", "Title generator: Fix the bug"]
    second = (tmp_path / "site" / "cassettes" / "run.yaml" / "interactions" / "2.html").read_text()
    assert "1 message appended (user)" in second


def test_single_file_export_has_thread_sections(tmp_path: Path) -> None:
    path = write_run(tmp_path / "cassettes")
    file, _ = export_single(path, tmp_path / "out")
    html = file.read_text()
    assert thread_labels(html) == ["Fix the bug", "Title generator: Fix the bug"]
    assert "1 message appended (user)" in html  # folded between the agent's two turns
