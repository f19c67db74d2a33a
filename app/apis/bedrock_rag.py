"""Bedrock Knowledge Bases `retrieveAndGenerate` and `retrieveAndGenerateStream`
(bedrock-agent-runtime): a question answered from retrieved documents.

The question is the user turn and the generated answer the assistant turn; the documents it
cites become the message's `Sources:` line (see `citations`), so a reader sees where the
answer came from. The contract has no name for this API; Tapedeck calls it
`bedrock.retrieve_and_generate` (README, "Decisions the contract leaves open").
"""

from __future__ import annotations

from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import as_dict, as_str, dicts
from app.apis.citations import citation_parts
from app.apis.native_parts import loads, obj, stream_frames
from app.model import ApiError, Chunk, ChunkKind, Message, Part, TextPart


class RetrieveAndGenerateDecoder:
    name = "bedrock.retrieve_and_generate"

    def detect(self, ex: Exchange) -> bool:
        return "bedrock-agent-runtime" in ex.host and ex.path.rstrip("/").endswith(
            ("/retrieveAndGenerate", "/retrieveAndGenerateStream")
        )

    def decode(self, ex: Exchange) -> Decoded:
        req = obj(ex.request_json)
        d = Decoded(api=self.name, provider="bedrock", model=_model(req))
        question = as_str(as_dict(req.get("input")).get("text"))
        d.messages = [Message("user", (TextPart(question),))] if question else []
        if (ex.status or 0) >= 400:
            message = obj(ex.response_json).get("message")
            d.error = ApiError(f"http_{ex.status}", str(message or ex.response_text))
            return d
        if ex.path.rstrip("/").endswith("Stream"):
            d.streaming = True
            text, citations = _stream(ex, d)
        else:
            doc = obj(ex.response_json)
            text = str(as_dict(doc.get("output")).get("text") or "")
            citations = list(dicts(doc.get("citations")))
        parts: list[Part] = [TextPart(text)]
        parts.extend(citation_parts([_source(ref) for c in citations for ref in _references(c)]))
        d.response = Message("assistant", tuple(parts))
        return d


def _model(req: dict[str, Any]) -> str | None:
    """The generating model's ARN (or id) sits in whichever source configuration is used."""
    config = as_dict(req.get("retrieveAndGenerateConfiguration"))
    for key in ("knowledgeBaseConfiguration", "externalSourcesConfiguration"):
        arn = as_str(as_dict(config.get(key)).get("modelArn"))
        if arn is not None:
            return arn.rsplit("/", 1)[-1]
    return None


def _stream(ex: Exchange, d: Decoded) -> tuple[str, list[dict[str, Any]]]:
    text: list[str] = []
    citations: list[dict[str, Any]] = []
    for seq, fr in enumerate(stream_frames(ex, "aws-eventstream", d)):
        headers = dict(fr.headers)
        payload = obj(loads(fr.data))
        kind: ChunkKind = "other"
        if headers.get(":message-type") in ("exception", "error"):
            name = headers.get(":exception-type") or headers.get(":error-code") or "error"
            d.error, kind = ApiError(name, str(payload.get("message") or fr.data)), "error"
        elif fr.event == "output" and isinstance(payload.get("text"), str):
            text.append(payload["text"])
            kind = "text"
        elif fr.event == "citation":  # the citation, nested or (newer SDKs) at the top level
            citations.append(as_dict(payload.get("citation")) or payload)
        d.chunks.append(Chunk(seq, fr.event, fr.data, kind))
    return "".join(text), citations


def _references(citation: dict[str, Any]) -> list[dict[str, Any]]:
    return list(dicts(citation.get("retrievedReferences")))


def _source(reference: dict[str, Any]) -> dict[str, Any]:
    """A retrieved document as a citation `sources_part` reads: its location as the url."""
    for place in as_dict(reference.get("location")).values():
        url = as_dict(place).get("uri") or as_dict(place).get("url")
        if isinstance(url, str) and url:
            return {"url": url}
    return {"cited_text": as_dict(reference.get("content")).get("text")}


DECODER = RetrieveAndGenerateDecoder()
