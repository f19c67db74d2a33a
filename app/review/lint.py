"""What should not be committed in a cassette: leaked secrets, unreadable files, failures, bulk.

Lint reads the RAW recording (app.formats), not the decoded interaction, because decoding masks
secrets and a masked value would hide exactly the leak lint exists to find. Every finding says
where the secret is and shows it only masked, so the report itself can be pasted anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from app import model, secrets
from app.apis.base import url_error
from app.formats import read_cassette
from app.formats.base import RawInteraction, ReadLimits
from app.index.scan import make_roots, walk
from app.loader import FileReadError, read_file_bytes
from app.model import Headers

Severity = Literal["error", "warning"]
FindingKind = Literal["secret", "unreadable", "failed", "oversized"]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024

_SIGV4_PART = re.compile(r"(Credential|Signature)=([^,\s]+)")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem; `where` says which header, parameter or body, never the secret itself."""

    path: str
    severity: Severity
    kind: FindingKind
    message: str
    interaction: int | None = None
    line: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Identity across revisions: interaction indexes shift when one is inserted."""
        return (self.kind, self.message)

    def to_json(self) -> Any:
        return model.to_json(self)


def _masked(value: str) -> str:
    if value.lower().startswith("bearer "):
        return value[:7] + secrets.mask_value(value[7:].strip())
    return secrets.mask_value(value)


def header_leaks(headers: Headers, side: str) -> Iterator[str]:
    for name, value in headers:
        if name.lower() == "authorization" and "AWS4-HMAC-SHA256" in value:
            for part, found in _SIGV4_PART.findall(value):
                # A Credential is `KEYID/date/region/service/aws4_request`: only the id is secret.
                secret = found.split("/", 1)[0] if part == "Credential" else found
                if not secrets.is_placeholder(secret):
                    yield f"{side} header {name}: SigV4 {part} is not masked ({_masked(secret)})"
        elif secrets.is_secret_header(name) and not secrets.is_placeholder(value):
            yield f"{side} header {name} is not masked ({_masked(value)})"


def url_leaks(url: str) -> Iterator[str]:
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return
    if password and not secrets.is_placeholder(password):
        yield f"URL password is not masked ({_masked(password)})"
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if secrets.is_secret_param(name) and not secrets.is_placeholder(value):
            yield f"URL query parameter {name} is not masked ({_masked(value)})"


def body_leaks(body: bytes | str | None, side: str) -> Iterator[str]:
    if not body:
        return
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    fields = secrets.field_secrets(text)
    for f in fields:
        yield f"{side} body field {f.name} is not masked ({_masked(f.value)})"
    in_fields = {f.value for f in fields}
    for key in secrets.leaked_keys(text):
        if not any(key in value for value in in_fields):  # one finding per secret
            yield f"{side} body holds a key ({secrets.mask_value(key)})"


def interaction_findings(path: str, raw: RawInteraction, max_body: int) -> Iterator[Finding]:
    req, resp = raw.request, raw.response
    leaks = [
        *url_leaks(req.url),
        *header_leaks(req.headers, "request"),
        *header_leaks(resp.headers, "response"),
        *body_leaks(req.body, "request"),
        *body_leaks(resp.body, "response"),
        *(leak for f in raw.frames for leak in body_leaks(f.data, f"{f.direction} frame")),
    ]
    for message in dict.fromkeys(leaks):  # one finding per distinct leak
        yield Finding(path, "error", "secret", message, raw.index)
    bad_url = url_error(req.url)
    if bad_url is not None:  # nor can its secrets be checked: the file must be looked at
        yield Finding(path, "error", "unreadable", bad_url, raw.index)
    if resp.status is not None and resp.status >= 400:
        yield Finding(path, "warning", "failed", f"HTTP {resp.status}", raw.index)
    for side, body in (("request", req.body), ("response", resp.body)):
        if body is not None and len(body) > max_body:
            size = f"{len(body) / 1024 / 1024:.1f} MB"
            yield Finding(path, "warning", "oversized", f"{side} body is {size}", raw.index)


def lint_bytes(
    data: bytes, path: str, max_body: int = DEFAULT_MAX_BODY_BYTES, limits: ReadLimits | None = None
) -> list[Finding]:
    raw = read_cassette(data, path, limits or ReadLimits())
    findings = [Finding(path, "error", "unreadable", n.message, line=n.line) for n in raw.errors]
    if raw.format == "unknown" and not findings:
        findings.append(Finding(path, "error", "unreadable", "not a cassette in a known format"))
    for it in raw.interactions:
        findings += interaction_findings(path, it, max_body)
    return findings


def lint_roots(
    roots: Sequence[Path], max_body: int = DEFAULT_MAX_BODY_BYTES, limits: ReadLimits | None = None
) -> list[Finding]:
    """Lint every cassette the index would see under ROOTS, named by their path as given."""
    limits = limits or ReadLimits()
    findings: list[Finding] = []
    for root in roots:
        for found in walk(make_roots([root])):
            shown = str(root / found.path) if root.is_dir() else str(root)
            if found.error is not None:
                findings.append(Finding(shown, "error", "unreadable", found.error))
                continue
            try:
                data = read_file_bytes(Path(found.abspath), limits)
            except FileReadError as exc:
                findings.append(Finding(shown, "error", "unreadable", str(exc)))
                continue
            findings += lint_bytes(data, shown, max_body, limits)
    return findings


def is_blocking(finding: Finding) -> bool:
    """Secrets and unreadable files fail lint; failures and size are for the reader to judge."""
    return finding.kind in ("secret", "unreadable")


__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Finding",
    "is_blocking",
    "lint_bytes",
    "lint_roots",
]
