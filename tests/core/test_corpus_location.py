"""The corpus tests find the corpus through TAPEDECK_CORPUS and say plainly when it is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TAPEDECK_CORPUS"}
    return {**env, **extra}


def test_the_variable_names_the_corpus_and_the_default_sits_beside_the_repository(
    tmp_path: Path,
) -> None:
    code = "from tests.corpus import CORPUS; print(CORPUS)"
    named = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_env(TAPEDECK_CORPUS=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert named.stdout.strip() == str(tmp_path.resolve())
    default = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True, text=True
    )
    assert default.stdout.strip() == str((REPO.parent / "shared" / "corpus").resolve())


def test_without_a_corpus_the_tests_skip_and_say_how_to_run_them(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-rs",
            "tests/review/test_review_corpus.py",
            "tests/formats/test_corpus_formats.py",
            "tests/apis/test_corpus_openai_chat.py",
        ],
        cwd=REPO,
        env=_env(TAPEDECK_CORPUS=str(missing)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 4, result.stdout
    reason = f"no corpus of real cassettes at {missing}; set TAPEDECK_CORPUS to run these tests"
    assert all(line.endswith(reason) for line in skipped), result.stdout
