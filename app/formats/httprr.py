"""httprr traces (Go, used by langchaingo): raw HTTP/1.1 messages, length-prefixed.

Layout: the line `httprr trace v1`, then per exchange a line `<request bytes> <response bytes>`
followed by exactly that many bytes of request and of response, as written by Go's
`Request.Write` / `Response.Write` (so a body may still carry chunked transfer coding).
"""

from __future__ import annotations

import re
from typing import Any

from app.formats.base import RawCassette, ReadContext, ReadError
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import header
from app.model import Headers

MAGIC = b"httprr trace v1\n"
_SIZES = re.compile(rb"(\d+) (\d+)\n")
_LINE_BREAK = re.compile(rb"\r?\n")


def _split_message(raw: bytes) -> tuple[bytes, Headers, bytes]:
    """Start line, header pairs and body of one raw HTTP message."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, _, body = raw.partition(b"\n\n")
    lines = _LINE_BREAK.split(head)
    pairs: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            pairs.append((name.decode("latin-1").strip(), value.decode("utf-8", "replace").strip()))
    return lines[0], tuple(pairs), body


def _unchunk(body: bytes) -> bytes:
    """Undo chunked transfer coding; a damaged chunk list keeps what came before it."""
    out, pos = [], 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            break
        size_text = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(body[end + 2 : end + 2 + size])
        pos = end + 2 + size + 2
    return b"".join(out)


def _is_chunked(pairs: Headers) -> bool:
    return (header(pairs, "transfer-encoding") or "").lower() == "chunked"


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class HttprrReader:
    name = "httprr"

    def detect(self, doc: Any) -> bool:
        return isinstance(doc, bytes) and doc.startswith((MAGIC, MAGIC.replace(b"\n", b"\r\n")))

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        data: bytes = doc
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        pos = data.index(b"\n") + 1
        while pos < len(data):
            sizes = _SIZES.match(data, pos)
            index = len(out.interactions)
            if not sizes:
                problem = f"httprr: expected '<request bytes> <response bytes>' (exchange {index})"
                if not out.interactions:
                    raise ReadError(problem, _line_of(data, pos))
                out.error(f"{problem}; the rest of the file is not read", _line_of(data, pos))
                break
            req_len, resp_len = int(sizes[1]), int(sizes[2])
            start = sizes.end()
            if start + req_len + resp_len > len(data):
                problem = f"interaction {index} is cut off: the file ends inside the exchange"
                if not out.interactions:
                    raise ReadError(f"httprr: {problem}", _line_of(data, pos))
                out.error(problem, _line_of(data, pos))
                break
            request = data[start : start + req_len]
            response = data[start + req_len : start + req_len + resp_len]
            pos = start + req_len + resp_len
            self._add(out, request, response)
        return out.result()

    def _add(self, out: CassetteBuilder, request: bytes, response: bytes) -> None:
        req_line, req_headers, req_body = _split_message(request)
        resp_line, resp_headers, resp_body = _split_message(response)
        method, _, rest = req_line.decode("utf-8", "replace").partition(" ")
        url = (
            rest.rsplit(" ", 1)[0] if rest.endswith(("HTTP/1.1", "HTTP/1.0", "HTTP/2.0")) else rest
        )
        status_words = resp_line.split(b" ", 2)
        status = (
            int(status_words[1]) if len(status_words) > 1 and status_words[1].isdigit() else None
        )
        if url.startswith("/"):
            host = header(req_headers, "host") or ""
            scheme = "http" if host.startswith(("localhost", "127.0.0.1", "[::1]")) else "https"
            url = f"{scheme}://{host}{url}"
        if _is_chunked(req_headers):
            req_body = _unchunk(req_body)
        if _is_chunked(resp_headers):
            resp_body = _unchunk(resp_body)
        out.add(
            method=method,
            url=url,
            request_headers=req_headers,
            request_body=req_body or None,
            status=status,
            response_headers=resp_headers,
            response_body=resp_body or None,
        )


HTTPRR = HttprrReader()
