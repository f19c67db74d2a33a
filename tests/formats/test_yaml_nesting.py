"""Nesting checks on YAML that holds many brackets: counted while composing, never skipped.

A cassette whose bodies are large JSON documents holds tens of thousands of `[` and `{`, all
inside quoted or block scalars. Such files are composed from parser events with the depth
counted (`yamldoc._compose_checked`) instead of by libyaml's recursive composer; these tests
show that this reads exactly what libyaml reads, and that real nesting is still refused however
many quoted brackets surround it.
"""

from __future__ import annotations

import json

import pytest
import yaml

from app.formats import read_cassette
from app.formats.base import ReadError, ReadLimits
from app.formats.yamldoc import _SAFE_FLOW_OPENS, CassetteLoader, _compose_checked, load_yaml

# A JSON body with more brackets than libyaml's composer is trusted with.
BODY = json.dumps({"messages": [{"role": "user", "content": [{"text": "hi"}]}] * 2_000})


def _vcrpy(body: str) -> bytes:
    """A vcrpy cassette with `body` as the request body, written by PyYAML as vcrpy does."""
    doc = {
        "interactions": [
            {
                "request": {
                    "body": body,
                    "headers": {"Content-Type": ["application/json"]},
                    "method": "POST",
                    "uri": "https://api.openai.com/v1/chat/completions",
                },
                "response": {
                    "body": {"string": '{"choices": [{"message": {"content": "ok"}}]}'},
                    "headers": {},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    return yaml.safe_dump(doc).encode()


def _libyaml(data: bytes) -> object:
    """What libyaml's own composer reads (safe here: these inputs nest only a few levels)."""
    loader = CassetteLoader(data)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _checked(data: bytes, max_depth: int = 200) -> object:
    loader = CassetteLoader(data)
    try:
        node = _compose_checked(loader, max_depth)
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


BRACKETS = "[{" * _SAFE_FLOW_OPENS

SAME_AS_LIBYAML = {
    "single-quoted JSON body": _vcrpy(BODY),
    "double-quoted brackets": f'a: "{BRACKETS}"\nb: [1, {{c: 2}}]\n'.encode(),
    "literal block scalar": f"a: |\n  {BRACKETS}\n  {BRACKETS}\nb: {{c: [d]}}\n".encode(),
    "folded block scalar": f"a: >-\n  {BRACKETS}\nb: 1\n".encode(),
    "comment": f"# {BRACKETS}\na: [1]\n".encode(),
    "plain scalar": f"a: x{BRACKETS}\n".encode(),
    "anchors and aliases": b"a: &x [1, {b: 2}]\nc: *x\nd: &y 2\ne: [*y, {f: *y}]\n",
    "tags": b"a: !binary aGVsbG8=\nb: !ruby/struct:X {c: 1}\nc: !!python/tuple [1, 2]\n",
    "scalars resolved by type": b"a: 1\nb: 1.5\nc: true\nd: null\ne: '1'\nf: 2001-12-14\n",
    "a flow document": b'{"a": [1, 2, {"b": "c"}], "d": {}}',
    "empty document": b"",
    "comment only": b"# nothing here\n",
}


@pytest.mark.parametrize("data", SAME_AS_LIBYAML.values(), ids=SAME_AS_LIBYAML.keys())
def test_counted_composition_reads_what_libyaml_reads(data: bytes) -> None:
    assert _checked(data) == _libyaml(data)


def test_a_self_reference_stays_one_node() -> None:
    value = _checked(b"a: &x [1, {b: *x}]\n")
    assert isinstance(value, dict)
    assert value["a"][1]["b"] is value["a"]


ERRORS = {
    "two documents": b"a: 1\n---\nb: 2\n",
    "undefined alias": b"a: *nowhere\n",
    "duplicate anchor": b"a: &x 1\nb: &x 2\n",
    "unclosed flow": b"a: [1, 2\nb: 3\n",
}


@pytest.mark.parametrize("data", ERRORS.values(), ids=ERRORS.keys())
def test_counted_composition_fails_as_libyaml_does(data: bytes) -> None:
    with pytest.raises(yaml.YAMLError) as ours:
        _checked(data)
    with pytest.raises(yaml.YAMLError) as theirs:
        _libyaml(data)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_a_cassette_with_large_json_bodies_reads_whole() -> None:
    data = _vcrpy(BODY)
    assert data.count(b"[") + data.count(b"{") > _SAFE_FLOW_OPENS
    cassette = read_cassette(data, "big.yaml")
    assert cassette.errors == ()
    assert cassette.format == "vcrpy"
    assert cassette.interactions[0].request.body == BODY.encode()


def test_real_nesting_among_quoted_brackets_is_refused_with_its_line() -> None:
    quoted = f"a: '{']' * (2 * _SAFE_FLOW_OPENS)}'\n"
    data = (quoted + "b: " + "[" * 300 + "]" * 300 + "\n").encode()
    with pytest.raises(ReadError, match="nested deeper than 200 levels") as err:
        load_yaml(data, ReadLimits())
    assert err.value.line == 2


def test_nesting_within_the_limit_among_quoted_brackets_reads() -> None:
    data = (f"a: '{BRACKETS}'\nb: " + "[" * 150 + "1" + "]" * 150 + "\n").encode()
    value = load_yaml(data, ReadLimits())
    assert value["a"] == BRACKETS
    inner = value["b"]
    for _ in range(149):
        inner = inner[0]
    assert inner == [1]


def test_block_nesting_is_counted_too() -> None:
    lines = [f"a: '{BRACKETS}'", "b:"] + [f"{'  ' * (i + 1)}k{i}:" for i in range(250)]
    data = ("\n".join(lines) + " leaf\n").encode()
    with pytest.raises(ReadError, match="nested deeper than 20 levels"):
        load_yaml(data, ReadLimits(max_depth=20))
