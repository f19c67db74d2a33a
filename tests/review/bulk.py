"""A bulk re-record in a scratch git repository, as a real pull request makes one.

The base commit holds 300 cassettes of several kinds (chat agent runs, OpenAI batches, audio
uploads, embeddings, chats with tools offered). The head commit re-records every one of them
with new ids, timestamps, boundaries, float jitter and token counts within the tolerance, and
makes exactly six real changes among them: one status change, one tool-argument change, one
tool-definition change, one new audio upload, one rename with a model change, one file broken.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from tests.review.cassettes import Exchange, Turn, chat_cassette, multipart_body, vcrpy_cassette
from tests.review.helpers import SYSTEM, commit_all, git, init_repo, weather_run

CITIES = ["Paris", "Lyon", "Rome", "Oslo", "Lima", "Kyiv", "Doha", "Baku", "Riga", "Bern"]
TOOL = {
    "type": "function",
    "function": {
        "name": "lookup_order",
        "description": "Find an order by its number.",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {"order": {"type": "string"}},
            "required": ["order"],
        },
    },
}


def _question(n: int) -> dict[str, Any]:
    return {"role": "user", "content": f"Question {n}: what is the weather in {CITIES[n % 10]}?"}


def _chat(n: int, seed: int, usage: tuple[int, int] = (812, 40), status: int = 200) -> str:
    turn = Turn([SYSTEM, _question(n)], reply=f"Answer {n}.", usage=usage, status=status)
    return chat_cassette([turn], seed)


def _tools(n: int, seed: int, strict: bool = True) -> str:
    tool = json.loads(json.dumps(TOOL))
    if not strict:
        del tool["function"]["strict"]
    turn = Turn(
        [SYSTEM, {"role": "user", "content": f"Where is order {n}?"}],
        reply="It ships tomorrow.",
        extra_body={"tools": [tool], "max_tokens": 8096},
    )
    return chat_cassette([turn], seed)


def _batch(n: int, seed: int) -> str:
    rng = random.Random(seed * 1000 + n)
    batch_id = f"batch_{rng.getrandbits(96):024x}"
    file_id = f"file-{rng.getrandbits(80):020x}A"
    created = 1_711_000_000 + seed * 100_000 + n
    response = {
        "id": batch_id,
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "input_file_id": file_id,
        "completion_window": "24h",
        "status": "completed",
        "created_at": created,
        "completed_at": created + 60 + seed,
        "expires_at": created + 86_400,
        "metadata": {"suite": f"nightly-{n}"},
    }
    return vcrpy_cassette(
        [
            Exchange(
                f"https://api.openai.com/v1/batches/{batch_id}",
                method="GET",
                response=json.dumps(response),
            )
        ]
    )


def _upload(n: int, seed: int, audio_seed: int | None = None) -> str:
    audio = random.Random(audio_seed if audio_seed is not None else n).randbytes(20_000)
    boundary = f"----FormBoundary{random.Random(seed * 7 + n).getrandbits(64):016x}"
    body = multipart_body(boundary, {"model": "whisper-1"}, {"file": audio})
    return vcrpy_cassette(
        [
            Exchange(
                "https://api.openai.com/v1/audio/transcriptions",
                body,
                json.dumps({"text": f"Recording number {n}."}),
                request_type=f"multipart/form-data; boundary={boundary}",
            )
        ]
    )


def _embedding(n: int, seed: int) -> str:
    rng = random.Random(n)
    values = [rng.uniform(-0.05, 0.05) for _ in range(8)]
    jitter = 1 + (seed - 1) * 3e-7
    response = {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [v * jitter for v in values]}],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 5, "total_tokens": 5},
    }
    request = {"model": "text-embedding-3-small", "input": f"Document {n}"}
    url = "https://api.openai.com/v1/embeddings"
    return vcrpy_cassette([Exchange(url, json.dumps(request), json.dumps(response))])


def _model_run(model: str, seed: int) -> str:
    return weather_run("Bern", reply="Cold in Bern.", seed=seed, model=model)


def _files(seed: int) -> dict[str, str]:
    """Every cassette at one recording: SEED 1 is the base, 2 the re-record."""
    files: dict[str, str] = {}
    for n in range(199):
        moved = seed if n % 4 == 0 else 0  # a quarter recount their prompt tokens
        files[f"chat/test_chat_{n:03d}.yaml"] = _chat(n, seed, usage=(812 + moved, 40))
    for n in range(30):
        files[f"batches/test_batch_{n:02d}.yaml"] = _batch(n, seed)
    for n in range(20):
        files[f"audio/test_upload_{n:02d}.yaml"] = _upload(n, seed)
    for n in range(30):
        files[f"embeddings/test_embed_{n:02d}.yaml"] = _embedding(n, seed)
    for n in range(19):
        files[f"tools/test_tools_{n:02d}.yaml"] = _tools(n, seed)
    files["models/test_weather_gpt-4o-mini.yaml"] = _model_run("gpt-4o-mini", seed)
    files["agents/test_agent_paris.yaml"] = weather_run("Paris", seed=seed)
    return files


def build(path: Path) -> tuple[Path, str, str]:
    """The repository, its base commit and its head commit."""
    repo = init_repo(path)
    root = repo / "cassettes"
    for name, text in _files(1).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    base = commit_all(repo, "record")
    git(repo, "checkout", "-q", "-b", "rerecord")
    head_files = _files(2)
    head_files["chat/test_chat_007.yaml"] = _chat(7, 2, usage=(814, 40), status=429)
    head_files["agents/test_agent_paris.yaml"] = weather_run("Lyon", seed=2)
    head_files["tools/test_tools_05.yaml"] = _tools(5, 2, strict=False)
    head_files["audio/test_upload_11.yaml"] = _upload(11, 2, audio_seed=999)
    del head_files["models/test_weather_gpt-4o-mini.yaml"]
    head_files["models/test_weather_gpt-4o.yaml"] = _model_run("gpt-4o", 2)
    head_files["embeddings/test_embed_13.yaml"] = "interactions:\n- request: {method: [\n"
    for name, text in head_files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "models/test_weather_gpt-4o-mini.yaml").unlink()
    head = commit_all(repo, "re-record everything")
    return repo, base, head
