"""`tapedeck review`: every changed cassette of a pull request, and only those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.review import git as review_git
from tests.review.cassettes import Turn, chat_cassette
from tests.review.helpers import SYSTEM, commit_all, git, init_repo, run, weather_run


@pytest.fixture
def pr_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: five cassettes and a config file; the branch changes four of the cassettes."""
    repo = init_repo(tmp_path / "repo")
    cassettes = repo / "cassettes"
    (cassettes / "agents").mkdir(parents=True)
    (cassettes / "tool.yaml").write_text(weather_run("Paris"))
    (cassettes / "rerecorded.yaml").write_text(weather_run(seed=1))
    (cassettes / "untouched.yaml").write_text(weather_run(seed=2))
    (cassettes / "agents" / "removed.yaml").write_text(weather_run(seed=3))
    (cassettes / "renamed.yaml").write_text(weather_run(seed=4))
    (repo / "config.yaml").write_text("retries: 1\n")
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (cassettes / "tool.yaml").write_text(weather_run("Lyon"))
    (cassettes / "rerecorded.yaml").write_text(weather_run(seed=9))
    (cassettes / "agents" / "removed.yaml").unlink()
    (cassettes / "agents" / "added.yaml").write_text(weather_run("Rome", seed=5))
    git(repo, "mv", "cassettes/renamed.yaml", "cassettes/moved.yaml")
    (repo / "config.yaml").write_text("retries: 2\n")
    monkeypatch.chdir(repo)
    return repo


def review_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = run("review", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


EXPECTED = {
    "cassettes/agents/added.yaml": ("added", "meaning"),
    "cassettes/agents/removed.yaml": ("removed", "meaning"),
    "cassettes/moved.yaml": ("renamed", "volatile"),
    "cassettes/rerecorded.yaml": ("modified", "volatile"),
    "cassettes/tool.yaml": ("modified", "meaning"),
}


def test_review_names_exactly_the_changed_cassettes(pr_repo: Path) -> None:
    doc = review_json()  # merge base with main .. working tree, untracked files included
    got = {c["path"]: (c["change"], c["verdict"]) for c in doc["cassettes"]}
    assert got == EXPECTED
    assert doc["totals"] == {
        "cassettes": 5,
        "by_meaning": 3,
        "only_volatile": 2,
        "usage_only": 0,
        "unreadable": 0,
        "tokens": 0,
        "cost_usd": 0,
        "kinds": {"added": 1, "removed": 1, "renamed": 1, "tool_calls": 1, "volatile": 1},
    }
    tool = next(c for c in doc["cassettes"] if c["path"] == "cassettes/tool.yaml")
    part = tool["diff"]["interactions"][0]["messages"][0]["parts"][0]
    assert part["arguments"][0]["path"] == "$.city"


def test_review_between_two_commits(pr_repo: Path) -> None:
    base = git(pr_repo, "rev-parse", "main").strip()
    head = commit_all(pr_repo, "feature work")
    (pr_repo / "cassettes" / "untouched.yaml").write_text(weather_run("Oslo"))  # not committed
    doc = review_json(base, head)
    assert {c["path"] for c in doc["cassettes"]} == set(EXPECTED)
    only_folder = review_json(base, head, "cassettes/agents")
    assert {c["path"] for c in only_folder["cassettes"]} == {
        "cassettes/agents/added.yaml",
        "cassettes/agents/removed.yaml",
    }


def test_markdown_is_a_short_pr_comment(pr_repo: Path) -> None:
    result = run("review", "--format", "markdown", "--base-url", "https://dash.example/")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "### Tapedeck review: 5 cassettes changed: 3 by meaning, 2 only volatile"
    text = result.stdout
    assert text.count("<details>") == text.count("</details>") == 5
    assert '<a href="https://dash.example/cassettes/tool.yaml"><code>cassettes/tool.yaml' in text
    assert "1 same by meaning (only volatile fields changed)" in text
    assert "1 renamed, same by meaning" in text
    assert '`$.city`: `"Paris"` → `"Lyon"`' in text
    assert "untouched" not in text
    assert "config.yaml" not in text


def test_text_marks_volatile_only_files(pr_repo: Path) -> None:
    text = run("review").stdout
    assert (
        "cassettes/rerecorded.yaml: [volatile only] modified, same by meaning (only volatile"
        in text
    )


def test_new_lint_findings_are_reported(pr_repo: Path) -> None:
    leaky = weather_run(seed=1).replace(
        "Bearer REDACTED", "Bearer sk-live-abcdefghijklmnopqrstuvwx"
    )
    (pr_repo / "cassettes" / "rerecorded.yaml").write_text(leaky)
    doc = review_json()
    item = next(c for c in doc["cassettes"] if c["path"] == "cassettes/rerecorded.yaml")
    assert [f["kind"] for f in item["findings"]] == ["secret", "secret"]
    assert "sk-live-abcdefghijklmnopqrstuvwx" not in json.dumps(doc)


def test_unknown_revision_or_path_is_a_usage_error(pr_repo: Path) -> None:
    assert run("review", "no-such-branch").exit_code == 2


def test_default_is_cassettes_folder_and_elsewhere_must_be_named(pr_repo: Path) -> None:
    other = pr_repo / "tests" / "fixtures"
    other.mkdir(parents=True)
    (other / "elsewhere.yaml").write_text(weather_run("Oslo"))
    assert "elsewhere" not in run("review").stdout
    named = run("review", "tests/fixtures")
    assert "tests/fixtures/elsewhere.yaml: [added] added" in named.stdout
    (pr_repo / "cassettes").rename(pr_repo / "recordings")
    result = run("review")
    assert result.exit_code == 2
    assert "no such file or folder: cassettes" in result.stderr
    assert "name a PATH" in result.stderr
    assert "recordings/tool.yaml" in run("review", "recordings").stdout


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("review")
    assert result.exit_code == 2
    assert "git" in result.stderr


def test_broken_cassette_exits_1_and_is_named(pr_repo: Path) -> None:
    (pr_repo / "cassettes" / "untouched.yaml").write_text("version: 2\ninteractions: [\n")
    result = run("review", "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.startswith("cassettes/untouched.yaml")
    doc = json.loads(result.stdout)
    broken = next(c for c in doc["cassettes"] if c["path"] == "cassettes/untouched.yaml")
    assert broken["verdict"] == "unreadable"
    assert broken["diff"]["errors"][0]["path"] == "cassettes/untouched.yaml"


def test_long_sections_are_folded(pr_repo: Path) -> None:
    turns = [
        Turn([SYSTEM, {"role": "user", "content": f"Question number {i}?"}], reply=f"Answer {i}.")
        for i in range(30)
    ]
    changed = [Turn(t.messages, reply=f"Changed answer {i}.") for i, t in enumerate(turns)]
    (pr_repo / "cassettes" / "long.yaml").write_text(chat_cassette(turns))
    commit_all(pr_repo, "long cassette")
    (pr_repo / "cassettes" / "long.yaml").write_text(chat_cassette(changed, seed=2))
    text = run("review", "HEAD", "cassettes/long.yaml", "--format", "markdown").stdout
    assert (
        text.splitlines()[0]
        == "### Tapedeck review: 1 cassette changed: 1 by meaning, 0 only volatile"
    )
    assert "- … 11 more (see `tapedeck diff`)" in text
    assert "interaction 18 " in text
    assert "interaction 19 " not in text
    assert len(text.splitlines()) < 65


def test_ranges_two_and_three_dots(pr_repo: Path) -> None:
    head = commit_all(pr_repo, "feature work")
    two = review_json(f"main..{head}")
    assert {c["path"] for c in two["cassettes"]} == set(EXPECTED)
    git(pr_repo, "checkout", "-q", "main")
    (pr_repo / "cassettes" / "untouched.yaml").write_text(weather_run("Oslo"))
    commit_all(pr_repo, "main moves on")
    git(pr_repo, "checkout", "-q", "feature")
    three = review_json("main...feature")  # from the merge base: main's own change is not in it
    assert {c["path"] for c in three["cassettes"]} == set(EXPECTED)
    assert "cassettes/untouched.yaml" in {
        c["path"] for c in review_json("main..feature")["cassettes"]
    }
    assert run("review", "main..nope").exit_code == 2


def test_links_to_a_dashboard_or_an_export(pr_repo: Path) -> None:
    served = run("review", "--format", "markdown", "--base-url", "http://127.0.0.1:8000")
    assert "(http://127.0.0.1:8000/cassettes/tool.yaml)" in served.stdout
    exported = run(
        "review", "--format", "markdown", "--base-url", "https://ci.example/site/", "--export-links"
    )
    assert "(https://ci.example/site/cassettes/tool.yaml.html)" in exported.stdout
    site = pr_repo.parent / "site"
    assert run("export", "cassettes", "--out", str(site)).exit_code == 0
    assert (site / "cassettes" / "tool.yaml.html").is_file()
    assert (site / "cassettes" / "agents" / "added.yaml.html").is_file()


def test_blobs_are_read_by_one_git_process(pr_repo: Path) -> None:
    head = commit_all(pr_repo, "feature work")
    with review_git.BlobReader(pr_repo, max_bytes=10_000) as blobs:
        assert (
            blobs.read(head, "cassettes/tool.yaml")
            == (pr_repo / "cassettes/tool.yaml").read_bytes()
        )
        with pytest.raises(review_git.GitError, match="does not exist"):
            blobs.read(head, "cassettes/nope.yaml")
        with pytest.raises(review_git.GitError, match="not a file"):
            blobs.read(head, "cassettes")
        (pr_repo / "cassettes" / "big.yaml").write_text("x" * 20_000)
        big = commit_all(pr_repo, "big")
        with pytest.raises(review_git.GitError, match="over the limit"):
            blobs.read(big, "cassettes/big.yaml")
        assert blobs.read(head, "cassettes/moved.yaml")  # still answering after the refusals
