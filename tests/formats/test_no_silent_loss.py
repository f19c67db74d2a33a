"""No silent loss, for every reader in the registry: unknown data is named, a cut is an error.

For each reader there is a way to add data it does not know to one of its fixtures, and a way
to cut the fixture off so that it still parses (a YAML list cut mid-interaction; for JSON
formats, whose cut files do not parse, an exchange whose response lost its status and body).
The first must give a warning naming what was not read; the second an error naming the
interaction, with the rest of the file still shown.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app.formats import READERS, read_cassette
from tests.formats.conftest import FIXTURES

Edit = Callable[[bytes], bytes]
WHOLE = -1  # a JSON file holding one response: cut anywhere, it no longer parses


def halve(data: bytes) -> bytes:
    return data[: len(data) // 2]


@dataclass(frozen=True)
class Case:
    fixture: str
    unknown: Edit  # adds data the reader does not read
    named: str  # the words the warning (or error) about it must contain
    cut: Edit  # cuts the file off inside an interaction
    cut_at: int  # the interaction the error must name; WHOLE: the file is one response


def replace(old: str, new: str) -> Edit:
    def edit(data: bytes) -> bytes:
        text = data.decode()
        assert old in text, f"{old!r} not in the fixture"
        return text.replace(old, new, 1).encode()

    return edit


def cut_before_last(marker: str) -> Edit:
    def edit(data: bytes) -> bytes:
        text = data.decode()
        return text[: text.rindex(marker)].encode()

    return edit


def json_edit(change: Callable[[Any], None]) -> Edit:
    def edit(data: bytes) -> bytes:
        doc = json.loads(data)
        change(doc)
        return json.dumps(doc).encode()

    return edit


def strip_response(*keys: str, path: Callable[[Any], Any]) -> Edit:
    """A JSON recording whose last response lost what tells that it was answered."""

    def change(doc: Any) -> None:
        for key in keys:
            path(doc).pop(key, None)

    return json_edit(change)


def add_key(path: Callable[[Any], Any]) -> Edit:
    return json_edit(lambda doc: path(doc).update(surprise=[1, 2]))


CASES: dict[str, Case] = {
    "httprr": Case(
        "httprr.httprr",
        lambda data: data + b"surprise trailing bytes\n",
        "not read",
        lambda data: data[:-20],
        1,
    ),
    "pasted": Case(
        "pasted.txt",
        replace("15 content_length: -1", "15 surprise: 1"),
        "response.surprise",
        cut_before_last("22 headers"),
        0,
    ),
    "sse-body": Case(
        "sse-body.sse",
        replace("event: ping\n", "event: ping\nsurprise: 1\n"),
        "'surprise'",
        lambda data: data[: data.rindex(b'"stop_reason"')],
        0,
    ),
    "stream-chunks": Case(
        "stream-chunks.chunks.txt",
        replace('"delta":"Hi "}\n', '"delta":"Hi "}\nsurprise\n'),
        "lines that are not JSON were left out: [4]",
        lambda data: data[: data.rindex(b'"usage"')],
        0,
    ),
    "stream-events": Case(
        "stream-events.json",
        json_edit(lambda doc: doc.insert(1, "surprise")),
        "items that are not events were left out: [1]",
        halve,
        WHOLE,
    ),
    "event-stream-body": Case(
        "event-stream-body.eventstream.base64.txt",
        lambda data: base64.b64encode(base64.b64decode(data) + b"surprise trailing bytes"),
        "was not read",
        lambda data: base64.b64encode(base64.b64decode(data)[:-10]),
        0,
    ),
    "go-vcr-v2": Case(
        "go-vcr-v2.yaml",
        replace("    uncompressed: true\n", "    uncompressed: true\n    surprise: 1\n"),
        "interaction 0: data not read in response.surprise",
        cut_before_last("    status:"),
        1,
    ),
    "go-vcr-v1": Case(
        "go-vcr-v1.yaml",
        replace("    form: {}\n", "    form: {}\n    surprise: 1\n"),
        "interaction 0: data not read in request.surprise",
        cut_before_last("    status:"),
        0,
    ),
    "vcrpy": Case(
        "vcrpy.yaml",
        replace("  response:\n", "  response:\n    surprise: 1\n"),
        "interaction 0: data not read in response.surprise",
        cut_before_last("    status:"),
        1,
    ),
    "websocket-log": Case(
        "websocket-log.yaml",
        replace("- kind: message\n", "- kind: message\n  surprise: 1\n"),
        "interaction 0: data not read in message 0.surprise",
        cut_before_last("  data: '"),
        0,
    ),
    "grpc-log": Case(
        "grpc-log.yaml",
        replace("  response_sample:\n", "  surprise: 1\n  response_sample:\n"),
        "interaction 0: data not read in surprise",
        cut_before_last("  response_sample:"),
        0,
    ),
    "genai-replay": Case(
        "genai-replay.json",
        add_key(lambda doc: doc["interactions"][0]["response"]),
        "interaction 0: data not read in response.surprise",
        strip_response(
            "status_code", "body_segments", path=lambda doc: doc["interactions"][-1]["response"]
        ),
        1,
    ),
    "ruby-vcr": Case(
        "ruby-vcr.yml",
        replace("    status:\n", "    surprise: 1\n    status:\n"),
        "interaction 0: data not read in response.surprise",
        cut_before_last("  recorded_at:"),
        1,
    ),
    "r-vcr": Case(
        "r-vcr.yml",
        replace("    status: 200\n", "    status: 200\n    surprise: 1\n"),
        "interaction 0: data not read in response.surprise",
        cut_before_last("  recorded_at:"),
        0,
    ),
    "betamax": Case(
        "betamax.json",
        add_key(lambda doc: doc["http_interactions"][0]["response"]),
        "interaction 0: data not read in response.surprise",
        strip_response("status", "body", path=lambda doc: doc["http_interactions"][-1]["response"]),
        0,
    ),
    "har": Case(
        "har.json",
        add_key(lambda doc: doc["log"]["entries"][0]["request"]),
        "interaction 0: data not read in request.surprise",
        strip_response("status", "content", path=lambda doc: doc["log"]["entries"][-1]["response"]),
        0,
    ),
    "vcrpy-split": Case(
        "vcrpy-split.yaml",
        replace("  method: POST\n", "  method: POST\n  surprise: 1\n"),
        "interaction 0: data not read in request.surprise",
        cut_before_last("  status:"),
        0,
    ),
    "azure-test-proxy": Case(
        "azure-test-proxy.json",
        add_key(lambda doc: doc["Entries"][0]),
        "interaction 0: data not read in surprise",
        strip_response("StatusCode", "ResponseBody", path=lambda doc: doc["Entries"][-1]),
        2,
    ),
    "nock-back": Case(
        "nock-back.json",
        add_key(lambda doc: doc[0]),
        "interaction 0: data not read in surprise",
        strip_response("status", "response", path=lambda doc: doc[-1]),
        1,
    ),
    "exvcr": Case(
        "exvcr.json",
        add_key(lambda doc: doc[0]["response"]),
        "interaction 0: data not read in response.surprise",
        strip_response("status_code", "body", path=lambda doc: doc[-1]["response"]),
        1,
    ),
    "llama-stack": Case(
        "llama-stack.json",
        add_key(lambda doc: doc["request"]),
        "interaction 0: data not read in request.surprise",
        strip_response("body", path=lambda doc: doc["response"]),
        0,
    ),
    "wiremock": Case(
        "wiremock.mappings.json",
        add_key(lambda doc: doc["mappings"][0]["response"]),
        "interaction 0: data not read in response.surprise",
        json_edit(lambda doc: doc["mappings"][-1].update(response={})),
        1,
    ),
    "dd-test-agent": Case(
        "dd-test-agent.json",
        add_key(lambda doc: doc["response"]),
        "interaction 0: data not read in response.surprise",
        strip_response("status", "body", path=lambda doc: doc["response"]),
        0,
    ),
    "response-snapshot": Case(
        "response-snapshot.json",
        add_key(lambda doc: doc),
        "surprise",
        halve,
        WHOLE,
    ),
    "response-body": Case(
        "response-body.json",
        add_key(lambda doc: doc),
        "surprise",
        halve,
        WHOLE,
    ),
}


def _messages(data: bytes, name: str) -> tuple[Any, str]:
    cassette = read_cassette(data, name)
    notes = [*cassette.errors, *cassette.warnings]
    bodies = [i.response.body or b"" for i in cassette.interactions]
    return cassette, " | ".join(n.message for n in notes) + " | " + b" ".join(bodies).decode(
        errors="replace"
    )


def test_every_reader_has_both_cases() -> None:
    assert sorted(CASES) == sorted(r.name for r in READERS)


@pytest.mark.parametrize("reader", sorted(CASES))
def test_unknown_data_is_named(reader: str) -> None:
    case = CASES[reader]
    original = read_cassette((FIXTURES / case.fixture).read_bytes(), case.fixture)
    assert "surprise" not in str(original.warnings)
    cassette, said = _messages(case.unknown((FIXTURES / case.fixture).read_bytes()), case.fixture)
    assert case.named in said
    assert len(cassette.interactions) >= 1


@pytest.mark.parametrize("reader", sorted(CASES))
def test_cut_off_interaction_is_an_error_and_the_rest_is_shown(reader: str) -> None:
    case = CASES[reader]
    data = case.cut((FIXTURES / case.fixture).read_bytes())
    cassette = read_cassette(data, case.fixture)
    assert cassette.errors, cassette
    if case.cut_at == WHOLE:
        assert "invalid JSON" in cassette.errors[0].message
        return
    assert all(e.message.startswith(f"interaction {case.cut_at}") for e in cassette.errors)
    assert cassette.format != "unknown"
    assert len(cassette.interactions) >= case.cut_at  # everything before the cut is shown
