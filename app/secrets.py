"""Secret masking: the one module every output path goes through.

Recordings often keep API keys in headers or URLs even when the recorder was told to filter
them. Nothing Tapedeck prints, serves or exports may show one, so masking happens when an
interaction is decoded, before any presenter sees it. Keys also turn up in free text (prompts,
echoed config); `mask_keys` finds them by shape for the paths that show text, and lint uses the
same shapes and the same placeholder rule to report them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from app.model import Headers

_ALWAYS = {
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "cookie",
    "set-cookie",
}
_WORDS = {"token", "secret", "key", "session", "signature", "credential"}
_QUERY = {
    "key",
    "api_key",
    "apikey",
    "token",
    "access_token",
    "sig",
    "signature",
    "x-amz-signature",
    "x-amz-credential",
}
_SIGV4 = re.compile(r"((?:Credential|Signature)=)([^,\s]+)")

# Values recorders write on purpose in place of a secret; never "leaked".
_PLACEHOLDERS = re.compile(
    r"^[\W_]*(redacted|filtered|dummy|test|fake|mock|placeholder|xxx+|\*+|none|null|"
    r"hidden|removed|scrubbed|masked|secret|api[-_]?key|your[-_ ].*|sk-?x+|<.*>|\{\{.*\}\}|"
    r"\$\{.*\}|bearer\s+(redacted|filtered|dummy|test|fake|mock|placeholder|x+|\*+|<.*>))[\W_]*$",
    re.IGNORECASE,
)
# Recorders and test suites also write placeholders with a word in them rather than alone
# (`DUMMY_GOOGLE_API_KEY`, `X-API-KEY-XXX`, `Bearer test-api-key`): a whole word is enough.
_PLACEHOLDER_WORDS = frozenset(
    {"redacted", "filtered", "dummy", "test", "fake", "mock", "placeholder", "xxx", "example"}
)
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")

# Key shapes common enough in bodies (a key pasted into a prompt, echoed config) to look for.
_KEYS = re.compile(
    r"(?<![A-Za-z0-9_-])(?:"
    r"sk-[A-Za-z0-9_-]{20,}"  # OpenAI, Anthropic (sk-ant-), OpenRouter (sk-or-)
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|xox[abposr]-[0-9A-Za-z-]{10,}"  # Slack tokens
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"  # AWS access key ids
    r")(?![A-Za-z0-9_-])"
)


def is_secret_header(name: str) -> bool:
    lname = name.lower()
    if lname in _ALWAYS:
        return True
    return any(word in _WORDS for word in lname.split("-"))


def mask_value(value: str) -> str:
    """Keep at most the first 4 characters of a long value; hide a short one whole."""
    if len(value) > 12:
        return value[:4] + "…"
    return "…"


def mask_header_value(name: str, value: str) -> str:
    lname = name.lower()
    if lname == "authorization" and "AWS4-HMAC-SHA256" in value:
        return _SIGV4.sub(lambda m: m.group(1) + mask_value(m.group(2)), value)
    if is_secret_header(name):
        return mask_value(value)
    return value


def mask_headers(headers: Headers) -> Headers:
    return tuple((k, mask_header_value(k, v)) for k, v in headers)


def is_secret_param(name: str) -> bool:
    return name.lower() in _QUERY


def mask_url(url: str) -> str:
    """Mask secret query parameters, and any password in the URL's user info."""
    if "?" not in url and "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user, sep, password = userinfo.partition(":")
        if sep:
            netloc = f"{user}:{mask_value(password)}@{hostport}"
    query = parts.query
    if query:
        pieces = []
        for piece in query.split("&"):
            name, eq, value = piece.partition("=")
            if eq and is_secret_param(_unquote(name)):
                pieces.append(f"{name}={mask_value(_unquote(value))}")
            else:
                pieces.append(piece)
        query = "&".join(pieces)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _unquote(text: str) -> str:
    pairs = parse_qsl("x=" + text, keep_blank_values=True)
    return pairs[0][1] if pairs else text


def is_placeholder(value: str) -> bool:
    """True for values a recorder wrote on purpose instead of the secret: masking one again, or
    reporting it as a leak, would only be noise."""
    v = value.strip()
    if v.lower().startswith("bearer "):
        v = v[7:].strip()
    if len(v) <= 12 or _PLACEHOLDERS.match(v) or "…" in v:
        return True
    words = {w.lower() for w in _WORD_SPLIT.split(v)}
    return bool(words & _PLACEHOLDER_WORDS) or any(len(w) >= 3 and set(w) == {"x"} for w in words)


def leaked_keys(text: str) -> Iterator[str]:
    """Key-shaped secrets in free text (a key pasted into a prompt, echoed config): a leak as
    real as one in a header, though no header or parameter name points at it."""
    for match in _KEYS.finditer(text):
        if not is_placeholder(match.group(0)):
            yield match.group(0)


def mask_keys(text: str) -> str:
    """Mask every key-shaped secret in free text (placeholders like `sk-xxxx…` stay)."""
    return _KEYS.sub(
        lambda m: m.group(0) if is_placeholder(m.group(0)) else mask_value(m.group(0)), text
    )


def mask_keys_in_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_keys(value)
    if isinstance(value, list):
        return [mask_keys_in_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_keys_in_value(v) for k, v in value.items()}
    return value
