"""Small conversions every reader needs: bodies to bytes, headers to pairs, Go durations to ms.

Recorders disagree on how they write the same thing (headers as lists, scalars or name/value
objects; bodies as text, base64, bytes or parsed JSON), so each shape is normalised here once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import brotli
import orjson

from app.formats.base import ReadError, ReadLimits
from app.model import Headers

GZIP_MAGIC = b"\x1f\x8b"

_GO_UNITS = {
    "ns": 1e-6,
    "us": 1e-3,
    "µs": 1e-3,
    "μs": 1e-3,
    "ms": 1.0,
    "s": 1e3,
    "m": 6e4,
    "h": 3.6e6,
}
_GO_DURATION = re.compile(r"([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)")


class BudgetExceeded(ReadError):
    """The file as a whole expands past `ReadLimits.max_expanded_bytes`: a file error, not a
    body kept as recorded, so reading stops at once."""


@dataclass
class _Budget:
    limit: int
    remaining: int


_BUDGET: ContextVar[_Budget | None] = ContextVar("tapedeck_expansion_budget", default=None)


@contextmanager
def expansion_budget(limit: int) -> Iterator[None]:
    """Every body decoded inside this block (one file's read) draws on one budget of bytes."""
    token = _BUDGET.set(_Budget(limit, limit))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _allowance(limit: int) -> int:
    budget = _BUDGET.get()
    return limit if budget is None else max(0, min(limit, budget.remaining))


def spend(n: int) -> None:
    """Charge `n` expanded bytes to the current file; BudgetExceeded once it is spent."""
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.remaining -= n
    if budget.remaining < 0:
        raise BudgetExceeded(
            f"the file's bodies expand to more than {budget.limit:,} bytes in total "
            "(compressed, base64 or aliased); raise --max-size to read it"
        )


def text(value: Any) -> str:
    """A scalar as text: bytes as UTF-8 (lenient), timestamps as written, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dt.datetime | dt.date):
        return str(value)
    return str(value)


def mapping(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one: damaged entries read as empty."""
    return value if isinstance(value, dict) else {}


def optional_text(value: Any) -> str | None:
    return None if value is None else text(value)


def body_bytes(value: Any) -> bytes | None:
    """A recorded body in any of its stored shapes; structured data is re-serialised as JSON."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    try:
        return orjson.dumps(value, default=text)
    except (TypeError, orjson.JSONEncodeError):
        return text(value).encode()


def unbase64(value: Any) -> bytes:
    """Base64 text (line breaks allowed) as bytes; raises ReadError when it is not base64."""
    if isinstance(value, bytes):
        return value
    try:
        decoded = base64.b64decode("".join(text(value).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ReadError("a body marked base64 is not valid base64") from None
    spend(len(decoded))
    return decoded


def headers(value: Any) -> Headers:
    """Headers from a mapping of lists or scalars, or a list of {name, value} / [name, value]."""
    pairs: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for name, values in value.items():
            if isinstance(values, list):
                pairs.extend((text(name), text(v)) for v in values)
            else:
                pairs.append((text(name), text(values)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "name" in item:
                pairs.append((text(item["name"]), text(item.get("value"))))
            elif isinstance(item, list | tuple) and len(item) == 2:
                pairs.append((text(item[0]), text(item[1])))
    return tuple(pairs)


def header(pairs: Headers, name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in pairs if k.lower() == lowered), None)


def status_code(value: Any) -> int | None:
    """200, '200', '200 OK', {code: 200} or webmockr's {status_code: 200} -> 200."""
    if isinstance(value, dict):
        value = value.get("code", value.get("status_code"))
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        head = value.strip().split(" ", 1)[0]
        return int(head) if head.isdigit() else None
    return None


def go_duration_ms(value: Any) -> float | None:
    """A Go duration ('1.49s', '350ms', '1m2.5s'); a bare number counts nanoseconds."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) / 1e6
    raw = text(value).strip()
    sign = -1.0 if raw.startswith("-") else 1.0
    raw = raw.lstrip("+-")
    parts = _GO_DURATION.findall(raw)
    if not parts or "".join(n + u for n, u in parts) != raw:
        return None
    return sign * sum(float(n) * _GO_UNITS[u] for n, u in parts)


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value >= 0:
        return float(value)
    return None


def _bounded(out_len: int, limit: int, allowed: int) -> None:
    """Charge what was inflated; past the file's budget that is a file error, past one body's
    limit the body is kept as recorded (and its cost still counts, so ten bombs cost one)."""
    if out_len > allowed:
        spend(allowed + 1)
        if allowed < limit:
            spend(1 << 62)  # the file's budget ran out: say so, whatever is left
        raise ReadError(f"data expands beyond {limit} bytes")
    spend(out_len)


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    allowed = _allowance(limit)
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(data, allowed + 1)
    _bounded(len(out), limit, allowed)
    if not inflater.eof:
        raise zlib.error("compressed stream is truncated")
    return out


def _unbrotli(data: bytes, limit: int) -> bytes:
    allowed = _allowance(limit)
    decompressor = brotli.Decompressor()
    out: bytes = decompressor.process(data, output_buffer_limit=allowed + 1)
    _bounded(len(out), limit, allowed)
    if not decompressor.is_finished():
        raise ReadError("brotli stream is incomplete")
    return out


def gunzip(data: bytes, limits: ReadLimits) -> bytes:
    """Whole-file gzip, bounded so a small bomb cannot fill memory."""
    try:
        return _inflate(data, 16 + zlib.MAX_WBITS, limits.max_bytes)
    except zlib.error as exc:
        raise ReadError(f"damaged gzip data: {exc}") from None


def _looks_plain(body: bytes) -> bool:
    """A body a recorder already decoded (it kept the Content-Encoding header anyway)."""
    try:
        body[:4096].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > 4090  # a multi-byte character cut at the probe's end
    return True


def decode_content(
    body: bytes | None, pairs: Headers, limits: ReadLimits
) -> tuple[bytes | None, str | None]:
    """Undo Content-Encoding; on failure keep the bytes and say why (second item)."""
    if not body:
        return body, None
    codings = [c.strip().lower() for c in (header(pairs, "content-encoding") or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if body.startswith(GZIP_MAGIC) and "gzip" not in codings:
        codings.append("gzip")
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                if not body.startswith(GZIP_MAGIC):
                    continue
                body = _inflate(body, 16 + zlib.MAX_WBITS, limits.max_bytes)
            elif coding == "deflate":
                body = _deflate(body, limits.max_bytes)
            elif coding == "br":
                body = _unbrotli(body, limits.max_bytes)
            elif not _looks_plain(body):
                return body, f"body kept as recorded: Content-Encoding {coding} is not supported"
        except BudgetExceeded:
            raise
        except (ReadError, zlib.error, brotli.error) as exc:
            if _looks_plain(body):
                continue
            return body, f"body kept as recorded: could not undo Content-Encoding {coding}: {exc}"
    return body, None


def _deflate(body: bytes, limit: int) -> bytes:
    try:
        return _inflate(body, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS, limit)


def extra_keys(where: str, value: Any, known: frozenset[str]) -> list[str]:
    """Keys of a mapping that its reader does not know, named `where.key` for the warning."""
    if not isinstance(value, dict):
        return []
    return [f"{where}.{k}" if where else text(k) for k in value if k not in known]
