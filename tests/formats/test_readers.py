"""What each reader makes of its hand-written fixtures: the values a user would see."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest

from app.formats import read_cassette
from app.formats.base import RawCassette, ReadLimits
from app.streams import parse_eventstream
from tests.formats.fixture_gen import event_frame

Read = Callable[[str], RawCassette]
FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def _only(cassette: RawCassette, fmt: str, count: int) -> RawCassette:
    assert cassette.errors == ()
    assert cassette.format == fmt
    assert len(cassette.interactions) == count
    return cassette


def test_go_vcr_v2_reads_fields_durations_and_repeated_headers(read_fixture: Read) -> None:
    first, second = _only(read_fixture("go-vcr-v2.yaml"), "go-vcr-v2", 2).interactions
    assert (first.id, first.request.method, first.response.status) == ("0", "POST", 200)
    assert first.request.url == "https://api.openai.com/v1/chat/completions"
    assert json.loads(first.response.body or b"")["choices"][0]["message"]["content"] == "Hi!"
    assert first.duration_ms == 62_500.0
    assert first.response.headers == (
        ("Content-Type", "application/json"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    )
    assert second.request.body == b"q=weather"
    assert (second.response.status, second.duration_ms) == (429, 350.0)
    assert second.response.body == b'data: {"n":1}\n\ndata: [DONE]\n\n'


def test_go_vcr_v1(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("go-vcr-v1.yaml"), "go-vcr-v1", 1).interactions
    assert only.duration_ms == 812.5
    assert b'"text":"pong"' in (only.response.body or b"")


def test_vcrpy_binary_and_folded_bodies(read_fixture: Read) -> None:
    chat, models = _only(read_fixture("vcrpy.yaml"), "vcrpy", 2).interactions
    assert json.loads(chat.request.body or b"")["messages"][0]["content"] == "Say hi"
    assert chat.response.body == b'{"id": "chatcmpl-2", "choices": []}'
    assert (models.request.method, models.request.body) == ("GET", None)


def test_vcrpy_json_serializer(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("vcrpy.serializer-json.json"), "vcrpy", 1).interactions
    assert json.loads(only.response.body or b"")["id"] == "resp_1"


def test_vcrpy_parsed_body_becomes_json_and_binary_headers_text(read_fixture: Read) -> None:
    cassette = _only(read_fixture("vcrpy.parsed-body.yaml"), "vcrpy", 1)
    (only,) = cassette.interactions
    assert only.request.headers == (("content-type", "application/json"),)
    assert json.loads(only.request.body or b"")["messages"] == [
        {"role": "user", "content": "Hello"}
    ]
    assert json.loads(only.response.body or b"")["content"][0]["text"] == "Hello there"
    # `br` in the header, but the serializer stored decoded data: no warning, body intact.
    assert cassette.warnings == ()


def test_ruby_vcr_binary_base64_and_recorded_at(read_fixture: Read) -> None:
    ok, missing = _only(read_fixture("ruby-vcr.yml"), "ruby-vcr", 2).interactions
    assert json.loads(ok.response.body or b"")["content"][0]["text"] == "4"
    assert ok.recorded_at == "Wed, 19 Aug 2026 14:34:12 GMT"
    assert ok.request.headers == (("X-Api-Key", "<ANTHROPIC_API_KEY>"),)
    assert (missing.response.status, missing.response.body) == (404, b'{"error":"not found"}')


def test_old_ruby_struct_cassette_is_data_not_code(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("ruby-vcr.struct.yml"), "ruby-vcr", 1).interactions
    assert (only.request.method, only.response.status) == ("POST", 200)
    assert b'" world"' in (only.response.body or b"")


def test_r_vcr_scalar_headers_and_numeric_status(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("r-vcr.yml"), "r-vcr", 1).interactions
    assert only.response.status == 200
    assert ("content-type", "application/json") in only.response.headers
    assert json.loads(only.response.body or b"")["id"] == "resp_r1"
    assert only.recorded_at == "2026-08-02 22:27:00"


def test_har_json_timing_and_started(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("har.json"), "har", 1).interactions
    assert (only.id, only.duration_ms) == ("3f2a", 1620.0)
    assert only.recorded_at == "2026-01-30T06:09:58.269Z"
    assert ("x-api-key", "[REDACTED]") in only.request.headers


def test_har_yaml_with_base64_chunks_joins_them(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("har.polly-chunks.yaml"), "har", 1).interactions
    assert json.loads(only.response.body or b"")["candidates"][0]["content"]["parts"] == [
        {"text": "Paris"}
    ]
    assert only.duration_ms == 430.0  # sum of the non-negative timings


def test_httprr_framing_and_chunked_body(read_fixture: Read) -> None:
    post, get = _only(read_fixture("httprr.httprr"), "httprr", 2).interactions
    assert (post.request.method, post.request.url) == (
        "POST",
        "https://api.openai.com/v1/chat/completions",
    )
    assert ("User-Agent", "langchaingo-httprr") in post.request.headers
    assert json.loads(post.response.body or b"")["message"]["content"] == "Hi"
    assert (get.request.url, get.response.status) == ("http://localhost:11434/api/tags", 403)


def test_httprr_with_no_exchanges_is_valid() -> None:
    cassette = read_cassette(b"httprr trace v1\n", "empty.httprr")
    assert (cassette.format, cassette.interactions, cassette.errors) == ("httprr", (), ())


def test_httprr_truncated_exchange_is_an_error_with_line() -> None:
    cassette = read_cassette(b"httprr trace v1\n10 10\nGET / HTTP", "cut.httprr")
    assert cassette.format == "unknown"
    assert cassette.errors[0].line == 2
    assert "cut off" in cassette.errors[0].message


def test_split_lists_pair_requests_with_responses(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("vcrpy-split.yaml"), "vcrpy-split", 1).interactions
    assert b'"Hello"' in (only.response.body or b"")
    assert only.request.url.endswith("/converse")


def test_split_lists_inside_gzip_file(fixtures_dir: Path) -> None:
    packed = gzip.compress((fixtures_dir / "vcrpy-split.yaml").read_bytes())
    _only(read_cassette(packed, "x.yaml.gz"), "vcrpy-split", 1)


def test_dd_test_agent_snapshot(read_fixture: Read) -> None:
    cassette = _only(read_fixture("dd-test-agent.json"), "dd-test-agent", 1)
    (only,) = cassette.interactions
    assert only.request.url == "https://api.mistral.ai/v1/chat/completions"
    assert b"Hello!" in (only.response.body or b"")
    assert cassette.warnings == ()  # zstd header on a body stored decoded


def test_response_snapshot_is_partial_with_warning(read_fixture: Read) -> None:
    cassette = _only(read_fixture("response-snapshot.json"), "response-snapshot", 1)
    (only,) = cassette.interactions
    assert only.partial
    assert only.response.status == 200
    assert only.response.body is not None
    assert only.response.body.startswith(b"event: message_start")
    assert any("only the response" in w.message for w in cassette.warnings)


def test_bare_response_body_is_partial(read_fixture: Read) -> None:
    cassette = _only(read_fixture("response-body.json"), "response-body", 1)
    (only,) = cassette.interactions
    assert only.partial
    assert only.request.url == ""
    assert json.loads(only.response.body or b"")["choices"][0]["finish_reason"] == "tool_calls"


def test_websocket_log_keeps_messages_as_frames(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("websocket-log.yaml"), "websocket-log", 1).interactions
    assert [f.direction for f in only.frames] == ["send", "receive", "receive"]
    assert json.loads(only.frames[1].data) == {
        "type": "response.output_text.delta",
        "delta": "Hello",
    }
    assert only.frames[2].data == '{"type": "response.done"}'


def test_grpc_samples_become_json_bodies_and_frames(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("grpc-log.yaml"), "grpc-log", 1).interactions
    assert json.loads(only.request.body or b"")["model"] == "grok-4-fast"
    assert json.loads(only.response.body or b"")["outputs"][0]["message"]["content"] == "Hello"
    assert [f.direction for f in only.frames] == ["send", "receive"]


def _vcrpy_with_body(encoding: str, body: bytes) -> bytes:
    encoded = base64.b64encode(body).decode()
    return (
        "interactions:\n- request: {method: GET, uri: 'https://x.test/', body: null, headers: {}}\n"
        "  response:\n    status: {code: 200, message: OK}\n"
        f"    headers: {{Content-Encoding: [{encoding}]}}\n"
        f"    body: {{string: !!binary '{encoded}'}}\nversion: 1\n"
    ).encode()


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)],
)
def test_content_encoding_is_undone(encoding: str, pack: Callable[[bytes], bytes]) -> None:
    cassette = read_cassette(_vcrpy_with_body(encoding, pack(b'{"ok": true}')), "c.yaml")
    assert cassette.warnings == ()
    assert cassette.interactions[0].response.body == b'{"ok": true}'


def test_undecodable_body_is_kept_with_a_warning() -> None:
    garbage = bytes(range(200, 256)) * 3
    cassette = read_cassette(_vcrpy_with_body("br", garbage), "c.yaml")
    assert cassette.interactions[0].response.body == garbage
    assert "could not undo Content-Encoding br" in cassette.warnings[0].message


def test_gzip_bomb_in_a_body_is_bounded() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    cassette = read_cassette(
        _vcrpy_with_body("gzip", bomb), "c.yaml", ReadLimits(max_bytes=1_000_000)
    )
    assert cassette.interactions[0].response.body == bomb
    assert "expands beyond 1000000 bytes" in cassette.warnings[0].message


def test_azure_test_proxy_json_text_lines_and_null_bodies(read_fixture: Read) -> None:
    chat, stream, delete = _only(
        read_fixture("azure-test-proxy.json"), "azure-test-proxy", 3
    ).interactions
    assert chat.request.url.startswith("https://contoso-ai.openai.azure.com/openai/deployments/")
    assert json.loads(chat.request.body or b"")["model"] == "gpt-4o-mini"
    assert json.loads(chat.response.body or b"")["choices"][0]["message"]["content"] == "Eleven."
    assert ("api-key", "Sanitized") in chat.request.headers
    # a text body stored as a list of its lines is joined back with the line breaks
    assert (stream.response.body or b"").count(b"\n\n") == 3
    assert (stream.response.body or b"").endswith(b"data: [DONE]\n\n")
    assert (delete.request.body, delete.response.status, delete.response.body) == (None, 204, None)


def test_azure_test_proxy_binary_body_is_base64() -> None:
    doc = {
        "Entries": [
            {
                "RequestUri": "https://x.openai.azure.com/openai/audio/speech",
                "RequestMethod": "POST",
                "StatusCode": 200,
                "ResponseHeaders": {"Content-Type": "audio/mpeg"},
                "ResponseBody": base64.b64encode(b"\xff\xfbID3").decode(),
            }
        ]
    }
    cassette = read_cassette(json.dumps(doc).encode(), "speech.json")
    assert cassette.interactions[0].response.body == b"\xff\xfbID3"


def test_llama_stack_unwraps_sdk_types(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("llama-stack.json"), "llama-stack", 1).interactions
    assert json.loads(only.response.body or b"")["object"] == "chat.completion"
    assert only.response.status is None  # llama-stack does not record it


def test_llama_stack_stream_is_framed_as_ollama_ndjson(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("llama-stack.stream.json"), "llama-stack", 1).interactions
    lines = (only.response.body or b"").splitlines()
    assert [json.loads(line)["message"]["content"] for line in lines] == ["Hel", "lo!", ""]
    assert ("Content-Type", "application/x-ndjson") in only.response.headers


def test_nock_back_gzip_hex_chunks_and_raw_headers(read_fixture: Read) -> None:
    chat, missing = _only(read_fixture("nock-back.json"), "nock-back", 2).interactions
    assert chat.request.url == "https://api.openai.com/v1/chat/completions"  # :443 dropped
    assert json.loads(chat.response.body or b"")["choices"][0]["message"]["content"] == "Four."
    assert [v for k, v in chat.response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert (missing.request.body, missing.response.status) == (None, 404)
    assert missing.response.headers == (("content-type", "application/json"),)


def test_nock_binary_response_as_one_hex_string() -> None:
    doc = [{"scope": "http://localhost:11434", "method": "GET", "path": "/x", "status": 200,
            "response": b"\x00\x01ok".hex(), "responseIsBinary": True}]  # fmt: skip
    (only,) = read_cassette(json.dumps(doc).encode(), "n.json").interactions
    assert (only.request.url, only.response.body) == ("http://localhost:11434/x", b"\x00\x01ok")


def test_exvcr_erlang_term_around_gzip(read_fixture: Read) -> None:
    message, models = _only(read_fixture("exvcr.json"), "exvcr", 2).interactions
    assert (message.request.method, message.response.status) == ("POST", 200)
    assert json.loads(message.response.body or b"")["content"][0]["text"] == "Elixir it is."
    assert json.loads(message.request.body or b"")["max_tokens"] == 50
    assert models.request.body is None


def test_genai_replay_templates_become_base_urls(read_fixture: Read) -> None:
    mldev, vertex = _only(read_fixture("genai-replay.json"), "genai-replay", 2).interactions
    assert mldev.request.url == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"
    )
    assert vertex.request.url.startswith("https://LOCATION-aiplatform.googleapis.com/v1beta1/")
    assert json.loads(mldev.request.body or b"")["contents"][0]["role"] == "user"
    # two body segments of a streamed call are framed as the SSE stream Gemini sends
    assert (vertex.response.body or b"").count(b"data: {") == 2


def test_wiremock_stub_with_json_body(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("wiremock.json"), "wiremock", 1).interactions
    assert (only.request.method, only.request.url, only.response.status) == (
        "POST",
        "/v1/messages",
        200,
    )
    assert json.loads(only.request.body or b"")["max_tokens"] == 64  # from equalToJson
    assert ("anthropic-version", "2023-06-01") in only.request.headers
    assert json.loads(only.response.body or b"")["content"][0]["text"] == "Teal."


def test_wiremock_mappings_file_names_its_body_files(read_fixture: Read) -> None:
    cassette = _only(read_fixture("wiremock.mappings.json"), "wiremock", 2)
    chat, models = cassette.interactions
    assert (chat.request.url, chat.response.body) == ("/v1/chat/completions", None)
    assert "'chat-completions-7f3a.json'" in cassette.warnings[0].message
    assert b"gpt-4o-mini" in (models.response.body or b"")


def test_wiremock_stub_shaped_like_a_dd_snapshot_is_wiremock() -> None:
    stub = {"request": {"method": "GET", "url": "/v1/models"},
            "response": {"status": 200, "body": "{}"}}  # fmt: skip
    cassette = read_cassette(json.dumps(stub).encode(), "stub.json")
    assert cassette.format == "wiremock"
    assert cassette.interactions[0].request.url == "/v1/models"


def test_sse_body_is_a_partial_stream_with_its_api_guessed(read_fixture: Read) -> None:
    cassette = _only(read_fixture("sse-body.sse"), "sse-body", 1)
    (only,) = cassette.interactions
    assert only.partial
    assert (only.request.method, only.request.url) == ("POST", "/v1/messages")
    assert only.response.body == (FIXTURES_DIR / "sse-body.sse").read_bytes()
    assert "look like Anthropic messages" in cassette.warnings[0].message


def test_sse_text_saved_as_a_json_string(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("sse-body.in-json.json"), "sse-body", 1).interactions
    assert only.request.url == "/v1/chat/completions"
    assert (only.response.body or b"").startswith(b'data: {"id":"chatcmpl-j1"')


def test_stream_chunks_become_named_sse_events(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("stream-chunks.chunks.txt"), "stream-chunks", 1).interactions
    body = (only.response.body or b"").decode()
    assert body.startswith('event: response.created\ndata: {"type":"response.created"')
    assert body.count("\n\n") == 5
    assert only.request.url == "/v1/responses"


def test_stream_events_array_of_gemini_responses(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("stream-events.json"), "stream-events", 1).interactions
    assert only.request.url == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert (only.response.body or b"").count(b"data: ") == 2


def test_stream_with_unknown_events_is_kept_with_a_warning() -> None:
    data = b'{"kind":"a","n":1}\n{"kind":"b","n":2}\n'
    cassette = read_cassette(data, "x.chunks.txt")
    assert cassette.format == "stream-chunks"
    assert "match no API" in cassette.warnings[0].message
    assert cassette.interactions[0].response.body == data.replace(b"}\n", b"}\n\n").replace(
        b"{", b"data: {"
    )


def test_r_vcr_through_webmockr(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("r-vcr.webmockr.yml"), "r-vcr", 1).interactions
    assert only.response.status == 200  # status: {status_code: '200'}
    assert json.loads(only.response.body or b"")["content"][0]["text"] == "Hello!"


def test_vcrpy_httpx_style_response(read_fixture: Read) -> None:
    cassette = _only(read_fixture("vcrpy.httpx.yaml"), "vcrpy", 1)
    (only,) = cassette.interactions
    assert only.response.status == 200
    assert json.loads(only.response.body or b"")["choices"][0]["message"]["content"] == "ok"
    assert cassette.warnings == ()


def test_ruby_vcr_cut_before_recorded_with_is_an_error() -> None:
    data = (FIXTURES_DIR / "ruby-vcr.yml").read_bytes()
    cut = data[: data.rindex(b"  recorded_at:")]
    cassette = read_cassette(cut, "cut.yml")
    assert cassette.format == "ruby-vcr"
    assert len(cassette.interactions) == 2
    assert [e.message for e in cassette.errors] == [
        "interaction 1 is cut off: the file ends before its recorded_at"
    ]


def test_llama_stack_recorded_exception_keeps_status_and_error_body(read_fixture: Read) -> None:
    cassette = _only(read_fixture("llama-stack.exception.json"), "llama-stack", 1)
    (only,) = cassette.interactions
    assert only.response.status == 404
    assert json.loads(only.response.body or b"")["error"]["code"] == "model_not_found"
    assert "raised NotFoundError" in cassette.warnings[0].message


def test_llama_stack_tool_call(read_fixture: Read) -> None:
    (only,) = _only(read_fixture("llama-stack.tool.json"), "llama-stack", 1).interactions
    assert (only.request.method, only.request.url) == ("CALL", "tool://tavily-search/web_search")
    assert json.loads(only.request.body or b"") == {"query": "tallest tree species"}
    assert b"Coast redwood" in (only.response.body or b"")


def test_genai_byte_segments_are_kept_as_recorded_with_a_warning() -> None:
    doc = {"replay_id": "files/download/test.mldev", "interactions": [{
        "request": {"method": "get", "url": "{MLDEV_URL_PREFIX}/files/abc:download",
                    "headers": {}, "body_segments": [{}]},
        "response": {"headers": {}, "body_segments": [], "byte_segments": ["GIF89a..."],
                     "sdk_response_segments": []},
    }]}  # fmt: skip
    cassette = read_cassette(json.dumps(doc).encode(), "download.json")
    assert cassette.interactions[0].response.body == b"GIF89a..."
    assert "only the start" in cassette.warnings[0].message


def test_nock_older_headers_mapping_and_hex_chunks_of_another_encoding() -> None:
    body = brotli.compress(b'{"ok": true}')
    doc = [{"scope": "https://api.example.test:8443", "method": "POST", "path": "/v1/x",
            "body": "", "status": 200, "response": [body[:4].hex(), body[4:].hex()],
            "headers": {"content-encoding": "br", "content-type": "application/json"}}]  # fmt: skip
    (only,) = read_cassette(json.dumps(doc).encode(), "old.json").interactions
    assert only.request.url == "https://api.example.test:8443/v1/x"  # a port of its own is kept
    assert only.response.body == b'{"ok": true}'


def test_nock_json_that_looks_like_hex_stays_json() -> None:
    doc = [{"scope": "https://api.example.test", "method": "GET", "path": "/ids",
            "status": 200, "response": ["abcd", "ef01"],
            "rawHeaders": ["Content-Type", "application/json"]}]  # fmt: skip
    (only,) = read_cassette(json.dumps(doc).encode(), "ids.json").interactions
    assert json.loads(only.response.body or b"") == ["abcd", "ef01"]


def test_exvcr_httpc_status_list_and_client_error() -> None:
    doc = [
        {"request": {"body": "", "headers": [], "method": "get", "options": {},
                     "url": "http://localhost:11434/api/tags"},
         "response": {"binary": False, "body": "{}", "headers": {"server": "Cowboy"},
                      "status_code": ["HTTP/1.1", 200, "OK"], "type": "ok"}},
        {"request": {"body": "", "headers": [], "method": "get", "options": [],
                     "request_body": "", "url": "http://invalid.test/"},
         "response": {"binary": False, "body": '{"__exception__":true,"reason":"nxdomain"}',
                      "headers": [], "status_code": None, "type": "error"}},
    ]  # fmt: skip
    cassette = read_cassette(json.dumps(doc).encode(), "e.json")
    ok, failed = cassette.interactions
    assert (ok.response.status, failed.response.status) == (200, None)
    assert cassette.errors == ()
    assert "the HTTP client failed" in cassette.warnings[0].message


def test_bedrock_stream_chunks_become_event_stream_frames(read_fixture: Read) -> None:
    cassette = _only(read_fixture("stream-chunks.bedrock.chunks.txt"), "stream-chunks", 1)
    (only,) = cassette.interactions
    assert only.request.url == "/model/unknown/converse-stream"
    framed = parse_eventstream(only.response.body or b"")
    assert framed.warnings == []  # lengths and CRCs as Bedrock writes them
    assert [f.event for f in framed.frames][:2] == ["messageStart", "contentBlockDelta"]
    assert json.loads(framed.frames[1].data)["delta"]["text"] == "Three"


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"message": "quota", "type": "insufficient_quota", "code": None}},
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        {"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}},
        {"candidates": [{"content": {"parts": [{"text": "hi"}]}, "finishReason": "STOP"}]},
        {"id": "c1", "finish_reason": "COMPLETE", "message": {"role": "assistant"}},
        {"model": "llama3.2", "created_at": "2026-01-01T00:00:00Z", "response": "Hi", "done": True},
    ],
    ids=["openai-error", "anthropic-error", "gemini-error", "gemini-bare", "cohere-v2", "ollama"],
)
def test_bare_bodies_of_more_apis_are_response_bodies(body: dict[str, object]) -> None:
    cassette = read_cassette(json.dumps(body).encode(), "body.json")
    assert cassette.format == "response-body"
    assert json.loads(cassette.interactions[0].response.body or b"") == body


def test_a_json_file_with_an_error_key_among_others_is_not_a_recording() -> None:
    doc = {"name": "my-project", "error": {"message": "a config value"}}
    assert read_cassette(json.dumps(doc).encode(), "config.json").format == "unknown"


def test_two_chunk_lines_without_a_final_line_break() -> None:
    data = b'{"type":"message_start","message":{"id":"m","content":[]}}\n{"type":"message_stop"}'
    cassette = read_cassette(data, "two.chunks.txt")
    assert (cassette.format, cassette.errors) == ("stream-chunks", ())


def test_event_stream_of_anthropic_chunks_on_bedrock_is_named_by_its_model() -> None:
    start = {"type": "message_start", "message": {"model": "claude-3-5-haiku-20241022"}}
    chunk = {"bytes": base64.b64encode(json.dumps(start).encode()).decode()}
    raw = event_frame("chunk", chunk)
    cassette = read_cassette(raw, "invoke.bin")
    assert cassette.format == "event-stream-body"
    assert cassette.interactions[0].request.url == (
        "/model/anthropic.claude-3-5-haiku-20241022/invoke-with-response-stream"
    )
    assert cassette.interactions[0].response.body == raw


def test_wiremock_query_parameters_and_header_patterns() -> None:
    stub = {"request": {"urlPath": "/openai/deployments/gpt-4o/chat/completions", "method": "POST",
                        "queryParameters": {"api-version": {"equalTo": "2024-10-21"}},
                        "headers": {"api-key": {"matches": ".+"}, "Accept": {"equalTo": "*/*"}}},
            "response": {"status": 200, "body": "{}"}}  # fmt: skip
    cassette = read_cassette(json.dumps(stub).encode(), "stub.json")
    (only,) = cassette.interactions
    assert only.request.url == "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"
    assert only.request.headers == (("Accept", "*/*"),)
    assert "request headers matched by a pattern only: ['api-key']" in cassette.warnings[0].message


def test_betamax_is_named_for_its_recorder(read_fixture: Read) -> None:
    cassette = _only(read_fixture("betamax.json"), "betamax", 1)
    (only,) = cassette.interactions
    assert (only.request.method, only.response.status) == ("POST", 200)
    assert json.loads(only.response.body or b"")["text"] == "Hello!"
    assert cassette.warnings == ()  # the response's own `url` is known, not unread data


def test_event_stream_chunk_with_damaged_base64_is_kept_without_a_guess() -> None:
    raw = event_frame("chunk", {"bytes": "%%% not base64 %%%"})
    cassette = read_cassette(raw, "invoke.bin")
    assert (cassette.format, cassette.errors) == ("event-stream-body", ())
    assert cassette.interactions[0].response.body == raw
