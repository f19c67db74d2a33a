"""Message logs that are not plain HTTP: realtime WebSocket sessions and gRPC samples.

pydantic-ai records both with its vcrpy serializer. A WebSocket session becomes one
interaction whose frames are the messages in order. A gRPC sample keeps its request and
response as JSON bodies (so API decoders can look at them) and as two frames.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from app.formats.base import RawCassette, RawFrame, ReadContext
from app.formats.build import CassetteBuilder
from app.formats.fields import body_bytes, extra_keys, mapping, text

_TOP_KEYS = frozenset({"version", "interactions"})
_FRAME_KEYS = frozenset({"kind", "direction", "data"})
_SAMPLE_ITEM_KEYS = frozenset({"request_sample", "response_sample"})
_SAMPLE_KEYS = frozenset({"json", "raw"})
_DIRECTIONS = {"sent": "send", "send": "send", "received": "receive", "receive": "receive"}


def _items(doc: Any) -> list[Any] | None:
    items = doc.get("interactions") if isinstance(doc, dict) else None
    return items if isinstance(items, list) and items and isinstance(items[0], dict) else None


def _frame_data(value: Any) -> str:
    if isinstance(value, str):
        return value
    return (body_bytes(value) or b"").decode("utf-8", "replace")


class WebSocketLogReader:
    name = "websocket-log"

    def detect(self, doc: Any) -> bool:
        items = _items(doc)
        return items is not None and "direction" in items[0] and "request" not in items[0]

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        items = [item for item in doc["interactions"] if isinstance(item, dict)]
        frames = tuple(
            RawFrame(
                direction=_DIRECTIONS.get(text(item.get("direction")).lower(), "receive"),
                data=_frame_data(item.get("data")),
            )
            for item in items
        )
        out.add_frames(frames)
        out.unread(
            (
                k
                for n, item in enumerate(items)
                for k in extra_keys(f"message {n}", item, _FRAME_KEYS)
            ),
            "interaction 0",
        )
        if "data" not in items[-1]:
            out.error(f"interaction 0 is cut off: message {len(items) - 1} has no data")
        return out.result()


class GrpcLogReader:
    name = "grpc-log"

    def detect(self, doc: Any) -> bool:
        items = _items(doc)
        return items is not None and ("request_sample" in items[0] or "response_sample" in items[0])

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        for item in doc["interactions"]:
            item = mapping(item)
            request, response = (
                _sample(item.get("request_sample")),
                _sample(item.get("response_sample")),
            )
            frames = tuple(
                RawFrame(direction, body.decode("utf-8", "replace"))
                for direction, body in (("send", request), ("receive", response))
                if body is not None
            )
            out.add(
                request_body=request,
                response_body=response,
                frames=frames,
                partial=request is None or response is None,
                unread=[
                    *extra_keys("", item, _SAMPLE_ITEM_KEYS),
                    *extra_keys("request_sample", item.get("request_sample"), _SAMPLE_KEYS),
                    *extra_keys("response_sample", item.get("response_sample"), _SAMPLE_KEYS),
                ],
            )
        return out.result()


def _sample(sample: Any) -> bytes | None:
    """The JSON form of a sample; protobuf bytes alone are kept only as base64 text."""
    if not isinstance(sample, dict):
        return None
    if sample.get("json") is not None:
        return body_bytes(sample["json"])
    raw = sample.get("raw")
    if isinstance(raw, bytes):
        return orjson.dumps({"raw_base64": base64.b64encode(raw).decode()})
    return None


WEBSOCKET_LOG = WebSocketLogReader()
GRPC_LOG = GrpcLogReader()
