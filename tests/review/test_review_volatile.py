"""What a re-recording changes without changing meaning: one test per volatile rule.

Each rule has a real-shaped pair of recordings (OpenAI batches and files, embeddings, an audio
upload, chat usage) that differ only in what the rule says is noise, and a pair that differs in
meaning right beside it, so a rule that swallowed too much would fail too.
"""

from __future__ import annotations

import json
import random

from app.loader import load_bytes
from app.review.diff import CassetteDiff, diff_cassettes
from app.review.render import diff_text
from app.review.values import json_diff, without_volatile
from tests.review.cassettes import Exchange, Turn, chat_cassette, multipart_body, vcrpy_cassette
from tests.review.helpers import QUESTION, SYSTEM


def compare(old: str, new: str) -> CassetteDiff:
    a = load_bytes(old.encode(), "old.yaml")
    b = load_bytes(new.encode(), "new.yaml")
    assert not a.errors
    assert not b.errors
    return diff_cassettes(a, b)


def _batch(batch_id: str, file_id: str, created: int, window: str = "24h") -> str:
    request = {"input_file_id": file_id, "endpoint": "/v1/chat/completions"}
    response = {
        "id": batch_id,
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "input_file_id": file_id,
        "completion_window": window,
        "status": "validating",
        "created_at": created,
        "in_progress_at": None,
        "expires_at": created + 86400,
        "request_counts": {"total": 0, "completed": 0, "failed": 0},
    }
    create = Exchange(
        "https://api.openai.com/v1/batches",
        json.dumps({**request, "completion_window": window}),
        json.dumps(response),
    )
    poll = Exchange(
        f"https://api.openai.com/v1/batches/{batch_id}",
        method="GET",
        response=json.dumps({**response, "status": "completed", "completed_at": created + 60}),
    )
    return vcrpy_cassette([create, poll])


def test_ids_in_url_paths_and_bodies_are_volatile() -> None:
    old = _batch("batch_6721f0a1b2c3d4e5f6a7b8c9", "file-8KnVnYcmXr3Q1ZxY2Lw9Ab", 1711471533)
    new = _batch("batch_67a9e2c4d5f60718293a4b5c", "file-Pq7RsT2uVw9XyZ4aBc1DeF", 1711571533)
    result = compare(old, new)
    assert result.same, diff_text(result)
    changed = _batch("batch_67a9e2c4d5f60718293a4b5c", "file-Pq7RsT2uVw9XyZ4aBc1DeF", 1, "1h")
    text = diff_text(compare(old, changed))
    assert '$.completion_window: "24h" → "1h"' in text


def test_timestamp_keys_are_volatile() -> None:
    old = {"created": 1, "created_at": 2, "createTime": "a", "updatedAt": "b", "format": "mp3"}
    new = {"created": 9, "created_at": 8, "createTime": "c", "updatedAt": "d", "format": "mp3"}
    assert json_diff(without_volatile(old), without_volatile(new)) == ()
    moved = json_diff(without_volatile(old), without_volatile({**new, "format": "wav"}))
    assert [c.path for c in moved] == ["$.format"]  # `format` ends in "at" and is meaning


def _upload(boundary: str, audio: bytes, language: str = "en") -> str:
    body = multipart_body(boundary, {"model": "whisper-1", "language": language}, {"file": audio})
    upload = Exchange(
        "https://api.openai.com/v1/audio/transcriptions",
        body,
        json.dumps({"text": "Hello from the recording."}),
        request_type=f"multipart/form-data; boundary={boundary}",
    )
    return vcrpy_cassette([upload])


def test_multipart_boundaries_are_volatile_and_parts_are_summarized() -> None:
    audio = random.Random(7).randbytes(40_000)
    old = _upload("----WebKitFormBoundary7MA4YWxkTrZu0gW", audio)
    new = _upload("a1b2c3d4e5f6-boundary-91827364", audio)
    assert compare(old, new).same
    other = random.Random(8).randbytes(41_000)
    text = diff_text(compare(old, _upload("x-boundary-1", other, language="fr")))
    assert '$.multipart.language: "en" → "fr"' in text
    assert "$.multipart.file.size: 40000 → 41000" in text
    assert "$.multipart.file.digest" in text
    assert len(text) < 2000  # never the audio itself, as base64 or otherwise


def _embedding(values: list[float]) -> str:
    response = {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": values}],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 5, "total_tokens": 5},
    }
    request = {"model": "text-embedding-3-small", "input": "The food was delicious."}
    url = "https://api.openai.com/v1/embeddings"
    return vcrpy_cassette([Exchange(url, json.dumps(request), json.dumps(response))])


def test_float_jitter_below_the_tolerance_is_volatile() -> None:
    values = [0.0023064255, -0.009327292, -0.0028842222, 0.021485556]
    jitter = [v * (1 + 2e-6) for v in values]
    assert json_diff(values, jitter) == ()
    assert json_diff({"score": 0.91}, {"score": 0.62}) != ()
    assert json_diff({"max_tokens": 100}, {"max_tokens": 101}) != ()  # integers are exact
    assert compare(_embedding(values), _embedding(jitter)).same


def _chat(prompt_tokens: int, completion_tokens: int) -> str:
    turn = Turn([SYSTEM, QUESTION], reply="Sunny.", usage=(prompt_tokens, completion_tokens))
    return chat_cassette([turn])


def test_token_counts_within_the_tolerance_are_usage_only() -> None:
    result = compare(_chat(812, 40), _chat(815, 41))
    assert result.same
    assert result.usage_moved
    assert "+4 tokens" in diff_text(result)
    beyond = compare(_chat(812, 40), _chat(812, 95))
    assert not beyond.same
