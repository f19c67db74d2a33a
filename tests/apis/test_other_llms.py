"""Anthropic Text Completions, Aleph Alpha, watsonx, Hugging Face, Replicate, OpenAI Assistants,
Bedrock retrieveAndGenerate, and the metadata calls around them: what a user sees of each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.apis import decode_interaction
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.loader import load_bytes
from app.model import CitationPart, Interaction, MediaPart, Message, TextPart, ToolCallPart

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apis" / "other_llms"


def fixture(name: str) -> list[Interaction]:
    path = FIXTURES / name
    cassette = load_bytes(path.read_bytes(), path.name)
    assert not cassette.errors
    return list(cassette.interactions)


def texts(message: Message | None) -> list[str]:
    assert message is not None
    return [p.text for p in message.parts if isinstance(p, TextPart)]


def turns(it: Interaction) -> list[tuple[str, list[str]]]:
    return [(m.role, texts(m)) for m in it.messages]


def decode(url: str, request: Any, response: str, *, method: str = "POST") -> Interaction:
    raw = RawInteraction(
        index=0,
        request=RawRequest(
            method, url, (), None if request is None else json.dumps(request).encode()
        ),
        response=RawResponse(200, (("Content-Type", "application/json"),), response.encode()),
    )
    return decode_interaction(raw)


def test_anthropic_complete_splits_the_transcript_into_turns() -> None:
    whole, streamed = fixture("anthropic_complete.yaml")
    expected = [
        ("system", ["You answer in one line."]),
        ("user", ["Name a colour."]),
        ("assistant", ["Teal."]),
        ("user", ["Another one?"]),
    ]
    for it in (whole, streamed):
        assert it.api == "anthropic.complete"
        assert turns(it) == expected
        assert texts(it.response) == [" Ochre."]
        assert (it.finish_reason, it.finish_reason_raw) == ("stop", "stop_sequence")
    assert streamed.streaming
    assert [c.kind for c in streamed.chunks].count("text") == 3


def test_aleph_alpha_prompt_items_and_usage() -> None:
    whole, streamed = fixture("alephalpha_complete.yaml")
    for it in (whole, streamed):
        assert it.api == "alephalpha.complete"
        assert it.model == "luminous-base"
        (user,) = it.messages
        assert user.parts == (TextPart("Describe this picture:"), MediaPart("image", None, None))
        assert texts(it.response) == [" A lighthouse at dusk."]
        assert it.finish_reason == "stop"
        assert it.usage is not None
        assert (it.usage.input_tokens, it.usage.output_tokens) == (150, 6)


def test_watsonx_generation_stream_and_error() -> None:
    whole, streamed, failed = fixture("watsonx_generate.yaml")
    assert texts(whole.response) == texts(streamed.response) == ["Lima."]
    assert (whole.finish_reason, whole.finish_reason_raw) == ("stop", "eos_token")
    assert (streamed.finish_reason, streamed.finish_reason_raw) == ("length", "max_tokens")
    assert whole.model == "ibm/granite-13b-chat-v2"
    assert whole.provider == "ibm"
    assert failed.error is not None
    assert failed.error.type == "model_not_supported"
    assert failed.response is None


def test_huggingface_generation_stream_skips_special_tokens() -> None:
    whole, streamed, loading = fixture("huggingface_inference.yaml")
    assert whole.model == "HuggingFaceH4/zephyr-7b-beta"
    assert turns(whole) == [("user", ["The capital of France is"])]
    assert texts(whole.response) == ["The capital of France is Paris."]
    assert texts(streamed.response) == [" Paris."]
    assert streamed.finish_reason == "stop"
    assert loading.error is not None
    assert loading.error.message == "Model is currently loading"


def test_replicate_prediction_lifecycle() -> None:
    created, stream, text_done, image_done, failed = fixture("replicate_predictions.yaml")
    assert {it.api for it in (created, stream, text_done, image_done, failed)} == {
        "replicate.predict"
    }
    assert created.response is None
    assert created.summary == "prediction starting (output streamed)"
    assert turns(created) == [("system", ["Be brief."]), ("user", ["Say hi in French"])]
    assert texts(stream.response) == ["Bonjour\n!"]
    assert texts(text_done.response) == ["Bonjour !"]
    assert text_done.usage is not None
    assert text_done.usage.output_tokens == 3
    assert image_done.response is not None
    assert image_done.response.parts == (
        MediaPart("image", "image/webp", "https://replicate.delivery/xezq/fixture/out-0.webp"),
    )
    assert failed.error is not None
    assert failed.error.message == "CUDA out of memory"


def test_assistants_streamed_run_with_tool_call() -> None:
    run, listing, created = fixture("openai_assistants.yaml")
    assert run.api == "openai.assistants"
    assert run.model == "gpt-4o"
    assert turns(run) == [("system", ["You are a weather bot."]), ("user", ["Weather in Oslo?"])]
    assert run.response is not None
    text, call = run.response.parts
    assert text == TextPart("Let me check.")
    assert isinstance(call, ToolCallPart)
    assert call.arguments == {"city": "Oslo"}
    assert run.finish_reason == "tool_call"
    assert run.usage is not None
    assert run.usage.input_tokens == 80
    assert listing.summary == "list: 2 items"
    assert created.summary == "POST assistant"
    assert created.model == "gpt-4o"


def test_bedrock_retrieve_and_generate_lists_its_sources() -> None:
    for it in fixture("bedrock_retrieve_and_generate.yaml"):
        assert it.api == "bedrock.retrieve_and_generate"
        assert it.model == "anthropic.claude-3-haiku-20240307-v1:0"
        assert turns(it) == [("user", ["What is a fjord?"])]
        assert it.response is not None
        answer, source = it.response.parts
        assert answer == TextPart("A fjord is a narrow sea inlet.")
        assert source == CitationPart(None, "s3://kb-fixture/geography.pdf", None)


def test_writer_stream_of_bare_values_is_the_completion() -> None:
    (it,) = fixture("writer_completions_streamed.yaml")
    assert it.api == "openai.completions"
    assert texts(it.response) == ["Why did the span end? It was done."]


def test_metadata_calls_get_one_line_summaries() -> None:
    summaries = [(it.api, it.summary) for it in fixture("labels.yaml")]
    assert all(api == "unknown" for api, _ in summaries)
    assert [s for _, s in summaries] == [
        "IBM Cloud IAM token",
        "model list: 2 models",
        "space list: 0 spaces",
        "project 'sandbox'",
        "service instance (plan lite, Active)",
        "model info at revision main (text-generation)",
        "model info",
        "model version 0123456789ab",
        "model info",
        "model info -> error",
        "realtime WebRTC call set up with gpt-realtime (SDP offer -> answer)",
        "server status: Ollama is running",
        "interaction with agent deep-research-pro-preview-12-2025: in_progress",
    ]


@pytest.mark.parametrize(
    ("url", "method"),
    [
        ("https://pypi.org/pypi/agentops/json", "GET"),
        ("https://api.exa.ai/search", "POST"),
        ("https://us.i.posthog.com/batch/", "POST"),
        ("http://localhost:8080/", "GET"),  # a root that is not Ollama's
    ],
)
def test_other_traffic_stays_unknown(url: str, method: str) -> None:
    it = decode(url, None if method == "GET" else {"q": "x"}, '{"ok": true}', method=method)
    assert (it.api, it.summary) == ("unknown", None)


# --- the shared corpus ---------------------------------------------------------------------

CORPUS_CASES = [
    ("test_anthropic_instrumentation_async_completions_streaming.yaml", 0, "anthropic.complete"),
    ("test_alephalpha_completion.yaml", 0, "alephalpha.complete"),
    ("runs_streamed_create.yml", 3, "openai.assistants"),
    ("test_retrieve_and_generate_stream.yaml", 0, "bedrock.retrieve_and_generate"),
    ("test_replicate_llama_stream_legacy.yaml", 1, "replicate.predict"),
    ("test_replicate_image_generation_legacy.yaml", 5, "replicate.predict"),
    ("test_writer_streaming_completions_with_events_with_content.yaml", 0, "openai.completions"),
]


@pytest.mark.parametrize(("name", "index", "api"), CORPUS_CASES)
def test_corpus_answers_are_decoded(corpus_dir: Path, name: str, index: int, api: str) -> None:
    (path,) = corpus_dir.rglob(name)
    it = load_bytes(path.read_bytes(), name).interactions[index]
    assert it.api == api
    assert it.response is not None
    assert it.response.parts


WATSONX_SESSION = (
    "traceloop__openllmetry/packages/opentelemetry-instrumentation-watsonx"
    "/tests/traces/cassettes/test_generate/test_generate.yaml"
)


def test_corpus_watsonx_session_reads_as_steps(corpus_dir: Path) -> None:
    path = corpus_dir / WATSONX_SESSION
    its = load_bytes(path.read_bytes(), path.name).interactions
    assert all(it.summary for it in its[:-1])
    assert its[-1].api == "watsonx.generate"
    assert texts(its[-1].response) == ["2"]
