"""The review comment on pull requests of particular shapes: renames, shared changes, overflow."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from app.loader import load_bytes
from app.review.comment import Review, review
from app.review.diff import diff_cassettes
from app.review.render import diff_markdown, diff_text
from app.review.report import review_markdown
from tests.review.cassettes import Turn, chat_cassette
from tests.review.gfm import literal_markers, render
from tests.review.helpers import SYSTEM, commit_all, git, init_repo, run, weather_run

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO"
    "+ip1sAAAAASUVORK5CYII="
)


def _image_turn(text: str | None) -> str:
    content = [{"type": "image_url", "image_url": {"url": PIXEL}}]
    if text is not None:
        content.insert(0, {"type": "text", "text": text})
    return chat_cassette([Turn([{"role": "user", "content": content}], reply="Red square.")])


def test_an_added_prompt_part_is_shown() -> None:
    old = load_bytes(_image_turn(None).encode(), "old.yaml")
    new = load_bytes(_image_turn("Describe image in three words").encode(), "new.yaml")
    result = diff_cassettes(old, new)
    for text in (diff_text(result), diff_markdown(result)):
        assert "Describe image in three words" in text
        assert "edited: \n" not in text + "\n"


def _repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def _review(repo: Path, base: str, head: str) -> Review:
    return review(base, head, ["cassettes"], repo)


def test_moves_git_cannot_see_are_paired(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    folder = repo / "cassettes"
    folder.mkdir()
    (folder / "weather.yaml").write_text(weather_run("Paris", seed=1))
    (folder / "same.yaml").write_text(weather_run("Rome", seed=1))
    (folder / "test_chat_gpt-4o-mini.yaml").write_text(weather_run("Oslo", model="gpt-4o-mini"))
    base = commit_all(repo, "base")
    (folder / "weather.yaml").unlink()
    (folder / "weather.yaml.gz").write_bytes(gzip.compress(weather_run("Paris", seed=2).encode()))
    git(repo, "mv", "cassettes/same.yaml", "cassettes/moved.yaml")
    (folder / "test_chat_gpt-4o-mini.yaml").unlink()
    renamed = weather_run("Bergen", seed=3, model="gpt-4o", reply="Rain in Bergen.")
    (folder / "test_chat_gpt-4o.yaml").write_text(renamed)
    head = commit_all(repo, "move")
    result = _review(repo, base, head)
    moves = {c.path: (c.old_path, c.verdict, c.moved_by) for c in result.cassettes}
    assert moves == {
        "cassettes/moved.yaml": ("cassettes/same.yaml", "volatile", "git"),
        "cassettes/weather.yaml.gz": ("cassettes/weather.yaml", "volatile", "requests"),
        "cassettes/test_chat_gpt-4o.yaml": (
            "cassettes/test_chat_gpt-4o-mini.yaml",
            "meaning",
            "name",
        ),
    }
    comment = review_markdown(result)
    assert (
        "renamed from cassettes/test\\_chat\\_gpt\\-4o\\-mini.yaml (changed by meaning)"
        in (comment)
        or "renamed from cassettes/test_chat_gpt-4o-mini.yaml (changed by meaning)" in comment
    )
    assert "model: `gpt-4o-mini` → `gpt-4o`" in comment
    assert "2 renamed, same by meaning" in comment
    assert "(from `cassettes/weather.yaml`)" in comment
    assert "removed" not in comment.split("| kind of change")[1].split("\n\n")[0]


def test_identical_changes_are_grouped_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    folder = repo / "cassettes"
    folder.mkdir()

    def chat(n: int, max_tokens: int, seed: int) -> str:
        question = {"role": "user", "content": f"Question {n}?"}
        turn = Turn([SYSTEM, question], reply=f"Answer {n}.", extra_body={"max_tokens": max_tokens})
        return chat_cassette([turn], seed)

    for n in range(40):
        (folder / f"c{n:02d}.yaml").write_text(chat(n, 8096, 1))
    base = commit_all(repo, "base")
    for n in range(40):
        (folder / f"c{n:02d}.yaml").write_text(chat(n, 4096, 2))
    head = commit_all(repo, "smaller answers")
    comment = review_markdown(_review(repo, base, head))
    line = "request parameters: `$.max_tokens`: `8096` → `4096` in 40 cassettes"
    assert comment.count(line) == 1
    assert comment.count("<details>") == 40  # each cassette's block, after the shared change
    assert comment.index(line) < comment.index("<details>")


def test_what_does_not_fit_is_listed_then_counted(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    folder = repo / "cassettes"
    folder.mkdir()
    words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "eta",
        "theta",
        "iota",
        "kappa",
        "lambda",
        "mu",
    ]

    def chat(n: int, seed: int) -> str:
        reply = " ".join(words[(n + seed + i) % 12] for i in range(60))
        turn = Turn([SYSTEM, {"role": "user", "content": f"Question {n}?"}], reply=reply)
        return chat_cassette([turn, turn, turn], seed)

    for n in range(150):
        (folder / f"answer_{n:03d}.yaml").write_text(chat(n, 1))
    base = commit_all(repo, "base")
    for n in range(150):
        (folder / f"answer_{n:03d}.yaml").write_text(chat(n, 5))
    head = commit_all(repo, "new answers")
    result = _review(repo, base, head)
    comment = review_markdown(result, max_chars=20_000)
    assert len(comment) <= 20_000
    assert "| answer text | 150 |" in comment
    assert "more changed cassettes, without their details (size)" in comment
    html = render(comment)
    assert html.count("<details>") == html.count("</details>")
    assert literal_markers(comment) == []
    assert re.search(r"- … and \d+ more: \d+ answer text", comment)  # the rest, counted
    for limit in (4_000, 6_500, 9_000, 13_000, 30_000):
        sized = review_markdown(result, max_chars=limit)
        assert len(sized) <= limit
        assert sized.count("<details>") == sized.count("</details>")
        assert "150 cassettes changed" in sized
    comment = review_markdown(result)
    named = {c.path for c in result.cassettes if f"`{c.path}`" in comment}
    named |= {c.path for c in result.cassettes if f"<code>{c.path}</code>" in comment}
    assert len(named) == 150  # every one named: in a details block or in the short list


def test_added_cassettes_show_prompt_tools_and_parameters(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "cassettes").mkdir()
    (repo / "cassettes" / "old.yaml").write_text(weather_run("Paris"))
    base = commit_all(repo, "base")
    tool = {"type": "function", "function": {"name": "lookup_order", "parameters": {}}}
    question = {"role": "user", "content": "Where is order 42?"}
    turn = Turn([SYSTEM, question], reply="Tomorrow.", extra_body={"tools": [tool], "top_p": 0.5})
    (repo / "cassettes" / "new.yaml").write_text(chat_cassette([turn]))
    head = commit_all(repo, "add")
    comment = review_markdown(_review(repo, base, head))
    assert "prompt: system: You are a weather assistant. · user: Where is order 42?" in comment
    assert "tools offered: `lookup_order`" in comment
    assert '"top_p": 0.5' in comment
    assert "response: Tomorrow." in comment


def test_unreadable_files_are_listed_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    folder = repo / "cassettes"
    folder.mkdir()
    (folder / "broken.yaml").write_text("interactions: [\n")
    (folder / "fine.yaml").write_text(weather_run())
    base = commit_all(repo, "base")
    (folder / "moved").mkdir()
    git(repo, "mv", "cassettes/broken.yaml", "cassettes/moved/broken.yaml")
    (folder / "added.json").write_text('{"not": "a cassette"')
    head = commit_all(repo, "move and add")
    result = _review(repo, base, head)
    assert {c.path: c.verdict for c in result.cassettes} == {
        "cassettes/moved/broken.yaml": "unreadable",
        "cassettes/added.json": "unreadable",
    }
    assert "| unreadable | 2 |" in review_markdown(result)
    monkeypatch.chdir(repo)
    cli = run("review", base, head, "--format", "markdown")
    assert cli.exit_code == 1
    assert "cassettes/moved/broken.yaml" in cli.stderr
    assert "cassettes/added.json" in cli.stderr


def test_files_sending_the_same_requests_each_find_their_own_old_self(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    folder = repo / "cassettes"
    folder.mkdir()
    question = {"role": "user", "content": "Say hello."}
    # Moved and renamed so that neither the names nor their order tell who is who: only the
    # answers recorded do.
    moves = {"alpha": ("d_alpha", "Hello!"), "beta": ("c_beta", "Hi there.")}
    for old, (_, reply) in moves.items():
        (folder / f"{old}.yaml").write_text(chat_cassette([Turn([SYSTEM, question], reply=reply)]))
    base = commit_all(repo, "base")
    for old, (new, reply) in moves.items():
        (folder / f"{old}.yaml").unlink()
        data = chat_cassette([Turn([SYSTEM, question], reply=reply)], seed=2).encode()
        (folder / f"{new}.yaml.gz").write_bytes(gzip.compress(data))
    head = commit_all(repo, "compress")
    result = _review(repo, base, head)
    assert {(c.old_path, c.path, c.verdict) for c in result.cassettes} == {
        (f"cassettes/{old}.yaml", f"cassettes/{new}.yaml.gz", "volatile")
        for old, (new, _) in moves.items()
    }
