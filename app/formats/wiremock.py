"""WireMock stub mappings: one `{request, response}` stub per file, or `{mappings: [...]}`.

A stub describes what to match, not one recorded exchange: the request has `method`, one of
`url` / `urlPath` / `urlPattern` / `urlPathPattern` (a path, no host) and `bodyPatterns`; the
request body is known only when a pattern is an exact `equalToJson` / `equalTo`. The response
body is `body` (text), `jsonBody` (data), `base64Body`, or `bodyFileName`, a file under
`__files/`, which sits beside `mappings/` in WireMock's layout. That file is read through the
loader (`ctx.beside`), only inside the indexed roots: a name that is absolute or climbs out
with `..` is refused by the reader, a symlink out of the roots by the loader; either way, and
when the file is missing, a warning names it. A missing status means 200, as in WireMock.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from app.formats.base import BesideError, BesideMissing, RawCassette, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.fields import (
    body_bytes,
    extra_keys,
    mapping,
    spend,
    status_code,
    text,
    unbase64,
)
from app.model import Headers

_URL_KEYS = ("url", "urlPath", "urlPattern", "urlPathPattern")
_STUB_KEYS = frozenset(
    {"id", "uuid", "name", "request", "response", "persistent", "insertionIndex", "priority"}
    | {"scenarioName", "requiredScenarioState", "newScenarioState", "metadata"}
)
_REQUEST_KEYS = frozenset({"method", "headers", "bodyPatterns", "queryParameters", *_URL_KEYS})
_RESPONSE_KEYS = frozenset(
    {"status", "statusMessage", "headers", "body", "jsonBody", "base64Body", "bodyFileName"}
    | {"fixedDelayMilliseconds", "transformers", "transformerParameters"}
)
_EXACT = ("equalToJson", "equalTo", "binaryEqualTo")
_STUB_ONLY = _STUB_KEYS - {"request", "response"}


def _stubs(doc: Any) -> list[Any] | None:
    if isinstance(doc, dict) and isinstance(doc.get("mappings"), list):
        return list(doc["mappings"])
    if _is_stub(doc):
        return [doc]
    return None


def _is_stub(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    request, response = doc.get("request"), doc.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return False
    if set(doc) & _STUB_ONLY or set(response) & {"jsonBody", "bodyFileName", "base64Body"}:
        return True  # keys only WireMock writes
    if set(request) & {"urlPath", "urlPattern", "urlPathPattern", "bodyPatterns"}:
        return True
    return text(request.get("url")).startswith("/")  # a path: stubs never name the host


def _exact(matchers: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """`{name: {equalTo: value}}` matchers as (name, value) pairs, and the names matched by a
    pattern only (`contains`, `matches`...), which say nothing certain about the value sent."""
    pairs, patterns = [], []
    for name, matcher in mapping(matchers).items():
        value = matcher.get("equalTo") if isinstance(matcher, dict) else matcher
        if value is None:
            patterns.append(text(name))
        else:
            pairs.append((text(name), text(value)))
    return pairs, patterns


def _url(request: dict[str, Any], query: list[tuple[str, str]]) -> str:
    url = next((text(request[k]) for k in _URL_KEYS if request.get(k)), "")
    if not query:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(query)


def _response_headers(value: Any) -> Headers:
    pairs: list[tuple[str, str]] = []
    for name, values in mapping(value).items():
        for v in values if isinstance(values, list) else [values]:
            pairs.append((text(name), text(v)))
    return tuple(pairs)


def _request_body(patterns: Any) -> bytes | None:
    for pattern in patterns if isinstance(patterns, list) else []:
        for key in _EXACT:
            if isinstance(pattern, dict) and pattern.get(key) is not None:
                value = pattern[key]
                return unbase64(value) if key == "binaryEqualTo" else body_bytes(value)
    return None


def _response_body(response: dict[str, Any]) -> bytes | None:
    if response.get("jsonBody") is not None:
        return body_bytes(response["jsonBody"])
    if response.get("base64Body") is not None:
        return unbase64(response["base64Body"])
    return body_bytes(response.get("body"))


# `__files/` beside `mappings/` (WireMock's root layout), then beside the mapping itself.
_FILES_FOLDERS = ("../__files", "__files")
_DRIVE = re.compile(r"^[A-Za-z]:")


def _body_file(name: str, ctx: ReadContext) -> tuple[bytes | None, str | None]:
    """The body kept in `__files/NAME`, or None and why it was not read."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or path.is_absolute() or _DRIVE.match(name) or ".." in path.parts:
        return None, f"the response body file {name!r} is outside __files/: refused"
    if ctx.beside is None:
        return None, f"the response body is in the file {name!r} beside the mapping, not read"
    for folder in _FILES_FOLDERS:
        try:
            data = ctx.beside(f"{folder}/{path}")
        except BesideMissing:
            continue
        except BesideError as exc:
            return None, f"the response body file {name!r} was not read: {exc}"
        spend(len(data))  # one budget per cassette, its body files included
        return data, None
    return None, f"the response body file {name!r} is missing from __files/"


class WireMockReader:
    name = "wiremock"

    def detect(self, doc: Any) -> bool:
        return _stubs(doc) is not None

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, frozenset({"url"}))
        if isinstance(doc, dict) and "mappings" in doc:
            out.unread(extra_keys("", doc, frozenset({"mappings", "meta"})))
        for stub in _stubs(doc) or []:
            stub = mapping(stub)
            request, response = mapping(stub.get("request")), mapping(stub.get("response"))
            index = len(out.interactions)
            patterns = request.get("bodyPatterns")
            body = _request_body(patterns)
            if body is None and patterns:
                out.warn(f"interaction {index}: the request body is matched by a pattern only")
            response_body = _response_body(response)
            if response.get("bodyFileName") is not None and response_body is None:
                response_body, problem = _body_file(text(response["bodyFileName"]), ctx)
                if problem:
                    out.warn(f"interaction {index}: {problem}")
            status = response.get("status", 200 if response else None)
            request_headers, header_patterns = _exact(request.get("headers"))
            query, query_patterns = _exact(request.get("queryParameters"))
            for kind, names in (("header", header_patterns), ("query parameter", query_patterns)):
                if names:
                    out.warn(
                        f"interaction {index}: request {kind}s matched by a pattern only: {names}"
                    )
            out.add(
                method=text(request.get("method") or "ANY"),
                url=_url(request, query),
                request_headers=tuple(request_headers),
                request_body=body,
                status=status_code(status),
                response_headers=_response_headers(response.get("headers")),
                response_body=response_body,
                id=text(stub.get("id") or stub.get("uuid")) or None,
                unread=[
                    *extra_keys("", stub, _STUB_KEYS),
                    *extra_keys("request", request, _REQUEST_KEYS),
                    *extra_keys("response", response, _RESPONSE_KEYS),
                ],
            )
        return out.result()


WIREMOCK = WireMockReader()
