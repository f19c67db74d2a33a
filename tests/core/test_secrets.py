"""Masking follows the contract's list exactly, and nothing more."""

from __future__ import annotations

import pytest

from app.secrets import (
    is_placeholder,
    is_secret_header,
    mask_header_value,
    mask_keys,
    mask_keys_in_value,
    mask_url,
    mask_value,
)


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
