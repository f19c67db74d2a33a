"""Hostile or broken files: one clear error, format "unknown", no exception, bounded cost."""

from __future__ import annotations

import gzip
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formats import read_cassette
from app.formats.base import RawCassette, ReadLimits

GOOD_YAML = (
    'interactions:\n- request:\n    body: \'{"a": "a long enough body"}\'\n'
    "    headers: {}\n    method: POST\n    uri: https://api.openai.com/v1/chat/completions\n"
    "  response:\n    body: {string: ok}\n    headers: {}\n    status: {code: 200, message: OK}\n"
    "version: 1\n"
)


def _billion_laughs(levels: int = 9) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def _failed(cassette: RawCassette, words: str) -> str:
    assert cassette.format == "unknown"
    assert cassette.interactions == ()
    assert len(cassette.errors) == 1
    message = cassette.errors[0].message
    assert "\n" not in message
    assert words in message
    return message


CASES = [
    ("empty", b"", "empty file"),
    ("blank", b"  \n\n\t\n", "empty file"),
    ("invalid-yaml", b"interactions:\n- request: [1, 2\n  response: x\n", "invalid YAML"),
    ("invalid-json", b'{"interactions": [1, 2,, 3]}', "invalid JSON"),
    ("truncated-yaml", GOOD_YAML.encode()[:60], "invalid YAML"),
    ("truncated-json", b'{"log": {"entries": [{"request": {"url": "https://x', "invalid JSON"),
    ("not-a-cassette", b"name: my-project\ndependencies:\n- fastapi\n", "not a cassette"),
    ("scalar", b"just some words\n", "not a cassette"),
    ("json-list", b"[1, 2, 3]", "not a cassette"),
    ("billion-laughs", _billion_laughs(), "aliases expand"),
    ("deep-flow", b"[" * 100_000, "nested deeper"),
    ("deep-block", b"- " * 100_000 + b"x\n", "nested deeper"),
    ("deep-mapping", b"{a: " * 50_000, "nested deeper"),
    ("deep-json", b"[" * 5_000 + b"]" * 5_000, "nested deeper"),
    ("deep-json-object", b'{"a": ' * 300 + b"1" + b"}" * 300, "nested deeper"),
    ("invalid-utf8", b"interactions:\n- request: \xff\xfe\xfa\n", "invalid YAML"),
    ("binary", bytes(range(256)) * 8, "invalid YAML"),
    ("broken-gzip", b"\x1f\x8b\x08\x00garbage", "damaged gzip"),
    ("truncated-gzip", gzip.compress(b"interactions: []\n" * 100)[:40], "damaged gzip"),
    ("gzip-bomb", gzip.compress(b"a" * 3_000_000), "beyond 1000000 bytes"),
]


@pytest.mark.parametrize(("data", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_one_error(data: bytes, words: str) -> None:
    started = time.perf_counter()
    _failed(read_cassette(data, "bad.yaml", ReadLimits(max_bytes=1_000_000)), words)
    assert time.perf_counter() - started < 5


def test_error_names_the_line() -> None:
    cassette = read_cassette(b"interactions:\n- request:\n    uri: 'unclosed\n", "bad.yaml")
    _failed(cassette, "invalid YAML")
    assert cassette.errors[0].line == 4


def test_json_error_names_the_line() -> None:
    cassette = read_cassette(b'{\n  "a": 1,\n  "b": ]\n}', "bad.json")
    _failed(cassette, "invalid JSON")
    assert cassette.errors[0].line == 3


def test_oversized_data_is_refused_before_parsing() -> None:
    data = GOOD_YAML.encode() + b"#" * 2_000
    message = _failed(read_cassette(data, "big.yaml", ReadLimits(max_bytes=1_000)), "limit")
    assert "1000-byte limit" in message


def test_limits_are_configurable() -> None:
    nested = b"a: " + b"[" * 30 + b"]" * 30 + b"\n"
    assert read_cassette(nested, "n.yaml").errors[0].message.startswith("not a cassette")
    _failed(read_cassette(nested, "n.yaml", ReadLimits(max_depth=20)), "deeper than 20")


def test_a_few_aliases_are_fine() -> None:
    data = GOOD_YAML.replace("headers: {}", "headers: &h {X-A: [b]}", 1)
    data = data.replace("    headers: {}\n    status", "    headers: *h\n    status")
    cassette = read_cassette(data.encode(), "a.yaml")
    assert cassette.errors == ()
    assert cassette.interactions[0].response.headers == (("X-A", "b"),)


def test_python_tags_are_never_executed(tmp_path: object) -> None:
    data = GOOD_YAML.replace(
        "body: {string: ok}", "body: {string: !!python/object/apply:os.system ['exit 3']}"
    )
    cassette = read_cassette(data.encode(), "evil.yaml")
    assert cassette.format == "vcrpy"
    assert cassette.interactions[0].response.body == b'["exit 3"]'


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    cassette = read_cassette(data, "fuzz")
    assert cassette.format != "unknown" or cassette.errors


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=len(GOOD_YAML) - 1))
def test_any_truncation_never_raises(cut: int) -> None:
    cassette = read_cassette(GOOD_YAML.encode()[:cut], "cut.yaml")
    assert cassette.errors or cassette.format == "vcrpy"
