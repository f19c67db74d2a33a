"""`tapedeck diff`: what changed by meaning, and nothing about what only churned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.review.cassettes import Turn, chat_cassette
from tests.review.helpers import QUESTION, SYSTEM, commit_all, init_repo, run, weather_run


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_changed_tool_argument_is_reported_with_its_path(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", weather_run("Paris"))
    new = write(tmp_path / "new.yaml", weather_run("Lyon"))
    result = run("diff", str(old), str(new), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    first = doc["interactions"][0]
    assert first["kind"] == "changed"
    (message,) = first["messages"]
    assert message["where"] == "response"
    (part,) = message["parts"]
    assert part["type"] == "tool_call"
    assert part["name"] == "get_weather"
    assert part["arguments"] == [
        {"path": "$.city", "change": "changed", "old": "Paris", "new": "Lyon"}
    ]
    text = run("diff", str(old), str(new)).stdout
    assert "tool call get_weather arguments changed" in text
    assert '$.city: "Paris" → "Lyon"' in text


def test_re_recording_with_only_volatile_changes_is_same_by_meaning(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", weather_run(seed=1))
    new = write(tmp_path / "new.yaml", weather_run(seed=7))
    # The files really differ: ids, created, durations, request ids, rate-limit headers.
    assert old.read_bytes() != new.read_bytes()
    for volatile in ("chatcmpl-0001", "call_1_0", "req_000001", "fp_00000001"):
        assert volatile in old.read_text()
        assert volatile not in new.read_text()
    result = run("diff", str(old), str(new))
    assert result.exit_code == 0, result.stdout
    assert "same by meaning" in result.stdout
    doc = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    assert doc["same"] is True
    assert {i["kind"] for i in doc["interactions"]} == {"same"}


def test_reply_text_is_diffed_word_by_word(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", weather_run(reply="It is sunny and 21 degrees today."))
    new = write(tmp_path / "new.yaml", weather_run(reply="It is rainy and 21 degrees today."))
    doc = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    second = doc["interactions"][1]
    (message,) = second["messages"]
    (part,) = message["parts"]
    assert part["type"] == "text"
    changed = [(w["op"], w["text"]) for w in part["words"] if w["op"] != "equal"]
    assert changed == [("delete", "sunny"), ("insert", "rainy")]
    assert (
        "It is [-sunny-]{+rainy+} and 21 degrees today." in run("diff", str(old), str(new)).stdout
    )
    markdown = run("diff", str(old), str(new), "--format", "markdown").stdout
    assert "~~sunny~~**rainy**" in markdown


def test_history_repeating_an_earlier_change_is_named_once(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", weather_run("Paris"))
    new = write(tmp_path / "new.yaml", weather_run("Lyon"))
    doc = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    history = [m for m in doc["interactions"][1]["messages"] if m["where"] == "input"]
    assert [(m["role"], m["repeated_from"]) for m in history] == [("assistant", 0)]


def test_model_status_and_usage_changes(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", weather_run(model="gpt-4o-mini"))
    new = write(tmp_path / "new.yaml", weather_run(model="gpt-4o"))
    doc = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    fields = doc["interactions"][0]["fields"]
    assert {"field": "model", "old": "gpt-4o-mini", "new": "gpt-4o"} in fields
    ok = Turn([SYSTEM, QUESTION], reply="Sunny.", usage=(20, 3))
    failed = Turn([SYSTEM, QUESTION], status=429)
    a = write(tmp_path / "a.yaml", chat_cassette([ok]))
    b = write(tmp_path / "b.yaml", chat_cassette([failed]))
    doc = json.loads(run("diff", str(a), str(b), "--format", "json").stdout)
    fields = {f["field"]: (f["old"], f["new"]) for f in doc["interactions"][0]["fields"]}
    assert fields["status"] == (200, 429)
    assert fields["finish_reason"][0] == "stop"
    usage = {u["name"]: u["delta"] for u in doc["usage"]}
    assert usage["total_tokens"] == -23


def test_inserted_interaction_is_aligned_not_shifted(tmp_path: Path) -> None:
    first = Turn([SYSTEM, {"role": "user", "content": "Weather in Paris?"}], reply="Sunny.")
    extra = Turn([SYSTEM, {"role": "user", "content": "And tomorrow in Oslo?"}], reply="Snow.")
    last = Turn([SYSTEM, {"role": "user", "content": "Weather in Rome?"}], reply="Warm.")
    old = write(tmp_path / "old.yaml", chat_cassette([first, last], seed=1))
    new = write(tmp_path / "new.yaml", chat_cassette([first, extra, last], seed=2))
    doc = json.loads(run("diff", str(old), str(new), "--format", "json").stdout)
    kinds = [(i["kind"], i["old_index"], i["new_index"]) for i in doc["interactions"]]
    assert kinds == [("same", 0, 0), ("added", None, 1), ("same", 1, 2)]


def test_git_blob_against_working_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo / "run.yaml", weather_run("Paris"))
    commit_all(repo, "record")
    write(repo / "run.yaml", weather_run("Lyon", seed=3))
    monkeypatch.chdir(repo)
    result = run("diff", "HEAD:run.yaml", "run.yaml", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["old"] == "HEAD:run.yaml"
    assert run("diff", "HEAD:run.yaml", "HEAD:run.yaml").exit_code == 0


def test_unreadable_file_exits_1_and_names_it(tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", weather_run())
    bad = write(tmp_path / "bad.yaml", "just: [a, list\n")
    result = run("diff", str(good), str(bad))
    assert result.exit_code == 1
    assert str(bad) in result.stderr
    missing = run("diff", str(good), str(tmp_path / "missing.yaml"))
    assert missing.exit_code == 1
    assert "missing.yaml" in missing.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", weather_run())
    assert run("diff", str(good)).exit_code == 2
    assert run("diff", str(good), str(good), "--format", "html").exit_code == 2
