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
from itertools import pairwise
from typing import Any, NamedTuple
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


# ---- credentials in body fields ----------------------------------------------------------------
# Token endpoints answer with `access_token`; search and tool APIs take `api_key` in the JSON
# body; OAuth forms post `client_secret`. A field's name says what it holds, as a header's does.
# Names are split into words (snake, kebab and camel case). `key` alone and `signature` are left
# out: tool arguments and Anthropic's thinking blocks use them for data that is no secret. Values
# follow lint's rule: 12 characters or fewer, or a placeholder, are left as they are.
_FIELD_WORDS = frozenset(
    {
        "token",
        "secret",
        "password",
        "passwd",
        "passphrase",
        "credential",
        "credentials",
        "authorization",
        "apikey",
    }
)
# `next_page_token`, `nextPageToken`, `cursor_token`: where to continue a listing, not a secret.
_PAGING_WORDS = frozenset({"page", "next", "cursor", "continuation"})
_KEY_KINDS = frozenset({"api", "access", "private", "secret", "client", "subscription", "master"})
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# Substrings every secret field name contains; only around them is the body examined, so a
# megabyte stream without one costs one lower-casing and a few substring searches.
_TRIGGERS = ("token", "secret", "pass", "credential", "authorization", "key")
_TRIGGER_ANY_CASE = re.compile("|".join(_TRIGGERS), re.IGNORECASE)
_JSON_FIELD = re.compile(r'"([A-Za-z0-9_.\-]{1,64})"\s*:\s*"((?:[^"\\]|\\.)*)"')
_FORM = re.compile(r"[\w.%+\-]+=[^&\s]*(?:&[\w.%+\-]+=[^&\s]*)*")
_FORM_LIMIT = 64 * 1024


def is_secret_field(name: str) -> bool:
    words = [w.lower() for w in _NAME_WORD.findall(name)]
    if _PAGING_WORDS.intersection(words):
        return False
    if _FIELD_WORDS.intersection(words):
        return True
    return any(a in _KEY_KINDS and b == "key" for a, b in pairwise(words))


class FieldSecret(NamedTuple):
    """Where a secret field's value sits in a body's text, and what it is called."""

    start: int
    end: int
    name: str
    value: str


def field_secrets(text: str) -> list[FieldSecret]:
    """Values of secret-named fields in a JSON or form-encoded body, placeholders left out."""
    found: list[FieldSecret] = []
    if len(text) <= _FORM_LIMIT and "=" in text and _FORM.fullmatch(text):
        pos = 0
        for piece in text.split("&"):
            name, _, value = piece.partition("=")
            plain = _unquote(value)
            if (is_secret_field(_unquote(name)) or is_secret_param(_unquote(name))) and (
                not is_placeholder(plain)
            ):
                start = pos + len(name) + 1
                found.append(FieldSecret(start, start + len(value), _unquote(name), plain))
            pos += len(piece) + 1
        return found
    tried: set[int] = set()
    for at in _trigger_positions(text):
        quote = text.rfind('"', max(0, at - 64), at)
        if quote < 0 or quote in tried:
            continue
        tried.add(quote)
        m = _JSON_FIELD.match(text, quote)
        if m is not None and m.end(1) > at and is_secret_field(m[1]) and not is_placeholder(m[2]):
            found.append(FieldSecret(m.start(2), m.end(2), m[1], m[2]))
    return sorted(found)


def _trigger_positions(text: str) -> Iterator[int]:
    """Where a trigger word starts in `text`, whatever its case."""
    low = text.lower()
    if len(low) != len(text):  # a few characters (İ) grow when lower-cased: positions would drift
        yield from (m.start() for m in _TRIGGER_ANY_CASE.finditer(text))
        return
    for word in _TRIGGERS:
        at = low.find(word)
        while at >= 0:
            yield at
            at = low.find(word, at + len(word))


def mask_fields(text: str) -> str:
    """`text` with every secret field's value masked; the very same object when there is none,
    so a caller can tell cheaply that nothing was hidden."""
    found = field_secrets(text)
    if not found:
        return text
    out: list[str] = []
    pos = 0
    for f in found:
        masked = mask_value(text[f.start : f.end])  # as recorded: escaped, or percent-encoded
        kept = masked[:-1]
        if (len(kept) - len(kept.rstrip("\\"))) % 2:  # never end on half a JSON escape
            masked = kept[:-1] + "…"
        out += [text[pos : f.start], masked]
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def mask_keys_in_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_keys(value)
    if isinstance(value, list):
        return [mask_keys_in_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_keys_in_value(v) for k, v in value.items()}
    return value
