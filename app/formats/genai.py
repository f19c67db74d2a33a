"""google-genai SDK replay files (Python and JS SDK test suites).

`{replay_id, interactions: [{request, response}]}`: the request has `method`, a templated
`url` (`{MLDEV_URL_PREFIX}/models/...:generateContent`), `headers` and `body_segments`; the
response has `status_code` (200 when left out, as in the SDK's model), `headers`,
`body_segments` (one per streamed chunk), `byte_segments` (raw bytes the SDK cut to their
first 100 bytes, written as text) and `sdk_response_segments` (the SDK's own parse of the
same answer, not needed again). Templates become the real base URLs so the Gemini decoder
knows the call.
"""

from __future__ import annotations

import re
from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.eventshape import StreamShape, frame_events
from app.formats.fields import body_bytes, extra_keys, headers, mapping, status_code, text

_PREFIXES = {
    "{MLDEV_URL_PREFIX}": "https://generativelanguage.googleapis.com/v1beta",
    "{VERTEX_URL_PREFIX}": (
        "https://LOCATION-aiplatform.googleapis.com/v1beta1/projects/PROJECT/locations/LOCATION"
    ),
}
_TEMPLATE = re.compile(r"\{[A-Z_]+\}")
_TOP_KEYS = frozenset({"replay_id", "interactions"})
_ITEM_KEYS = frozenset({"request", "response"})
_REQUEST_KEYS = frozenset({"method", "url", "headers", "body_segments"})
_RESPONSE_KEYS = frozenset(
    {"status_code", "headers", "body_segments", "byte_segments", "sdk_response_segments"}
)
_SSE = StreamShape("Gemini", "", "sse")


def _url(template: str) -> str:
    for name, base in _PREFIXES.items():
        template = template.replace(name, base)
    return template


def _segments(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _response_body(response: dict[str, Any], url: str, out: CassetteBuilder) -> bytes | None:
    segments = _segments(response.get("body_segments"))
    if len(segments) > 1 or (segments and "streamGenerateContent" in url):
        return frame_events(segments, _SSE)
    if segments:
        return body_bytes(segments[0])
    chunks = _segments(response.get("byte_segments"))
    if not chunks:
        return None
    out.warn(
        f"interaction {len(out.interactions)}: a byte body, of which the recorder kept "
        "only the start of each segment"
    )
    return b"".join(body_bytes(c) or b"" for c in chunks)


def _status(response: dict[str, Any]) -> int | None:
    if "status_code" in response or not response.get("body_segments"):
        return status_code(response.get("status_code"))
    return 200


class GenaiReplayReader:
    name = "genai-replay"

    def detect(self, doc: Any) -> bool:
        if not isinstance(doc, dict) or not isinstance(doc.get("interactions"), list):
            return False
        items = doc["interactions"]
        if not items:
            return "replay_id" in doc
        first = items[0].get("request") if isinstance(items[0], dict) else None
        return isinstance(first, dict) and "body_segments" in first

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        for item in doc["interactions"]:
            item = mapping(item)
            request = mapping(item.get("request"))
            response = mapping(item.get("response"))
            url = _url(text(request.get("url")))
            leftover = _TEMPLATE.findall(url)
            if leftover:
                out.warn(f"interaction {len(out.interactions)}: URL keeps templates {leftover}")
            body = _segments(request.get("body_segments"))
            out.add(
                method=text(request.get("method")),
                url=url,
                request_headers=headers(request.get("headers")),
                request_body=body_bytes(body[0]) if len(body) == 1 else body_bytes(body or None),
                status=_status(response),
                response_headers=headers(response.get("headers")),
                response_body=_response_body(response, url, out),
                unread=[
                    *extra_keys("", item, _ITEM_KEYS),
                    *extra_keys("request", request, _REQUEST_KEYS),
                    *extra_keys("response", response, _RESPONSE_KEYS),
                ],
            )
        return out.result()


GENAI_REPLAY = GenaiReplayReader()
