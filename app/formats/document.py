"""Turn file bytes into one parsed document, once: JSON through orjson, anything else as YAML."""

from __future__ import annotations

import re
from typing import Any

import orjson

from app.formats.base import ReadError, ReadLimits
from app.formats.yamldoc import flow_depth_bound, load_yaml

_BOM = b"\xef\xbb\xbf"
_NON_SPACE = re.compile(rb"\S")


def parse_document(data: bytes, limits: ReadLimits) -> Any:
    data = data.removeprefix(_BOM)
    first = _NON_SPACE.search(data)
    if first is None or first[0] not in (b"{", b"["):
        return load_yaml(data, limits)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if flow_depth_bound(data, limits.max_depth) > limits.max_depth:
            raise ReadError(f"data nested deeper than {limits.max_depth} levels") from None
        json_error = ReadError(f"invalid JSON: {exc.msg}", exc.lineno)
    else:
        if flow_depth_bound(data, limits.max_depth) > limits.max_depth:
            _check_depth(doc, limits.max_depth)
        return doc
    # Not JSON, but perhaps YAML written in flow style; if not, the JSON error says more.
    try:
        return load_yaml(data, limits)
    except ReadError as exc:
        raise (json_error if str(exc).startswith("invalid YAML") else exc) from None


def _check_depth(doc: Any, max_depth: int) -> None:
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise ReadError(f"data nested deeper than {max_depth} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))


def describe(doc: Any) -> str:
    """A few words on what a non-cassette document is, for the error message."""
    if isinstance(doc, dict):
        keys = ", ".join(str(k) for k in list(doc)[:5])
        return f"a mapping with keys {keys}" if keys else "an empty mapping"
    if isinstance(doc, list):
        return f"a list of {len(doc)} items"
    return f"a single {type(doc).__name__} value"
