"""No secret ever appears in what diff, review or lint print, whatever the format."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

import pytest

from tests.review.cassettes import Turn, chat_cassette
from tests.review.helpers import SYSTEM, commit_all, git, init_repo, run


def random_token(n: int = 32) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def leaky_cassette(key: str, header_token: str, param: str, seed: int) -> str:
    """A cassette with the same secrets in headers, the URL, the prompt, a tool call and a reply."""
    ask = {"role": "user", "content": f"Store my key {key} in the vault."}
    turns = [
        Turn(
            [SYSTEM, ask],
            tool_calls=[("vault_put", {"name": "openai", "value": key})],
            request_headers={
                "Authorization": f"Bearer {header_token}",
                "X-Api-Key": header_token,
                "X-Amz-Security-Token": header_token,
            },
            url=f"https://api.openai.com/v1/chat/completions?api_key={param}&key={param}",
        ),
        Turn([SYSTEM, ask], reply=f"Stored {key} for you.", extra_body={"user_key": key}),
    ]
    return chat_cassette(turns, seed)


def assert_hidden(output: str, values: list[str]) -> None:
    for value in values:
        assert value not in output
        assert value[4:16] not in output  # not even a recognisable piece past the first 4


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    # Outputs show a masked value's first 4 characters only: keys that differ there make the
    # change visible to the diff every time (random ones shared them one run in 64).
    old_key, new_key = f"sk-A{random_token()}", f"sk-B{random_token()}"
    token, param = random_token(40), random_token(24)
    repo = init_repo(tmp_path / "repo")
    (repo / "cassettes").mkdir()
    (repo / "cassettes" / "vault.yaml").write_text(leaky_cassette(old_key, token, param, 1))
    commit_all(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "cassettes" / "vault.yaml").write_text(leaky_cassette(new_key, token, param, 2))
    (repo / "cassettes" / "new.yaml").write_text(leaky_cassette(new_key, token, param, 3))
    monkeypatch.chdir(repo)
    return repo, [old_key, new_key, token, param]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_never_prints_a_secret(planted: tuple[Path, list[str]], fmt: str) -> None:
    _, values = planted
    result = run("diff", "main:cassettes/vault.yaml", "cassettes/vault.yaml", "--format", fmt)
    assert result.exit_code == 1  # the key in the prompt and the tool argument changed
    assert "vault_put" in result.stdout
    assert_hidden(result.output, values)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_review_never_prints_a_secret(planted: tuple[Path, list[str]], fmt: str) -> None:
    _, values = planted
    result = run("review", "--format", fmt)
    assert result.exit_code == 0
    assert "cassettes/new.yaml" in result.stdout
    assert_hidden(result.output, values)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_never_prints_a_secret(planted: tuple[Path, list[str]], fmt: str) -> None:
    _, values = planted
    result = run("lint", "cassettes", "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout.count("secret") >= 8
    assert_hidden(result.output, values)
