"""Secret masking: the one module every output path goes through.

Recordings keep API keys in headers, URLs, body fields, tool arguments (JSON inside a JSON
string), error messages and stream chunks, even when the recorder was told to filter them.
Nothing Tapedeck prints, serves or exports may show one, so `mask_interaction` masks the whole
decoded Interaction (every string at any depth) before any presenter, the index or the export
sees it. Lint runs the very same walk in report mode, so what is masked and what is reported
can never drift apart. The rules are listed in docs/SECURITY.md ("Secrets: the rules").
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

from app.model import (
    Chunk,
    CitationPart,
    Headers,
    Interaction,
    Message,
    Part,
    ReasoningPart,
    RefusalPart,
    TextPart,
    Tool,
    ToolCallPart,
    ToolResultPart,
    UnknownPart,
)

_T = TypeVar("_T")

# ---- placeholders ------------------------------------------------------------------------------
# Values recorders write on purpose in place of a secret; never "leaked", never worth masking.
_PLACEHOLDERS = re.compile(
    r"^[\W_]*(redacted|filtered|dummy|test|fake|mock|placeholder|xxx+|\*+|none|null|"
    r"hidden|removed|scrubbed|masked|sanitized|secret|api[-_]?key|your[-_ ].*|sk-?x+|<.*>|"
    r"\{\{.*\}\}|\$\{.*\}|\$[A-Z_][A-Z0-9_]*|%\(.*\)s)[\W_]*$",
    re.IGNORECASE,
)
# Recorders and test suites also write placeholders with a word in them rather than alone
# (`DUMMY_GOOGLE_API_KEY`, `X-API-KEY-XXX`, `Bearer test-api-key`, `SCRUBBED_TOKEN`).
_PLACEHOLDER_WORDS = frozenset(
    {
        "redacted",
        "filtered",
        "dummy",
        "test",
        "fake",
        "mock",
        "placeholder",
        "xxx",
        "example",
        "scrubbed",
        "sanitized",
        "masked",
        "changeme",
    }
)
_PLACEHOLDER_STARTS = ("test", "fake", "dummy", "mock", "example", "your", "placeholder")
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+")
# An auth scheme before the value (`Bearer <token>`, `Token <DEEPGRAM_API_KEY>`).
_SCHEME = re.compile(r"^(?:bearer|token|basic|apikey|api-key|key)\s+", re.IGNORECASE)
# The name of an environment variable standing in for its value: `OPENAI_API_KEY`.
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_ENV_WORDS = frozenset({"KEY", "TOKEN", "SECRET", "PASSWORD", "API", "CREDENTIALS"})

# ---- key shapes of known providers --------------------------------------------------------------
# One compiled alternation, so free text is scanned once whatever the number of providers.
_KEY_SHAPES = (
    ("anthropic", r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("openai", r"sk-[A-Za-z0-9_-]{20,}"),  # sk-proj-, sk-svcacct-, OpenRouter's sk-or-
    ("stripe", r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("google", r"AIza[0-9A-Za-z_-]{35}"),
    ("aws", r"(?:AKIA|ASIA)[0-9A-Z]{16}"),
    ("github", r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"),
    ("slack", r"xox[abposr]-[0-9A-Za-z-]{10,}"),
    ("pinecone", r"pcsk_[A-Za-z0-9_]{20,}"),
    ("huggingface", r"hf_[A-Za-z0-9]{30,}"),
    ("jwt", r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
)
_KEYS = re.compile(
    r"(?:(?<![A-Za-z0-9_-])|(?<=\\[nrt]))(?:"
    + "|".join(f"(?P<{name}>{shape})" for name, shape in _KEY_SHAPES)
    + r")(?![A-Za-z0-9_-])"
)
# Two or three characters every shape contains, few of them common in JSON or prose: one pass
# of this rules out almost every text before the full pattern runs (3x faster than `_KEYS`).
_KEY_HINT = re.compile(r"k(?<=[sr]k)[-_]|A[IKS]|yJ|xox|h[pousrf]_|_pat_")
# The fixed start of a key: what follows it is judged as a placeholder would be (`sk-xxxx…`,
# `sk-test-…` are written by test suites; Stripe's `sk_test_` is a real test-mode key).
_KEY_PREFIX = re.compile(
    r"^(?:sk-ant-(?:api\d\d-|admin\d\d-)?|sk-(?:proj-|svcacct-|admin-|or-v1-|or-)?|"
    r"(?:sk|rk)_(?:live|test)_|AIza|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|pcsk_|hf_)"
)


def mask_value(value: str) -> str:
    """Keep at most the first 4 characters of a long value; hide a short one whole."""
    if len(value) > 12:
        return value[:4] + "…"
    return "…"


def is_placeholder(value: str) -> bool:
    """True for values a recorder wrote on purpose instead of the secret: masking one again, or
    reporting it as a leak, would only be noise."""
    v = _SCHEME.sub("", value.strip(), count=1).strip()
    if len(v) <= 12 or "…" in v:
        return True
    key = _KEYS.fullmatch(v)
    if key is not None:
        prefix = _KEY_PREFIX.match(v)
        rest = v[prefix.end() :] if prefix else v
        return _placeholder_words(rest)
    if _PLACEHOLDERS.match(v) or v.lower().startswith(_PLACEHOLDER_STARTS):
        return True
    if _ENV_NAME.match(v) and _ENV_WORDS.intersection(v.split("_")):
        return True
    return _placeholder_words(v)


def _placeholder_words(v: str) -> bool:
    words = {w.lower() for w in _WORD_SPLIT.split(v)}
    if words & _PLACEHOLDER_WORDS:
        return True
    if any(len(w) >= 3 and set(w) == {"x"} for w in words):
        return True
    core = v.strip("*._-<>")
    return len(set(core)) <= 2  # `************`, `0000000000000000`


# ---- names that say "credential" ----------------------------------------------------------------
_ALWAYS_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "apikey",
        "x-goog-api-key",
        "x-authorization",
        "cookie",
        "set-cookie",
        "cf-access-jwt-assertion",
    }
)
_HEADER_WORDS = frozenset(
    {
        "token",
        "secret",
        "key",
        "session",
        "signature",
        "credential",
        "apikey",
        "authorization",
        "password",
        "jwt",
    }
)
_HEADER_SPLIT = re.compile(r"[-_\s]+")


@lru_cache(maxsize=4096)
def is_secret_header(name: str) -> bool:
    """The contract's list, plus words split on `_` as on `-` (`X_API_KEY`). Rate-limit headers
    (`X-Ratelimit-Key`, `X-Ratelimit-Remaining-Tokens`) name a quota, never a credential."""
    lname = name.lower().strip()
    if lname in _ALWAYS_HEADERS:
        return True
    words = _HEADER_SPLIT.split(lname.lstrip(":"))
    if "ratelimit" in words or ("rate" in words and "limit" in words):
        return False
    return any(word in _HEADER_WORDS for word in words)


_QUERY = frozenset(
    {
        "key",
        "api_key",
        "apikey",
        "api-key",
        "token",
        "access_token",
        "auth",
        "sig",
        "signature",
        "client_secret",
        "x-goog-api-key",
        "x-goog-signature",
        "x-goog-credential",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)


@lru_cache(maxsize=4096)
def is_secret_param(name: str) -> bool:
    return name.lower() in _QUERY or is_secret_field(name)


# Body fields: a name split into words (snake, kebab, camel case, spaces) that has one of these.
# `key` alone and `signature` are left out: tool arguments and Anthropic's thinking blocks use
# them for data that is no secret.
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
        "auth",
        "jwt",
    }
)
# `next_page_token`, `nextPageToken`, `cursor_token`: where to continue a listing, not a secret.
# `time_per_output_token_ms`: a rate, not a secret.
_PAGING_WORDS = frozenset({"page", "next", "cursor", "continuation", "per"})
# A name ending in one of these describes a credential without holding it: `api_key_id`,
# `token_type`, `create_api_key_id`, `password_hint`, `secret_name`, `token_count`.
_ABOUT_WORDS = frozenset(
    {
        "id",
        "ids",
        "name",
        "names",
        "type",
        "types",
        "count",
        "length",
        "len",
        "url",
        "uri",
        "expires",
        "expiry",
        "expiration",
        "at",
        "in",
        "prefix",
        "hint",
        "required",
        "enabled",
        "env",
        "var",
        "path",
        "file",
        "header",
        "param",
        "field",
        "policy",
        "format",
        "usage",
        "limit",
        "mode",
        "provided",
        "ref",
        "version",
        "label",
    }
)
_KEY_KINDS = frozenset({"api", "access", "private", "secret", "client", "subscription", "master"})
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# Names that are data far more often than a credential: logprobs' `token` holds one token of the
# answer. Their values count only when they look like a credential (see `_credential_shaped`).
_WEAK_NAMES = frozenset({"token", "tokens", "auth"})


@lru_cache(maxsize=8192)
def is_secret_field(name: str) -> bool:
    words = [w.lower() for w in _NAME_WORD.findall(name)]
    if not words or _PAGING_WORDS.intersection(words) or words[-1] in _ABOUT_WORDS:
        return False
    if _FIELD_WORDS.intersection(words):
        return True
    return any(a in _KEY_KINDS and b in ("key", "keys") for a, b in pairwise(words))


def _credential_shaped(value: str) -> bool:
    """No spaces, both letters and digits: a token's text, not a word of prose."""
    return (
        not any(c.isspace() for c in value)
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def _field_leak(name: str, value: str) -> bool:
    """Is `value`, held by a credential-named field, a leaked secret?"""
    if is_placeholder(value):
        return False
    return name.lower() not in _WEAK_NAMES or _credential_shaped(value)


# ---- where secrets sit in a text ----------------------------------------------------------------
class Hit(NamedTuple):
    """A secret's span in a text, and what points at it (`field access_token`, `openai key`)."""

    start: int
    end: int
    what: str
    rule: str
    leak: bool = True  # False: masked all the same (a short URL password), but no finding


# Substrings every credential-named field or phrase contains; only around them is a text
# examined, so a megabyte body without one costs one lower-casing and a few substring searches.
_TRIGGERS = ("token", "secret", "pass", "credential", "auth", "key", "jwt", "bearer", "\\u00")
_TRIGGER_ANY_CASE = re.compile("|".join(re.escape(t) for t in _TRIGGERS), re.IGNORECASE)
_NUMBER = r"(-?\d[\d.eE+-]*)"


@lru_cache(maxsize=16)
def _field_re(depth: int) -> re.Pattern[str]:
    """`"name": value` with its quotes escaped `depth` times (0: plain JSON; 1: JSON inside a
    JSON string, as OpenAI tool-call `arguments`; 3: one level deeper)."""
    q = re.escape("\\" * depth)
    if depth == 0:
        name, string = r'((?:[^"\\\n]|\\[^\n]){1,64})', r'((?:[^"\\]|\\.)*)'
    else:
        name, string = r'([^"\\\n]{1,64})', r'([^"\\]*)'
    return re.compile(f'{q}"{name}{q}"' + r"\s*:\s*(?:" + f'{q}"{string}{q}"|{_NUMBER}|(\\[))')


@lru_cache(maxsize=16)
def _list_item_re(depth: int) -> re.Pattern[str]:
    q = re.escape("\\" * depth)
    string = r'((?:[^"\\]|\\.)*)' if depth == 0 else r'([^"\\]*)'
    return re.compile(r"\s*(?:" + f'{q}"{string}{q}"|{_NUMBER})' + r"\s*(,|\])")


_FORM = re.compile(r"[\w.%+\-\[\]]+=[^&\s]*(?:&[\w.%+\-\[\]]+=[^&\s]*)*")
_MULTIPART = re.compile(
    r"content-disposition:[ \t]*form-data;[^\r\n]{0,200}?"
    r'\bname="([^"\r\n]{0,200})"[^\r\n]{0,1000}\r?\n'
    r"(?:[^\r\n]{1,1000}\r?\n){0,4}?\r?\n([^\r\n]*+)",
    re.IGNORECASE,
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>\\`]+")
# A credential named in prose: an error message echoing the key, a prompt quoting config.
# It is tried at each trigger word, so repeats are bounded or possessive and a trigger inside a
# value already read is skipped: `token=` repeated a million times stays linear.
_PROSE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:api[ _-]?key|secret(?:[ _-]?key)?|password|passwd|credential|token)"
    r"(?:\s+provided)?[ \t]{0,8}[:=][ \t]{0,8}[\"']?([A-Za-z0-9_\-./+=]{13,}+)"
    r"|(?<![A-Za-z0-9_-])bearer[ \t]{1,8}([A-Za-z0-9_\-./+=]{13,}+)",
    re.IGNORECASE,
)


# An agent resends its whole history on every call, so one long run holds the same tool result
# and system prompt hundreds of times: what a long text holds is kept, by its characters and up
# to a budget of characters (then forgotten at once), so each distinct text is scanned once.
_MEMO_MIN_CHARS = 64
_MEMO_BUDGET_CHARS = 8_000_000
_memo: dict[tuple[str, bool], tuple[Hit, ...]] = {}
_memo_chars = 0
_memo_lock = threading.Lock()


def text_hits(text: str, form: bool = True) -> list[Hit]:
    """Every secret in one text, without overlaps, in order. `form`: the text may be a whole
    form-encoded body (a header value never is: `Permissions-Policy: a=(), b=()`)."""
    global _memo_chars
    if len(text) < _MEMO_MIN_CHARS:
        return _scan_text(text, form)
    key = (text, form)
    known = _memo.get(key)
    if known is not None:
        return list(known)
    hits = _scan_text(text, form)
    with _memo_lock:
        if _memo_chars + len(text) > _MEMO_BUDGET_CHARS:
            _memo.clear()
            _memo_chars = 0
        if len(text) <= _MEMO_BUDGET_CHARS:
            _memo[key] = tuple(hits)
            _memo_chars += len(text)
    return hits


def _scan_text(text: str, form: bool) -> list[Hit]:
    if len(text) < 13:  # no secret is that short: lint's rule, and the mask's
        return []
    hits: list[Hit] = []
    hits += key_hits(text)
    if "://" in text:
        for m in _URL.finditer(text):
            hits += [h._replace(what=f"URL {h.what}") for h in url_hits(m.group(0), m.start())]
    triggers = _trigger_positions(text)
    if triggers:
        hits += _field_hits(text, triggers, form)
        hits += _prose_hits(text, triggers)
    if "form-data" in text or "Form-Data" in text:
        hits += _multipart_hits(text)
    return _without_overlaps(hits)


# Where a key starts relative to its hint: `sk-`, `pcsk_`, `github_pat_`, `ghp_`/`eyJ`, `AIza`.
_HINT_BACK = (1, 3, 6, 0)


def key_hits(text: str) -> list[Hit]:
    """Key-shaped strings: the full pattern is tried only where a hint is, so a long text
    costs one fast pass (a full `finditer` is 10x slower on base64 that holds `eyJ`)."""
    out: list[Hit] = []
    end = 0
    for hint in _KEY_HINT.finditer(text):
        for back in _HINT_BACK:
            start = hint.start() - back
            if start < end or start < 0:
                continue
            m = _KEYS.match(text, start)
            if m is not None:
                end = m.end()
                if not is_placeholder(m.group(0)):
                    out.append(Hit(m.start(), m.end(), "", f"key:{m.lastgroup}"))
                break
    return out


def _trigger_positions(text: str) -> list[int]:
    """Where a trigger word starts in `text`, whatever its case."""
    low = text.lower()
    if len(low) != len(text):  # a few characters (İ) grow when lower-cased: positions would drift
        return [m.start() for m in _TRIGGER_ANY_CASE.finditer(text)]
    found = []
    for word in _TRIGGERS:
        at = low.find(word)
        while at >= 0:
            found.append(at)
            at = low.find(word, at + len(word))
    return found


def _field_hits(text: str, triggers: list[int], form: bool) -> list[Hit]:
    stripped = text.rstrip("\r\n")
    if form and "=" in stripped and _FORM.fullmatch(stripped):
        return _form_hits(stripped)
    found: list[Hit] = []
    tried: set[int] = set()
    for at in sorted(triggers):
        quote = text.rfind('"', max(0, at - 64), at)
        if quote < 0:
            continue
        depth = 0
        while depth <= 15 and quote - depth > 0 and text[quote - depth - 1] == "\\":
            depth += 1
        start = quote - depth
        if start in tried or depth > 15:
            continue
        tried.add(start)
        m = _field_re(depth).match(text, start)
        if m is None or m.end(1) <= at:
            continue
        name = _json_name(m[1]) if depth == 0 and "\\" in m[1] else m[1]
        if not is_secret_field(name):
            continue
        if m[4] is not None:  # a list: each string or number in it
            found += _list_hits(text, m.end(4), depth, name)
            continue
        group = 2 if m[2] is not None else 3
        if group == 3 and not m[3].isdigit():  # a duration or a score, never a credential
            continue
        if name.lower() in _WEAK_NAMES and "logprob" in text[m.end() : m.end() + 200]:
            continue
        if _field_leak(name, m[group]):
            found.append(Hit(m.start(group), m.end(group), f"field {name}", "field"))
    return found


def _json_name(name: str) -> str:
    try:
        decoded = json.loads(f'"{name}"')
    except ValueError:
        return name
    return decoded if isinstance(decoded, str) else name


def _list_hits(text: str, pos: int, depth: int, name: str) -> list[Hit]:
    found = []
    item = _list_item_re(depth)
    for _ in range(1000):
        m = item.match(text, pos)
        if m is None:
            break
        group = 1 if m[1] is not None else 2
        if (group == 1 or m[2].isdigit()) and _field_leak(name, m[group]):
            found.append(Hit(m.start(group), m.end(group), f"field {name}", "field"))
        pos = m.end()
        if m[3] == "]":
            break
    return found


def _form_hits(text: str) -> list[Hit]:
    found = []
    pos = 0
    for piece in text.split("&"):
        name, _, value = piece.partition("=")
        plain_name = _unquote(name)
        if is_secret_param(plain_name) and _field_leak(plain_name, _unquote(value)):
            start = pos + len(name) + 1
            found.append(Hit(start, start + len(value), f"field {plain_name}", "form"))
        pos += len(piece) + 1
    return found


def _multipart_hits(text: str) -> list[Hit]:
    found = []
    for m in _MULTIPART.finditer(text):
        if is_secret_param(m[1]) and _field_leak(m[1], m[2]):
            found.append(Hit(m.start(2), m.end(2), f"multipart part {m[1]}", "multipart"))
    return found


def _prose_hits(text: str, triggers: list[int]) -> list[Hit]:
    found = []
    read = 0
    for at in sorted(triggers):  # a phrase starts at a trigger word, or 4 before (`api key`)
        if at < read:
            continue
        m = _PROSE.match(text, at) or (_PROSE.match(text, at - 4) if at >= 4 else None)
        if m is None:
            continue
        group = 1 if m[1] is not None else 2
        read = m.end(group)
        value = m[group].rstrip(".")  # the end of a sentence, not of the key
        if len(value) > 12 and _credential_shaped(value) and not is_placeholder(value):
            found.append(
                Hit(m.start(group), m.start(group) + len(value), "credential in text", "text")
            )
    return found


def url_hits(url: str, offset: int = 0) -> list[Hit]:
    """Secret query parameters, a password, and a token given as the user with no password."""
    found: list[Hit] = []
    scheme_end = url.find("://")
    rest = scheme_end + 3 if scheme_end >= 0 else 0
    end_of_netloc = len(url)
    for sep in "/?#":
        at = url.find(sep, rest)
        if at >= 0:
            end_of_netloc = min(end_of_netloc, at)
    if scheme_end >= 0:
        netloc = url[rest:end_of_netloc]
        if "@" in netloc:
            userinfo = netloc[: netloc.rfind("@")]
            user, sep, password = userinfo.partition(":")
            if sep and password:
                start = offset + rest + len(user) + 1
                leak = not is_placeholder(_unquote(password))
                end = start + len(password)
                found.append(Hit(start, end, "password", "url-password", leak))
            elif not sep and _token_user(_unquote(user)):
                start = offset + rest
                found.append(Hit(start, start + len(user), "user", "url-user"))
    qmark = url.find("?", end_of_netloc if scheme_end >= 0 else 0)
    if qmark < 0:
        return found
    hash_at = url.find("#", qmark)
    query_end = hash_at if hash_at >= 0 else len(url)
    pos = qmark + 1
    for piece in url[qmark + 1 : query_end].split("&"):
        name, eq, value = piece.partition("=")
        plain = _unquote(name)
        listed = plain.lower() in _QUERY  # the contract's list: masked even when short
        if eq and value and (listed or (is_secret_field(plain) and _field_leak(plain, value))):
            start = offset + pos + len(name) + 1
            leak = not is_placeholder(_unquote(value))
            what = f"query parameter {plain}"
            found.append(Hit(start, start + len(value), what, "url-param", leak))
        pos += len(piece) + 1
    return found


def _token_user(user: str) -> bool:
    """`https://ghp_…@github.com`: a user name that is a token, not a login."""
    if _KEYS.fullmatch(user):
        return not is_placeholder(user)
    return len(user) >= 20 and _credential_shaped(user) and not is_placeholder(user)


def _unquote(text: str) -> str:
    if "%" not in text and "+" not in text:
        return text
    from urllib.parse import unquote_plus

    return unquote_plus(text)


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    if len(hits) < 2:
        return hits
    out: list[Hit] = []
    # Same span: a named field says more than a key shape.
    for h in sorted(hits, key=lambda h: (h.start, -h.end, h.rule.startswith("key:"))):
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


def apply_hits(text: str, hits: list[Hit]) -> str:
    """`text` with each hit masked as recorded (escaped or percent-encoded)."""
    if not hits:
        return text
    out: list[str] = []
    pos = 0
    for h in hits:
        masked = mask_value(text[h.start : h.end])
        kept = masked[:-1]
        if (len(kept) - len(kept.rstrip("\\"))) % 2:  # never end on half a JSON escape
            masked = kept[:-1] + "…"
        out += [text[pos : h.start], masked]
        pos = h.end
    out.append(text[pos:])
    return "".join(out)


def mask_text(text: str) -> str:
    """`text` with every secret masked; the very same object when there is none, so a caller
    can tell cheaply that nothing was hidden."""
    return apply_hits(text, text_hits(text))


def mask_url(url: str) -> str:
    return apply_hits(url, _without_overlaps(url_hits(url) + key_hits(url)))


# ---- headers -----------------------------------------------------------------------------------
_SIGV4 = re.compile(r"((?:Credential|Signature)=)([^,\s]+)")
# Cookies a provider's CDN or load balancer sets on every answer (bot scores, stickiness): they
# are masked like any cookie, but lint only warns about them; they are not the recorder's own.
_CDN_COOKIES = frozenset(
    {
        "__cf_bm",
        "_cfuvid",
        "__cflb",
        "__cfruid",
        "cf_clearance",
        "__cfwaitingroom",
        "__cfseq",
        "awsalb",
        "awsalbcors",
        "awsalbtg",
        "awsalbtgcors",
        "ak_bmsc",
        "bm_sv",
        "bm_sz",
        "_abck",
        "hwwafsesid",
        "hwwafsestime",
        "arraffinity",
        "arraffinitysamesite",
        "serverid",
    }
)
_CDN_COOKIE_STARTS = ("incap_ses_", "visid_incap_", "nlbi_")


def cdn_cookies_only(name: str, value: str) -> bool:
    """True when a Cookie / Set-Cookie header holds nothing but CDN cookies."""
    lname = name.lower()
    if lname == "set-cookie":
        names = [value.split("=", 1)[0]]
    elif lname == "cookie":
        names = [c.split("=", 1)[0] for c in value.split(";") if c.strip()]
    else:
        return False
    return bool(names) and all(
        n.strip().lower() in _CDN_COOKIES or n.strip().lower().startswith(_CDN_COOKIE_STARTS)
        for n in names
    )


def mask_header_value(name: str, value: str) -> str:
    return _Scan(None).header(name, value, "header")


def mask_headers(headers: Headers) -> Headers:
    return _Scan(None).headers(headers, "")


# ---- the decoded model -------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Leak:
    """A secret found while masking. `secret` is in clear for the caller to compare and mask;
    it is never printed. `blocking` is False for CDN cookies."""

    where: str
    rule: str
    secret: str
    blocking: bool = True


class _Scan:
    """One walk over an Interaction that masks every string and, when asked, reports each
    secret with where it was. Unchanged values come back as the same objects."""

    __slots__ = ("report",)

    def __init__(self, report: list[Leak] | None) -> None:
        self.report = report

    def found(self, where: str, rule: str, secret: str, blocking: bool = True) -> None:
        if self.report is not None:
            self.report.append(Leak(where, rule, secret, blocking))

    def text(self, text: str, where: str, form: bool = True) -> str:
        hits = text_hits(text, form)
        for h in hits:
            if h.leak:
                self.found(f"{where} {h.what}".rstrip(), h.rule, text[h.start : h.end])
        return apply_hits(text, hits)

    def url(self, url: str, where: str) -> str:
        hits = _without_overlaps(url_hits(url) + key_hits(url))
        for h in hits:
            if h.leak:
                self.found(f"{where} {h.what}".rstrip(), h.rule, url[h.start : h.end])
        return apply_hits(url, hits)

    def header(self, name: str, value: str, where: str) -> str:
        lname = name.lower()
        if lname in ("authorization", "proxy-authorization") and "AWS4-HMAC-SHA256" in value:
            for m in _SIGV4.finditer(value):
                # A Credential is `KEYID/date/region/service/aws4_request`: only the id is secret.
                part = m[2].split("/", 1)[0] if m[1] == "Credential=" else m[2]
                if not is_placeholder(part):
                    self.found(f"{where} {name} SigV4 {m[1][:-1]}", "sigv4", part)
            return _SIGV4.sub(lambda m: m.group(1) + mask_value(m.group(2)), value)
        if is_secret_header(name):
            if not is_placeholder(value):
                cdn = cdn_cookies_only(name, value)
                label = value.split("=", 1)[0].strip()[:40] if cdn else ""
                what = f"{where} {name} ({label})" if cdn else f"{where} {name}"
                self.found(what, "cdn-cookie" if cdn else "header", value, blocking=not cdn)
            return mask_value(value)
        if value.startswith("/") and " " not in value:  # HAR's `:path`, a relative Location
            return self.url(value, f"{where} {name}")
        return self.text(value, f"{where} {name}", form=False)  # URLs inside (Location) too

    def headers(self, headers: Headers, side: str) -> Headers:
        where = f"{side} header".strip()
        out = tuple((k, self.header(k, v, where)) for k, v in headers)
        return headers if out == headers else out

    def tree(self, value: Any, where: str) -> Any:
        """Strings at any depth; a credential-named key masks its value (text, number, list)."""
        if isinstance(value, str):
            return self.text(value, where)
        if isinstance(value, dict):
            changed = False
            out: dict[Any, Any] = {}
            data = "logprob" in value  # a logprobs entry: its `token` is a piece of the answer
            for k, v in value.items():
                new = self._field(k, v, where) if isinstance(k, str) and not data else v
                if new is v:
                    new = self.tree(v, where)
                changed = changed or new is not v
                out[k] = new
            return out if changed else value
        if isinstance(value, (list, tuple)):
            items = [self.tree(v, where) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            return type(value)(items) if isinstance(value, tuple) else items
        return value

    def _field(self, name: str, value: Any, where: str) -> Any:
        if not is_secret_field(name):
            return value
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value)
            if _field_leak(name, text):
                self.found(f"{where} field {name}", "field", text)
                return mask_value(text)
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [self._field(name, v, where) for v in value]
        return value

    def part(self, part: Part, where: str) -> Part:
        if isinstance(part, (TextPart, ReasoningPart, RefusalPart)):
            return _replaced(part, text=self.text(part.text, f"{where} text"))
        if isinstance(part, ToolCallPart):
            return _replaced(part, arguments=self.tree(part.arguments, f"{where} tool call"))
        if isinstance(part, ToolResultPart):
            return _replaced(part, content=self.text(part.content, f"{where} tool result"))
        if isinstance(part, UnknownPart):
            return _replaced(part, raw=self.tree(part.raw, f"{where} part"))
        if isinstance(part, CitationPart):
            return _replaced(
                part,
                text=self.text(part.text, f"{where} citation") if part.text else part.text,
                title=self.text(part.title, f"{where} citation") if part.title else part.title,
                url=self.url(part.url, f"{where} citation") if part.url else part.url,
            )
        url = self.url(part.url, f"{where} media") if part.url is not None else None
        data_url = part.data_url
        if data_url is not None:  # base64 letters are no text: the bytes they hold are read
            head, _, payload = data_url.partition(",")
            masked = self._binary(payload, f"{where} inline media")
            data_url = data_url if masked is payload else f"{head},{masked}"
        return _replaced(part, url=url, data_url=data_url)

    def message(self, message: Message, where: str) -> Message:
        parts = tuple(self.part(p, where) for p in message.parts)
        if all(a is b for a, b in zip(parts, message.parts, strict=True)):
            return message
        return dataclasses.replace(message, parts=parts)

    def tool(self, tool: Tool) -> Tool:
        where = f"tool {tool.name}"
        description = self.text(tool.description, where) if tool.description else tool.description
        return _replaced(
            tool, description=description, parameters=self.tree(tool.parameters, where)
        )

    def chunk(self, chunk: Chunk) -> Chunk:
        return _replaced(chunk, data=self.text(chunk.data, f"response chunk {chunk.seq}"))

    def chunks(self, it: Interaction, body: str | None) -> tuple[Chunk, ...]:
        """SSE, NDJSON and JSON-array chunks are slices of a text body: when that body holds no
        secret, neither do they, and a long stream costs nothing more. Chunks decoded from a
        binary body (Bedrock's event-stream, base64 inside) are each looked at."""
        text_body = it.response_body is not None and not it.response_body.startswith("base64:")
        if text_body and body is it.response_body and self.report is None:
            return it.chunks
        return _same_or(tuple(self.chunk(c) for c in it.chunks), it.chunks)

    def interaction(self, it: Interaction) -> Interaction:
        error = it.error
        if error is not None:
            error = _replaced(error, message=self.text(error.message, "error message"))
        usage = it.usage
        if usage is not None:
            usage = _replaced(usage, raw=self.tree(usage.raw, "usage"))
        response_body = self._body(it.response_body, "response body")
        return dataclasses.replace(
            it,
            url=self.url(it.url, "URL"),
            request_headers=self.headers(it.request_headers, "request"),
            response_headers=self.headers(it.response_headers, "response"),
            request_body=self._body(it.request_body, "request body"),
            response_body=response_body,
            chunks=self.chunks(it, response_body),
            messages=_same_or(
                tuple(self.message(m, f"message {i}") for i, m in enumerate(it.messages)),
                it.messages,
            ),
            response=self.message(it.response, "response") if it.response else it.response,
            alternatives=_same_or(
                tuple(self.message(m, f"alternative {i}") for i, m in enumerate(it.alternatives)),
                it.alternatives,
            ),
            tools=_same_or(tuple(self.tool(t) for t in it.tools), it.tools),
            error=error,
            usage=usage,
            summary=self.text(it.summary, "summary") if it.summary else it.summary,
            warnings=_same_or(
                tuple(_replaced(n, message=self.text(n.message, "warning")) for n in it.warnings),
                it.warnings,
            ),
        )

    def _body(self, body: str | None, where: str) -> str | None:
        if body is None:
            return body
        if body.startswith("base64:"):
            encoded = body[7:]
            masked = self._binary(encoded, where)
            return body if masked is encoded else "base64:" + masked
        return self.text(body, where)

    def _binary(self, encoded: str, where: str) -> str:
        """Binary data is shown as base64, which anyone can decode: its text parts (a
        multipart field beside an audio file, an event-stream frame, a comment inside an
        image) are masked in the bytes. `encoded` itself comes back when nothing is masked."""
        try:
            data = base64.b64decode(encoded, validate=True)
        except ValueError:
            return encoded
        text = data.decode("latin-1")  # one character per byte: spans are byte offsets
        hits = text_hits(text)
        if not hits:
            return encoded
        out: list[bytes] = []
        pos = 0
        for h in hits:
            if h.leak:
                self.found(f"{where} {h.what}".rstrip(), h.rule, text[h.start : h.end])
            out += [data[pos : h.start], mask_value(text[h.start : h.end]).encode()]
            pos = h.end
        out.append(data[pos:])
        return base64.b64encode(b"".join(out)).decode("ascii")


def _replaced(obj: _T, **changes: Any) -> _T:
    """`obj` itself when no field changes (no copy for the common case), else a new one."""
    if all(getattr(obj, k) is v for k, v in changes.items()):
        return obj
    return dataclasses.replace(obj, **changes)  # type: ignore[type-var]


def _same_or(new: tuple[Any, ...], old: tuple[Any, ...]) -> tuple[Any, ...]:
    return old if all(a is b for a, b in zip(new, old, strict=True)) else new


def mask_interaction(it: Interaction, report: list[Leak] | None = None) -> Interaction:
    """Every string of a decoded Interaction masked; each secret appended to `report`."""
    return _Scan(report).interaction(it)


def mask_tree(value: Any) -> Any:
    """Every string at any depth masked, and every credential-named field's value."""
    return _Scan(None).tree(value, "value")


def find_in_text(text: str, where: str) -> list[Leak]:
    """Secrets in a text no Interaction holds (a WebSocket frame, a binary body read as text)."""
    report: list[Leak] = []
    _Scan(report).text(text, where)
    return report


# The names the diff presenters use for the same masking of free text and values.
mask_keys: Callable[[str], str] = mask_text
mask_keys_in_value: Callable[[Any], Any] = mask_tree

__all__ = [
    "Hit",
    "Leak",
    "cdn_cookies_only",
    "find_in_text",
    "is_placeholder",
    "is_secret_field",
    "is_secret_header",
    "is_secret_param",
    "mask_header_value",
    "mask_headers",
    "mask_interaction",
    "mask_keys",
    "mask_keys_in_value",
    "mask_text",
    "mask_tree",
    "mask_url",
    "mask_value",
    "text_hits",
]
