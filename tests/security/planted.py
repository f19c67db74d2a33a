"""Cassettes with secrets planted in every position Tapedeck masks.

A position is where a recorder may leave a credential: a header (by name), a URL query
parameter, the Credential/Signature parts of an AWS SigV4 Authorization, a URL password (the
contract's list), or a body field named for a credential: a JSON request field, and the form
and JSON answer of an OAuth token endpoint (README, "Secrets in bodies").
"""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from tests.builders import chat_request, chat_response
from tests.web.samples import exchange, govcr

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
]
SIGV4_PARTS = ["Credential", "Signature"]
REQUEST_FIELDS = ["api_key", "apiKey"]
TOKEN_FORM_FIELDS = ["client_secret", "password"]
TOKEN_ANSWER_FIELDS = ["access_token", "refresh_token"]
TOKEN_URL = "https://auth.example.com/oauth/token"

POSITIONS: list[str] = [
    *(f"request-header:{h}" for h in REQUEST_HEADERS),
    *(f"response-header:{h}" for h in RESPONSE_HEADERS),
    *(f"query:{q}" for q in QUERY_PARAMS),
    *(f"sigv4:{p}" for p in SIGV4_PARTS),
    "url-password",
    *(f"request-field:{f}" for f in REQUEST_FIELDS),
    *(f"token-form:{f}" for f in TOKEN_FORM_FIELDS),
    *(f"token-answer:{f}" for f in TOKEN_ANSWER_FIELDS),
]
SECRET_ALPHABET = string.ascii_letters + string.digits + "-_"
QUESTION = "Which planet is the largest?"
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3/converse"


def random_secret(n: int = 40) -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(n))


def planted_cassette(planted: dict[str, str], reply: str = "Jupiter.") -> str:
    """Three interactions (OpenAI chat, Bedrock with SigV4, an OAuth token endpoint) carrying
    each `position -> secret`."""
    req_headers: dict[str, list[str]] = {}
    resp_headers: dict[str, list[str]] = {"Content-Type": ["application/json"]}
    params: list[str] = []
    host = "api.openai.com"
    sigv4 = {"Credential": "AKIAEXAMPLE/20240101/us-east-1/bedrock/aws4_request", "Signature": "0"}
    fields: dict[str, str] = {}
    form = ["grant_type=client_credentials"]
    answer: dict[str, Any] = {"token_type": "Bearer", "expires_in": 3600}
    for position, secret in planted.items():
        kind, _, name = position.partition(":")
        if kind == "request-field":
            fields[name] = secret
            continue
        if kind == "token-form":
            form.append(f"{name}={secret}")
            continue
        if kind == "token-answer":
            answer[name] = secret
            continue
        if kind == "request-header":
            value = f"Bearer {secret}" if name.endswith("Authorization") else secret
            req_headers[name] = [value]
        elif kind == "response-header":
            resp_headers[name] = [secret]
        elif kind == "query":
            params.append(f"{name}={secret}")
        elif kind == "sigv4":
            sigv4[name] = secret
        else:
            host = f"user:{secret}@api.openai.com"
    query = ("?" + "&".join(["stream=false", *params])) if params else ""
    ask = json.dumps(
        {**json.loads(chat_request([{"role": "user", "content": QUESTION}])), **fields}
    )
    auth = (
        f"AWS4-HMAC-SHA256 Credential={sigv4['Credential']}, "
        f"SignedHeaders=host;x-amz-date, Signature={sigv4['Signature']}"
    )
    converse: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": [{"text": reply}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
    }
    token = exchange("&".join(form), json.dumps(answer), url=TOKEN_URL)
    return govcr(
        exchange(
            ask,
            chat_response(reply),
            url=f"https://{host}/v1/chat/completions{query}",
            request_headers=req_headers,
            response_headers=resp_headers,
        ),
        exchange(
            json.dumps({"messages": [{"role": "user", "content": [{"text": QUESTION}]}]}),
            json.dumps(converse),
            url=BEDROCK,
            request_headers={"Authorization": [auth], "X-Amz-Date": ["20240101T000000Z"]},
        ),
        token,
    )


def is_body_field(position: str) -> bool:
    """Body fields follow lint's rule: a placeholder value is left as recorded."""
    return position.split(":", 1)[0] in ("request-field", "token-form", "token-answer")


def leaked(output: str, secrets_: list[str], control: str = "") -> list[str]:
    """Secrets whose unmasked part (all past the 4 characters a mask may keep) shows in output.

    `control` is the same output made with another secret in the same place: text found there
    too (a generated secret whose tail is `oning_tokens` matches `reasoning_tokens`) is the
    page's own words, not a leak.
    """
    return [s for s in secrets_ if s[4:] in output and s[4:] not in control]
