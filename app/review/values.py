"""The two small comparisons a semantic diff is made of: words of text, and JSON values by path.

Both answer in plain dataclasses so a terminal, a PR comment and a web page can each draw the
same answer their own way.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

WordOpKind = Literal["equal", "insert", "delete"]
JsonChangeKind = Literal["added", "removed", "changed"]

# Keys whose values change on every recording without changing what was said.
VOLATILE_KEYS = frozenset(
    {
        "id",
        "created",
        "created_at",
        "completed_at",
        "timestamp",
        "request_id",
        "requestid",
        "response_id",
        "responseid",
        "system_fingerprint",
        "signature",
        "thoughtsignature",
        "thought_signature",
        "encrypted_content",
        "encrypted",
        "duration",
        "latency",
        "elapsed",
        "total_duration",
        "load_duration",
        "prompt_eval_duration",
        "eval_duration",
        "createtime",
        "updatetime",
        "expires_at",
        "boundary",
    }
)
# Key shapes that are timestamps whatever the API: `*_at` / `*At` (`created_at`, `expiresAt`),
# `created*` / `updated*` (`created`, `createdTime`, `updated_time`) and `*timestamp`.
_VOLATILE_KEY = re.compile(r"(?:_at|_AT|[a-z]At|[Tt]imestamp|TIMESTAMP)$|^(?i:created|updated)")
# Generated ids: `batch_6721…`, `file-AbC1…`, `resp_68af…`, `msg_01X…` (a lowercase prefix, then
# at least 8 letters and digits with a digit among them), UUIDs and long hex strings.
_ID_BODY = (
    r"(?:[a-z][a-z0-9]{1,15}[_-])+(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{8,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-9a-f]{24,}"
)
_ID = re.compile(rf"^(?:{_ID_BODY})$")
_ID_IN_PATH = re.compile(rf"(?<=/)(?:{_ID_BODY})(?=[/?#]|$)")
_ID_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9_-])(?:{_ID_BODY})(?![A-Za-z0-9_-])")
# A one-line summary cut short ends in a piece of a word (often of an id) and "…".
_CUT_TAIL = re.compile(r"\S*…$")
ID_PLACEHOLDER = "{id}"
# Floats that differ by less than this fraction are the same value: scores, logprobs and
# embeddings jitter in their last digits from one recording to the next.
FLOAT_REL_TOL = 1e-3
# Token pairs one block of a word diff may compare. difflib costs up to the product of the two
# lengths, so a bigger block is split by lines, and what is still too big is shown replaced.
PAIR_BUDGET = 250_000


@dataclass(frozen=True, slots=True)
class WordOp:
    op: WordOpKind
    text: str


@dataclass(frozen=True, slots=True)
class JsonChange:
    """One difference between two JSON values; `path` is `$`-rooted (`$.city`, `$.items[2]`)."""

    path: str
    change: JsonChangeKind
    old: Any = None
    new: Any = None


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """A word-level diff; whitespace runs are tokens too, so joining the ops rebuilds each side.

    The work is bounded: the common head and tail are cut off first (linear), a middle of up to
    PAIR_BUDGET token pairs is diffed word by word, a bigger one line by line (each changed
    stretch word by word when it fits), and what still does not fit is one deletion and one
    insertion, which the renderers show as a before/after excerpt.
    """
    ops: list[WordOp] = []
    _diff_tokens(_TOKENS.findall(old), _TOKENS.findall(new), ops, by_lines=True)
    return tuple(ops)


def _diff_tokens(a: list[str], b: list[str], ops: list[WordOp], by_lines: bool) -> None:
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    _push(ops, "equal", "".join(a[:head]))
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(mid_a) * len(mid_b) <= PAIR_BUDGET:
        _opcodes(mid_a, mid_b, ops)
    elif by_lines:
        _diff_lines(mid_a, mid_b, ops)
    else:
        _push(ops, "delete", "".join(mid_a))
        _push(ops, "insert", "".join(mid_b))
    _push(ops, "equal", "".join(a[len(a) - tail :]))


def _opcodes(a: list[str], b: list[str], ops: list[WordOp]) -> None:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
            continue
        _push(ops, "delete", "".join(a[i1:i2]))
        _push(ops, "insert", "".join(b[j1:j2]))


def _lines(tokens: list[str], sentences: bool = False) -> list[list[str]]:
    """Tokens grouped into lines: a whitespace token holding a newline ends its line; with
    `sentences`, so does the space after a word ending in `.`, `!` or `?` (one long paragraph)."""
    lines: list[list[str]] = [[]]
    for n, token in enumerate(tokens):
        lines[-1].append(token)
        ends = sentences and token.isspace() and n > 0 and tokens[n - 1][-1:] in (".", "!", "?")
        if "\n" in token or ends:
            lines.append([])
    return [line for line in lines if line]


def _diff_lines(a: list[str], b: list[str], ops: list[WordOp]) -> None:
    la, lb = _lines(a), _lines(b)
    if len(la) == 1 and len(lb) == 1:
        la, lb = _lines(a, sentences=True), _lines(b, sentences=True)
    if len(la) == 1 and len(lb) == 1:
        _replace(a, b, ops)
        return
    keys_a, keys_b = ["".join(x) for x in la], ["".join(x) for x in lb]
    if len(la) * len(lb) > PAIR_BUDGET:
        _diff_anchored(la, lb, keys_a, keys_b, ops)
        return
    matcher = difflib.SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(keys_a[i1:i2]))
            continue
        old = [t for line in la[i1:i2] for t in line]
        new = [t for line in lb[j1:j2] for t in line]
        _diff_tokens(old, new, ops, by_lines=False)


def _replace(a: list[str], b: list[str], ops: list[WordOp]) -> None:
    _push(ops, "delete", "".join(a))
    _push(ops, "insert", "".join(b))


def _diff_anchored(
    la: list[list[str]],
    lb: list[list[str]],
    keys_a: list[str],
    keys_b: list[str],
    ops: list[WordOp],
) -> None:
    """Too many lines for difflib: lines that occur once on each side, in the same order (the
    longest such run, found in n log n), are kept; the stretches between them are diffed on
    their own, each within the budget or replaced."""
    anchors = _unique_in_order(keys_a, keys_b)
    if not anchors:
        _replace([t for x in la for t in x], [t for x in lb for t in x], ops)
        return
    i = j = 0
    for ai, bj in [*anchors, (len(la), len(lb))]:
        old = [t for line in la[i:ai] for t in line]
        new = [t for line in lb[j:bj] for t in line]
        if old or new:  # a stretch is smaller than the whole, so this ends
            _diff_tokens(old, new, ops, by_lines=True)
        if ai < len(la):
            _push(ops, "equal", keys_a[ai])
        i, j = ai + 1, bj + 1


def _unique_in_order(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Pairs (i, j) of lines found exactly once in A and once in B, the longest run of them
    increasing on both sides (patience sorting)."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {k: j for j, k in enumerate(b) if count_b[k] == 1}
    pairs = [(i, where_b[k]) for i, k in enumerate(a) if count_a[k] == 1 and k in where_b]
    tails: list[int] = []  # tails[n]: index in pairs of the smallest j ending a run of n+1
    back: list[int] = []
    for n, (_, j) in enumerate(pairs):
        pos = _bisect_tails(pairs, tails, j)
        back.append(tails[pos - 1] if pos else -1)
        if pos == len(tails):
            tails.append(n)
        else:
            tails[pos] = n
    run: list[tuple[int, int]] = []
    at = tails[-1] if tails else -1
    while at >= 0:
        run.append(pairs[at])
        at = back[at]
    return run[::-1]


def _bisect_tails(pairs: list[tuple[int, int]], tails: list[int], j: int) -> int:
    lo, hi = 0, len(tails)
    while lo < hi:
        mid = (lo + hi) // 2
        if pairs[tails[mid]][1] < j:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _push(ops: list[WordOp], op: WordOpKind, text: str) -> None:
    if not text:
        return
    if ops and ops[-1].op == op:
        ops[-1] = WordOp(op, ops[-1].text + text)
    else:
        ops.append(WordOp(op, text))


def text_similarity(old: str, new: str) -> float:
    if old == new:
        return 1.0
    a, b = old.split(), new.split()
    if not a and not b:
        return 1.0
    if len(a) * len(b) > PAIR_BUDGET:  # the shared words, in any order: linear, and an upper bound
        common = sum((Counter(a) & Counter(b)).values())
        return 2.0 * common / (len(a) + len(b))
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def json_diff(old: Any, new: Any, path: str = "$") -> tuple[JsonChange, ...]:
    out: list[JsonChange] = []
    _json_diff(old, new, path, out)
    return tuple(out)


def _json_diff(old: Any, new: Any, path: str, out: list[JsonChange]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            sub = _key_path(path, str(key))
            if key not in new:
                out.append(JsonChange(sub, "removed", old=old[key]))
            else:
                _json_diff(old[key], new[key], sub, out)
        for key in new:
            if key not in old:
                out.append(JsonChange(_key_path(path, str(key)), "added", new=new[key]))
        return
    if isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            sub = f"{path}[{i}]"
            if i >= len(new):
                out.append(JsonChange(sub, "removed", old=old[i]))
            elif i >= len(old):
                out.append(JsonChange(sub, "added", new=new[i]))
            else:
                _json_diff(old[i], new[i], sub, out)
        return
    if _jitter(old, new):
        return
    if old != new or type(old) is not type(new):
        out.append(JsonChange(path, "changed", old=old, new=new))


def _jitter(old: Any, new: Any) -> bool:
    """Two floats (an int beside a float counts) within FLOAT_REL_TOL of each other."""
    numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (old, new))
    if not numbers or not (isinstance(old, float) or isinstance(new, float)):
        return False
    return math.isclose(old, new, rel_tol=FLOAT_REL_TOL, abs_tol=1e-12)


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _key_path(path: str, key: str) -> str:
    if _IDENT.match(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def is_volatile_key(key: str) -> bool:
    return key.lower() in VOLATILE_KEYS or bool(_VOLATILE_KEY.search(key))


def without_ids(text: str) -> str:
    """A string with generated ids replaced by `{id}`: the whole string, or segments of a path."""
    if _ID.match(text):
        return ID_PLACEHOLDER
    return _ID_IN_PATH.sub(ID_PLACEHOLDER, text) if "/" in text else text


def prose_without_ids(text: str) -> str:
    """A one-line summary as compared: ids anywhere in it replaced, a cut-off last word dropped
    (two summaries cut at the same length end in different pieces of different ids)."""
    return _ID_IN_TEXT.sub(ID_PLACEHOLDER, _CUT_TAIL.sub("…", text))


def without_volatile(value: Any) -> Any:
    """A JSON value with the keys that change on every recording removed, at any depth, and
    generated ids (whole values, or segments of a URL path) replaced by `{id}`."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if not is_volatile_key(str(k))}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    if isinstance(value, str):
        return without_ids(value)
    return value


__all__ = [
    "FLOAT_REL_TOL",
    "ID_PLACEHOLDER",
    "PAIR_BUDGET",
    "VOLATILE_KEYS",
    "JsonChange",
    "WordOp",
    "is_volatile_key",
    "json_diff",
    "text_similarity",
    "without_ids",
    "without_volatile",
    "word_diff",
]
