"""Decode fixtures and hand-made bodies the way the app does, for decoder unit tests."""

from __future__ import annotations

import json
from pathlib import Path

from app.apis import decode_interaction
from app.formats import read_cassette
from app.formats.base import RawInteraction, RawRequest, RawResponse
from app.model import Interaction


def decode_fixture(folder: Path, name: str) -> list[Interaction]:
    """Every interaction of `folder/name.yaml`, which must read without errors."""
    raw = read_cassette((folder / f"{name}.yaml").read_bytes(), name)
    assert not raw.errors
    return [decode_interaction(r) for r in raw.interactions]


def decode_body(
    body: bytes,
    request: dict[str, object] | None,
    url: str,
    content_type: str = "text/event-stream",
    status: int = 200,
    partial: bool = False,
) -> Interaction:
    """One exchange from a response body and a request object; `partial` drops the request
    line as response-only snapshots do."""
    raw = RawInteraction(
        index=0,
        request=RawRequest(
            "" if partial else "POST",
            "" if partial else url,
            (),
            json.dumps(request).encode() if request is not None else None,
        ),
        response=RawResponse(status, (("Content-Type", content_type),), body),
        partial=partial,
    )
    return decode_interaction(raw)
