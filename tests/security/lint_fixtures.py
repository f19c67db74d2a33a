"""Generated lint fixtures: what a recorder writes on purpose must pass, every real-shaped key
must be found (docs/SECURITY.md, "Lint precision").

`quiet_cassette()` holds real-shaped placeholders and data that merely uses a credential word
(the false findings seen on real projects: `Token <DEEPGRAM_API_KEY>`, `create_api_key_id`,
`X-Ratelimit-Key`, logprobs `token`, Cloudflare cookies); `keyed_cassette(keys)` holds one
key of each provider, each in a different place.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from tests.security.planted import KEY_PROVIDERS, key_of, random_secret

PLACEHOLDER_HEADERS = {
    "Authorization": "Token <DEEPGRAM_API_KEY>",
    "X-Api-Key": "<X_API_KEY>",
    "Api-Key": "SCRUBBED_API_KEY_VALUE",
    "X-Goog-Api-Key": "${GOOGLE_API_KEY}",
    "Proxy-Authorization": "Bearer <PROXY_TOKEN_HERE>",
    "Anthropic-Key": "REDACTED-REDACTED-REDACTED",
    "X-Session-Token": "****************",
    "X-Client-Secret": "DUMMY_CLIENT_SECRET_VALUE",
    "X-Amz-Security-Token": "test-session-token-0001",
    "X-Credential": "fake-credential-for-tests-1",
    "Cookie": "session=filtered-by-the-recorder",
    "apikey": "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "X-Ratelimit-Key": "grok-3-mini-tier-2-rpm-0042",
    "X-Ratelimit-Remaining-Tokens": "149999870",
    "X-Tokenizer": "cl100k_base-0123456789",
}
CDN_SET_COOKIES = [
    "__cf_bm=Xq8.abcdefghijklmnopqrstuvwxyz0123456789-1700000000-1.0.1.1-abcdef; path=/; "
    "expires=Tue, 14-Nov-23 23:13:20 GMT; domain=.api.openai.com; HttpOnly; Secure",
    "_cfuvid=abcdefghijklmnopqrstuvwxyz0123456789.ABCDEFG-1700000000000-0.0.1.1-604800000; "
    "path=/; domain=.api.openai.com; HttpOnly; Secure; SameSite=None",
]
PLACEHOLDER_FIELDS: dict[str, Any] = {
    "api_key": "<YOUR_API_KEY>",
    "client_secret": "${CLIENT_SECRET}",
    "password": "REDACTED",
    "access_token": "SCRUBBED_ACCESS_TOKEN",
    "apiKey": "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "secret_key": "test_secret_key_for_ci_0001",
    "auth_token": "OPENAI_API_KEY",
}
# Names that merely contain a credential word, with credential-looking values.
DATA_FIELDS: dict[str, Any] = {
    "create_api_key_id": "key_01HZX9Q8W7E6R5T4Y3U2I1O0P9",
    "api_key_id": "ak_0123456789abcdef01234567",
    "token_type": "Bearer",
    "max_tokens": 4096,
    "max_completion_tokens": 123456789012345,
    "prompt_tokens": 1234,
    "next_page_token": "CiQ0MDI5ZTAxYi1kNWJmLTRhY2QtOTg4Ny1hMWQ2ZmE5ZWM3YjUQAQ",
    "nextPageToken": "Eg0KCzEyMzQ1Njc4OTAxGgwIARIIMTcwMDAwMDA",
    "time_per_output_token_ms": 32.21234567890123,
    "password_hint": "the name of your first cat2024",
    "signature": "EqoBCkgIARABGAIiQLm3xTQhAcqX8x5B5uJm6sdPQhFlfNEtXEUBvWH2ZnU0oLn0Qsdo6",
    "key": "customer-42-eu-west-1-archive-2024",
}


def _http(
    url: str,
    request: Any,
    response: Any,
    *,
    request_headers: dict[str, list[str]] | None = None,
    response_headers: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    return {
        "request": {
            "body": request if isinstance(request, str) else json.dumps(request),
            "headers": request_headers or {"Content-Type": ["application/json"]},
            "method": "POST",
            "uri": url,
        },
        "response": {
            "body": {"string": response if isinstance(response, str) else json.dumps(response)},
            "headers": {"Content-Type": ["application/json"], **(response_headers or {})},
            "status": {"code": 200, "message": "OK"},
        },
    }


def _logprobs_answer() -> dict[str, Any]:
    """A chat answer with logprobs: each `token` is a piece of the answer, some long."""
    pieces = [" internationalization", "abc123def456ghi789", " Jupiter"]
    content = [
        {"token": t, "logprob": -0.01, "bytes": list(t.encode()), "top_logprobs": []}
        for t in pieces
    ]
    return {
        "id": "chatcmpl-9",
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "".join(pieces)},
                "logprobs": {"content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def quiet_cassette() -> str:
    """No blocking finding may come out of this file (CDN cookies are warnings)."""
    ask = {
        "model": "gpt-4o-mini",
        "logprobs": True,
        "messages": [
            {
                "role": "user",
                "content": "Call create_api_key_id, then explain max_tokens and the "
                "Authorization: Bearer <token> header. Never paste sk-... keys.",
            }
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "create_api_key_id",
                    "description": "Create an API key id (not the key itself).",
                    "parameters": {
                        "type": "object",
                        "properties": {"api_key_id": {"type": "string"}},
                    },
                },
            }
        ],
        **PLACEHOLDER_FIELDS,
        **DATA_FIELDS,
    }
    headers = {k: [v] for k, v in PLACEHOLDER_HEADERS.items()}
    chat = _http(
        "https://api.openai.com/v1/chat/completions?api_key=%3CAPI_KEY%3E&page_token=CiQ0MDI5ZTAx",
        ask,
        _logprobs_answer(),
        request_headers={"Content-Type": ["application/json"], **headers},
        response_headers={
            "Set-Cookie": CDN_SET_COOKIES,
            "X-Ratelimit-Remaining-Tokens": ["149999870"],
            "Location": [
                "https://api.openai.com/v1/files?purpose=batch&page_token=abc123def456ghi"
            ],
        },
    )
    form = _http(
        "https://auth.example.com/oauth/token",
        "grant_type=client_credentials&client_secret=%24%7BCLIENT_SECRET%7D&scope=read%20write",
        {"token_type": "Bearer", "expires_in": 3600, "access_token": "<redacted>"},
        request_headers={"Content-Type": ["application/x-www-form-urlencoded"]},
    )
    return yaml.safe_dump({"interactions": [chat, form], "version": 1}, sort_keys=False)


def keyed_cassette(keys: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    """One real-shaped key per provider, spread over prompt, tool arguments, answer, header
    and URL; returns the file and the keys by provider."""
    keys = keys or {p: key_of(p, random_secret()) for p in KEY_PROVIDERS}
    providers = list(keys)
    in_prompt = providers[0::4]
    in_arguments = providers[1::4]
    in_answer = providers[2::4]
    in_headers = providers[3::4]
    args = json.dumps({f"value{i}": keys[p] for i, p in enumerate(in_arguments)})
    ask = {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "user", "content": "Keys: " + ", ".join(keys[p] for p in in_prompt)},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": args}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "done"},
        ],
    }
    answer = {
        "id": "chatcmpl-3",
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "Found: " + " ".join(keys[p] for p in in_answer),
                },
                "finish_reason": "stop",
            }
        ],
    }
    headers = {f"X-Debug-{i}": [keys[p]] for i, p in enumerate(in_headers)}
    chat = _http(
        "https://api.openai.com/v1/chat/completions",
        ask,
        answer,
        request_headers={"Content-Type": ["application/json"], **headers},
    )
    return yaml.safe_dump({"interactions": [chat], "version": 1}, sort_keys=False), keys
