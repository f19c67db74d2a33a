"""Cassettes with secrets planted in every position Tapedeck masks (docs/SECURITY.md, the rules).

A position is where a recorder may leave a credential: a header (by name), a URL query
parameter, a URL inside a header value, the Credential/Signature parts of an AWS SigV4
Authorization, a URL password or token user, a body field named for a credential (JSON at any
escape depth, forms, multipart), tool arguments and results of every API shape, a key-shaped
string of a known provider in free text, a key split across stream chunks, a key inside Bedrock's
binary event-stream, and an error message that echoes the key.

The cassette is vcrpy YAML (binary bodies as `!!binary`), written by `planted_cassette`; each
position's secret goes through `shaped` first, so a row that needs a shape (a `ghp_` user, an
18-digit number) gets one built from the random secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import string
from typing import Any

import yaml

from tests.apis.native_fixtures import event_frame

REQUEST_HEADERS = [
    "Authorization",
    "Proxy-Authorization",
    "X-Api-Key",
    "Api-Key",
    "X-Goog-Api-Key",
    "Cookie",
    "X-Session-Token",
    "X-Amz-Security-Token",
    "X-Client-Secret",
    "X-Request-Signature",
    "X-Credential",
    "Anthropic-Key",
    "apikey",
    "X-Authorization",
    "X_API_KEY",
    "Cf-Access-Jwt-Assertion",
]
RESPONSE_HEADERS = ["Set-Cookie", "X-Session-Token"]
QUERY_PARAMS = [
    "key",
    "api_key",
    "apikey",
    "token",
    "access_token",
    "sig",
    "signature",
    "X-Amz-Signature",
    "X-Amz-Credential",
    "X-Amz-Security-Token",
    "X-Goog-Signature",
    "client_secret",
    "auth",
    "api-key",
    "x-goog-api-key",
]
# A URL inside a header value: (side, header name, parameter).
HEADER_URLS = [
    ("response", "Location", "X-Amz-Security-Token"),
    ("response", "X-Goog-Upload-URL", "key"),
    ("request", "Referer", "api_key"),
    ("request", ":path", "key"),
]
SIGV4_PARTS = ["Credential", "Signature"]
# JSON request fields: plain, a name with a space, an escaped name, a number, a list.
REQUEST_FIELDS = [
    "api_key",
    "apiKey",
    "api key",
    "api\\u005fkey",
    "number:pin_password",
    "list:api_keys",
]
TOKEN_FORM_FIELDS = ["client_secret", "password"]
TOKEN_ANSWER_FIELDS = ["access_token", "refresh_token"]
KEY_PROVIDERS = [
    "openai",
    "openai-project",
    "anthropic",
    "google",
    "aws",
    "aws-session",
    "github",
    "github-oauth",
    "github-pat",
    "slack",
    "pinecone",
    "huggingface",
    "stripe-live",
    "stripe-test",
    "stripe-restricted",
    "jwt",
]
TOKEN_URL = "https://auth.example.com/oauth/token"

POSITIONS: list[str] = [
    *(f"request-header:{h}" for h in REQUEST_HEADERS),
    *(f"response-header:{h}" for h in RESPONSE_HEADERS),
    *(f"query:{q}" for q in QUERY_PARAMS),
    *(f"header-url:{side}:{h}:{p}" for side, h, p in HEADER_URLS),
    *(f"sigv4:{p}" for p in SIGV4_PARTS),
    "url-password",
    "url-user",
    *(f"request-field:{f}" for f in REQUEST_FIELDS),
    *(f"token-form:{f}" for f in TOKEN_FORM_FIELDS),
    *(f"token-answer:{f}" for f in TOKEN_ANSWER_FIELDS),
    "form:ends-in-newline",
    "form:user[password]",
    "form:over-64-kb",
    "multipart:api_key",
    "openai-tool-arguments:password",
    "openai-tool-result:api_key",
    "gemini-tool-args:password",
    "anthropic-tool-input:api_key",
    *(f"prompt-key:{k}" for k in KEY_PROVIDERS),
    "answer-key:github",
    "split-stream-key",
    "bedrock-stream-key",
    "error-message",
]
SECRET_ALPHABET = string.ascii_letters + string.digits + "-_"
QUESTION = "Which planet is the largest?"
OPENAI = "https://api.openai.com/v1/chat/completions"
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3/converse"
BEDROCK_STREAM = (
    "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
    "anthropic.claude-3-5-sonnet-20240620-v1:0/invoke-with-response-stream"
)
GEMINI = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
ANTHROPIC = "https://api.anthropic.com/v1/messages"
_PAD = "Zq8Xw2Lm4Np6Rt0Vb3Hk7Jc5Gd1Fs9Ya"


def random_secret(n: int = 40) -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(n))


def _core(secret: str, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    """`n` characters of `alphabet` that start with the secret's own and hold a letter and a
    digit (the pad brings both)."""
    own = "".join(c for c in secret if c in alphabet)
    pad = "".join(c for c in _PAD if c in alphabet)
    return (own[: n - 6] + pad)[:n]


def key_of(provider: str, secret: str) -> str:
    """A key of `provider`'s shape, made from `secret`."""
    core = _core(secret, 40)
    return {
        "openai": "sk-" + core + "T3BlbkFJ",
        "openai-project": "sk-proj-" + core,
        "anthropic": "sk-ant-api03-" + core,
        "google": "AIza" + _core(secret, 35),
        "aws": "AKIA" + _core(secret.upper(), 16, string.ascii_uppercase + string.digits),
        "aws-session": "ASIA" + _core(secret.upper(), 16, string.ascii_uppercase + string.digits),
        "github": "ghp_" + _core(secret, 36),
        "github-oauth": "gho_" + _core(secret, 36),
        "github-pat": "github_pat_11" + core,
        "slack": "xoxb-1234567890-" + core,
        "pinecone": "pcsk_" + core,
        "huggingface": "hf_" + _core(secret, 34),
        "stripe-live": "sk_live_51" + core,
        "stripe-test": "sk_test_51" + core,
        "stripe-restricted": "rk_live_51" + core,
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi" + core + ".s1G" + _core(secret[::-1], 30),
    }[provider]


def shaped(position: str, secret: str) -> str:
    """The value planted at `position` for a random `secret`."""
    kind, _, name = position.partition(":")
    if kind in ("prompt-key", "answer-key"):
        return key_of(name, secret)
    if position in ("url-user", "split-stream-key", "bedrock-stream-key"):
        return key_of("github" if position == "url-user" else "openai-project", secret)
    if position == "request-field:number:pin_password":
        return str(int(hashlib.sha256(secret.encode()).hexdigest(), 16))[:18].lstrip("0") or "9"
    if position == "error-message":
        return _core(secret, 32, SECRET_ALPHABET)
    return secret


def _http(
    url: str,
    request: str | None,
    response: str | bytes,
    *,
    status: int = 200,
    request_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    headers = {"Content-Type": [content_type]}
    headers.update({k: [v] for k, v in (response_headers or {}).items()})
    return {
        "request": {
            "body": request,
            "headers": {k: [v] for k, v in (request_headers or {}).items()},
            "method": "POST",
            "uri": url,
        },
        "response": {
            "body": {"string": response},
            "headers": headers,
            "status": {"code": status, "message": "OK" if status < 400 else "Unauthorized"},
        },
    }


def _chat_answer(text: str) -> str:
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }
    )


def _openai_call(p: dict[str, str], reply: str) -> dict[str, Any]:
    """Headers, query parameters, URL user info, header URLs, JSON fields, tool arguments and
    results, and key-shaped strings in the prompt."""
    req_headers: dict[str, str] = {}
    resp_headers: dict[str, str] = {}
    params = ["stream=false"]
    host = "api.openai.com"
    for position, value in p.items():
        kind, _, name = position.partition(":")
        if kind == "request-header":
            req_headers[name] = f"Bearer {value}" if name.endswith("Authorization") else value
        elif kind == "response-header":
            resp_headers[name] = value
        elif kind == "query":
            params.append(f"{name}={value}")
        elif kind == "header-url":
            side, _, rest = name.partition(":")
            header, _, param = rest.rpartition(":")
            if header == ":path":
                url = f"/v1/chat/completions?{param}={value}"
            else:
                url = f"https://storage.example.com/upload/o?upload_id=1&{param}={value}"
            (req_headers if side == "request" else resp_headers)[header] = url
        elif position == "url-password":
            host = f"user:{value}@api.openai.com"
    keys = [v for k, v in p.items() if k.startswith("prompt-key:")]
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": f"{QUESTION} My keys: {' and '.join(keys) or 'none'}."}
    ]
    if "openai-tool-arguments:password" in p or "openai-tool-result:api_key" in p:
        args = json.dumps({"user": "ada", "password": p.get("openai-tool-arguments:password", "-")})
        result = json.dumps({"ok": True, "api_key": p.get("openai-tool-result:api_key", "-")})
        messages += [
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "login", "arguments": args},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": result},
        ]
    body = json.dumps({"model": "gpt-4o-mini", "messages": messages})
    fields = []
    for position, value in p.items():
        kind, _, name = position.partition(":")
        if kind != "request-field":
            continue
        if name.startswith("number:"):
            fields.append(f'"{name[7:]}": {value}')
        elif name.startswith("list:"):
            fields.append(f'"{name[5:]}": ["{value}"]')
        else:
            fields.append(f'"{name}": "{value}"')  # `api\u005fkey` stays escaped, as recorded
    if fields:
        body = body[:-1] + ", " + ", ".join(fields) + "}"
    answer = reply
    if "answer-key:github" in p:
        answer += f" (your token {p['answer-key:github']} works)"
    return _http(
        f"https://{host}/v1/chat/completions?{'&'.join(params)}",
        body,
        _chat_answer(answer),
        request_headers=req_headers,
        response_headers=resp_headers,
    )


def _bedrock_sigv4(p: dict[str, str], reply: str) -> dict[str, Any]:
    sigv4 = {"Credential": "AKIAEXAMPLE/20240101/us-east-1/bedrock/aws4_request", "Signature": "0"}
    for part in SIGV4_PARTS:
        sigv4[part] = p.get(f"sigv4:{part}", sigv4[part])
    auth = (
        f"AWS4-HMAC-SHA256 Credential={sigv4['Credential']}, "
        f"SignedHeaders=host;x-amz-date, Signature={sigv4['Signature']}"
    )
    converse = {
        "output": {"message": {"role": "assistant", "content": [{"text": reply}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
    }
    return _http(
        BEDROCK,
        json.dumps({"messages": [{"role": "user", "content": [{"text": QUESTION}]}]}),
        json.dumps(converse),
        request_headers={"Authorization": auth, "X-Amz-Date": "20240101T000000Z"},
    )


def _token_endpoint(p: dict[str, str]) -> dict[str, Any]:
    form = ["grant_type=client_credentials"]
    form += [f"{f}={p[f'token-form:{f}']}" for f in TOKEN_FORM_FIELDS if f"token-form:{f}" in p]
    answer: dict[str, Any] = {"token_type": "Bearer", "expires_in": 3600}
    for f in TOKEN_ANSWER_FIELDS:
        if f"token-answer:{f}" in p:
            answer[f] = p[f"token-answer:{f}"]
    user = f"{p['url-user']}@" if "url-user" in p else ""  # a token as the user, no password
    return _http(
        TOKEN_URL.replace("://", f"://{user}"),
        "&".join(form),
        json.dumps(answer),
        request_headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def _forms(p: dict[str, str]) -> list[dict[str, Any]]:
    """Form bodies the plain `a=b&c=d` rule missed: a final newline, a bracketed name, a body
    over 64 KB, and a multipart upload."""
    out = []
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    if "form:ends-in-newline" in p:
        body = f"grant_type=password&username=ada&password={p['form:ends-in-newline']}\n"
        out.append(_http(TOKEN_URL, body, '{"ok": true}', request_headers=form))
    if "form:user[password]" in p:
        body = f"user[name]=ada&user[password]={p['form:user[password]']}"
        out.append(_http(TOKEN_URL, body, '{"ok": true}', request_headers=form))
    if "form:over-64-kb" in p:
        body = f"note={'a' * 70_000}&client_secret={p['form:over-64-kb']}"
        out.append(_http(TOKEN_URL, body, '{"ok": true}', request_headers=form))
    if "multipart:api_key" in p:
        body = (
            "--b0undary\r\n"
            'Content-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n'
            "--b0undary\r\n"
            'Content-Disposition: form-data; name="api_key"\r\n\r\n'
            f"{p['multipart:api_key']}\r\n"
            "--b0undary\r\n"
            'Content-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: audio/wav\r\n\r\nRIFF0000WAVEfmt \r\n"
            "--b0undary--\r\n"
        )
        multipart = {"Content-Type": "multipart/form-data; boundary=b0undary"}
        out.append(
            _http(
                "https://api.openai.com/v1/audio/transcriptions",
                body,
                '{"text": "hello"}',
                request_headers=multipart,
            )
        )
    return out


def _gemini_tool(p: dict[str, str]) -> dict[str, Any]:
    call = {"name": "login", "args": {"user": "ada", "password": p["gemini-tool-args:password"]}}
    answer = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"functionCall": call}]},
                "finishReason": "STOP",
            }
        ],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 3, "totalTokenCount": 8},
        "modelVersion": "gemini-2.5-flash",
    }
    ask = {"contents": [{"role": "user", "parts": [{"text": "Log in as ada."}]}]}
    return _http(GEMINI, json.dumps(ask), json.dumps(answer))


def _anthropic_tool(p: dict[str, str]) -> dict[str, Any]:
    use = {
        "type": "tool_use",
        "id": "toolu_1",
        "name": "search",
        "input": {"q": "weather", "api_key": p["anthropic-tool-input:api_key"]},
    }
    answer = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-sonnet-20240620",
        "content": [use],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 5, "output_tokens": 3},
    }
    ask = {
        "model": "claude-3-5-sonnet-20240620",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "Search the weather."}],
    }
    return _http(ANTHROPIC, json.dumps(ask), json.dumps(answer))


def _split_stream(key: str) -> dict[str, Any]:
    """An OpenAI stream whose answer holds a key cut in two chunks: no chunk has the whole key."""
    cut = 10
    events = []
    for piece in ("Your key is ", key[:cut], key[cut:], "."):
        chunk = {
            "id": "chatcmpl-2",
            "object": "chat.completion.chunk",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        events.append(f"data: {json.dumps(chunk)}\n\n")
    events.append("data: [DONE]\n\n")
    ask = json.dumps(
        {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "key?"}]}
    )
    return _http(OPENAI, ask, "".join(events), content_type="text/event-stream")


def _bedrock_stream(key: str) -> dict[str, Any]:
    """Anthropic on Bedrock, streamed: events are base64 inside binary event-stream frames."""
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_2",
                "type": "message",
                "role": "assistant",
                "model": "claude-3-5-sonnet-20240620",
                "content": [],
                "usage": {"input_tokens": 5, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": f"Use {key} for that."},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 6},
        },
        {"type": "message_stop"},
    ]
    frames = b"".join(
        event_frame("chunk", {"bytes": base64.b64encode(json.dumps(e).encode()).decode()})
        for e in events
    )
    ask = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 100,
            "messages": [{"role": "user", "content": "key?"}],
        }
    )
    return _http(BEDROCK_STREAM, ask, frames, content_type="application/vnd.amazon.eventstream")


def _error(secret: str) -> dict[str, Any]:
    message = f"Incorrect API key provided: {secret}. You can find your API key in your account."
    answer = {
        "error": {"message": message, "type": "invalid_request_error", "code": "invalid_api_key"}
    }
    ask = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
    return _http(OPENAI, ask, json.dumps(answer), status=401)


def planted_cassette(planted: dict[str, str], reply: str = "Jupiter.") -> str:
    """Interactions carrying each `position -> value` (values already `shaped`): an OpenAI chat,
    Bedrock with SigV4 and an OAuth token endpoint always; the others when a position needs them."""
    interactions = [
        _openai_call(planted, reply),
        _bedrock_sigv4(planted, reply),
        _token_endpoint(planted),
    ]
    interactions += _forms(planted)
    if "gemini-tool-args:password" in planted:
        interactions.append(_gemini_tool(planted))
    if "anthropic-tool-input:api_key" in planted:
        interactions.append(_anthropic_tool(planted))
    if "split-stream-key" in planted:
        interactions.append(_split_stream(planted["split-stream-key"]))
    if "bedrock-stream-key" in planted:
        interactions.append(_bedrock_stream(planted["bedrock-stream-key"]))
    if "error-message" in planted:
        interactions.append(_error(planted["error-message"]))
    return yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, width=100)


def interaction_count(planted: dict[str, str]) -> int:
    return len(yaml.safe_load(planted_cassette(planted))["interactions"])


def leaked(output: str, secrets_: list[str], control: str = "") -> list[str]:
    """Secrets whose unmasked part (all past the 4 characters a mask may keep) shows in output.

    `control` is the same output made with another secret in the same place: text found there
    too (a generated secret whose tail is `oning_tokens` matches `reasoning_tokens`) is the
    page's own words, not a leak.
    """
    return [s for s in secrets_ if s[4:] in output and s[4:] not in control]
