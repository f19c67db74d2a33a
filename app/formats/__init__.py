"""Cassette readers and the registry that picks one by content, never by file name.

`read_cassette` parses a file once and asks each reader in turn whether the document is
theirs. Values of `RawCassette.format`:

- `go-vcr-v1`, `go-vcr-v2`: dnaeon/go-vcr (`version`, `interactions[].request/response`)
- `vcrpy`: vcrpy / pytest-recording, YAML or JSON, including `parsed_body` serializers
- `ruby-vcr`: Ruby VCR (`http_interactions`, `recorded_with: VCR ...`, old `!ruby/struct` files)
- `r-vcr`: R's vcr package (same layout as Ruby VCR, scalar headers and numeric status)
- `betamax`: Python betamax (same layout as Ruby VCR, JSON, `recorded_with: betamax/...`)
- `har`: HTTP Archive 1.2, JSON or YAML (`log.entries[]`)
- `httprr`: Go httprr traces (`httprr trace v1` then length-prefixed raw HTTP)
- `vcrpy-split`: parallel `requests:` / `responses:` lists (LangChain `.yaml.gz` cassettes)
- `dd-test-agent`: Datadog test-agent JSON snapshots, one interaction per file
- `response-snapshot`: `{status, headers, body}` of a response alone (partial)
- `response-body`: a bare LLM API response body saved as JSON (partial)
- `websocket-log`: recorded WebSocket messages (one interaction, messages as frames)
- `grpc-log`: recorded gRPC request/response samples (frames plus JSON bodies)
- `azure-test-proxy`: Azure SDK test-proxy recordings (`Entries[]` of `RequestUri`, `StatusCode`...)
- `llama-stack`: llama-stack recorded inference, one `{request, response}` per file
- `nock-back`: nock back fixtures (Node.js), a JSON array of `scope`/`path`/`status`/`response`
- `exvcr`: ExVCR cassettes (Elixir), bodies possibly an Erlang term around gzip
- `genai-replay`: google-genai SDK replays (`{MLDEV_URL_PREFIX}` URLs, `body_segments`)
- `wiremock`: WireMock stub mappings, one stub or `{mappings: [...]}`
- `sse-body`, `stream-chunks`, `stream-events`, `event-stream-body`: a streamed answer alone
  (raw SSE, one JSON per line, a JSON array of events, AWS event-stream raw or as base64),
  partial, its API guessed from the events
- `unknown`: nothing could read the file; `errors` says why

A pasted cassette (copied from a viewer with line numbers) is repaired first and then read as
the format it really is, with a warning saying so.
"""

from __future__ import annotations

import re
from dataclasses import replace

from app.formats.base import BesideReader, RawCassette, ReadContext, Reader, ReadError, ReadLimits
from app.formats.ddagent import DD_TEST_AGENT
from app.formats.document import describe, parse_document
from app.formats.exvcr import EXVCR
from app.formats.fields import GZIP_MAGIC, expansion_budget, gunzip
from app.formats.genai import GENAI_REPLAY
from app.formats.govcr import GO_VCR_V1, GO_VCR_V2
from app.formats.har import HAR
from app.formats.httprr import HTTPRR
from app.formats.llamastack import LLAMA_STACK
from app.formats.messagelog import GRPC_LOG, WEBSOCKET_LOG
from app.formats.nock import NOCK_BACK
from app.formats.pasted import PASTED
from app.formats.rubyvcr import BETAMAX, R_VCR, RUBY_VCR
from app.formats.snapshot import RESPONSE_BODY, RESPONSE_SNAPSHOT
from app.formats.split import SPLIT_LISTS
from app.formats.streamonly import EVENT_STREAM, SSE_BODY, STREAM_CHUNKS, STREAM_EVENTS
from app.formats.testproxy import TEST_PROXY
from app.formats.vcrpy import VCRPY
from app.formats.wiremock import WIREMOCK
from app.model import Note

_BLANK = re.compile(rb"\s*")

# Readers that recognise raw bytes, tried before any parsing.
BYTE_READERS: tuple[Reader, ...] = (HTTPRR, PASTED, SSE_BODY, STREAM_CHUNKS, EVENT_STREAM)

# Readers of a parsed JSON/YAML document (parsed once, shared by all), most specific first:
# WireMock stubs before dd-test-agent, whose `{request, response}` shape a stub can share.
DOC_READERS: tuple[Reader, ...] = (
    GO_VCR_V2,
    GO_VCR_V1,
    VCRPY,
    WEBSOCKET_LOG,
    GRPC_LOG,
    GENAI_REPLAY,
    RUBY_VCR,
    R_VCR,
    BETAMAX,
    HAR,
    SPLIT_LISTS,
    TEST_PROXY,
    NOCK_BACK,
    EXVCR,
    LLAMA_STACK,
    WIREMOCK,
    DD_TEST_AGENT,
    RESPONSE_SNAPSHOT,
    STREAM_EVENTS,
    RESPONSE_BODY,
)

READERS: tuple[Reader, ...] = BYTE_READERS + DOC_READERS


def _failed(message: str, line: int | None = None) -> RawCassette:
    """Errors are shown on one line next to the file name, so whitespace runs are collapsed."""
    return RawCassette(format="unknown", errors=(Note(" ".join(message.split()), line),))


def _read(data: bytes, ctx: ReadContext) -> RawCassette:
    limit = ctx.limits.max_bytes
    if len(data) > limit:
        raise ReadError(f"file is {len(data)} bytes, over the {limit}-byte limit")
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data, ctx.limits)
    if _BLANK.fullmatch(data):
        raise ReadError("empty file")
    for reader in BYTE_READERS:
        if reader.detect(data):
            return reader.read(data, ctx)
    doc = parse_document(data, ctx.limits)
    for reader in DOC_READERS:
        if reader.detect(doc):
            return reader.read(doc, ctx)
    raise ReadError(f"not a cassette: the file holds {describe(doc)}")


def read_cassette(
    data: bytes,
    name: str,
    limits: ReadLimits = ReadLimits(),  # noqa: B008
    beside: BesideReader | None = None,
) -> RawCassette:
    """Read any supported cassette; never raises, a bad file gives format "unknown" and errors.
    `beside` opens files the cassette names next to it (only when it was read from disk)."""
    try:
        with expansion_budget(limits.max_expanded_bytes):
            return _read(data, ReadContext(name, limits, beside))
    except ReadError as exc:
        return _failed(str(exc), exc.line)
    except MemoryError:
        return _failed("file needs more memory than is available to read")
    except RecursionError:
        return _failed(f"data nested deeper than {limits.max_depth} levels")
    except Exception as exc:  # a reader bug must not take the caller down with it
        return _failed(f"could not read the file: {type(exc).__name__}: {exc}")


def with_warning(cassette: RawCassette, note: Note) -> RawCassette:
    return replace(cassette, warnings=(note, *cassette.warnings))


__all__ = [
    "BYTE_READERS",
    "DOC_READERS",
    "READERS",
    "RawCassette",
    "ReadLimits",
    "read_cassette",
    "with_warning",
]
