"""`tapedeck lint`: each planted secret is found (and shown masked); placeholders pass."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.review.cassettes import Turn, chat_cassette
from tests.review.helpers import QUESTION, run

SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIAZ7QW3ERT5YUI9OPL/20240101/us-east-1/bedrock/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928"
)
OPENAI_KEY = "sk-proj-" + "Zx81Qw72Er63Ty54Ui45Op36"


def lint_one(tmp_path: Path, turn: Turn, *extra: str) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    path = tmp_path / "c.yaml"
    path.write_text(chat_cassette([turn]))
    result = run("lint", str(path), "--format", "json", *extra)
    return result.exit_code, json.loads(result.stdout)["findings"]


@pytest.mark.parametrize(
    ("turn", "where", "shown"),
    [
        (
            Turn([QUESTION], "ok", request_headers={"Authorization": f"Bearer {OPENAI_KEY}"}),
            "request header Authorization",
            "Bearer sk-p…",
        ),
        (
            Turn([QUESTION], "ok", request_headers={"X-Session-Token": "a1b2c3d4e5f6g7h8i9"}),
            "request header X-Session-Token",
            "a1b2…",
        ),
        (
            Turn([QUESTION], "ok", request_headers={"x-goog-api-key": "AIzaSyD-9tSrke72PouQMnMX"}),
            "request header x-goog-api-key",
            "AIza…",
        ),
        (
            Turn(
                [QUESTION],
                "ok",
                url="https://example.com/v1/chat/completions?api_key=0123456789abcdefXYZ",
            ),
            "URL query parameter api_key",
            "0123…",
        ),
        (
            Turn(
                [QUESTION],
                "ok",
                url="https://s3.example.com/o?X-Amz-Signature=feedfacecafebeef00112233",
            ),
            "URL query parameter X-Amz-Signature",
            "feed…",
        ),
        (
            Turn([QUESTION], "ok", request_headers={"Authorization": SIGV4}),
            "SigV4 Credential",
            "AKIA…",
        ),
        (
            Turn([QUESTION], "ok", request_headers={"Authorization": SIGV4}),
            "SigV4 Signature",
            "9f8e…",
        ),
        (
            Turn([{"role": "user", "content": f"use {OPENAI_KEY} please"}], "ok"),
            "request body holds a key",
            "sk-p…",
        ),
        (Turn([QUESTION], "key: AKIAIOSFODNN7EXAMPLE"), "response body holds a key", "AKIA…"),
        (
            Turn([QUESTION], "ok", extra_body={"slack": "xoxb-1234567890-abcdefghij"}),
            "request body holds a key",
            "xoxb…",
        ),
    ],
)
def test_each_planted_secret_is_found_masked(
    tmp_path: Path, turn: Turn, where: str, shown: str
) -> None:
    code, findings = lint_one(tmp_path, turn)
    assert code == 1
    secrets = [f for f in findings if f["kind"] == "secret"]
    assert any(where in f["message"] and f"({shown})" in f["message"] for f in secrets), secrets
    assert all(f["severity"] == "error" and f["interaction"] == 0 for f in secrets)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer REDACTED"},
        {"Authorization": "Bearer <redacted>"},
        {"Authorization": "sk-p…"},  # masked by a tool that keeps 4 characters
        {"X-Api-Key": "***"},
        {"X-Api-Key": "filtered"},
        {"Api-Key": "{{OPENAI_API_KEY}}"},
        {"Cookie": "test"},
        {"X-Goog-Api-Key": "DUMMY_GOOGLE_API_KEY"},
        {"Authorization": "Bearer test-api-key-1234567"},
        {"X-Api-Key": "X-API-KEY-XXX"},
        {"X-Ratelimit-Remaining-Tokens": "1499999999999999"},  # not a secret header
        {
            "Authorization": SIGV4.replace("AKIAZ7QW3ERT5YUI9OPL", "REDACTED").replace(
                "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928", "REDACTED"
            )
        },
    ],
)
def test_masked_and_placeholder_values_pass(tmp_path: Path, headers: dict[str, str]) -> None:
    turn = Turn(
        [QUESTION],
        "ok",
        request_headers=headers,
        url="https://api.openai.com/v1/chat/completions?key=REDACTED",
        extra_body={"note": "sk-xxxxxxxxxxxxxxxxxxxxxxxx"},
    )
    code, findings = lint_one(tmp_path, turn)
    assert findings == []
    assert code == 0


def test_failed_and_oversized_are_warnings(tmp_path: Path) -> None:
    code, findings = lint_one(tmp_path, Turn([QUESTION], status=500))
    assert code == 0
    assert [(f["kind"], f["message"]) for f in findings] == [("failed", "HTTP 500")]
    big = Turn([{"role": "user", "content": "x" * 3000}], "ok")
    code, findings = lint_one(tmp_path, big, "--max-body-size", "2")
    assert code == 0
    assert [(f["kind"], f["severity"]) for f in findings] == [("oversized", "warning")]


def test_unreadable_files_fail_and_folders_are_searched(tmp_path: Path) -> None:
    folder = tmp_path / "cassettes"
    (folder / "nested").mkdir(parents=True)
    (folder / "ok.yaml").write_text(chat_cassette([Turn([QUESTION], "ok")]))
    (folder / "nested" / "zipped.yaml.gz").write_bytes(
        gzip.compress(
            chat_cassette(
                [Turn([QUESTION], "ok", request_headers={"Cookie": "session=abcdef0123456789"})]
            ).encode()
        )
    )
    (folder / "nested" / "broken.json").write_text('{"interactions": [')
    (folder / "README.md").write_text("not a cassette, not looked at")
    result = run("lint", str(folder))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        line.startswith(f"{folder}/nested/broken.json") and "[unreadable]" in line for line in lines
    )
    assert any(
        line.startswith(f"{folder}/nested/zipped.yaml.gz") and "header Cookie" in line
        for line in lines
    )
    assert not any("ok.yaml" in line or "README" in line for line in lines)
    assert "abcdef0123456789" not in result.output


def test_clean_folder_passes(tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(chat_cassette([Turn([QUESTION], "ok")]))
    result = run("lint", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == ""
