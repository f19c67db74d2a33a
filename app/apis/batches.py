"""Batch and file APIs: OpenAI `/v1/batches` and `/v1/files`, Anthropic `/v1/messages/batches`.

None of them is a conversation: each call creates, polls, lists, cancels or downloads, so each
becomes a one-line summary with what a reader checks first: the ids, the status and the
request counts, or how many JSONL lines an uploaded or downloaded file holds.
"""

from __future__ import annotations

import re
from typing import Any

from app.apis.base import Decoded, Exchange
from app.apis.chat_parts import api_error, as_str, dicts
from app.apis.native_parts import obj
from app.apis.openai_audio import form_fields

_OPENAI_BATCH = re.compile(r"/v1/batches(?:/([^/]+))?(?:/(cancel))?/?$")
_ANTHROPIC_BATCH = re.compile(r"/v1/messages/batches(?:/([^/]+))?(?:/(cancel|results))?/?$")
_FILES = re.compile(r"/v1/files(?:/([^/]+))?(?:/(content))?/?$")


class BatchesDecoder:
    name = "batches"

    def detect(self, ex: Exchange) -> bool:
        return any(p.search(ex.path) for p in (_ANTHROPIC_BATCH, _OPENAI_BATCH, _FILES))

    def decode(self, ex: Exchange) -> Decoded:
        anthropic = _ANTHROPIC_BATCH.search(ex.path)
        batch = anthropic or _OPENAI_BATCH.search(ex.path)
        provider = "anthropic" if anthropic else None
        out = Decoded(api="anthropic.batches" if anthropic else "openai.batches", provider=provider)
        if (ex.status or 0) >= 400:
            out.error = api_error(ex.response_json, ex.status)
        if batch is not None:
            out.summary = _batch(ex, batch.group(1), batch.group(2))
        else:
            out.api = "openai.files"
            files = _FILES.search(ex.path)
            out.summary = _file(ex, files.group(1) if files else None, files and files.group(2))
        if out.error is not None:  # the answer is the error, not a batch or file to describe
            out.summary = out.summary.split(":", 1)[0] + " -> error"
        return out


def _counts(doc: dict[str, Any]) -> str:
    counts = obj(doc.get("request_counts"))
    shown = [f"{v} {k}" for k, v in counts.items() if isinstance(v, int) and (v or k == "total")]
    return f" ({', '.join(shown)})" if shown else ""


def _one_batch(doc: dict[str, Any]) -> str:
    status = as_str(doc.get("status")) or as_str(doc.get("processing_status")) or "?"
    files = [
        f"{label} {doc[key]}"
        for key, label in (("input_file_id", "input"), ("output_file_id", "output"))
        if as_str(doc.get(key))
    ]
    listed = f", {', '.join(files)}" if files else ""
    return f"{doc.get('id', '?')} {status}{_counts(doc)}{listed}"


def _batch(ex: Exchange, batch_id: str | None, action: str | None) -> str:
    method = ex.raw.request.method.upper()
    req, doc = obj(ex.request_json), obj(ex.response_json)
    if action == "results":
        return f"batch {batch_id} results: {_jsonl_summary(ex.raw.response.body or b'')}"
    if batch_id is None and method == "GET":
        items = list(dicts(doc.get("data")))
        first = "".join(f"; {_one_batch(i)}" for i in items[:3])
        return f"batch list: {len(items)} batches{first}"
    if action == "cancel":
        return f"cancel batch: {_one_batch(doc)}"
    if batch_id is None:  # create
        requests = req.get("requests")
        sent = f" of {len(requests)} requests" if isinstance(requests, list) else ""
        endpoint = as_str(req.get("endpoint"))
        target = f" for {endpoint}" if endpoint else ""
        return f"create batch{sent}{target}: {_one_batch(doc)}"
    return f"batch status: {_one_batch(doc)}"


def _file(ex: Exchange, file_id: str | None, action: str | None) -> str:
    method = ex.raw.request.method.upper()
    doc = obj(ex.response_json)
    if action == "content":
        return f"file {file_id} content: {_jsonl_summary(ex.raw.response.body or b'')}"
    if method == "DELETE":
        return f"delete file {file_id}"
    if file_id is None and method == "GET":
        return f"file list: {len(list(dicts(doc.get('data'))))} files"
    if file_id is None:  # upload
        fields, filename = form_fields(ex.raw.request.body or b"")
        purpose = fields.get("purpose") or as_str(doc.get("purpose")) or "?"
        name = filename or as_str(doc.get("filename")) or "?"
        size = doc.get("bytes", "?")
        return f"upload file {name} ({purpose}) -> {doc.get('id', '?')}, {size} bytes"
    return f"file {file_id}: {doc.get('filename', '?')}, {doc.get('bytes', '?')} bytes"


def _jsonl_summary(body: bytes) -> str:
    lines = [ln for ln in body.splitlines() if ln.strip()]
    return f"{len(lines)} JSONL line{'' if len(lines) == 1 else 's'}"


DECODER = BatchesDecoder()
