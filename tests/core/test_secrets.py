"""Masking follows the contract's list exactly, and body fields named for a credential too."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from app.loader import load_bytes
from app.model import ToolCallPart, to_json
from app.review.lint import lint_bytes
from app.secrets import (
    is_placeholder,
    is_secret_field,
    is_secret_header,
    mask_header_value,
    mask_keys,
    mask_keys_in_value,
    mask_text,
    mask_url,
    mask_value,
    text_hits,
)
from tests.builders import chat_request
from tests.web.samples import exchange, govcr


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "proxy-authorization",
        "X-Api-Key",
        "api-key",
        "x-goog-api-key",
        "Cookie",
        "Set-Cookie",
        "X-Session-Token",
        "X-Client-Secret",
        "Openai-Signature",
        "X-Aws-Credential",
        "Anthropic-Key",
    ],
)
def test_secret_headers(name: str) -> None:
    assert is_secret_header(name)


@pytest.mark.parametrize(
    "name", ["X-Ratelimit-Remaining-Tokens", "Content-Type", "Keyboard", "X-Tokenizer", "Monkey"]
)
def test_not_secret_headers(name: str) -> None:
    assert not is_secret_header(name)


def test_mask_value_keeps_four_characters_of_long_values_only() -> None:
    assert mask_value("sk-proj-1234567890abcdef") == "sk-p…"
    assert mask_value("short-secret") == "…"  # 12 characters: hidden whole


def test_mask_url_query_and_userinfo() -> None:
    url = "https://x.googleapis.com/v1/models/m:generate?key=AIzaSyA1234567890&alt=sse"
    assert mask_url(url) == "https://x.googleapis.com/v1/models/m:generate?key=AIza…&alt=sse"
    assert "hunter2hunter2" not in mask_url("https://bob:hunter2hunter2@h.example/p")
    signed = "https://s3.example/o?X-Amz-Signature=abcdef0123456789abcdef&X-Amz-Credential=AKIA/x"
    masked = mask_url(signed)
    assert "abcdef0123456789abcdef" not in masked
    assert "X-Amz-Credential=…" in masked
    assert mask_url("https://h/p?tokens=5") == "https://h/p?tokens=5"


def test_sigv4_authorization_keeps_its_shape() -> None:
    value = (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/us-east-1/bedrock/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef"
    )
    masked = mask_header_value("Authorization", value)
    assert masked.startswith("AWS4-HMAC-SHA256 Credential=AKIA…")
    assert "SignedHeaders=host;x-amz-date" in masked
    assert "0123456789abcdef0123" not in masked


@pytest.mark.parametrize("value", ["REDACTED", "<redacted>", "***", "filtered", "DUMMY", "test"])
def test_placeholders_are_not_leaks(value: str) -> None:
    assert is_placeholder(value)
    assert is_placeholder(f"Bearer {value}")


def test_real_looking_key_is_not_a_placeholder() -> None:
    assert not is_placeholder("sk-proj-a8f7d6s5a4f3d2s1a0")


@pytest.mark.parametrize(
    "value",
    ["DUMMY_GOOGLE_API_KEY", "X-API-KEY-XXX", "Bearer test-api-key-1234567", "my-example-token-42"],
)
def test_a_whole_placeholder_word_makes_a_placeholder(value: str) -> None:
    assert is_placeholder(value)


def test_a_placeholder_word_inside_another_word_does_not() -> None:
    assert not is_placeholder("sk-contest-a8f7d6s5a4f3d2s1a0")


def test_keys_in_free_text_are_masked_and_placeholders_kept() -> None:
    key = "sk-proj-a8f7d6s5a4f3d2s1a0q9w8"
    text = f"use {key} here, not sk-xxxxxxxxxxxxxxxxxxxxxxxx"
    assert mask_keys(text) == "use sk-p… here, not sk-xxxxxxxxxxxxxxxxxxxxxxxx"
    assert mask_keys_in_value({"a": [text], "n": 3}) == {"a": [mask_keys(text)], "n": 3}


@pytest.mark.parametrize(
    "name",
    [
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "apiKey",
        "api_key",
        "x-api-key",
        "client_secret",
        "password",
        "AWSSecretAccessKey",
        "private_key",
        "authorization",
    ],
)
def test_secret_fields(name: str) -> None:
    assert is_secret_field(name)


@pytest.mark.parametrize(
    "name",
    [
        "key",
        "signature",
        "max_tokens",
        "prompt_tokens",
        "next_page_token",
        "nextPageToken",
        "session_id",
        "keywords",
        "monkey",
    ],
)
def test_not_secret_fields(name: str) -> None:
    assert not is_secret_field(name)


def test_json_and_form_fields_are_masked_and_the_rest_kept_byte_for_byte() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.payload.sig"
    body = (
        '{\n  "access_token": "' + token + '",\n  "token_type": "Bearer",\n'
        '  "expires_in": 3600, "client_secret": "REDACTED", "note": "my token is safe"}'
    )
    assert mask_text(body) == body.replace(token, "eyJh…")
    form = "grant_type=client_credentials&client_secret=s3cr3t-value-0123456789&scope=a%20b"
    assert mask_text(form) == "grant_type=client_credentials&client_secret=s3cr…&scope=a%20b"
    assert [h.what for h in text_hits(form)] == ["field client_secret"]
    # A character that grows when lower-cased must not shift where the field is looked for.
    turkish = '{"city": "İİİİİİİİİİİİ", "api_key": "abcdefghijklmnopqrstu"}'
    assert mask_text(turkish) == '{"city": "İİİİİİİİİİİİ", "api_key": "abcd…"}'
    # The mask keeps the value as recorded, so an encoded `&` cannot split the form in two.
    assert mask_text("password=a%26bcdefghijklmnop&x=1") == "password=a%26…&x=1"
    plain = '{"messages": [{"role": "user", "content": "Which key opens it?"}]}'
    assert mask_text(plain) is plain  # nothing to hide: the same object, no copy


def test_a_token_endpoint_is_masked_in_both_bodies() -> None:
    token = "tok_live_0123456789abcdefghij"
    cassette = govcr(
        exchange(
            "grant_type=password&username=ada&password=correct-horse-battery-staple",
            '{"access_token": "' + token + '", "token_type": "Bearer"}',
            url="https://auth.example.com/oauth/token",
        )
    )
    inter = load_bytes(cassette.encode(), "token.yaml").interactions[0]
    assert inter.request_body == "grant_type=password&username=ada&password=corr…"
    assert inter.response_body == '{"access_token": "tok_…", "token_type": "Bearer"}'


def test_a_secret_field_in_a_stream_is_masked_in_its_chunk_too() -> None:
    token = "gw_session_0123456789abcdef"
    chunk = {
        "object": "chat.completion.chunk",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": "stop"}],
    }
    leaky = {**chunk, "gateway": {"session_token": token}}
    events = [f"data: {json.dumps(chunk)}", f"data: {json.dumps(leaky)}", "data: [DONE]"]
    cassette = govcr(
        exchange(
            chat_request([{"role": "user", "content": "Hi"}], stream=True),
            "\n\n".join(events) + "\n\n",
            response_headers={"Content-Type": ["text/event-stream"]},
        )
    )
    inter = load_bytes(cassette.encode(), "stream.yaml").interactions[0]
    assert inter.api == "openai.chat"
    assert len(inter.chunks) == 3
    assert [token in c.data for c in inter.chunks] == [False, False, False]
    assert '"gw_s…"' in inter.chunks[1].data
    assert inter.chunks[0].data == json.dumps(chunk)  # chunks without one are left alone


# ---- the rules of docs/SECURITY.md, row by row ------------------------------------------------


@pytest.mark.parametrize(
    "name", ["apikey", "X-Authorization", "X_API_KEY", "Cf-Access-Jwt-Assertion", "x_session_token"]
)
def test_more_secret_headers(name: str) -> None:
    assert is_secret_header(name)


@pytest.mark.parametrize(
    "name", ["X-Ratelimit-Key", "X-RateLimit-Limit-Tokens", "X-Goog-Upload-URL", "Location"]
)
def test_rate_limit_and_url_headers_are_not_secret_by_name(name: str) -> None:
    assert not is_secret_header(name)


@pytest.mark.parametrize("name", ["api key", "Client Secret", "api_keys", "user[password]"])
def test_more_secret_fields(name: str) -> None:
    assert is_secret_field(name)


@pytest.mark.parametrize(
    "name",
    ["create_api_key_id", "api_key_id", "token_type", "time_per_output_token_ms", "password_hint"],
)
def test_names_that_describe_a_credential_are_not_one(name: str) -> None:
    assert not is_secret_field(name)


@pytest.mark.parametrize(
    "value",
    [
        "Token <DEEPGRAM_API_KEY>",
        "SCRUBBED_OPENAI_API_KEY",
        "${OPENAI_API_KEY}",
        "Bearer <your-token-here>",
        "OPENAI_API_KEY",
        "sk-test-abcdefghijklmnopqrstuvwx",
        "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX",
        "testkey-abcdefghijk0",
        "fake-0123456789abcdef",
        "0000000000000000",
    ],
)
def test_more_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    ["sk_test_51HqLyjWDarjtT1zdp7dcXYZabc", "AKIAIOSFODNN7EXAMPLE", "ghp_" + "a1B2" * 9],
)
def test_real_shaped_keys_are_never_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_urls_a_token_user_and_urls_inside_headers() -> None:
    user = "ghp_" + "a1B2c3D4" * 5
    assert mask_url(f"https://{user}@github.com/o/r.git") == "https://ghp_…@github.com/o/r.git"
    assert mask_url("https://git@github.com/o/r.git") == "https://git@github.com/o/r.git"
    sts = "https://s3.example/o?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F&x=1"
    assert (
        mask_header_value("Location", sts) == "https://s3.example/o?X-Amz-Security-Token=IQoJ…&x=1"
    )
    assert mask_header_value(":path", "/v1/models?key=AIzaSyA1234567890abcdef") == (
        "/v1/models?key=AIza…"
    )
    for param in ("X-Goog-Signature", "client_secret", "auth", "api-key", "x-goog-api-key"):
        assert mask_url(f"https://h/p?{param}=0123456789abcdefgh") == f"https://h/p?{param}=0123…"


def test_forms_multipart_and_json_shapes() -> None:
    secret = "s3cr3t-value-0123456789"
    assert mask_text(f"a=1&password={secret}\n") == "a=1&password=s3cr…\n"
    assert mask_text(f"user[password]={secret}") == "user[password]=s3cr…"
    big = f"note={'a' * 70_000}&client_secret={secret}"
    assert mask_text(big).endswith("client_secret=s3cr…")
    part = f'--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n{secret}\r\n--b--\r\n'
    assert secret not in mask_text(part)
    body = (
        f'{{"api key": "{secret}", "api\\u005fkey": "{secret}x", "pin_password": 123456789012345,'
        f' "api_keys": ["{secret}y", "{secret}z"], "max_tokens": 123456789012345}}'
    )
    masked = mask_text(body)
    assert secret not in masked
    assert "1234567890" not in masked.replace('"max_tokens": 123456789012345', "")
    assert '"max_tokens": 123456789012345' in masked


def test_json_inside_a_json_string_is_masked_at_any_depth() -> None:
    secret = "hunter2-hunter2-hunter2"
    inner = json.dumps({"user": "ada", "password": secret})
    once = json.dumps({"arguments": inner})
    twice = json.dumps({"wrapped": once})
    for text in (inner, once, twice):
        assert secret not in mask_text(text), text


def test_error_messages_and_prose_that_name_a_key() -> None:
    key = "abc123def456ghi789jkl"
    message = f"Incorrect API key provided: {key}. You can find your API key at example."
    assert mask_text(message) == message.replace(key, "abc1…")
    assert mask_text("page_token=CiQ0MDI5ZTAxYi1kNWJm") == "page_token=CiQ0MDI5ZTAxYi1kNWJm"


def test_a_logprobs_token_is_data() -> None:
    entry = {"token": "abc123def456ghi789", "logprob": -0.1, "bytes": [97]}
    assert mask_keys_in_value({"content": [entry]}) == {"content": [entry]}
    assert mask_text(json.dumps(entry)) == json.dumps(entry)


def test_the_decoded_model_is_masked_not_only_the_body() -> None:
    secret = "hunter2-hunter2-hunter2"
    key = "sk-proj-" + "Zx81Qw72Er63Ty54Ui45Op36"
    args = json.dumps({"user": "ada", "password": secret})
    request = chat_request(
        [
            {"role": "user", "content": f"use {key}"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c", "type": "function", "function": {"name": "f", "arguments": args}}
                ],
            },
            {"role": "tool", "tool_call_id": "c", "content": json.dumps({"api_key": secret})},
        ]
    )
    inter = load_bytes(govcr(exchange(request, '{"choices": []}')).encode(), "t.yaml").interactions[
        0
    ]
    shown = json.dumps(to_json(inter))
    assert secret not in shown
    assert key[4:] not in shown
    call = inter.messages[1].parts[0]
    assert isinstance(call, ToolCallPart)
    assert call.arguments == {"user": "ada", "password": "hunt…"}


def test_a_text_part_of_a_binary_body_is_masked_in_its_bytes() -> None:
    secret = "s3cr3t-value-0123456789"
    body = (
        b'--b\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n'
        + secret.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\nRIFF\xff\xfe\x00\x01WAVE\r\n--b--\r\n"
    )
    doc = {
        "interactions": [
            {
                "request": {
                    "body": body,
                    "headers": {"Content-Type": ["multipart/form-data; boundary=b"]},
                    "method": "POST",
                    "uri": "https://api.openai.com/v1/audio/transcriptions",
                },
                "response": {
                    "body": {"string": '{"text": "hi"}'},
                    "headers": {"Content-Type": ["application/json"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    data = yaml.safe_dump(doc).encode()
    shown = load_bytes(data, "upload.yaml").interactions[0].request_body
    assert shown is not None
    assert shown.startswith("base64:")
    decoded = base64.b64decode(shown[7:])
    assert secret.encode() not in decoded
    assert b"s3cr\xe2\x80\xa6" in decoded
    assert b"RIFF\xff\xfe" in decoded
    findings = lint_bytes(data, "upload.yaml")
    assert [f.message for f in findings] == [
        "request body multipart part api_key is not masked (s3cr…)"
    ]
