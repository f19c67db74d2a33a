"""Just enough of Erlang's external term format to unwrap a body ExVCR stored as a term.

ExVCR keeps a body that is not printable text as `Base.encode64(:erlang.term_to_binary(body))`;
the term is nearly always one binary (often gzip bytes), sometimes an iolist. Binaries,
strings, lists, tuples, maps, atoms and numbers are decoded; anything else is refused. The
input bounds the work: every element consumes input bytes, nesting is capped, and a
compressed term may not inflate past the read limit.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

from app.formats.base import ReadError, ReadLimits

VERSION = 131


class Atom(str):
    """An Erlang atom, kept apart from binaries so `true`/`nil` are not taken for text."""


class _Reader:
    def __init__(self, data: bytes, limits: ReadLimits) -> None:
        self.data, self.pos, self.limits = data, 0, limits

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ReadError("Erlang term: data ends inside a term")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def uint(self, size: int) -> int:
        return int.from_bytes(self.take(size), "big")

    def term(self, depth: int = 0) -> Any:
        if depth > self.limits.max_depth:
            raise ReadError(f"Erlang term nested deeper than {self.limits.max_depth} levels")
        tag = self.uint(1)
        if tag == 109:  # BINARY_EXT
            return self.take(self.uint(4))
        if tag == 77:  # BIT_BINARY_EXT: a binary whose last byte is partly used
            size = self.uint(4)
            self.take(1)
            return self.take(size)
        if tag == 107:  # STRING_EXT: a list of bytes
            return self.take(self.uint(2))
        if tag == 106:  # NIL_EXT
            return []
        if tag == 108:  # LIST_EXT: n elements and a tail (NIL for a proper list)
            items = [self.term(depth + 1) for _ in range(self.uint(4))]
            tail = self.term(depth + 1)
            return items if tail == [] else [*items, tail]
        if tag in (104, 105):  # SMALL_TUPLE_EXT, LARGE_TUPLE_EXT
            arity = self.uint(1 if tag == 104 else 4)
            return tuple(self.term(depth + 1) for _ in range(arity))
        if tag == 116:  # MAP_EXT
            pairs = [(self.term(depth + 1), self.term(depth + 1)) for _ in range(self.uint(4))]
            return {_key(k): v for k, v in pairs}
        if tag in (100, 118):  # ATOM_EXT, ATOM_UTF8_EXT
            return Atom(self.take(self.uint(2)).decode("utf-8", "replace"))
        if tag in (115, 119):  # SMALL_ATOM_EXT, SMALL_ATOM_UTF8_EXT
            return Atom(self.take(self.uint(1)).decode("utf-8", "replace"))
        if tag == 97:  # SMALL_INTEGER_EXT
            return self.uint(1)
        if tag == 98:  # INTEGER_EXT
            return int(struct.unpack(">i", self.take(4))[0])
        if tag == 70:  # NEW_FLOAT_EXT
            return float(struct.unpack(">d", self.take(8))[0])
        if tag in (110, 111):  # SMALL_BIG_EXT, LARGE_BIG_EXT
            size = self.uint(1 if tag == 110 else 4)
            sign = self.uint(1)
            value = int.from_bytes(self.take(size), "little")
            return -value if sign else value
        raise ReadError(f"Erlang term: tag {tag} is not supported")


def _key(value: Any) -> Any:
    """Map keys must be hashable: lists become tuples."""
    return tuple(value) if isinstance(value, list) else value


def decode_term(data: bytes, limits: ReadLimits) -> Any:
    """`term_to_binary` output back to Python values; raises ReadError when it is not one."""
    if not data.startswith(bytes([VERSION])):
        raise ReadError("not an Erlang term")
    body = data[1:]
    if body.startswith(b"P"):  # a compressed term: 4-byte size, then zlib data
        if len(body) < 5:
            raise ReadError("Erlang term: data ends inside a term")
        size = int.from_bytes(body[1:5], "big")
        if size > limits.max_bytes:
            raise ReadError(f"data expands beyond {limits.max_bytes} bytes")
        try:
            body = zlib.decompressobj().decompress(body[5:], size + 1)
        except zlib.error as exc:
            raise ReadError(f"Erlang term: damaged compressed term: {exc}") from None
    reader = _Reader(body, limits)
    value = reader.term()
    if reader.pos != len(body):
        raise ReadError("Erlang term: data left after the term")
    return value


def iodata(value: Any) -> bytes | None:
    """The bytes of a binary or an iolist (nested lists of binaries and bytes); else None."""
    out = bytearray()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bytes):
            out += item
        elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < 256:
            out.append(item)
        elif isinstance(item, list):
            stack.extend(reversed(item))
        else:
            return None
    return bytes(out)
