"""The two small comparisons a semantic diff is made of: words of text, and JSON values by path.

Both answer in plain dataclasses so a terminal, a PR comment and a web page can each draw the
same answer their own way.
"""

from __future__ import annotations

import difflib
import re
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
    }
)


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
    """A word-level diff; whitespace runs are tokens too, so joining the ops rebuilds each side."""
    a = _TOKENS.findall(old)
    b = _TOKENS.findall(new)
    ops: list[WordOp] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _push(ops, "equal", "".join(a[i1:i2]))
            continue
        if i2 > i1:
            _push(ops, "delete", "".join(a[i1:i2]))
        if j2 > j1:
            _push(ops, "insert", "".join(b[j1:j2]))
    return tuple(ops)


def _push(ops: list[WordOp], op: WordOpKind, text: str) -> None:
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
    if old != new or type(old) is not type(new):
        out.append(JsonChange(path, "changed", old=old, new=new))


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _key_path(path: str, key: str) -> str:
    if _IDENT.match(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def without_volatile(value: Any) -> Any:
    """A JSON value with the keys that change on every recording removed, at any depth."""
    if isinstance(value, dict):
        return {
            k: without_volatile(v) for k, v in value.items() if str(k).lower() not in VOLATILE_KEYS
        }
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


__all__ = [
    "VOLATILE_KEYS",
    "JsonChange",
    "WordOp",
    "json_diff",
    "text_similarity",
    "without_volatile",
    "word_diff",
]
