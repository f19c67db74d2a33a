"""The decoded form kept with the index: a long run's pages start from it, not from its file.

Decoding an agent run of 280 turns costs seven times parsing its YAML, because every request
resends (and must be parsed and masked for) the whole history. The index decodes every file
anyway, so for files whose decode is costly it also keeps what pages need of that very
Cassette, written in the same transaction as the file's rows: the pages and the index read
the same decode by construction.

What is kept is the masked Cassette ("light"): every field, except that each request body is
cut to the parameters the cassette page compares (`parameters_body`); the raw view of one
interaction reads its whole body from the file when asked (`app.loader.load_request`). Each
distinct message is written once, in a table the interactions and the conversation refer to
by number, so a run that resends its history stores its distinct text, not every copy.

The encoding follows the model's type annotations, so a field added to app.model is kept
without a second hand-written shape (and a type the encoding does not know fails at import,
caught by the tests). A value it cannot write exactly (a float that is not finite, an integer
past 64 bits, a lone surrogate, a tuple inside a JSON value) makes the form not stored at all:
that file is decoded from disk, as every file was before. Forms carry `FORM_VERSION`; any other
version, or a form that does not read back, is ignored and the file decoded instead.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
import zlib
from collections.abc import Callable
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import orjson

from app import model
from app.conversation.context import parameters_body
from app.model import Cassette, Interaction, Message

# Bump when the encoding or what it keeps changes: forms of another version are not read.
FORM_VERSION = 1

# Files smaller than this are decoded from disk when a page opens them (a few milliseconds);
# storing their form would only slow a cold index down (docs/PERFORMANCE.md, "Decode once").
MIN_FILE_BYTES = 1_000_000

_INT64 = 2**63


class Unstorable(ValueError):
    """A value the form cannot write exactly: the file is decoded from disk instead."""


class _Writer:
    """One cassette's messages, each distinct one written once and referred to by number."""

    def __init__(self) -> None:
        self.table: list[Any] = []
        self._by_id: dict[int, int] = {}
        self._by_text: dict[bytes, int] = {}

    def ref(self, msg: Message) -> int:
        n = self._by_id.get(id(msg))
        if n is None:
            row = _MESSAGE[0](msg, self)
            # Equal encodings are equal messages (JSON tells 1 from 1.0 and from true).
            n = self._by_text.setdefault(orjson.dumps(row), len(self.table))
            if n == len(self.table):
                self.table.append(row)
            self._by_id[id(msg)] = n
        return n


class _Reader:
    def __init__(self, table: list[Any]) -> None:
        self.table = table
        self.done: list[Message | None] = [None] * len(table)

    def message(self, n: int) -> Message:
        msg = self.done[n]
        if msg is None:
            msg = self.done[n] = _MESSAGE[1](self.table[n], self)
        return msg


WriteFn = Callable[[Any, _Writer], Any]
ReadFn = Callable[[Any, _Reader], Any]


def _scalar(value: Any, w: _Writer) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise Unstorable("a float that is not finite")
    if isinstance(value, int) and not -_INT64 <= value < _INT64:
        raise Unstorable("an integer past 64 bits")
    if value is not None and not isinstance(value, str | int | float):
        raise Unstorable(f"a {type(value).__name__} where a scalar was expected")
    return value


def _json_value(value: Any, w: _Writer) -> Any:
    """A parsed JSON value as it is: checked to read back equal, not rebuilt."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise Unstorable("a key that is not text")
            _json_value(v, w)
    elif isinstance(value, list):
        for v in value:
            _json_value(v, w)
    else:
        _scalar(value, w)
    return value


def _same(value: Any, r: _Reader) -> Any:
    return value


def _codec(tp: Any) -> tuple[WriteFn, ReadFn]:
    """How to write and read a value of annotated type `tp`."""
    if tp is Any:
        return _json_value, _same
    if tp in (str, int, float, bool, type(None)) or get_origin(tp) is Literal:
        return _scalar, _same
    if tp is Message:  # by number, in the cassette's table of distinct messages
        return (lambda v, w: w.ref(v)), (lambda v, r: r.message(v))
    if dataclasses.is_dataclass(tp):
        return _class_codec(typing.cast(type, tp))
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        if all(a in (str, int, float, bool) or get_origin(a) is Literal for a in options):
            return _scalar, _same
        if len(options) == 1:
            write, read = _codec(options[0])
            return (
                (lambda v, w: None if v is None else write(v, w)),
                (lambda v, r: None if v is None else read(v, r)),
            )
        return _union_codec(options)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            write, read = _codec(args[0])
            if read is _same and write is _scalar:
                return (lambda v, w: [_scalar(x, w) for x in v]), (lambda v, r: tuple(v))
            return (
                (lambda v, w: [write(x, w) for x in v]),
                (lambda v, r: tuple([read(x, r) for x in v])),
            )
        pairs = [_codec(a) for a in args]
        return (
            (lambda v, w: [p[0](x, w) for p, x in zip(pairs, v, strict=True)]),
            (lambda v, r: tuple(p[1](x, r) for p, x in zip(pairs, v, strict=True))),
        )
    raise TypeError(f"the stored form cannot write a {tp!r}")


def _union_codec(options: list[Any]) -> tuple[WriteFn, ReadFn]:
    """A union of dataclasses (a message part): written with its position in the union."""
    if not all(dataclasses.is_dataclass(a) for a in options):
        raise TypeError(f"the stored form cannot write a union of {options!r}")
    codecs = [_class_codec(a) for a in options]
    place = {a: i for i, a in enumerate(options)}

    def write(v: Any, w: _Writer) -> Any:
        n = place.get(type(v))
        if n is None:
            raise Unstorable(f"a {type(v).__name__} in a union")
        return [n, *codecs[n][0](v, w)]

    def read(v: Any, r: _Reader) -> Any:
        return codecs[v[0]][1](v[1:], r)

    return write, read


_CLASSES: dict[type, tuple[WriteFn, ReadFn]] = {}


def _class_codec(cls: type) -> tuple[WriteFn, ReadFn]:
    """A dataclass as the list of its fields in declaration order."""
    known = _CLASSES.get(cls)
    if known is not None:
        return known
    hints = get_type_hints(cls, vars(model))
    names = [f.name for f in dataclasses.fields(cls)]
    codecs = [_codec(hints[n]) for n in names]
    getters = [(n, c[0]) for n, c in zip(names, codecs, strict=True)]
    readers = [c[1] for c in codecs]
    plain = all(r is _same for r in readers)

    def write(v: Any, w: _Writer) -> list[Any]:
        return [fn(getattr(v, n), w) for n, fn in getters]

    def read(v: Any, r: _Reader) -> Any:
        if plain:
            return cls(*v)
        return cls(*[fn(x, r) for fn, x in zip(readers, v, strict=True)])

    _CLASSES[cls] = (write, read)
    return write, read


_MESSAGE = _class_codec(Message)
_CASSETTE = _class_codec(Cassette)


def light(cassette: Cassette) -> Cassette:
    """The cassette with each request body cut to what the cassette page reads of it."""
    return dataclasses.replace(
        cassette,
        interactions=tuple(
            dataclasses.replace(it, request_body=parameters_body(it.request_body))
            for it in cassette.interactions
        ),
    )


def worth_storing(size: int) -> bool:
    return size >= MIN_FILE_BYTES


def dump(cassette: Cassette) -> bytes:
    """The light form of a decoded (masked) cassette, compressed; raises Unstorable."""
    w = _Writer()
    try:
        body = _CASSETTE[0](light(cassette), w)
        data = orjson.dumps([FORM_VERSION, w.table, body])
    except orjson.JSONEncodeError as exc:  # a lone surrogate, which orjson refuses
        raise Unstorable(str(exc)) from exc
    return zlib.compress(data, 1)


def load(blob: bytes) -> Cassette | None:
    """The light cassette, or None for a form of another version or one that does not read."""
    try:
        version, table, body = orjson.loads(zlib.decompress(blob))
        if version != FORM_VERSION:
            return None
        cas = _CASSETTE[1](body, _Reader(table))
    except Exception:  # damaged or foreign: the file is decoded instead, no error shown
        return None
    return cas if isinstance(cas, Cassette) else None


def with_request(light_it: Interaction, body: str | None) -> Interaction:
    """A light interaction with its whole request body back."""
    return dataclasses.replace(light_it, request_body=body)


# A block compared at a time when looking for where two bodies differ.
_BLOCK = 1 << 16


def dump_requests(cassette: Cassette) -> bytes:
    """Every (masked) request body, each as an edit of an earlier one: an agent's next request
    is its previous one with messages added, so each is kept as (earlier body, characters kept
    from its start, from its end, the text between). The earlier body is the previous request
    of the same thread, or the previous one in the file, whichever leaves less text between.
    Raises Unstorable."""
    bodies = [it.request_body for it in cassette.interactions]
    last_of_thread: dict[int, int] = {}
    rows: list[list[Any]] = []
    for k, it in enumerate(cassette.interactions):
        body = bodies[k]
        best: list[Any] = [it.index, None, 0, 0, body]
        if body is not None:
            spare = len(body)
            for base in {last_of_thread.get(it.thread, -1) if it.thread is not None else -1, k - 1}:
                old = bodies[base] if base >= 0 else None
                if old is None:
                    continue
                head = _common_prefix(old, body)
                tail = _common_prefix(old[head:][::-1], body[head:][::-1])
                if len(body) - head - tail < spare:
                    spare = len(body) - head - tail
                    best = [it.index, base, head, tail, body[head : len(body) - tail]]
        if it.thread is not None:
            last_of_thread[it.thread] = k
        rows.append(best)
    try:
        return zlib.compress(orjson.dumps([FORM_VERSION, rows]), 1)
    except orjson.JSONEncodeError as exc:
        raise Unstorable(str(exc)) from exc


def _common_prefix(a: str, b: str) -> int:
    """How many characters `a` and `b` share at their start (compared a block at a time)."""
    n = min(len(a), len(b))
    at = 0
    while at < n and a[at : at + _BLOCK] == b[at : at + _BLOCK]:
        at += _BLOCK
    lo, hi = at, min(n, at + _BLOCK)
    while lo < hi:  # the first difference is inside this block
        mid = (lo + hi) // 2
        if a[lo : mid + 1] == b[lo : mid + 1]:
            lo = mid + 1
        else:
            hi = mid
    return min(lo, n)


def request_body(blob: bytes, index: int) -> tuple[str | None] | None:
    """The whole request body of interaction `index`, from `dump_requests`' bytes; None when
    they do not read (another version, damage)."""
    try:
        version, rows = orjson.loads(zlib.decompress(blob))
        if version != FORM_VERSION:
            return None
        at = {row[0]: k for k, row in enumerate(rows)}
        chain: list[list[Any]] = []
        k: int | None = at[index]
        while k is not None:
            chain.append(rows[k])
            base = rows[k][1]
            if base is not None and base >= k:
                return None  # each body builds on an earlier one: anything else is damage
            k = base
        body: str | None = chain[-1][4]
        for _, _, head, tail, middle in reversed(chain[:-1]):
            assert body is not None
            body = body[:head] + middle + (body[len(body) - tail :] if tail else "")
    except Exception:
        return None
    return (body,)
