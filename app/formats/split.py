"""Cassettes that keep requests and responses in two parallel lists (LangChain's `.yaml.gz`).

The n-th response answers the n-th request; the entries themselves use vcrpy's shapes.
"""

from __future__ import annotations

from typing import Any

from app.formats.base import RawCassette, ReadContext
from app.formats.build import WHOLE_EXCHANGE, CassetteBuilder
from app.formats.fields import extra_keys
from app.formats.vcrpy import add_vcrpy_pair

_TOP_KEYS = frozenset({"requests", "responses"})


def _mappings(value: Any) -> list[dict[str, Any]]:
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


class SplitListsReader:
    name = "vcrpy-split"

    def detect(self, doc: Any) -> bool:
        return (
            isinstance(doc, dict)
            and isinstance(doc.get("requests"), list)
            and isinstance(doc.get("responses"), list)
        )

    def read(self, doc: Any, ctx: ReadContext) -> RawCassette:
        out = CassetteBuilder(self.name, ctx, WHOLE_EXCHANGE)
        out.unread(extra_keys("", doc, _TOP_KEYS))
        requests, responses = _mappings(doc["requests"]), _mappings(doc["responses"])
        if len(requests) != len(responses):
            out.warn(
                f"{len(requests)} requests but {len(responses)} responses; extras are shown alone"
            )
        for n in range(max(len(requests), len(responses))):
            request = requests[n] if n < len(requests) else {}
            response = responses[n] if n < len(responses) else {}
            add_vcrpy_pair(out, request, response, partial=not request or not response)
        return out.result()


SPLIT_LISTS = SplitListsReader()
