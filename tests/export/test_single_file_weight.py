"""The single-file export of a long agent run grows with the run, not with the square of it:
each section keeps the request's last messages, cuts raw bodies and chunk lists, and folds long
texts, each with a line saying what was cut and how to see it whole."""

from __future__ import annotations

from pathlib import Path

from app.export import export_single
from app.export.pages import SINGLE_RAW_CHARS
from tests.web.dom import parse
from tests.web.test_page_weight import agent_run


def single(tmp_path: Path, name: str, text: str) -> str:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "run.yaml").write_text(text)
    file, _ = export_single(folder / "run.yaml", tmp_path / f"out-{name}")
    return file.read_text()


def test_a_run_with_twenty_times_longer_texts_is_not_a_heavier_file(tmp_path: Path) -> None:
    short = single(tmp_path, "short", agent_run(8, 2_000))
    long = single(tmp_path, "long", agent_run(8, 40_000))
    assert len(long) < len(short) * 1.5, (len(short), len(long))
    doc = parse(long)
    last = doc.by_id("interaction-7")
    notes = " ".join(last.text().split())
    assert "11 earlier messages of this request not repeated here" in notes
    body = last.find("pre", id="i7-request-body").text()
    assert len(body) < SINGLE_RAW_CHARS + 200
    assert "more characters; open the cassette with `tapedeck serve` to see all of it]" in body
    folded = [" ".join(p.text().split()) for p in doc.find_all("p", cls="fold-all")]
    assert "38.7 KB more: open the cassette with tapedeck serve to see all of it" in folded
    assert not doc.find_all("a", cls="fold-all")  # no server to ask for the rest


def test_the_conversation_of_a_single_file_holds_every_call(tmp_path: Path) -> None:
    doc = parse(single(tmp_path, "run", agent_run(130, 50)))
    assert "Turn 129 answer." in doc.by_id("turn-129").text()
    assert not doc.find_all("nav", cls="calls-pager")
