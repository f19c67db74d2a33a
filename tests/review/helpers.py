"""Scratch git repositories and a CLI runner for the review tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner, Result

from app.cli import main
from tests.review.cassettes import Turn, chat_cassette, tool_call_message

SYSTEM = {"role": "system", "content": "You are a weather assistant."}
QUESTION = {"role": "user", "content": "What is the weather in Paris today?"}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def weather_run(
    city: str = "Paris",
    reply: str = "It is sunny and 21 degrees in Paris today.",
    seed: int = 1,
    model: str = "gpt-4o-mini",
) -> str:
    """Two interactions of an agent run: a tool call, then the answer after the tool result."""
    call = [("get_weather", {"city": city, "unit": "celsius"})]
    result = {"role": "tool", "tool_call_id": f"call_{seed}_0", "content": "sunny, 21C"}
    turns = [
        Turn([SYSTEM, QUESTION], tool_calls=call, model=model),
        Turn(
            [SYSTEM, QUESTION, tool_call_message(call, seed), result],
            reply=reply,
            usage=(60, 14),
            model=model,
        ),
    ]
    return chat_cassette(turns, seed)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
