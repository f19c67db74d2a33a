"""Ollama native /api/chat and /api/generate: what a user reads for each shape of recording."""

from __future__ import annotations

from app.model import MediaPart, ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from tests.apis.native_fixtures import NDJSON, OLLAMA, decode_one, load_fixture, ndjson


def test_streamed_and_plain_answers_read_the_same() -> None:
    (plain,) = load_fixture("ollama", "chat_text.yaml")
    (streamed,) = load_fixture("ollama", "chat_streamed.yaml")
    assert plain.response.parts == (TextPart("Bonjour !"),)
    assert streamed.response == plain.response
    assert streamed.usage == plain.usage
    assert (streamed.usage.input_tokens, streamed.usage.output_tokens) == (26, 4)
    assert streamed.streaming
    assert not plain.streaming
    assert [c.kind for c in streamed.chunks] == ["text", "text", "text", "finish"]
    assert [m.role for m in plain.messages] == ["system", "user"]
    assert plain.provider == "ollama"
    assert plain.model == "llama3.2"


def test_thinking_becomes_reasoning() -> None:
    (it,) = load_fixture("ollama", "chat_reasoning.yaml")
    assert it.response.parts == (ReasoningPart("Two plus two is four."), TextPart("4"))
    assert [c.kind for c in it.chunks] == ["reasoning", "reasoning", "text", "finish"]


def test_tool_calls_have_object_arguments_and_results_keep_the_tool_name() -> None:
    first, second = load_fixture("ollama", "chat_tool_calls.yaml")
    assert first.response.parts == (
        ToolCallPart(None, "get_weather", {"city": "Oslo"}),
        ToolCallPart(None, "get_weather", {"city": "Bergen"}),
    )
    assert first.finish_reason == "tool_call"
    assert first.finish_reason_raw == "stop"
    assert [t.name for t in first.tools] == ["get_weather"]
    results = [p for m in second.messages if m.role == "tool" for p in m.parts]
    assert results == [
        ToolResultPart(None, "get_weather", "4 C, rain"),
        ToolResultPart(None, "get_weather", "6 C, cloudy"),
    ]


def test_generate_shows_prompt_image_and_response() -> None:
    streamed, plain = load_fixture("ollama", "generate.yaml")
    assert streamed.api == "ollama.generate"
    system, user = streamed.messages
    assert system.parts == (TextPart("Be terse."),)
    assert user.parts == (
        TextPart("Describe this image."),
        MediaPart("image", "image/png", None, "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==", 16),
    )
    assert streamed.response.text == "A cat asleep."
    assert (streamed.finish_reason, streamed.finish_reason_raw) == ("length", "length")
    assert plain.response.text == "Hello."
    assert plain.usage.output_tokens == 2
    assert plain.usage.input_tokens == 0  # the server leaves zero counts out


def test_errors_keep_the_partial_answer() -> None:
    http, stream = load_fixture("ollama", "error.yaml")
    assert http.response is None
    assert (http.error.type, http.error.message) == ("http_404", "model 'nope' not found")
    assert stream.response.text == "Hel"
    assert stream.error.message == "model runner crashed"
    assert [c.kind for c in stream.chunks] == ["text", "error", "other"]
    assert any("not valid JSON" in w.message for w in stream.warnings)


def test_embeddings_and_model_lists_are_labelled() -> None:
    embed, tags = load_fixture("ollama", "other.yaml")
    assert (embed.api, embed.summary) == ("unknown", "embed: 2 inputs -> 2 vectors x 3 dims")
    assert (tags.api, tags.summary) == ("unknown", "model list: 2 models")
    assert embed.provider == "ollama"
    assert tags.provider == "ollama"


def test_single_final_line_with_ndjson_type_is_a_stream() -> None:
    line = {"model": "m", "message": {"role": "assistant", "content": "hi"}, "done": True}
    it = decode_one(
        f"{OLLAMA}/chat", {"model": "m", "messages": []}, ndjson([line]), content_type=NDJSON
    )
    assert it.streaming
    assert it.response.text == "hi"
    assert it.usage.output_tokens == 0
