"""The Erlang term decoder ExVCR bodies need: the shapes it reads, and bounded on bad input."""

from __future__ import annotations

import zlib

import pytest

from app.formats.base import ReadError, ReadLimits
from app.formats.erlterm import Atom, decode_term, iodata
from tests.formats.fixture_gen import erlang_binary

LIMITS = ReadLimits()


def _binary(data: bytes) -> bytes:
    return erlang_binary(data)[1:]  # without the version byte, to nest inside other terms


def test_binary_list_tuple_map_atom_numbers() -> None:
    # [<<"ab">>, {ok, 7}, #{<<"k">> => -2}]
    term = (
        bytes([131, 108, 0, 0, 0, 3])
        + _binary(b"ab")
        + bytes([104, 2, 119, 2]) + b"ok" + bytes([97, 7])
        + bytes([116, 0, 0, 0, 1]) + _binary(b"k")
        + bytes([98]) + (-2).to_bytes(4, "big", signed=True)
        + bytes([106])
    )  # fmt: skip
    value = decode_term(term, LIMITS)
    assert value == [b"ab", (Atom("ok"), 7), {b"k": -2}]
    assert isinstance(value[1][0], Atom)


def test_iolist_becomes_bytes_and_other_terms_do_not() -> None:
    assert iodata([b"he", [108, b"lo"]]) == b"hello"
    assert iodata((Atom("error"), b"x")) is None


def test_compressed_term() -> None:
    inner = _binary(b"x" * 1000)
    term = bytes([131]) + b"P" + len(inner).to_bytes(4, "big") + zlib.compress(inner)
    assert decode_term(term, LIMITS) == b"x" * 1000


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bytes([131, 109, 0, 0, 0, 9]) + b"short", "ends inside"),
        (bytes([131, 108, 255, 255, 255, 255, 106]), "ends inside"),  # claims 4 billion items
        (bytes([131]) + bytes([108, 0, 0, 0, 1]) * 300 + bytes([106]) * 301, "nested deeper"),
        (bytes([131, 82, 0]), "tag 82"),
        (b"not a term", "not an Erlang term"),
        (bytes([131]) + b"P" + (10**9).to_bytes(4, "big") + zlib.compress(b"a"), "expands"),
        (erlang_binary(b"ok") + b"junk", "left after"),
    ],
    ids=["truncated", "huge-count", "deep", "unknown-tag", "no-version", "bomb", "trailing"],
)
def test_bad_terms_are_refused(data: bytes, words: str) -> None:
    with pytest.raises(ReadError, match=words):
        decode_term(data, LIMITS)
