"""Cassettes with secrets planted in every position the contract says is masked.

A position is where a recorder may leave a credential: a header (by name), a URL query
parameter, the Credential/Signature parts of an AWS SigV4 Authorization, or a URL password.
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

POSITIONS: list[str] = [
    *(f"request-header:{h}" for h in REQUEST_HEADERS),
    *(f"response-header:{h}" for h in RESPONSE_HEADERS),
    *(f"query:{q}" for q in QUERY_PARAMS),
    *(f"sigv4:{p}" for p in SIGV4_PARTS),
    "url-password",
]
SECRET_ALPHABET = string.ascii_letters + string.digits + "-_"
QUESTION = "Which planet is the largest?"
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3/converse"


def random_secret(n: int = 40) -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(n))


def planted_cassette(planted: dict[str, str], reply: str = "Jupiter.") -> str:
    """Two interactions (OpenAI chat, Bedrock with SigV4) carrying each `position -> secret`."""
    req_headers: dict[str, list[str]] = {}
    resp_headers: dict[str, list[str]] = {"Content-Type": ["application/json"]}
    params: list[str] = []
    host = "api.openai.com"
    sigv4 = {"Credential": "AKIAEXAMPLE/20240101/us-east-1/bedrock/aws4_request", "Signature": "0"}
    for position, secret in planted.items():
        kind, _, name = position.partition(":")
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
    ask = chat_request([{"role": "user", "content": QUESTION}])
    auth = (
        f"AWS4-HMAC-SHA256 Credential={sigv4['Credential']}, "
        f"SignedHeaders=host;x-amz-date, Signature={sigv4['Signature']}"
    )
    converse: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": [{"text": reply}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 5, "outputTokens": 2, "totalTokens": 7},
    }
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
    )


def leaked(output: str, secrets_: list[str]) -> list[str]:
    """Secrets whose unmasked part (all past the 4 characters a mask may keep) shows in output."""
    return [s for s in secrets_ if s[4:] in output]
