"""The `tapedeck index` and `tapedeck show` commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from tests.builders import simple_chat


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_prints_a_transcript(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(simple_chat("What is the capital of France?", "Paris."))
    code, out, err = run("show", str(path))
    assert code == 0, err
    assert "user:      What is the capital of France?" in out
    assert "assistant: Paris." in out
    assert "openai.chat" in out


def test_show_json_is_the_cassette_document(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(simple_chat("Hi", "Hello!"))
    code, out, _ = run("show", str(path), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "go-vcr-v2"
    assert doc["conversation"][-1] == {
        "role": "assistant",
        "parts": [{"text": "Hello!", "type": "text"}],
        "interaction": 0,
        "thread": 0,
    }
    assert doc["threads"] == [{"id": 0, "label": "Hi", "interactions": [0], "parent": None}]
    it = doc["interactions"][0]
    for key in ("index", "method", "url", "status", "api", "usage", "chunks", "finish_reason"):
        assert key in it
    assert (it["thread"], it["retry_of"]) == (0, None)
    code, out, _ = run("show", str(path), "--json", "--interaction", "0")
    assert json.loads(out)["index"] == 0


def test_show_bad_file_exits_1_with_one_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("interactions: [unclosed\n")
    code, out, err = run("show", str(path))
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(str(path))
    assert "Traceback" not in out + err


def test_show_missing_file_and_bad_interaction_are_usage_errors(tmp_path: Path) -> None:
    assert run("show", str(tmp_path / "nope.yaml"))[0] == 2
    path = tmp_path / "c.yaml"
    path.write_text(simple_chat("Hi", "Hello!"))
    code, _, err = run("show", str(path), "--interaction", "7")
    assert code == 2
    assert "0 to 0" in err


def test_index_json_and_exit_status(tmp_path: Path) -> None:
    root = tmp_path / "cassettes"
    root.mkdir()
    (root / "ok.yaml").write_text(simple_chat("Hi", "Hello!"))
    db = str(tmp_path / "i.sqlite3")
    code, out, _ = run("index", str(root), "--index", db, "--json")
    assert code == 0
    assert json.loads(out) == {"cassettes": 1, "interactions": 1, "errors": []}
    (root / "bad.json").write_text("{")
    code, out, _ = run("index", str(root), "--index", db, "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["cassettes"] == 2
    assert [e["path"] for e in doc["errors"]] == ["bad.json"]
    code, out, err = run("index", str(root), "--index", db)
    assert "2 cassettes, 1 interactions" in out
    assert err.startswith("bad.json")


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for name in ("index", "show", "serve"):
        assert name in out


def test_show_prints_threads_as_sections(tmp_path: Path) -> None:
    from tests.conversation.shapes import Anthropic, Call, Raw, Script

    s, ask = Anthropic(), [("user", "Fix the bug")]
    path = tmp_path / "run.yaml"
    path.write_text(
        Script()
        .call(s, Call("Write a title for this.", ask, "Bug fix"))
        .call(s, Call("You are an agent.", ask, status=429))
        .call(s, Call("You are an agent.", ask, "Which file?"))
        .raw(Raw("https://api.exa.ai/search", {"query": "bug"}, {"results": []}))
        .yaml()
    )
    code, out, err = run("show", str(path))
    assert code == 0, err
    lines = out.splitlines()
    heads = [line for line in lines if line.startswith("══")]
    assert heads == [
        "══ Thread 0: Title generator: Fix the bug · 1 call",
        "══ Thread 1: Fix the bug · 2 calls",
        "══ Not in a thread: 1 interaction",
    ]
    retry = next(line for line in lines if line.startswith("── #2"))
    assert "retry of #1" in retry
    assert "  error: rate_limit_error: slow" in lines
    agent = lines[lines.index(heads[1]) :]
    assert agent.index("user:      Fix the bug") < agent.index("assistant: Which file?")
